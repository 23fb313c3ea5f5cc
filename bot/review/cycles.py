"""Review cycles: HR creates one (now or for a later day), the scheduler opens it, HR closes it.

Opening creates one review per participant — an active employee, in the chosen teams or in
the whole organisation, whose manager of record is active and not themselves — and invites each
by DM. Anyone in scope without a manager is left out and named to HR, because a review without
a manager could only be approved by its own author. A closed cycle is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.i18n import TranslatorFor, translators
from bot.org.directory import employee_by_slack_id
from bot.permissions import Action, require
from bot.review import notify
from bot.review.dates import local_today, opening_moment
from bot.review.errors import ReviewConflict, ReviewNotFound, ReviewValidationError
from bot.review.forms import CycleInput, CycleSpec, validate_cycle
from bot.review.history import record
from storage.models import Employee, Team
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewEventAction, ReviewStatus

CLI_ACTOR = "cli"


@dataclass(frozen=True)
class Participants:
    people: list[Employee] = field(default_factory=list)
    left_out: list[Employee] = field(default_factory=list)  # in scope, but no manager


@dataclass(frozen=True)
class CycleResult:
    cycle: ReviewCycle
    opened: bool
    reviews: int  # created when opened; otherwise the people who would take part today
    left_out: list[Employee]


def has_manager(person: Employee) -> bool:
    manager = person.manager
    return manager is not None and manager.active and manager.id != person.id


def participants(
    session: Session, team_id: str, everyone: bool, team_ids: list[int]
) -> Participants:
    query = select(Employee).where(Employee.team_id == team_id, Employee.active.is_(True))
    if not everyone:
        query = query.where(Employee.org_team_id.in_(team_ids or [-1]))
    found = Participants()
    for person in session.scalars(query.order_by(Employee.name, Employee.id)).unique():
        (found.people if has_manager(person) else found.left_out).append(person)
    return found


def team_options(session: Session, team_id: str) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Team.id, Team.name).where(Team.team_id == team_id).order_by(Team.name)
    )
    return [(int(tid), str(name)) for tid, name in rows]


def get_cycle(session: Session, team_id: str, cycle_id: int) -> ReviewCycle:
    cycle = session.scalar(
        select(ReviewCycle).where(ReviewCycle.id == cycle_id, ReviewCycle.team_id == team_id)
    )
    if cycle is None:
        raise ReviewNotFound(cycle_id)
    return cycle


def create_cycle(
    session: Session,
    actor: Employee,
    data: CycleInput,
    *,
    now: datetime,
    tz: str,
    tr_for: TranslatorFor | None = None,
    open_now: bool = True,
) -> CycleResult:
    """HR or an admin creates a cycle. `tz` is the organisation's zone, in which the cycle's
    dates are days. One opening today opens at once with `open_now`; without it (a Slack
    request, which must be answered within 3 seconds while opening invites everyone) the
    scheduler's next pass opens it — from 09:00, within a minute."""
    require(actor, Action.OPEN_REVIEW_CYCLE)
    return _create(session, actor.team_id, data, actor.slack_id, now, tz, tr_for, open_now)


def create_cycle_as_operator(
    session: Session,
    team_id: str,
    data: CycleInput,
    *,
    now: datetime,
    tz: str,
    tr_for: TranslatorFor | None = None,
) -> CycleResult:
    """`kinerja review open`: the server's operator is trusted like `org import` (no Slack
    identity, no role); the change is audited as "cli". Opening today opens at once."""
    return _create(session, team_id, data, CLI_ACTOR, now, tz, tr_for, True)


def _create(
    session: Session,
    team_id: str,
    data: CycleInput,
    created_by: str,
    now: datetime,
    tz: str,
    tr_for: TranslatorFor | None,
    open_now: bool,
) -> CycleResult:
    today = local_today(now, None, tz)
    spec = validate_cycle(data, today)
    known = {tid for tid, _ in team_options(session, team_id)}
    if any(tid not in known for tid in spec.team_ids):
        raise ReviewValidationError({"teams": "review.error.team_unknown"})
    found = participants(session, team_id, spec.everyone, spec.team_ids)
    if not found.people:
        raise ReviewValidationError({"teams": "review.error.no_participants"})
    cycle = _new_cycle(team_id, spec, created_by, now, tz)
    session.add(cycle)
    session.flush()
    record(session, cycle, None, None, ReviewEventAction.CYCLE_CREATED, now, by=created_by)
    audit.record(
        session,
        team_id=team_id,
        actor=created_by,
        action="review.cycle_created",
        subject=str(cycle.id),
        detail={"name": cycle.name, "opens_on": cycle.opens_on.isoformat()},
        at=now,
    )
    if cycle.opens_on > today or not open_now:
        return CycleResult(cycle, False, len(found.people), found.left_out)
    count, left_out = open_cycle(session, cycle, now, tr_for or translators("en"))
    return CycleResult(cycle, True, count, left_out)


def _new_cycle(
    team_id: str, spec: CycleSpec, created_by: str, now: datetime, tz: str
) -> ReviewCycle:
    return ReviewCycle(
        team_id=team_id,
        name=spec.name,
        period_start=spec.period_start,
        period_end=spec.period_end,
        opens_on=spec.opens_on,
        self_due=spec.self_due,
        manager_due=spec.manager_due,
        tz=tz,
        questions=spec.questions,
        competencies=spec.competencies,
        scale=spec.scale,
        everyone=spec.everyone,
        team_ids=spec.team_ids,
        status=CycleStatus.SCHEDULED.value,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )


def open_cycle(
    session: Session, cycle: ReviewCycle, now: datetime, tr_for: TranslatorFor
) -> tuple[int, list[Employee]]:
    """Create the reviews and invite everyone; returns (reviews created, people left out).

    The manager of record is fixed now: a later change of reporting line does not move a
    review that is under way (HR reassigns explicitly)."""
    found = participants(session, cycle.team_id, cycle.everyone, cycle.team_ids)
    taken = set(session.scalars(select(Review.employee_id).where(Review.cycle_id == cycle.id)))
    created = 0
    for person in found.people:
        if person.id in taken:
            continue
        review = Review(
            team_id=cycle.team_id,
            cycle=cycle,
            employee=person,
            manager=person.manager,
            status=ReviewStatus.NOT_STARTED.value,
            self_answers={},
            self_ratings={},
            manager_answers={},
            manager_ratings={},
            discussion_count=0,
            version=1,
            created_at=now,
            updated_at=now,
        )
        session.add(review)
        session.flush()
        notify.invite(session, review, now, tr_for)
        created += 1
    cycle.status = CycleStatus.OPEN.value
    cycle.opened_at = now
    cycle.updated_at = now
    record(
        session,
        cycle,
        None,
        None,
        ReviewEventAction.CYCLE_OPENED,
        now,
        reviews=created,
        left_out=[p.slack_id for p in found.left_out],
    )
    return created, found.left_out


def open_due_cycles(session: Session, team_id: str, now: datetime, tr_for: TranslatorFor) -> int:
    """Scheduled cycles whose opening day has come, from 09:00 in the organisation's zone;
    returns the messages enqueued. A cycle row is locked, so two instances open it once."""
    due = session.scalars(
        select(ReviewCycle)
        .where(
            ReviewCycle.team_id == team_id,
            ReviewCycle.status == CycleStatus.SCHEDULED.value,
        )
        .order_by(ReviewCycle.id)
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for cycle in due:
        if now < opening_moment(cycle.opens_on, cycle.tz):
            continue
        count, left_out = open_cycle(session, cycle, now, tr_for)
        sent += count
        creator = _creator(session, cycle)
        if creator is not None:
            notify.cycle_opened(
                session, cycle, creator, count, [p.slack_id for p in left_out], now, tr_for
            )
            sent += 1
    return sent


def _creator(session: Session, cycle: ReviewCycle) -> Employee | None:
    if not cycle.created_by or cycle.created_by == CLI_ACTOR:
        return None
    person = employee_by_slack_id(session, cycle.team_id, cycle.created_by)
    return person if person is not None and person.active else None


def close_cycle(session: Session, actor: Employee, cycle_id: int, *, now: datetime) -> ReviewCycle:
    require(actor, Action.CLOSE_REVIEW_CYCLE)
    return close_cycle_as(session, actor.team_id, cycle_id, actor.slack_id, now=now, actor=actor)


def close_cycle_as(
    session: Session,
    team_id: str,
    cycle_id: int,
    by: str,
    *,
    now: datetime,
    actor: Employee | None = None,
) -> ReviewCycle:
    """Close a cycle (a scheduled one is thereby cancelled); from now on it is read-only."""
    cycle = get_cycle(session, team_id, cycle_id)
    if cycle.status == CycleStatus.CLOSED:
        raise ReviewConflict("review.conflict.cycle_already_closed", cycle=cycle.name)
    cycle.status = CycleStatus.CLOSED.value
    cycle.closed_at = now
    cycle.updated_at = now
    record(session, cycle, None, actor, ReviewEventAction.CYCLE_CLOSED, now, by=by)
    audit.record(
        session,
        team_id=team_id,
        actor=by,
        action="review.cycle_closed",
        subject=str(cycle.id),
        at=now,
    )
    return cycle


def list_cycles(session: Session, actor: Employee) -> list[ReviewCycle]:
    require(actor, Action.VIEW_ALL_REVIEWS)
    return cycles_of(session, actor.team_id)


def cycles_of(session: Session, team_id: str) -> list[ReviewCycle]:
    return list(
        session.scalars(
            select(ReviewCycle)
            .where(ReviewCycle.team_id == team_id)
            .order_by(ReviewCycle.id.desc())
        )
    )
