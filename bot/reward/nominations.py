"""Reward nominations: after an approved review its manager proposes a reward; HR decides.

    pending ──HR approves──▶ approved ──manager announces──▶ announced
        └────HR declines───▶ declined

- Only the review's manager of record nominates, only once the review is approved (or
  acknowledged), never themselves, once per review and reward type.
- Only HR and admins decide (Action.DECIDE_NOMINATION), and never on a nomination about
  themselves or one they made; the decision is final, so a second one is told "already decided".
- The employee is told only when HR approved and the manager announces it (once).

No Slack here: the messages go through the outbox (bot/reward/nomination_notify.py) in the
caller's transaction. Refusals raise NominationRejected (or PermissionDenied) before any write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.permissions import Action, can, require
from bot.reward import nomination_notify as notify
from bot.reward.errors import NominationRejected
from bot.reward.nomination_notify import Audience
from bot.reward.reward_types import RewardType, find_type, reward_types
from bot.sanitize import strip_control
from storage.models import Employee, Role
from storage.nominations import Nomination, NominationStatus
from storage.reviews import Review, ReviewStatus

__all__ = [
    "MAX_TEXT",
    "STATE",
    "Audience",
    "NominationForm",
    "announce_nomination",
    "check_decision",
    "check_nomination",
    "decide_nomination",
    "deciders",
    "nominate",
    "nominations_of",
    "pending_nominations",
    "visible_clause",
]

MAX_TEXT = 2000  # justification and reason
DONE = (ReviewStatus.APPROVED.value, ReviewStatus.ACKNOWLEDGED.value)
STATE = "nomination"  # the error field for "not now / not you", as opposed to a form field


def _clean(text: str | None) -> str:
    """Trimmed, without control characters (PostgreSQL refuses NUL); newlines stay."""
    return strip_control(text or "").strip()


def _refuse(key: str, **values: object) -> NominationRejected:
    return NominationRejected(STATE, key, **values)


# ----------------------------------------------------------------------- nominating


@dataclass(frozen=True)
class NominationForm:
    """What the Nominate modal needs: the review, the types and what was already proposed."""

    review: Review
    types: list[RewardType]
    existing: list[Nomination] = field(default_factory=list)


def _nominable(session: Session, manager: Employee, review_id: int) -> Review:
    review = session.scalar(
        select(Review).where(Review.id == review_id, Review.team_id == manager.team_id)
    )
    if review is None:
        raise _refuse("nominations.error.no_review")
    if manager.id == review.employee_id:
        raise _refuse("nominations.error.self")
    if not manager.active or review.manager_id != manager.id:
        raise _refuse("nominations.error.not_manager")
    if review.status not in DONE:
        raise _refuse("nominations.error.not_approved")
    if not review.employee.active:
        raise _refuse("nominations.error.inactive")
    return review


def check_nomination(session: Session, manager: Employee, review_id: int) -> NominationForm:
    """Whether this person may nominate on this review now, before the modal opens."""
    review = _nominable(session, manager, review_id)
    existing = session.scalars(
        select(Nomination).where(Nomination.review_id == review.id).order_by(Nomination.id)
    ).all()
    return NominationForm(review, reward_types(session, manager.team_id), list(existing))


def deciders(session: Session, nomination: Nomination) -> list[Employee]:
    """Who gets the nomination in their DMs without an HR channel: the active HR people, or
    the admins when there is no HR — never the person nominated nor the nominating manager."""
    involved = (nomination.employee_id, nomination.manager_id)
    for role in (Role.HR, Role.ADMIN):
        people = session.scalars(
            select(Employee)
            .where(
                Employee.team_id == nomination.team_id,
                Employee.active.is_(True),
                Employee.role == role.value,
                Employee.id.not_in(involved),
            )
            .order_by(Employee.id)
        ).all()
        if people:
            return list(people)
    return []


def nominate(
    session: Session,
    manager: Employee,
    review_id: int,
    reward_type: str | None,
    justification: str,
    now: datetime,
    *,
    audience: Audience | None = None,
) -> Nomination:
    """Record a nomination and tell HR; NominationRejected names the field at fault."""
    audience = audience or Audience()
    review = _nominable(session, manager, review_id)
    if not reward_type:
        raise NominationRejected("type", "nominations.error.type_missing")
    kind = find_type(reward_types(session, manager.team_id), reward_type)
    if kind is None:
        raise NominationRejected("type", "nominations.error.type_unknown")
    text = _clean(justification)
    if not text:
        raise NominationRejected("justification", "nominations.error.justification_empty")
    if len(text) > MAX_TEXT:
        raise NominationRejected(
            "justification", "nominations.error.too_long", max=MAX_TEXT, length=len(text)
        )
    taken = session.scalar(
        select(Nomination.id).where(
            Nomination.review_id == review.id, Nomination.reward_type == kind.key
        )
    )
    if taken is not None:
        raise NominationRejected("type", "nominations.error.duplicate")
    nomination = Nomination(
        team_id=manager.team_id,
        review_id=review.id,
        employee_id=review.employee_id,
        manager_id=manager.id,
        reward_type=kind.key,
        justification=text,
        status=NominationStatus.PENDING.value,
        created_at=now,
        version=1,
    )
    nomination.review, nomination.employee, nomination.manager = review, review.employee, manager
    people = deciders(session, nomination)
    if not audience.hr_channel and not people:
        raise _refuse("nominations.error.no_hr")
    try:
        with session.begin_nested():
            session.add(nomination)
    except IntegrityError:  # the same nomination, submitted twice at once
        raise NominationRejected("type", "nominations.error.duplicate") from None
    notify.nominated(session, nomination, people, audience, now)
    return nomination


# ----------------------------------------------------------------------- HR decides


def _locked(session: Session, team_id: str, nomination_id: int) -> Nomination:
    """Load and lock (two HR people at once: the second waits, then sees the first)."""
    nomination = session.scalar(
        select(Nomination)
        .where(Nomination.id == nomination_id, Nomination.team_id == team_id)
        .with_for_update(of=Nomination)
    )
    if nomination is None:
        raise _refuse("nominations.error.not_found")
    return nomination


def _decidable(nomination: Nomination, hr: Employee, version: int | None) -> None:
    if hr.id == nomination.employee_id:
        raise _refuse("nominations.error.own")
    if hr.id == nomination.manager_id:
        raise _refuse("nominations.error.own_nomination")
    if nomination.status != NominationStatus.PENDING:
        declined = nomination.status == NominationStatus.DECLINED
        raise _refuse(
            "nominations.error.already_declined"
            if declined
            else "nominations.error.already_approved",
            hr=nomination.decided_by.slack_id if nomination.decided_by else "",
        )
    if version is not None and version != nomination.version:
        raise _refuse("nominations.error.changed")


def check_decision(
    session: Session, hr: Employee, nomination_id: int, version: int | None = None
) -> Nomination:
    """Whether this person may decide now, before the reason modal opens."""
    require(hr, Action.DECIDE_NOMINATION)
    nomination = _locked(session, hr.team_id, nomination_id)
    _decidable(nomination, hr, version)
    return nomination


def decide_nomination(
    session: Session,
    hr: Employee,
    nomination_id: int,
    approve: bool,
    reason: str | None,
    version: int | None,
    now: datetime,
    *,
    audience: Audience | None = None,
) -> Nomination:
    """HR's final word; a reason is required to decline and kept either way."""
    nomination = check_decision(session, hr, nomination_id, version)
    text = _clean(reason)
    if not approve and not text:
        raise NominationRejected("reason", "nominations.error.reason_required")
    if len(text) > MAX_TEXT:
        raise NominationRejected(
            "reason", "nominations.error.too_long", max=MAX_TEXT, length=len(text)
        )
    status = NominationStatus.APPROVED if approve else NominationStatus.DECLINED
    nomination.status = status.value
    nomination.decided_by_id, nomination.decided_by = hr.id, hr
    nomination.decision_reason = text or None
    nomination.decided_at = now
    nomination.version += 1
    session.flush()
    notify.decided(session, nomination, audience or Audience(), now)
    return nomination


# ----------------------------------------------------------------------- the manager announces


def announce_nomination(
    session: Session,
    manager: Employee,
    nomination_id: int,
    now: datetime,
    *,
    version: int | None = None,
    audience: Audience | None = None,
) -> Nomination:
    """The nominating manager tells the employee an approved reward, once."""
    nomination = _locked(session, manager.team_id, nomination_id)
    if not manager.active or manager.id != nomination.manager_id:
        raise _refuse("nominations.error.not_nominator")
    if nomination.status == NominationStatus.ANNOUNCED:
        raise _refuse("nominations.error.already_announced")
    if nomination.status != NominationStatus.APPROVED:
        raise _refuse("nominations.error.not_approved_by_hr")
    if version is not None and version != nomination.version:
        raise _refuse("nominations.error.changed")
    if not nomination.employee.active:
        raise _refuse("nominations.error.inactive")
    nomination.status = NominationStatus.ANNOUNCED.value
    nomination.announced_at = now
    nomination.version += 1
    session.flush()
    notify.announced(session, nomination, audience or Audience(), now)
    return nomination


# ----------------------------------------------------------------------- reading


def pending_nominations(session: Session, team_id: str) -> list[Nomination]:
    """Nominations waiting for HR, oldest first, with the people loaded: one query."""
    return list(
        session.scalars(
            select(Nomination)
            .where(
                Nomination.team_id == team_id,
                Nomination.status == NominationStatus.PENDING.value,
            )
            .order_by(Nomination.created_at, Nomination.id)
        ).unique()
    )


def nominations_of(
    session: Session, actor: Employee, *, review_id: int | None = None
) -> Sequence[Nomination]:
    """The nominations this person may see, newest first (`visible_clause`)."""
    query = select(Nomination).where(visible_clause(actor))
    if review_id is not None:
        query = query.where(Nomination.review_id == review_id)
    return session.scalars(query.order_by(Nomination.id.desc())).unique().all()


def visible_clause(actor: Employee) -> ColumnElement[bool]:
    """Which nominations a person may see, as SQL (also what their export holds): HR and
    admins see all but those about themselves (until announced to them, like anyone); others
    see the ones they made."""
    announced = Nomination.status == NominationStatus.ANNOUNCED.value
    about_them = Nomination.employee_id == actor.id
    in_workspace = Nomination.team_id == actor.team_id
    if can(actor, Action.DECIDE_NOMINATION):
        return and_(in_workspace, or_(~about_them, announced))
    return and_(in_workspace, or_(Nomination.manager_id == actor.id, about_them & announced))
