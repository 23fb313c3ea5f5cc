"""Feedback wherever the data goes: HR's digest (counts per team, never content), the CSV
export (what HR may see, and what only the operator's export of everything holds), a person's
data export (anonymous answers are nobody's; a manager is not told which reports answered) and
erasure (text about or by the person gone, what waited for them ended)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.reporting import hr_digest_message
from bot.feedback.give import FeedbackInput, give_feedback
from bot.feedback.requests import answer_ask, request_feedback
from bot.feedback.upward import RoundInput, answer_round, close_round, open_round
from bot.i18n import Translator
from bot.reporting import hr_figures
from bot.reporting.erase import erase_person
from bot.reporting.export import tables
from bot.reporting.export_scope import ExportScope
from bot.reporting.personal_data import MARKER, export_person
from storage.db import Database
from storage.feedback import AskStatus, Feedback, FeedbackAsk, FeedbackRequest, RequestStatus
from storage.models import Employee
from storage.upward import UpwardAnswer, UpwardInvitation
from tests.fakeslack import validate_blocks
from tests.feedback_fixtures import TR_FOR, TZ, Org, make_org

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # Monday, 10:00 in Jakarta
SECRET = "Secret <b>words</b> about the launch"


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session) -> Org:
    org = make_org(session, NOW - timedelta(days=60))
    for person in org.everyone():
        person.email = f"{person.name.lower()}@acme.test"
    return org


def seed(session: Session, org: Org) -> None:
    """Eko gives Eva feedback; Eko asks Edi and Eva about himself (Edi answers, Eva has not);
    a closed upward round about Maya with three answers."""
    give_feedback(
        session, org.eko, org.eva, FeedbackInput(went_well=SECRET, visibility="person_manager"),
        now=NOW, source="command", tr_for=TR_FOR, org_tz=TZ,
    )  # fmt: skip
    request = request_feedback(
        session, org.eko, [org.edi, org.eva], question="How was my <demo>?", now=NOW,
        days=14, tr_for=TR_FOR, org_tz=TZ,
    )  # fmt: skip
    answer_ask(
        session, org.edi, request.asks[0].id, FeedbackInput(could_be_better="Edi's own words"),
        now=NOW, tr_for=TR_FOR, org_tz=TZ,
    )  # fmt: skip
    round_ = open_round(
        session,
        org.hr,
        RoundInput("Q4", "Clear goals", date(2026, 12, 4), 3),
        now=NOW,
        tz=TZ,
        floor=3,
        tr_for=TR_FOR,
    ).round
    for number, person in enumerate(org.reports):
        invitation = session.scalar(
            select(UpwardInvitation).where(UpwardInvitation.employee_id == person.id)
        )
        assert invitation is not None
        answer_round(session, person, invitation.id, {"q0": 4}, f"Anonymous note {number}", now=NOW)
    close_round(session, org.hr, round_.id, now=NOW, tr_for=TR_FOR, org_tz=TZ)


def test_hr_digest_counts_feedback_per_team_and_shows_none_of_it(
    session: Session, org: Org
) -> None:
    seed(session, org)
    figures = hr_figures(session, org.hr.team_id, now=NOW + timedelta(hours=1), org_tz=TZ)
    assert figures.feedback is not None
    sales = next(t for t in figures.feedback.teams if t.team == "Sales")
    assert (sales.given, sales.received, sales.asked, sales.answered) == (2, 2, 2, 1)
    message = hr_digest_message(Translator("en"), figures)
    assert validate_blocks(message["blocks"]) == []
    shown = json.dumps(message, ensure_ascii=False)
    assert "Sales: 2 given · 2 received · 1 of 2 requests answered" in shown
    assert "Anonymous upward round _Q4_" in shown and "3 of 3 answered" in shown
    for content in ("Secret", "Edi's own words", "demo", "Anonymous note"):
        assert content not in shown


def exported(session: Session, scope: ExportScope) -> dict[str, list[dict[str, Any]]]:
    files = {}
    for name, header, rows in tables(session, scope):
        files[name] = [dict(zip(header, row, strict=True)) for row in rows]
    return files


def test_hrs_export_has_who_and_when_but_only_the_operators_has_what(
    session: Session, org: Org
) -> None:
    seed(session, org)
    hr = exported(session, ExportScope.for_person(org.hr))
    assert "upward_answers" not in hr
    assert [
        (r["giver_slack_id"], r["subject_slack_id"], r["visibility"]) for r in hr["feedback"]
    ] == [
        ("UEKO", "UEVA", "person_manager"),
        ("UEDI", "UEKO", "person"),
    ]
    assert "went_well" not in hr["feedback"][0] and "question" not in hr["feedback_requests"][0]
    [request] = hr["feedback_requests"]
    assert (request["asked"], request["answered"], request["declined"]) == (2, 1, 0)
    [round_row] = hr["upward_rounds"]
    assert (round_row["invited"], round_row["answered"], round_row["min_answers"]) == (3, 3, 3)
    everything = json.dumps(hr, default=str)
    for content in ("Secret", "Edi's own words", "demo", "Anonymous note"):
        assert content not in everything
    operator = exported(session, ExportScope.for_operator(org.hr.team_id, private_text=True))
    assert operator["feedback"][0]["went_well"] == SECRET
    assert operator["feedback_requests"][0]["question"] == "How was my <demo>?"
    assert "upward_answers" not in operator  # never, in any scope
    assert "Anonymous note" not in json.dumps(operator, default=str)


def test_a_persons_export_holds_their_feedback_but_no_anonymous_answer(
    session: Session, org: Org
) -> None:
    seed(session, org)
    eko = export_person(session, org.eko.team_id, "UEKO", now=NOW)
    records = eko["records"]
    assert {r["went_well"] for r in records["feedback"]} >= {SECRET}
    assert "upward_answers" not in records
    assert [r["answered"] for r in records["upward_invitations"]] == [True]  # his own, only
    assert "Anonymous note" not in json.dumps(eko, default=str)
    maya = export_person(session, org.manager.team_id, "UMGR", now=NOW)
    # Maya learns her results, not which reports answered
    assert "upward_invitations" not in maya["records"] or all(
        r["employee_id"] == org.manager.id for r in maya["records"]["upward_invitations"]
    )
    assert "upward_answers" not in maya["records"]
    [about_her] = maya["upward_feedback_about_them"]
    assert about_her["state"] == "released" and about_her["answers"] == 3
    assert sorted(about_her["comments"]) == [f"Anonymous note {n}" for n in range(3)]
    assert about_her["averages"] == [{"question": "Clear goals", "average": 4.0}]
    dumped = json.dumps(maya, default=str)
    for report in org.reports:
        assert report.slack_id not in json.dumps(maya["upward_feedback_about_them"])
    assert "UEKO" in dumped  # Eko's feedback about Eva was shared with her, Maya


def test_erasure_removes_what_they_wrote_and_what_was_about_them(
    session: Session, org: Org
) -> None:
    seed(session, org)
    pending = session.scalar(
        select(FeedbackAsk).where(
            FeedbackAsk.asked_id == org.eva.id, FeedbackAsk.status == "pending"
        )
    )
    assert pending is not None
    erase_person(session, org.eko.team_id, "UEVA", actor=None, now=NOW)
    session.expire_all()
    about_eva = session.scalars(select(Feedback).where(Feedback.subject_id == org.eva.id)).one()
    assert about_eva.went_well == MARKER
    assert session.get(FeedbackAsk, pending.id).status == AskStatus.EXPIRED  # type: ignore[union-attr]
    request = session.scalars(select(FeedbackRequest)).one()
    assert request.status == RequestStatus.CLOSED
    erase_person(session, org.eko.team_id, "UEKO", actor=None, now=NOW)
    erase_person(session, org.eko.team_id, "UMGR", actor=None, now=NOW)
    session.expire_all()
    texts = [
        *(f.went_well for f in session.scalars(select(Feedback))),
        *(f.could_be_better for f in session.scalars(select(Feedback))),
        *(r.question for r in session.scalars(select(FeedbackRequest))),
        *(a.comment for a in session.scalars(select(UpwardAnswer))),
    ]
    for content in (SECRET, "Edi's own words", "How was my <demo>?", "Anonymous note 0"):
        assert content not in texts
    assert len(session.scalars(select(UpwardAnswer)).all()) == 3  # scores still count
    assert session.scalar(select(Employee).where(Employee.slack_id == "UEDI")) is not None
