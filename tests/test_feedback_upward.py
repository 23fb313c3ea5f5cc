"""Anonymous upward rounds, without Slack: who is asked, the threshold below which a manager
sees nothing, results without names, one reminder — and that nothing stored links an answer to
the person who gave it, whatever the database operator reads (every column, the ids, the order
rows come back in, the transaction that wrote them, the outbox, the audit log, the logs)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import DateTime, inspect, select, text
from sqlalchemy.orm import Session

from bot.config import load_settings
from bot.feedback.errors import FeedbackConflict, FeedbackRejected
from bot.feedback.tasks import remind_upward
from bot.feedback.upward import (
    RoundInput,
    answer_round,
    close_due_rounds,
    close_round,
    open_round,
    results_for,
)
from bot.permissions import PermissionDenied
from storage.db import Database
from storage.models import AuditLog, Employee, OutboxMessage
from storage.upward import UpwardInvitation, UpwardRound
from tests.feedback_fixtures import TR_FOR, TZ, Org, make_org, outbox, payload_of
from tests.review_fixtures import person

MONDAY = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
SETTINGS = load_settings(
    {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "KINERJA_DEFAULT_LOCALE": "en"}
)


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session) -> Org:
    return make_org(session, MONDAY - timedelta(days=7))


def round_input(**changes: Any) -> RoundInput:
    data = RoundInput(
        name="Q4 <managers>",
        questions="Clear goals | Sasaran jelas\nUseful feedback | Umpan balik berguna",
        closes_on=date(2026, 12, 4),
        min_answers=3,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def start(session: Session, org: Org, now: datetime = MONDAY, **changes: Any) -> UpwardRound:
    result = open_round(
        session, org.hr, round_input(**changes), now=now, tz=TZ, floor=3, tr_for=TR_FOR
    )
    return result.round


def invitation_of(session: Session, employee: Employee) -> UpwardInvitation:
    found = session.scalar(
        select(UpwardInvitation).where(UpwardInvitation.employee_id == employee.id)
    )
    assert found is not None
    return found


def answer(
    session: Session, employee: Employee, scores: tuple[int, int], comment: str, now: datetime
) -> None:
    invitation = invitation_of(session, employee)
    answer_round(
        session,
        employee,
        invitation.id,
        {"q0": scores[0], "q1": scores[1]},
        comment,
        now=now,
    )


# ------------------------------------------------------------------------- opening


def test_reports_of_managers_with_enough_reports_are_invited(session: Session, org: Org) -> None:
    result = open_round(session, org.hr, round_input(), now=MONDAY, tz=TZ, floor=3, tr_for=TR_FOR)
    assert (result.invited, result.managers, result.left_out) == (3, 1, 1)  # Omar has one report
    invited = {
        i.employee.slack_id: i.manager.slack_id for i in session.scalars(select(UpwardInvitation))
    }
    assert invited == {"UEKO": "UMGR", "UEDI": "UMGR", "UEVA": "UMGR"}
    rows = outbox(session, "upward:")
    assert sorted(r.payload["channel"] for r in rows) == ["UEDI", "UEKO", "UEVA"]
    shown = payload_of(rows[0])
    assert "Q4 &lt;managers&gt;" in shown and "<managers>" not in shown
    assert "only if at least 3 people answered" in shown
    [audit] = session.scalars(select(AuditLog).where(AuditLog.action == "feedback.upward_opened"))
    assert audit.detail == {"invited": 3, "managers": 1}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"questions": ""}, "questions"),
        ({"closes_on": date(2026, 11, 1)}, "closes_on"),
        ({"min_answers": 2}, "min_answers"),
        ({"min_answers": 4}, "min_answers"),  # nobody has four reports
    ],
)
def test_a_round_that_could_not_work_is_refused(
    session: Session, org: Org, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(FeedbackRejected) as refused:
        start(session, org, **changes)
    assert refused.value.field == field
    assert session.scalars(select(UpwardRound)).all() == [] and outbox(session) == []


def test_the_organisations_floor_cannot_be_lowered_and_only_hr_opens_rounds(
    session: Session, org: Org
) -> None:
    with pytest.raises(FeedbackRejected, match="min_answers"):
        open_round(session, org.hr, round_input(min_answers=3), now=MONDAY, tz=TZ, floor=5,
                   tr_for=TR_FOR)  # fmt: skip
    with pytest.raises(PermissionDenied):
        open_round(session, org.manager, round_input(), now=MONDAY, tz=TZ, floor=3, tr_for=TR_FOR)


# ------------------------------------------------------------------------- the threshold


def test_with_two_answers_the_manager_sees_nothing(session: Session, org: Org) -> None:
    round_ = start(session, org)
    answer(session, org.eko, (5, 4), "Great 1:1s", MONDAY)
    answer(session, org.edi, (2, 1), "Never <!here> on time", MONDAY + timedelta(hours=1))
    open_results = results_for(session, org.manager, round_.id)
    assert (open_results.released, open_results.state) == (False, "open")
    close_round(
        session, org.hr, round_.id, now=MONDAY + timedelta(days=1), tr_for=TR_FOR, org_tz=TZ
    )
    results = results_for(session, org.manager, round_.id)
    assert (results.released, results.state, results.answers) == (False, "too_few", 0)
    assert results.questions == () and results.comments == ()
    [dm] = outbox(session, f"upward:{round_.id}:results:")
    assert dm.payload["channel"] == "UMGR"
    shown = payload_of(dm)
    assert "Fewer than 3 of your reports answered, so no results are shown" in shown
    for leaked in ("Great 1:1s", "on time", "2 answers", "4.0", "3.5", "UEKO", "UEDI"):
        assert leaked not in shown


def test_with_three_answers_the_manager_sees_averages_and_comments_without_names(
    session: Session, org: Org
) -> None:
    round_ = start(session, org)
    answer(session, org.eko, (5, 4), "Great 1:1s", MONDAY)
    answer(session, org.edi, (2, 1), "Never <!here> on time", MONDAY + timedelta(hours=1))
    answer(session, org.eva, (2, 4), "", MONDAY + timedelta(hours=2))
    with pytest.raises(FeedbackConflict, match="feedback.upward.conflict.answered"):
        answer(session, org.eva, (1, 1), "again", MONDAY + timedelta(hours=3))
    assert close_due_rounds(session, org.hr.team_id, MONDAY, TR_FOR, TZ) == 0
    end = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # 00:00 on Saturday in Jakarta
    assert close_due_rounds(session, org.hr.team_id, end, TR_FOR, TZ) == 1
    results = results_for(session, org.manager, round_.id)
    assert (results.released, results.answers) == (True, 3)
    assert [round(q.average, 2) for q in results.questions] == [3.0, 3.0]
    assert sorted(results.comments) == ["Great 1:1s", "Never <!here> on time"]
    [dm] = outbox(session, f"upward:{round_.id}:results:")
    shown = payload_of(dm)
    assert "*3 answers*" in shown and "Clear goals: *3.0* / 5" in shown
    assert "Never &lt;!here&gt; on time" in shown and "<!here>" not in shown
    for name in ("UEKO", "UEDI", "UEVA", "Eko", "Edi", "Eva"):
        assert name not in shown
    with pytest.raises(FeedbackConflict, match="feedback.upward.conflict.closed"):
        answer(session, org.edi, (1, 1), "late", end)


def test_one_reminder_two_working_days_before_the_last_day(session: Session, org: Org) -> None:
    round_ = start(session, org)
    answer(session, org.eko, (4, 4), "", MONDAY)
    team = org.hr.team_id
    assert remind_upward(session, team, MONDAY + timedelta(hours=1), SETTINGS, TR_FOR) == 0
    wednesday = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert remind_upward(session, team, wednesday, SETTINGS, TR_FOR) == 2  # not Eko: answered
    assert remind_upward(session, team, wednesday + timedelta(hours=2), SETTINGS, TR_FOR) == 0
    keys = sorted(r.idempotency_key for r in outbox(session, f"upward:{round_.id}:remind:"))
    assert len(keys) == 2


# ------------------------------------------------------------------------- anonymity


def raw_rows(session: Session, table: str) -> list[dict[str, Any]]:
    """Rows exactly as the database returns them, in its own order (no ORDER BY)."""
    result = session.execute(text(f"SELECT * FROM {table}"))
    return [dict(row._mapping) for row in result]


def test_nothing_in_the_database_links_an_anonymous_answer_to_its_author(
    db: Database, workspace: str, caplog: pytest.LogCaptureFixture
) -> None:
    with db.session() as session:
        org = make_org(session, MONDAY - timedelta(days=7))
        extra = [
            person(session, MONDAY, f"UREP{n}", f"Rep{n}", manager=org.manager, team=org.sales)
            for n in range(2)
        ]
        authors = [org.eva, extra[1], org.eko, extra[0], org.edi]  # not in invitation order
        for employee in authors:
            employee.email = f"{employee.name.lower()}@acme.test"
        start(session, org)
        known = [(a.id, a.slack_id, a.name, a.email or "") for a in authors]
        manager_id = org.manager.id
    with db.session() as session:
        invitations_before = raw_rows(session, "upward_invitations")
        outbox_before = len(session.scalars(select(OutboxMessage)).all())
        audit_before = len(session.scalars(select(AuditLog)).all())
        invitation_of_author = {
            i.employee_id: i.id for i in session.scalars(select(UpwardInvitation))
        }

    # The answer table holds nothing but the round, the manager and the answer itself.
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("upward_answers")}
    assert set(columns) == {"id", "team_id", "round_id", "manager_id", "scores", "comment"}
    assert not any(isinstance(c["type"], DateTime) for c in columns.values())
    foreign = inspect(db.engine).get_foreign_keys("upward_answers")
    assert {(fk["referred_table"], tuple(fk["constrained_columns"])) for fk in foreign} == {
        ("workspaces", ("team_id",)),
        ("upward_rounds", ("round_id",)),
        ("employees", ("manager_id",)),
    }
    invitation_columns = {c["name"] for c in inspect(db.engine).get_columns("upward_invitations")}
    assert not {"answer_id", "answered_at", "updated_at"} & invitation_columns

    seen_ids: set[str] = set()
    moments = []
    caplog.set_level(logging.DEBUG)
    for number, (author_id, *_) in enumerate(known):
        moment = MONDAY + timedelta(hours=number, minutes=7 * number + 1)
        moments.append(moment)
        with db.session() as session:
            employee = session.get(Employee, author_id)
            assert employee is not None
            answer(session, employee, (number % 5 + 1, 3), f"Comment {number}", moment)
        with db.session() as session:
            rows = raw_rows(session, "upward_answers")
            xmins = (
                set(session.execute(text("SELECT xmin::text FROM upward_answers")).scalars())
                if db.engine.dialect.name == "postgresql"
                else {"sqlite"}
            )
        ids = [row["id"] for row in rows]
        assert len(rows) == number + 1
        # fresh random ids each time, nothing surviving from an earlier state…
        assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
        assert not set(ids) & seen_ids
        seen_ids |= set(ids)
        # …the database hands rows back in the order of those ids, not of arrival…
        assert ids == sorted(ids)
        # …and (PostgreSQL) one transaction, the latest, wrote them all
        assert len(xmins) == 1

    with db.session() as session:
        rows = raw_rows(session, "upward_answers")
        after = raw_rows(session, "upward_invitations")
        invitation_xmins = (
            set(session.execute(text("SELECT xmin::text FROM upward_invitations")).scalars())
            if db.engine.dialect.name == "postgresql"
            else {"sqlite"}
        )
        outbox_after = len(session.scalars(select(OutboxMessage)).all())
        audit_after = len(session.scalars(select(AuditLog)).all())
    everything = json.dumps(rows, default=str, ensure_ascii=False)
    for author_id, slack_id, name, email in known:
        for identifier in (slack_id, name, email, f'"{author_id}"'):
            assert identifier not in everything
        assert str(invitation_of_author[author_id]) not in {str(row["id"]) for row in rows}
    for moment in moments:
        local = moment.astimezone()
        for shape in (
            moment.isoformat(),
            moment.strftime("%Y-%m-%d %H:%M"),
            local.strftime("%Y-%m-%d %H:%M"),
            str(int(moment.timestamp())),
        ):
            assert shape not in everything
    assert {row["manager_id"] for row in rows} == {manager_id}

    # The "has answered" record changed in one column only, kept its own row order and (on
    # PostgreSQL) was rewritten in one transaction for the whole team, the latest.
    assert [row["id"] for row in after] == sorted(row["id"] for row in after)
    assert len(invitation_xmins) == 1
    for was, now in zip(invitations_before, sorted(after, key=lambda r: r["id"]), strict=True):
        assert {k: v for k, v in was.items() if k != "answered"} == {
            k: v for k, v in now.items() if k != "answered"
        }
    # Answering sent nothing, audited nothing and logged nothing naming anyone.
    assert (outbox_after, audit_after) == (outbox_before, audit_before)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for _, slack_id, name, _ in known:
        assert slack_id not in logged and name not in logged
