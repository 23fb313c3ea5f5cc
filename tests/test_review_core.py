"""The review core without Slack: the state machine, rules, reminders, progress, HR's fixes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.config import Settings
from bot.permissions import PermissionDenied
from bot.review import (
    ReviewAction,
    ReviewConflict,
    ReviewValidationError,
    acknowledge_review,
    approve_review,
    approved_reviews_of,
    ask_to_discuss,
    close_cycle,
    cycle_progress,
    decide,
    get_review,
    overdue_reviews,
    reassign_manager,
    reopen_self_review,
    save_self_draft,
    submit_self_review,
    write_manager_review,
)
from bot.review.dates import working_days_before
from bot.review.reviewers import ReviewerNotInLine
from storage.db import Database
from storage.models import Employee
from storage.reviews import ReviewEvent
from tests.appserver import settings_for
from tests.review_fixtures import (
    TZ,
    Org,
    answers,
    jakarta,
    keys,
    make_org,
    manager_answers,
    only_review_tasks,
    outbox,
    review_of,
    sales_cycle,
    tick,
)

SELF_DUE = date(2026, 12, 4)  # a Friday
MANAGER_DUE = date(2026, 12, 11)  # a Friday


@pytest.fixture
def org(db: Database, workspace: str, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, clock.now())
        session.expunge_all()
        return org


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/", KINERJA_DEFAULT_TZ=TZ)


def me(session: Session, person: Employee) -> Employee:
    found = session.get(Employee, person.id)
    assert found is not None
    return found


def status(db: Database, person: Employee) -> tuple[str, int]:
    with db.session() as session:
        review = review_of(session, person)
        return review.status, review.version


def counts(db: Database, org: Org, cycle_id: int, clock: FixedClock) -> dict[str, int]:
    with db.session() as session:
        return cycle_progress(session, me(session, org.hr), cycle_id, now=clock.now()).counts


# ------------------------------------------------------------------------- the state machine


def test_the_review_moves_through_its_states_and_hr_counts_follow(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        cycle_id = sales_cycle(session, org, now).cycle.id
        review_id = review_of(session, org.eko).id
    zero = dict.fromkeys(("self_submitted", "manager_submitted", "approved", "acknowledged"), 0)
    assert counts(db, org, cycle_id, clock) == {"not_started": 3, **zero}

    with db.session() as session:
        save_self_draft(session, me(session, org.eko), review_id, answers(craft=None), now=now)
        review = review_of(session, org.eko)
        assert review.status == "not_started" and review.self_ratings == {"teamwork": 4}
        assert review.self_draft_saved_at == now
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
    assert status(db, org.eko) == ("self_submitted", 2)
    assert counts(db, org, cycle_id, clock)["self_submitted"] == 1

    with db.session() as session:
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
    assert status(db, org.eko) == ("manager_submitted", 3)
    with db.session() as session:
        approve_review(session, me(session, org.manager), review_id, version=3, now=now)
    assert status(db, org.eko) == ("approved", 4)
    assert counts(db, org, cycle_id, clock)["approved"] == 1
    with db.session() as session:
        acknowledge_review(session, me(session, org.eko), review_id, version=4, now=now)
        assert [r.id for r in approved_reviews_of(session, me(session, org.eko))] == [review_id]
    assert status(db, org.eko) == ("acknowledged", 5)
    assert counts(db, org, cycle_id, clock) == {
        "not_started": 2,
        "self_submitted": 0,
        "manager_submitted": 0,
        "approved": 0,
        "acknowledged": 1,
    }
    base = f"review:{review_id}"
    assert [k for k in keys(db) if k.startswith(base)] == [
        f"{base}:invite",
        f"{base}:invite:done:v2",
        f"{base}:conversation",
        f"{base}:manager:3",
        f"{base}:conversation:state:v3",
        f"{base}:manager:3:closed:v4",
        f"{base}:approved:v4",
        f"{base}:conversation:state:v4",
        f"{base}:approved:v4:closed:v5",
        f"{base}:acknowledged",
        f"{base}:conversation:state:v5",
    ]


def test_second_approval_is_refused_and_changes_nothing(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        approve_review(session, me(session, org.manager), review_id, now=now)
    before, sent = status(db, org.eko), keys(db)
    with db.session() as session, pytest.raises(ReviewConflict) as raised:
        approve_review(session, me(session, org.manager), review_id, version=3, now=now)
    assert raised.value.key == "review.conflict.already_approved"
    assert status(db, org.eko) == before and keys(db) == sent


def test_ask_to_discuss_returns_the_review_to_the_manager(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        approve_review(session, me(session, org.manager), review_id, now=now)
        with pytest.raises(ReviewValidationError) as raised:
            ask_to_discuss(session, me(session, org.eko), review_id, "   ", now=now)
        assert raised.value.errors == {"comment": "review.error.comment_required"}
        ask_to_discuss(session, me(session, org.eko), review_id, "Craft is a 4?", now=now)
        review = review_of(session, org.eko)
        assert (review.status, review.approved_at, review.discussion_count) == (
            "manager_submitted",
            None,
            1,
        )
        event = session.scalars(
            select(ReviewEvent).where(ReviewEvent.action == "discussion_requested")
        ).one()
        assert event.detail == {"comment": "Craft is a 4?", "round": 1}
        # the employee cannot acknowledge now; the manager revises, then approves again
        with pytest.raises(ReviewConflict):
            acknowledge_review(session, me(session, org.eko), review_id, now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(craft=4), now=now
        )
        approve_review(session, me(session, org.manager), review_id, now=now)
        assert review_of(session, org.eko).status == "approved"
    base = f"review:{review_id}"
    sent = keys(db)
    assert f"{base}:discuss:1" in sent and f"{base}:discuss:1:closed:v6" in sent
    assert f"{base}:manager:6" in sent and f"{base}:approved:v7" in sent


def test_a_stale_button_is_refused(db: Database, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(4), now=now
        )
        with pytest.raises(ReviewConflict) as raised:
            approve_review(session, me(session, org.manager), review_id, version=3, now=now)
        assert raised.value.key == "review.conflict.changed"


def test_approval_and_acknowledgement_are_one_decision_checked_like_every_change(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """`decide` is the one path of both clicks: who, the state and the version shown are
    checked before anything changes; then the stamp, the new version, the history line."""
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        with pytest.raises(PermissionDenied):
            decide(session, me(session, org.eko), review_id, ReviewAction.APPROVE, now=now)
        with pytest.raises(ValueError, match="not a one-click decision"):
            decide(session, me(session, org.manager), review_id, ReviewAction.WRITE_SELF, now=now)
        later = now + timedelta(hours=1)
        manager, eko = me(session, org.manager), me(session, org.eko)
        decide(session, manager, review_id, ReviewAction.APPROVE, version=3, now=later)
        review = review_of(session, org.eko)
        assert (review.status, review.version, review.approved_at) == ("approved", 4, later)
        with pytest.raises(PermissionDenied):
            decide(session, manager, review_id, ReviewAction.ACKNOWLEDGE, version=4, now=now)
        with pytest.raises(ReviewConflict) as raised:
            decide(session, eko, review_id, ReviewAction.ACKNOWLEDGE, version=3, now=now)
        assert raised.value.key == "review.conflict.changed"
        decide(session, eko, review_id, ReviewAction.ACKNOWLEDGE, version=4, now=later)
        review = review_of(session, org.eko)
        assert (review.status, review.version, review.acknowledged_at) == ("acknowledged", 5, later)
        lines = session.scalars(
            select(ReviewEvent.action)
            .where(ReviewEvent.review_id == review_id, ReviewEvent.at == later)
            .order_by(ReviewEvent.id)
        )
        assert list(lines) == ["approved", "acknowledged"]
    base = f"review:{review_id}"
    assert keys(db)[-3:] == [
        f"{base}:approved:v4:closed:v5",
        f"{base}:acknowledged",
        f"{base}:conversation:state:v5",
    ]


def test_a_missing_rating_is_an_error_on_that_competency(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        with pytest.raises(ReviewValidationError) as raised:
            submit_self_review(
                session, me(session, org.eko), review_id, answers(craft=None), now=now
            )
        assert raised.value.errors == {"rating_craft": "review.error.rating_required"}
        with pytest.raises(ReviewValidationError) as raised:
            submit_self_review(session, me(session, org.eko), review_id, answers(craft=9), now=now)
        assert raised.value.errors == {"rating_craft": "review.error.rating_invalid"}
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        with pytest.raises(ReviewValidationError) as raised:
            write_manager_review(
                session, me(session, org.manager), review_id, manager_answers(None), now=now
            )
        assert raised.value.errors == {"overall": "review.error.overall_required"}
    assert status(db, org.eko) == ("self_submitted", 2)


# ------------------------------------------------------------------------- HR's fixes


def test_hr_reopens_a_self_review_before_the_manager_writes(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        with pytest.raises(ReviewConflict) as raised:
            submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        assert raised.value.key == "review.conflict.self_submitted"
        reopen_self_review(session, me(session, org.hr), review_id, now=now)
        review = review_of(session, org.eko)
        assert (review.status, review.self_submitted_at) == ("not_started", None)
        assert review.self_answers["q1"] == "Hiring was slow"  # kept, to edit
        submit_self_review(session, me(session, org.eko), review_id, answers(teamwork=5), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        with pytest.raises(ReviewConflict) as raised:
            reopen_self_review(session, me(session, org.hr), review_id, now=now)
        assert raised.value.key == "review.conflict.reopen_too_late"
    sent = keys(db)
    assert f"review:{review_id}:reopened:v3" in sent
    assert f"review:{review_id}:self:v4" in sent  # the thread hears of the new version
    assert sent.count(f"review:{review_id}:conversation") == 1


def test_hr_reassigns_a_review_when_the_manager_leaves(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        with pytest.raises(ReviewValidationError):
            reassign_manager(session, me(session, org.hr), review_id, me(session, org.eko), now=now)
        me(session, org.eko).manager_id = org.other_manager.id  # Eko moved to Omar's team
        session.flush()
        reassign_manager(
            session, me(session, org.hr), review_id, me(session, org.other_manager), now=now
        )
        review = review_of(session, org.eko)
        assert (review.status, review.manager_id, review.overall_rating) == (
            "self_submitted",
            org.other_manager.id,
            None,
        )
        assert review.conversation_key == f"review:{review_id}:conversation-v4"
        with pytest.raises(PermissionDenied):
            approve_review(session, me(session, org.manager), review_id, now=now)
        with pytest.raises(PermissionDenied):
            get_review(session, me(session, org.manager), review_id)
        write_manager_review(
            session, me(session, org.other_manager), review_id, manager_answers(), now=now
        )
        approve_review(session, me(session, org.other_manager), review_id, now=now)
    sent = keys(db)
    assert f"review:{review_id}:reassigned:v4" in sent
    assert f"review:{review_id}:conversation-v4" in sent


def test_a_closed_cycle_is_read_only(db: Database, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    with db.session() as session:
        cycle_id = sales_cycle(session, org, now).cycle.id
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        close_cycle(session, me(session, org.hr), cycle_id, now=now)
        for attempt in (
            lambda: write_manager_review(
                session, me(session, org.manager), review_id, manager_answers(), now=now
            ),
            lambda: save_self_draft(
                session, me(session, org.edi), review_of(session, org.edi).id, answers(), now=now
            ),
            lambda: reopen_self_review(session, me(session, org.hr), review_id, now=now),
            lambda: close_cycle(session, me(session, org.hr), cycle_id, now=now),
        ):
            with pytest.raises(ReviewConflict):
                attempt()
        assert get_review(session, me(session, org.manager), review_id).self_answers
        progress = cycle_progress(session, me(session, org.hr), cycle_id, now=now)
        assert progress.status == "closed" and progress.overdue == []


# ------------------------------------------------------------------------- reminders, overdue


def test_working_days_skip_weekends_and_public_holidays() -> None:
    assert working_days_before(date(2026, 12, 4), 2, "ID") == date(2026, 12, 2)
    assert working_days_before(date(2026, 11, 30), 2, "ID") == date(2026, 11, 26)
    # 25 December is Christmas in Indonesia
    assert working_days_before(date(2026, 12, 28), 2, "ID") == date(2026, 12, 23)


def test_reminders_go_out_once_before_each_due_date(
    db: Database,
    org: Org,
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_review_tasks(monkeypatch)
    with db.session() as session:
        sales_cycle(session, org, clock.now())
        eko_review = review_of(session, org.eko).id
        me(session, org.edi).away_until = date(2026, 12, 3)
    wednesday = date(2026, 12, 2)  # two working days before Friday 4 December
    assert tick(db, settings, jakarta(date(2026, 12, 1), 10)).total == 0
    assert tick(db, settings, jakarta(wednesday, 8, 30)).total == 0  # before working hours
    with db.session() as session:
        submit_self_review(
            session, me(session, org.eko), eko_review, answers(), now=jakarta(date(2026, 12, 1), 11)
        )
    report = tick(db, settings, jakarta(wednesday, 9, 5))
    assert report.done["review_reminders"] == 1  # Eva; Eko submitted, Edi is away
    for hour in (10, 15):
        assert tick(db, settings, jakarta(wednesday, hour)).total == 0
    assert tick(db, settings, jakarta(date(2026, 12, 4), 10)).total == 1  # Edi is back
    assert tick(db, settings, jakarta(date(2026, 12, 4), 11)).total == 0
    assert tick(db, settings, jakarta(date(2026, 12, 5), 10)).total == 0  # after the due date
    # the manager's reminder: Wednesday 9 December for Friday 11 December, once
    assert tick(db, settings, jakarta(date(2026, 12, 9), 10)).done["review_reminders"] == 1
    assert tick(db, settings, jakarta(date(2026, 12, 10), 10)).total == 0
    sent = sorted(k for k in keys(db) if ":remind:" in k)
    with db.session() as session:
        ids = {p: review_of(session, p).id for p in (org.eko, org.edi, org.eva)}
    assert sent == sorted(
        [
            f"review:{ids[org.edi]}:remind:self",
            f"review:{ids[org.eva]}:remind:self",
            f"review:{ids[org.eko]}:remind:manager",
        ]
    )


def test_no_reminder_when_the_step_began_on_the_reminder_day(
    db: Database,
    org: Org,
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_review_tasks(monkeypatch)
    wednesday = date(2026, 12, 2)
    clock.set(jakarta(wednesday, 9))
    with db.session() as session:
        sales_cycle(session, org, clock.now(), opens_on=wednesday)
    assert tick(db, settings, jakarta(wednesday, 11)).total == 0
    assert [k for k in keys(db) if ":remind:" in k] == []


def test_overdue_reviews_for_hr(db: Database, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    with db.session() as session:
        cycle_id = sales_cycle(session, org, now).cycle.id
        eko = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), eko, answers(), now=now)
    on_due_day = jakarta(SELF_DUE, 17)
    after_self = jakarta(SELF_DUE + timedelta(days=1), 9)
    after_manager = jakarta(MANAGER_DUE + timedelta(days=1), 9)
    with db.session() as session:
        assert overdue_reviews(session, "T0001", on_due_day) == []
        late = overdue_reviews(session, "T0001", after_self)
        assert [(o.employee_slack_id, o.stage, o.due) for o in late] == [
            ("UEDI", "self", SELF_DUE),
            ("UEVA", "self", SELF_DUE),
        ]
        later = cycle_progress(session, me(session, org.hr), cycle_id, now=after_manager).overdue
        assert [(o.employee_slack_id, o.stage, o.manager_slack_id) for o in later] == [
            ("UEDI", "self", "UMGR"),
            ("UEKO", "manager", "UMGR"),
            ("UEVA", "self", "UMGR"),
        ]


def test_after_reopen_and_reassign_the_old_manager_sees_nothing_new(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """Reopened, then reassigned while not started: the resubmission opens a new group DM
    with the new manager instead of posting into the old manager's conversation."""
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        reopen_self_review(session, me(session, org.hr), review_id, now=now)
        me(session, org.manager).manager_id = org.other_manager.id  # Omar is above Maya
        session.flush()
        reassign_manager(
            session, me(session, org.hr), review_id, me(session, org.other_manager), now=now
        )
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        assert review_of(session, org.eko).conversation_key == f"review:{review_id}:conversation-v5"
        old_thread = [
            row.idempotency_key
            for row in outbox(session)
            if row.payload.get("_thread_of") == f"review:{review_id}:conversation"
        ]
        new = next(
            row
            for row in outbox(session)
            if row.idempotency_key == f"review:{review_id}:conversation-v5"
        )
    assert old_thread == [f"review:{review_id}:reassigned:v4"]
    assert new.payload["_open_users"] == ["UEKO", "UOMGR"]


def test_a_review_goes_only_to_someone_in_the_reporting_line_or_hr(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """Maya reports to Ada (admin, no manager). Eko's review may go to Ada (above Maya), to
    Omar once the organisation makes him Eko's manager, or to Hana in HR — never to Edi (a
    peer), Omar before that (a manager elsewhere) or Sari (Omar's report)."""
    now = clock.now()
    with db.session() as session:
        me(session, org.manager).manager_id = org.admin.id
        session.flush()
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
    sent = keys(db)
    with db.session() as session:
        for person in (org.edi, org.other_manager, org.stranger, org.loner):
            with pytest.raises(ReviewerNotInLine) as refused:
                reassign_manager(
                    session, me(session, org.hr), review_id, me(session, person), now=now
                )
            assert refused.value.errors == {"manager": "review.error.reviewer_not_in_line"}
            assert (refused.value.person, refused.value.employee) == (person.slack_id, "UEKO")
            assert refused.value.line == ["UMGR", "UADMIN"]  # nearest first
        assert review_of(session, org.eko).manager_id == org.manager.id
    assert keys(db) == sent
    with db.session() as session:
        reassign_manager(session, me(session, org.hr), review_id, me(session, org.admin), now=now)
        assert review_of(session, org.eko).manager_id == org.admin.id
        reassign_manager(session, me(session, org.admin), review_id, me(session, org.hr), now=now)
        assert review_of(session, org.eko).manager_id == org.hr.id  # HR acting as reviewer
        me(session, org.eko).manager_id = org.other_manager.id  # Eko moves to Omar's team
        session.flush()
        reassign_manager(
            session, me(session, org.hr), review_id, me(session, org.other_manager), now=now
        )
        assert review_of(session, org.eko).manager_id == org.other_manager.id


def test_with_nobody_above_them_only_hr_may_take_a_review(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """Maya has no manager and left; Eko's review can only go to HR, and the refusal says so."""
    now = clock.now()
    with db.session() as session:
        sales_cycle(session, org, now)
        review_id = review_of(session, org.eko).id
        me(session, org.manager).active = False
        session.flush()
        with pytest.raises(ReviewerNotInLine) as refused:
            reassign_manager(session, me(session, org.hr), review_id, me(session, org.edi), now=now)
        assert refused.value.errors == {"manager": "review.error.reviewer_hr_only"}
        assert refused.value.line == []
        reassign_manager(session, me(session, org.hr), review_id, me(session, org.admin), now=now)
