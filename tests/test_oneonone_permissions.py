"""Who may do what in a 1:1, as a matrix: every operation of the core against the two people
of the series, another report of the same manager, another manager and their report, HR and
an admin. Only the pair may act; a few steps are one side's (pausing and ending are the
manager's, proposing another time the report's); everyone else is told the 1:1 does not exist,
so ids cannot be probed, HR and admins included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.oneonone import api as core
from bot.oneonone.errors import NotFound, Refused
from bot.oneonone.series import SeriesInput
from storage.db import Database
from storage.models import Employee
from storage.oneonones import OneOnOneActionItem
from tests.appserver import settings_for
from tests.oneonone_fixtures import START, core_item, make_org, open_meeting, the_series, who


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


@pytest.fixture
def people(db: Database, workspace: str) -> dict[str, int]:
    with db.session() as session:
        org = make_org(session)
        return {
            n: getattr(org, n).id for n in ("maya", "eko", "ida", "budi", "tono", "hana", "adi")
        }


Op = Callable[[Session, Employee, int, int, int, Settings], Any]
OPS: dict[str, Op] = {
    "read notes": lambda s, a, m, i, sid, st: core.notes_form(s, a, m),
    "save notes": lambda s, a, m, i, sid, st: core.save_notes(s, a, m, "x", "y", now=START),
    "add talking point": lambda s, a, m, i, sid, st: core.add_talking_point(
        s, a, "x", meeting_id=m, settings=st, now=START
    ),
    "add to the next": lambda s, a, m, i, sid, st: core.add_talking_point(
        s, a, "x", series_id=sid, settings=st, now=START
    ),
    "add action item": lambda s, a, m, i, sid, st: core_item(s, a, m, st),
    "mark item done": lambda s, a, m, i, sid, st: core.complete_action_item(
        s, a, i, settings=st, now=START
    ),
    "done": lambda s, a, m, i, sid, st: core.mark_held(s, a, m, settings=st, now=START),
    "skip": lambda s, a, m, i, sid, st: core.skip_meeting(s, a, m, settings=st, now=START),
    "skip next": lambda s, a, m, i, sid, st: core.skip_next(s, a, sid, settings=st, now=START),
    "pause": lambda s, a, m, i, sid, st: core.pause(s, a, sid, settings=st, now=START),
    "end": lambda s, a, m, i, sid, st: core.end(s, a, sid, settings=st, now=START),
    "propose": lambda s, a, m, i, sid, st: core.propose(
        s, a, sid, SeriesInput("", "2026-12-03", "14:00"), "", settings=st, now=START
    ),
}
PAIR_ONLY = {"maya": "ok", "eko": "ok"}
MATRIX = {
    "pause": {"maya": "ok", "eko": "refused"},
    "end": {"maya": "ok", "eko": "refused"},
    "propose": {"maya": "refused", "eko": "ok"},
}
OUTSIDERS = ("ida", "budi", "tono", "hana", "adi")


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("actor", ["maya", "eko", *OUTSIDERS])
def test_who_may_do_what_in_a_1on1(
    db: Database, settings: Settings, people: dict[str, int], op: str, actor: str
) -> None:
    """The pair only: Eko's other colleagues, another manager and his report, HR and the
    admin are told it does not exist (NotFound), whatever they try."""
    meeting_id = open_meeting(db, settings, people)
    with db.session() as session:
        item_id = session.scalars(select(OneOnOneActionItem.id)).one()
        series_id = the_series(session).id
    expected = {**PAIR_ONLY, **MATRIX.get(op, {})}.get(actor, "not found")
    with db.session(dry_run=True) as session:
        try:
            OPS[op](session, who(session, people, actor), meeting_id, item_id, series_id, settings)
            outcome = "ok"
        except NotFound:
            outcome = "not found"
        except Refused:
            outcome = "refused"
    assert outcome == expected
