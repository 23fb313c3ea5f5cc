"""A private 1:1 note never reaches anyone but its writer: not the other person, not HR.

A whole meeting runs through the app and the fake Slack — set up, agenda, talking points, both
of them taking shared and private notes (Maya's private note even names Eko's Slack id, as a
mention would), an action item, Done and its summary, the next agenda — and then everything
anyone else could be shown is searched for the private notes: every call the fake Slack
received (the only ones that may hold a private note are the Take notes modals opened for
its writer), every response to a command, every file uploaded (HR's export), every App Home,
HR's and the manager's digests and `/kinerja report`, the CSV exports in both scopes, the
personal-data export of everyone, the outbox and the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.reporting.export import write_csv_files
from bot.reporting.export_scope import ExportScope
from bot.reporting.personal_data import export_person
from storage.db import Database
from storage.models import AuditLog, OutboxMessage
from tests.appserver import RunningApp, open_home
from tests.conftest import TEAM_ID
from tests.fakeslack import FakeSlack
from tests.monitoring_slack import buttons, click, drain, opened_after, pair_dm, submit
from tests.oneonone_fixtures import make_org, wait_for_key, what_the_checkins_said, wib
from tests.ticking import tick
from tests.waiting import wait_for

PRIVATE_MAYA = "PRIVATE-M: UEKO may be ready for the lead role, talk to Adi first"
PRIVATE_EKO = "PRIVATE-E: thinking about asking for a transfer"
SHARED = "SHARED: Eko leads the ledger migration"
EVERYONE = ("UMAYA", "UEKO", "UIDA", "UBUDI", "UTONO", "UHANA", "UADI")


@pytest.fixture
def app(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> Iterator[RunningApp]:
    with db.session() as session:
        org = make_org(session, clock.now())
        what_the_checkins_said(session, org, clock.now())
    for slack_id in EVERYONE:
        fake_slack.add_user(id=slack_id, name=slack_id.lower())
    yield running_app


def value_of(blocks: list[dict[str, Any]], action: str) -> str:
    return next(v for a, v in buttons(blocks) if a == action)


def run_a_meeting(app: RunningApp, fake: FakeSlack, db: Database, clock: FixedClock) -> None:
    trigger = fake.new_trigger_id("UMAYA")
    app.slack.command("1on1 <@UEKO|eko>", "UMAYA", trigger_id=trigger)
    typed = {"cadence": "weekly", "starts_on": "2026-12-01", "local_time": "10:00"}
    assert submit(app, "UMAYA", opened_after(fake, trigger), typed, fake=fake) == {}
    clock.set(wib(date(2026, 11, 30), 10))
    tick(db, app.services.settings, clock.now())
    drain(db, fake, clock)
    [agenda] = [
        m
        for m in fake.messages_in(pair_dm(fake, "UMAYA", "UEKO"))
        if "oneonone_point" in dict(buttons(m.blocks))
    ]
    meeting = value_of(agenda.blocks, "oneonone_point")
    for user in ("UMAYA", "UEKO"):
        view = opened_after(fake, click(app, fake, user, "oneonone_point", meeting, message=agenda))
        assert submit(app, user, view, {"text": f"point of {user}"}, fake=fake) == {}
    clock.set(wib(date(2026, 12, 1), 10, 30))
    for user, notes in (
        ("UMAYA", {"shared": SHARED, "private": PRIVATE_MAYA}),
        ("UEKO", {"shared": "SHARED: I draft the plan", "private": PRIVATE_EKO}),
    ):
        view = opened_after(fake, click(app, fake, user, "oneonone_notes", meeting, message=agenda))
        assert submit(app, user, view, notes, fake=fake) == {}
    # Each reopens their notes: their own private note comes back to them, and only to them.
    for user in ("UMAYA", "UEKO"):
        opened_after(fake, click(app, fake, user, "oneonone_notes", meeting, message=agenda))
    view = opened_after(fake, click(app, fake, "UMAYA", "oneonone_item", meeting, message=agenda))
    item = {"title": "Send the plan", "owner": "report", "due_on": "2026-12-04"}
    assert submit(app, "UMAYA", view, item, fake=fake) == {}
    click(app, fake, "UEKO", "oneonone_done", meeting, message=agenda)
    wait_for_key(db, ":summary")
    drain(db, fake, clock)
    # The next week: digests (Monday 09:00), the next agenda (Monday 10:00).
    for at in (wib(date(2026, 12, 7), 9), wib(date(2026, 12, 7), 10)):
        clock.set(at)
        tick(db, app.services.settings, at)
        drain(db, fake, clock)


def command(app: RunningApp, fake: FakeSlack, text: str, user: str) -> None:
    before = len(fake.responses)
    response = app.slack.command(text, user, response_url=fake.response_url())
    assert response.status_code == 200
    if not response.content:
        wait_for(lambda: fake.responses[before:])


def unzip(content: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def test_a_private_note_never_reaches_the_other_person_or_hr(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    fake = fake_slack
    run_a_meeting(app, fake, db, clock)
    for slack_id in EVERYONE:
        open_home(app, fake, slack_id)
    for user, text in (("UHANA", "report"), ("UMAYA", "report"), ("UHANA", "export"),
                       ("UEKO", "1on1"), ("UMAYA", "1on1")):  # fmt: skip
        command(app, fake, text, user)
    wait_for(lambda: [f for f in fake.files if str(f.get("filename", "")).endswith(".zip")])
    drain(db, fake, clock)

    # Every Slack call: a private note travels only in a Take notes modal for its writer.
    writers = {PRIVATE_MAYA: "UMAYA", PRIVATE_EKO: "UEKO"}
    carried = {secret: 0 for secret in writers}
    for call in fake.calls:
        sent = json.dumps(call.args, ensure_ascii=False)
        for secret, writer in writers.items():
            if secret in sent:
                assert call.method == "views.open", (call.method, secret)
                assert fake.triggers[call.args["trigger_id"]].user_id == writer
                carried[secret] += 1
    assert carried == {PRIVATE_MAYA: 1, PRIVATE_EKO: 1}  # each one's reopened notes modal
    # …and that is where they were meant to go: the shared note did reach both.
    assert any(SHARED in json.dumps(c.args) for c in fake.calls if c.method == "chat.postMessage")

    shown_to_people: list[Any] = [fake.responses, fake.views_published, fake.messages]
    exported = [f for f in fake.files if str(f.get("filename", "")).endswith(".zip")]
    assert len(exported) == 1  # HR's /kinerja export (the digest's chart is the other file)
    shown_to_people += [unzip(f["content"]) for f in exported]
    with db.session() as session:
        shown_to_people += [r.payload for r in session.scalars(select(OutboxMessage))]
        shown_to_people += [r.detail for r in session.scalars(select(AuditLog))]
        for private_text in (False, True):
            out = tmp_path / f"export-{private_text}"
            scope = ExportScope.for_operator(TEAM_ID, private_text=private_text)
            write_csv_files(session, scope, out)
            shown_to_people += [p.read_text(encoding="utf-8") for p in out.glob("*.csv")]
        everything = tmp_path / "export-True"
        with (everything / "one_on_ones.csv").open(encoding="utf-8") as handle:
            assert any(SHARED in row["shared_notes"] for row in csv.DictReader(handle))
        exports = {s: export_person(session, TEAM_ID, s, now=clock.now()) for s in EVERYONE}
    text = str(shown_to_people)
    assert PRIVATE_MAYA not in text and PRIVATE_EKO not in text
    assert SHARED in text  # the search did look where shared text goes

    # The personal-data export: each person's own private notes, nobody else's.
    for slack_id, data in exports.items():
        dumped = json.dumps(data, ensure_ascii=False)
        assert (PRIVATE_MAYA in dumped) is (slack_id == "UMAYA"), slack_id
        assert (PRIVATE_EKO in dumped) is (slack_id == "UEKO"), slack_id
    assert SHARED in json.dumps(exports["UEKO"], ensure_ascii=False)  # his meeting's notes
