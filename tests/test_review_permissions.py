"""Who may do what with a review: role × relation × action, then the same through the core."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.permissions import PermissionDenied
from bot.review import (
    ReviewAction,
    ReviewConflict,
    allowed,
    approve_review,
    check,
    close_cycle,
    create_cycle,
    cycle_progress,
    get_review,
    reassign_manager,
    reopen_self_review,
    submit_self_review,
    write_manager_review,
)
from storage.db import Database
from storage.models import Employee
from storage.reviews import Review
from tests.review_fixtures import (
    TZ,
    Org,
    answers,
    cycle_input,
    keys,
    make_org,
    manager_answers,
    review_of,
    sales_cycle,
)

A = ReviewAction
EMPLOYEE = {A.READ, A.WRITE_SELF, A.ACKNOWLEDGE, A.ASK_TO_DISCUSS}
MANAGER = {A.READ, A.WRITE_MANAGER, A.APPROVE}
HR = {A.READ, A.REOPEN, A.REASSIGN}
# Eko's review; Maya is his manager of record, Edi his peer (same manager).
EXPECTED = {
    "eko": EMPLOYEE,
    "manager": MANAGER,
    "edi": set(),
    "other_manager": set(),
    "stranger": set(),
    "loner": set(),
    "hr": HR,
    "admin": HR,
}


@pytest.fixture
def org(db: Database, workspace: str, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, clock.now())
        sales_cycle(session, org, clock.now())
        session.flush()
        session.expunge_all()
        return org


def me(session: Session, person: Employee) -> Employee:
    found = session.get(Employee, person.id)
    assert found is not None
    return found


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_matrix_for_one_review(db: Database, org: Org, who: str) -> None:
    with db.session() as session:
        review = review_of(session, org.eko)
        actor = me(session, getattr(org, who))
        granted = {action for action in ReviewAction if allowed(actor, action, review)}
    assert granted == EXPECTED[who]


def test_nobody_acts_once_inactive_or_from_another_workspace(db: Database, org: Org) -> None:
    with db.session() as session:
        review = review_of(session, org.eko)
        manager = me(session, org.manager)
        manager.active = False
        assert not any(allowed(manager, action, review) for action in ReviewAction)
        hr = me(session, org.hr)
        hr.team_id = "T9999"
        assert not allowed(hr, A.READ, review)
        session.rollback()


def test_on_their_own_review_hr_and_admins_are_just_the_employee(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """Hana (HR) reports to Ada (admin): Hana cannot reopen or reassign her own review, and
    Ada, as her manager, writes and approves it."""
    with db.session() as session:
        me(session, org.hr).manager_id = org.admin.id
        session.flush()
        from storage.models import Team

        people = session.query(Team).filter_by(name="People").one()
        create_cycle(
            session,
            me(session, org.admin),
            cycle_input(team_ids=[people.id], name="HR review"),
            now=clock.now(),
            tz=TZ,
        )
        review = session.query(Review).filter_by(employee_id=org.hr.id).one()
        assert {a for a in A if allowed(me(session, org.hr), a, review)} == EMPLOYEE
        assert {a for a in A if allowed(me(session, org.admin), a, review)} == MANAGER | HR


@pytest.mark.parametrize("who", ["edi", "other_manager", "stranger", "loner"])
def test_a_peer_or_stranger_can_neither_read_nor_approve(
    db: Database, org: Org, clock: FixedClock, who: str
) -> None:
    now = clock.now()
    with db.session() as session:
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
    sent = keys(db)
    attempts: list[Callable[[Session, Employee], object]] = [
        lambda s, actor: get_review(s, actor, review_id),
        lambda s, actor: approve_review(s, actor, review_id, now=now),
        lambda s, actor: check(s, actor, review_id, A.WRITE_MANAGER),
        lambda s, actor: reopen_self_review(s, actor, review_id, now=now),
        lambda s, actor: reassign_manager(s, actor, review_id, actor, now=now),
    ]
    for attempt in attempts:
        with db.session() as session, pytest.raises(PermissionDenied):
            attempt(session, me(session, getattr(org, who)))
    with db.session() as session:
        assert review_of(session, org.eko).status == "manager_submitted"
    assert keys(db) == sent


def test_hr_reads_but_does_not_approve(db: Database, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    with db.session() as session:
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        assert get_review(session, me(session, org.hr), review_id).overall_rating == 4
        for person in (org.hr, org.admin, org.eko):
            with pytest.raises(PermissionDenied):
                approve_review(session, me(session, person), review_id, now=now)


def test_a_manager_cannot_approve_their_own_review(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """Maya reports to Omar; in a cycle for everyone she is reviewed by him, not by herself."""
    now = clock.now()
    with db.session() as session:
        me(session, org.manager).manager_id = org.other_manager.id
        session.flush()
        create_cycle(
            session,
            me(session, org.hr),
            cycle_input(everyone=True, name="Everyone"),
            now=now,
            tz=TZ,
        )
        own = (
            session.query(Review)
            .filter_by(employee_id=org.manager.id, manager_id=org.other_manager.id)
            .one()
        )
        maya = me(session, org.manager)
        submit_self_review(session, maya, own.id, answers(), now=now)
        with pytest.raises(PermissionDenied):
            write_manager_review(session, maya, own.id, manager_answers(), now=now)
        write_manager_review(
            session, me(session, org.other_manager), own.id, manager_answers(), now=now
        )
        with pytest.raises(PermissionDenied):
            approve_review(session, maya, own.id, now=now)
        approve_review(session, me(session, org.other_manager), own.id, now=now)


def test_the_database_refuses_a_review_managed_by_its_employee(
    db: Database, org: Org, clock: FixedClock
) -> None:
    with pytest.raises(IntegrityError), db.session() as session:
        review = review_of(session, org.eko)
        review.manager_id = org.eko.id
        session.flush()


def test_someone_recorded_as_their_own_manager_is_left_out(
    db: Database, org: Org, clock: FixedClock
) -> None:
    with db.session() as session:
        me(session, org.loner).manager_id = org.loner.id
        session.flush()
        result = sales_cycle(session, org, clock.now(), name="Again")
        assert "ULINA" in {p.slack_id for p in result.left_out}


def test_a_second_approve_says_already_approved_and_changes_nothing(
    db: Database, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        review_id = review_of(session, org.eko).id
        submit_self_review(session, me(session, org.eko), review_id, answers(), now=now)
        write_manager_review(
            session, me(session, org.manager), review_id, manager_answers(), now=now
        )
        approve_review(session, me(session, org.manager), review_id, now=now)
        version = review_of(session, org.eko).version
    sent = keys(db)
    with db.session() as session, pytest.raises(ReviewConflict) as raised:
        approve_review(session, me(session, org.manager), review_id, version=3, now=now)
    assert raised.value.key == "review.conflict.already_approved"
    with db.session() as session:
        assert (review_of(session, org.eko).status, review_of(session, org.eko).version) == (
            "approved",
            version,
        )
    assert keys(db) == sent


@pytest.mark.parametrize("who", ["eko", "manager", "other_manager"])
def test_only_hr_and_admins_run_cycles(db: Database, org: Org, clock: FixedClock, who: str) -> None:
    with db.session() as session:
        actor = me(session, getattr(org, who))
        cycle_id = review_of(session, org.eko).cycle_id
        with pytest.raises(PermissionDenied):
            create_cycle(session, actor, cycle_input(everyone=True), now=clock.now(), tz=TZ)
        with pytest.raises(PermissionDenied):
            close_cycle(session, actor, cycle_id, now=clock.now())
        with pytest.raises(PermissionDenied):
            cycle_progress(session, actor, cycle_id, now=clock.now())
        assert cycle_progress(session, me(session, org.admin), cycle_id, now=clock.now()).total == 3
