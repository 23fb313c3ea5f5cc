"""Giving and requesting feedback, without Slack: the rules, what is stored, and the DMs the
outbox will send (to whom, when, in which language, with typed text escaped)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.config import load_settings
from bot.feedback.errors import FeedbackConflict, FeedbackNotFound, FeedbackRejected
from bot.feedback.give import FeedbackInput, give_feedback, goal_options
from bot.feedback.requests import answer_ask, decline_ask, expire_requests, request_feedback
from bot.feedback.tasks import remind_asks
from bot.permissions import PermissionDenied
from storage.db import Database
from storage.feedback import AskStatus, Feedback, FeedbackRequest, RequestStatus, Visibility
from storage.models import Employee
from tests.feedback_fixtures import TR_FOR, TZ, Org, goal, make_org, outbox, payload_of

NIGHT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 22:00 in Jakarta
SETTINGS = load_settings(
    {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "KINERJA_DEFAULT_LOCALE": "en"}
)


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session, clock: FixedClock) -> Org:
    return make_org(session, clock.now())


def give(
    session: Session, giver: Employee, subject: Employee, now: datetime, **typed: Any
) -> Feedback:
    data = FeedbackInput(**{"went_well": "Clear demo", **typed})
    return give_feedback(
        session, giver, subject, data, now=now, source="command", tr_for=TR_FOR, org_tz=TZ
    )


# ------------------------------------------------------------------------- giving


def test_feedback_reaches_the_person_in_their_language_during_their_working_hours(
    session: Session, org: Org
) -> None:
    feedback = give(session, org.eko, org.eva, NIGHT, could_be_better="Slides <!channel> & <b>")
    stored = session.get(Feedback, feedback.id)
    assert stored is not None and stored.visibility == Visibility.PERSON
    assert stored.could_be_better == "Slides <!channel> & <b>"  # stored as typed
    [dm] = outbox(session, "feedback:")
    assert dm.idempotency_key == f"feedback:{feedback.id}:dm"
    assert dm.payload["channel"] == "UEVA"
    # 22:00 in Jakarta: the DM waits for 09:00 the next morning
    assert dm.next_attempt_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    shown = payload_of(dm)
    assert "memberi Anda umpan balik" in shown  # Eva reads Indonesian
    assert "&lt;!channel&gt; &amp; &lt;b&gt;" in shown and "<!channel>" not in shown
    assert "Hanya Anda dan <@UEKO> yang bisa membaca ini." in shown


def test_the_manager_gets_a_copy_only_when_the_giver_chose_so(
    session: Session, org: Org, clock: FixedClock
) -> None:
    give(session, org.eko, org.edi, clock.now())
    assert [r.payload["channel"] for r in outbox(session, "feedback:")] == ["UEDI"]
    shared = give(session, org.eko, org.edi, clock.now(), visibility="person_manager")
    assert shared.shared_with is not None and shared.shared_with.slack_id == "UMGR"
    rows = outbox(session, f"feedback:{shared.id}:")
    assert [r.payload["channel"] for r in rows] == ["UEDI", "UMGR"]
    assert "your manager <@UMGR> can read this" in payload_of(rows[0])
    assert "shared it with you, their manager" in payload_of(rows[1])


def test_a_managers_feedback_to_their_report_is_no_copy_to_themselves(
    session: Session, org: Org, clock: FixedClock
) -> None:
    feedback = give(session, org.manager, org.eko, clock.now(), visibility="person_manager")
    assert [r.payload["channel"] for r in outbox(session, f"feedback:{feedback.id}:")] == ["UEKO"]


@pytest.mark.parametrize(
    ("typed", "field", "key"),
    [
        ({"went_well": "  ", "could_be_better": ""}, "went_well", "feedback.error.empty"),
        ({"could_be_better": "x" * 2001}, "could_be_better", "feedback.error.too_long"),
        ({"visibility": "everyone"}, "visibility", "feedback.error.visibility"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    session: Session, org: Org, clock: FixedClock, typed: dict[str, str], field: str, key: str
) -> None:
    with pytest.raises(FeedbackRejected) as refused:
        give(session, org.eko, org.edi, clock.now(), **typed)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert session.scalars(select(Feedback)).all() == [] and outbox(session) == []


def test_oneself_leavers_and_people_without_a_manager_are_refused(
    session: Session, org: Org, clock: FixedClock
) -> None:
    with pytest.raises(FeedbackRejected, match="feedback.error.self"):
        give(session, org.eko, org.eko, clock.now())
    org.edi.active = False
    with pytest.raises(FeedbackRejected, match="feedback.error.inactive"):
        give(session, org.eko, org.edi, clock.now())
    with pytest.raises(FeedbackRejected, match="feedback.error.no_manager"):
        give(session, org.eko, org.loner, clock.now(), visibility="person_manager")
    org.eko.active = False
    with pytest.raises(PermissionDenied):
        give(session, org.eko, org.eva, clock.now())


def test_only_goals_the_giver_may_see_can_be_named(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    own = goal(session, org.edi, "Ship the API", now)
    team = goal(session, org.manager, "Sales target", now, level="team", org_team_id=org.sales.id)
    elsewhere = goal(session, org.other_manager, "Ops target", now, level="team")
    draft = goal(session, org.edi, "Secret plan", now, status="draft")
    # A peer sees Edi's team goal but not his personal goals; his manager sees both.
    assert [g.id for g in goal_options(session, org.eko, org.edi)] == [team.id]
    assert {g.id for g in goal_options(session, org.manager, org.edi)} == {own.id, team.id}
    with pytest.raises(FeedbackRejected, match="feedback.error.goal"):
        give(session, org.eko, org.edi, now, goal_id=own.id)
    for hidden in (elsewhere, draft):
        with pytest.raises(FeedbackRejected, match="feedback.error.goal"):
            give(session, org.manager, org.edi, now, goal_id=hidden.id)
    feedback = give(session, org.manager, org.edi, now, goal_id=own.id)
    assert "About the goal: Ship the API" in payload_of(outbox(session, "feedback:")[0])
    assert feedback.goal_id == own.id


# ------------------------------------------------------------------------- requests


def ask(
    session: Session, requester: Employee, asked: list[Employee], now: datetime, **kw: Any
) -> FeedbackRequest:
    return request_feedback(
        session, requester, asked, now=now, days=14, tr_for=TR_FOR, org_tz=TZ, **kw
    )


def test_a_request_asks_each_person_by_dm_with_give_and_decline(
    session: Session, org: Org, clock: FixedClock
) -> None:
    request = ask(session, org.eko, [org.edi, org.eva], clock.now(), question="My <demo>")
    assert request.expires_at == clock.now() + timedelta(days=14)
    rows = outbox(session, "feedback:ask:")
    assert [r.payload["channel"] for r in rows] == ["UEDI", "UEVA"]
    shown = payload_of(rows[0])
    assert "<@UEKO> asks for your feedback" in shown and "My &lt;demo&gt;" in shown
    assert '"feedback_ask_answer"' in shown and '"feedback_ask_decline"' in shown
    assert "meminta umpan balik Anda" in payload_of(rows[1])


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("self", "feedback.error.ask_self"),
        ("none", "feedback.error.nobody_asked"),
        ("eleven", "feedback.error.too_many"),
        ("left", "feedback.error.inactive"),
    ],
)
def test_who_may_be_asked(
    session: Session, org: Org, clock: FixedClock, who: str, key: str
) -> None:
    now = clock.now()
    extra = [
        Employee(team_id=org.eko.team_id, slack_id=f"UX{n}", name=f"X{n}", role="employee",
                 active=True, created_at=now, updated_at=now)
        for n in range(11)
    ]  # fmt: skip
    session.add_all(extra)
    session.flush()
    org.edi.active = who != "left"
    asked = {"self": [org.eko], "none": [], "eleven": extra, "left": [org.edi]}[who]
    with pytest.raises(FeedbackRejected, match=key):
        ask(session, org.eko, asked, now)


def test_managers_ask_about_their_own_reports_only(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with pytest.raises(FeedbackRejected, match="feedback.error.not_your_report"):
        ask(session, org.eko, [org.edi], now, about=org.eva)  # an employee, about a peer
    with pytest.raises(FeedbackRejected, match="feedback.error.not_your_report"):
        ask(session, org.other_manager, [org.edi], now, about=org.eva)  # not Omar's report
    with pytest.raises(FeedbackRejected, match="feedback.error.ask_subject"):
        ask(session, org.manager, [org.eva], now, about=org.eva)
    request = ask(session, org.manager, [org.edi], now, about=org.eva)
    shown = payload_of(outbox(session, "feedback:ask:")[0])
    assert "asks for your feedback about <@UEVA>, who reports to them" in shown
    assert "Only <@UMGR> reads your answer; <@UEVA> does not." in shown
    feedback = answer_ask(
        session, org.edi, request.asks[0].id, FeedbackInput(went_well="Great calls"),
        now=now, tr_for=TR_FOR, org_tz=TZ,
    )  # fmt: skip
    assert feedback.visibility == Visibility.REQUESTER and feedback.shared_with_id == org.manager.id
    answers = outbox(session, f"feedback:{feedback.id}:")
    assert [r.payload["channel"] for r in answers] == ["UMGR"]  # Eva is not told
    assert "<@UEVA> does not see it" in payload_of(answers[0])


def test_answers_reach_the_requester_as_they_arrive_and_the_request_closes(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    request = ask(session, org.eko, [org.edi, org.eva], now)
    first, second = request.asks
    answered = answer_ask(
        session, org.edi, first.id, FeedbackInput(could_be_better="Shorter <updates>"),
        now=now, tr_for=TR_FOR, org_tz=TZ,
    )  # fmt: skip
    [to_eko] = outbox(session, f"feedback:{answered.id}:")
    assert to_eko.payload["channel"] == "UEKO"
    assert "<@UEDI> answered your request for feedback" in payload_of(to_eko)
    assert "Shorter &lt;updates&gt;" in payload_of(to_eko)
    [update] = outbox(session, f"feedback:ask:{first.id}:")
    assert (
        update.method == "chat.update"
        and update.payload["_update_of"] == f"feedback:ask:{first.id}"
    )
    assert "You answered. Thank you!" in payload_of(update)
    assert "feedback_ask_answer" not in payload_of(update)  # no button offered twice
    assert request.status == RequestStatus.OPEN
    with pytest.raises(FeedbackConflict, match="feedback.conflict.answered"):
        answer_ask(session, org.edi, first.id, FeedbackInput(went_well="again"), now=now,
                   tr_for=TR_FOR, org_tz=TZ)  # fmt: skip
    with pytest.raises(FeedbackNotFound):  # someone else's ask
        decline_ask(session, org.edi, second.id, now=now, tr_for=TR_FOR, org_tz=TZ)
    decline_ask(session, org.eva, second.id, now=now, tr_for=TR_FOR, org_tz=TZ)
    assert request.status == RequestStatus.CLOSED
    [closing] = outbox(session, f"feedback:request:{request.id}:")
    assert "Answered: 1 · declined: 1" in payload_of(closing)


def test_requests_expire_and_pending_asks_lose_their_buttons(
    session: Session, org: Org, clock: FixedClock
) -> None:
    request = ask(session, org.eko, [org.edi, org.eva], clock.now())
    assert expire_requests(session, org.eko.team_id, clock.now(), TR_FOR, TZ) == 0
    later = request.expires_at + timedelta(minutes=1)
    assert expire_requests(session, org.eko.team_id, later, TR_FOR, TZ) == 1
    assert [a.status for a in request.asks] == [AskStatus.EXPIRED, AskStatus.EXPIRED]
    assert request.status == RequestStatus.CLOSED
    assert "did not answer in time: 2" in payload_of(
        outbox(session, f"feedback:request:{request.id}:")[0]
    )
    with pytest.raises(FeedbackConflict, match="feedback.conflict.expired"):
        decline_ask(session, org.edi, request.asks[0].id, now=later, tr_for=TR_FOR, org_tz=TZ)
    assert expire_requests(session, org.eko.team_id, later, TR_FOR, TZ) == 0


def test_one_reminder_at_most_after_half_the_time_in_working_hours(
    session: Session, org: Org, clock: FixedClock
) -> None:
    request = ask(session, org.eko, [org.edi, org.eva], clock.now())
    team = org.eko.team_id
    assert remind_asks(session, team, clock.now() + timedelta(days=3), SETTINGS, TR_FOR) == 0
    org.eva.away_until = datetime(2026, 12, 31).date()
    halfway = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Jakarta
    assert remind_asks(session, team, halfway, SETTINGS, TR_FOR) == 1  # Eva is away
    [reminder] = outbox(session, "feedback:ask:")[2:]
    assert reminder.idempotency_key == f"feedback:ask:{request.asks[0].id}:remind"
    assert "Reminder: <@UEKO> asked for your feedback" in payload_of(reminder)
    assert remind_asks(session, team, halfway + timedelta(hours=1), SETTINGS, TR_FOR) == 0
    night = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    org.eva.away_until = None
    assert remind_asks(session, team, night, SETTINGS, TR_FOR) == 0  # 23:00: not now
    assert session.scalars(select(FeedbackRequest)).one().status == RequestStatus.OPEN
