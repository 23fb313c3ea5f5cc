"""One review's life: not started → self-review submitted → manager review submitted →
approved → acknowledged, plus the side roads (HR reopens a self-review, HR reassigns the
manager, the employee asks to discuss).

"Ask to discuss" returns the review to the manager: the status goes back to
`manager_submitted` and the approval is cleared, so the manager can approve again after talking
it through, or revise the manager review first (which posts a new version). The self-review is
not reopened by it: it was final, and only HR reopens it.

Every change checks, in this order: who (bot/review/rules.py, PermissionDenied), whether the
step was already done ("already approved"), whether the cycle is still open (a closed cycle is
read-only), the state, and the version the button was shown at. A refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import TranslatorFor, translators
from bot.review import notify
from bot.review.errors import ReviewConflict, ReviewNotFound, ReviewValidationError
from bot.review.forms import ANSWER_MAX, ReviewInput, clean_review
from bot.review.history import record
from bot.review.reviewers import require_reviewer
from bot.review.rules import ReviewAction, require_review
from bot.sanitize import clean_text
from storage.models import Employee
from storage.reviews import (
    CycleStatus,
    Review,
    ReviewEventAction,
    ReviewStatus,
)


def get_review(session: Session, actor: Employee, review_id: int) -> Review:
    """The review if the actor may read it: ReviewNotFound, or PermissionDenied for anyone
    but the employee, their manager of record and HR."""
    review = session.scalar(
        select(Review).where(Review.id == review_id, Review.team_id == actor.team_id)
    )
    if review is None:
        raise ReviewNotFound(review_id)
    require_review(actor, ReviewAction.READ, review)
    return review


def _for_change(session: Session, actor: Employee, review_id: int, action: ReviewAction) -> Review:
    """Load and lock the review (two clicks at once: the second waits, then sees the first)."""
    review = session.scalar(
        select(Review)
        .where(Review.id == review_id, Review.team_id == actor.team_id)
        .with_for_update(of=Review)
    )
    if review is None:
        raise ReviewNotFound(review_id)
    require_review(actor, action, review)
    return review


def _open(review: Review) -> None:
    if review.cycle.status != CycleStatus.OPEN:
        raise ReviewConflict("review.conflict.cycle_closed", cycle=review.cycle.name)


def _version(review: Review, version: int | None) -> None:
    if version is not None and version != review.version:
        raise ReviewConflict("review.conflict.changed")


def _done(review: Review) -> None:
    if review.status == ReviewStatus.ACKNOWLEDGED:
        raise ReviewConflict("review.conflict.already_acknowledged")
    if review.status == ReviewStatus.APPROVED:
        raise ReviewConflict("review.conflict.already_approved")


def _changed(review: Review, status: ReviewStatus, now: datetime) -> None:
    review.status = status.value
    review.version += 1
    review.updated_at = now


def check(
    session: Session,
    actor: Employee,
    review_id: int,
    action: ReviewAction,
    version: int | None = None,
) -> Review:
    """Whether `action` may happen now, without doing it: before a modal opens, so nobody
    types a whole review into a form that will be refused."""
    review = _for_change(session, actor, review_id, action)
    if action is ReviewAction.WRITE_SELF:
        _open(review)
        if review.status != ReviewStatus.NOT_STARTED:
            raise ReviewConflict("review.conflict.self_submitted")
    elif action is ReviewAction.WRITE_MANAGER:
        _done(review)
        _open(review)
        if review.status == ReviewStatus.NOT_STARTED:
            raise ReviewConflict("review.conflict.no_self_review")
    elif action is ReviewAction.APPROVE:
        _done(review)
        _open(review)
        if review.status != ReviewStatus.MANAGER_SUBMITTED:
            raise ReviewConflict("review.conflict.no_manager_review")
        _version(review, version)
    elif action in (ReviewAction.ASK_TO_DISCUSS, ReviewAction.ACKNOWLEDGE):
        if review.status == ReviewStatus.ACKNOWLEDGED:
            raise ReviewConflict("review.conflict.already_acknowledged")
        _open(review)
        if review.status != ReviewStatus.APPROVED:
            raise ReviewConflict("review.conflict.not_approved")
        _version(review, version)
    return review


# ----------------------------------------------------------------------- self-review


def save_self_draft(
    session: Session,
    actor: Employee,
    review_id: int,
    data: ReviewInput,
    *,
    now: datetime,
    complete: bool = False,
) -> Review:
    """Keep what was typed so far; a draft may be incomplete, and is seen by nobody else.

    `complete` first requires everything a submission needs (the modal's Submit saves, then
    asks for confirmation), so a missing rating is an inline error and nothing is saved."""
    review = check(session, actor, review_id, ReviewAction.WRITE_SELF)
    cycle = review.cycle
    answers, ratings = clean_review(
        cycle.questions, cycle.competencies, cycle.scale, data, complete=complete
    )
    review.self_answers, review.self_ratings = answers, ratings
    review.self_draft_saved_at = now
    review.updated_at = now
    record(session, cycle, review, actor, ReviewEventAction.DRAFT_SAVED, now)
    return review


def submit_self_review(
    session: Session,
    actor: Employee,
    review_id: int,
    data: ReviewInput | None = None,
    *,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> Review:
    """Final. `data` None submits the saved draft (the confirmation step of the modal).

    The conversation with the manager opens now; without an active manager of record it
    waits until HR reassigns the review."""
    review = check(session, actor, review_id, ReviewAction.WRITE_SELF)
    cycle = review.cycle
    if data is None:
        data = ReviewInput(answers=dict(review.self_answers), ratings=dict(review.self_ratings))
    answers, ratings = clean_review(
        cycle.questions, cycle.competencies, cycle.scale, data, complete=True
    )
    review.self_answers, review.self_ratings = answers, ratings
    review.self_submitted_at = now
    _changed(review, ReviewStatus.SELF_SUBMITTED, now)
    record(session, cycle, review, actor, ReviewEventAction.SELF_SUBMITTED, now)
    if review.manager is not None and review.manager.active:
        notify.self_submitted(session, review, now, tr_for or translators("en"))
    return review


def reopen_self_review(
    session: Session,
    actor: Employee,
    review_id: int,
    *,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> Review:
    """HR gives a submitted self-review back to its author, while the manager has not yet
    written theirs (after that, the manager review would rest on a text that changed)."""
    review = _for_change(session, actor, review_id, ReviewAction.REOPEN)
    _done(review)
    _open(review)
    if review.status == ReviewStatus.NOT_STARTED:
        raise ReviewConflict("review.conflict.not_submitted")
    if review.status != ReviewStatus.SELF_SUBMITTED:
        raise ReviewConflict("review.conflict.reopen_too_late")
    review.self_submitted_at = None
    _changed(review, ReviewStatus.NOT_STARTED, now)
    record(session, review.cycle, review, actor, ReviewEventAction.SELF_REOPENED, now)
    notify.reopened(session, review, actor, now, tr_for or translators("en"))
    return review


# ----------------------------------------------------------------------- manager review


def write_manager_review(
    session: Session,
    actor: Employee,
    review_id: int,
    data: ReviewInput,
    *,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> Review:
    """The manager of record writes (or, until approval, revises) the manager review; it is
    posted in the conversation's thread with Approve."""
    review = check(session, actor, review_id, ReviewAction.WRITE_MANAGER)
    cycle = review.cycle
    answers, ratings = clean_review(
        cycle.questions, cycle.competencies, cycle.scale, data, complete=True, manager=True
    )
    revising = review.status == ReviewStatus.MANAGER_SUBMITTED
    review.manager_answers, review.manager_ratings = answers, ratings
    review.overall_rating = data.overall
    review.manager_submitted_at = now
    _changed(review, ReviewStatus.MANAGER_SUBMITTED, now)
    record(
        session, cycle, review, actor, ReviewEventAction.MANAGER_SUBMITTED, now, revision=revising
    )
    tr_for = tr_for or translators("en")
    outcome = tr_for(actor)("review.outcome.revised")
    notify.manager_submitted(session, review, now, tr_for, outcome)
    return review


@dataclass(frozen=True)
class _Decision:
    """A one-click step: the manager's approval, or the employee's acknowledgement."""

    action: ReviewAction
    status: ReviewStatus
    event: ReviewEventAction
    stamp: str  # the Review column that says when
    outcome: str  # what happened, shown on the message whose buttons it closes
    who: str  # the actor's placeholder in that text
    tell: Callable[[Session, Review, datetime, TranslatorFor, str], None]


_APPROVAL = _Decision(
    ReviewAction.APPROVE,
    ReviewStatus.APPROVED,
    ReviewEventAction.APPROVED,
    "approved_at",
    "review.outcome.approved",
    "manager",
    notify.approved,
)
_ACKNOWLEDGEMENT = _Decision(
    ReviewAction.ACKNOWLEDGE,
    ReviewStatus.ACKNOWLEDGED,
    ReviewEventAction.ACKNOWLEDGED,
    "acknowledged_at",
    "review.outcome.acknowledged",
    "employee",
    notify.acknowledged,
)
_DECISIONS = {decision.action: decision for decision in (_APPROVAL, _ACKNOWLEDGEMENT)}


def decide(
    session: Session,
    actor: Employee,
    review_id: int,
    action: ReviewAction,
    *,
    version: int | None = None,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> Review:
    """Approve or acknowledge (`action`), as shown at `version`: checked like every change
    (`check`), then stamped, moved on, written in the history and told in the thread.

    Only the manager of record approves, never the employee; only the employee acknowledges,
    once approved. A second click is told the step was already taken and changes nothing."""
    decision = _DECISIONS.get(action)
    if decision is None:
        raise ValueError(f"{action} is not a one-click decision")
    review = check(session, actor, review_id, action, version)
    setattr(review, decision.stamp, now)
    _changed(review, decision.status, now)
    record(session, review.cycle, review, actor, decision.event, now)
    tr_for = tr_for or translators("en")
    outcome = tr_for(actor)(decision.outcome, **{decision.who: f"<@{actor.slack_id}>"})
    decision.tell(session, review, now, tr_for, outcome)
    return review


# The one-click steps by name: the manager approves, the employee acknowledges.
approve_review = partial(decide, action=ReviewAction.APPROVE)
acknowledge_review = partial(decide, action=ReviewAction.ACKNOWLEDGE)


def ask_to_discuss(
    session: Session,
    actor: Employee,
    review_id: int,
    comment: str,
    *,
    version: int | None = None,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> Review:
    """The comment goes to the thread and the review back to the manager (module docstring)."""
    review = check(session, actor, review_id, ReviewAction.ASK_TO_DISCUSS, version)
    text = clean_text(comment)
    if not text:
        raise ReviewValidationError({"comment": "review.error.comment_required"})
    if len(text) > ANSWER_MAX:
        raise ReviewValidationError({"comment": "review.error.answer_long"})
    review.approved_at = None
    review.discussion_count += 1
    _changed(review, ReviewStatus.MANAGER_SUBMITTED, now)
    record(
        session,
        review.cycle,
        review,
        actor,
        ReviewEventAction.DISCUSSION_REQUESTED,
        now,
        comment=text,
        round=review.discussion_count,
    )
    tr_for = tr_for or translators("en")
    outcome = tr_for(actor)("review.outcome.discussion", employee=f"<@{actor.slack_id}>")
    notify.discussion(session, review, text, now, tr_for, outcome)
    return review


# ----------------------------------------------------------------------- HR


def reassign_manager(
    session: Session,
    actor: Employee,
    review_id: int,
    new_manager: Employee,
    *,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> Review:
    """HR moves a review to another manager (the old one left, or changed teams): someone in
    the employee's reporting line, or HR acting as reviewer (bot/review/reviewers.py).

    A manager review not yet approved was the old manager's judgement: it is dropped and the
    new manager writes their own (the status goes back to self-review submitted)."""
    review = _for_change(session, actor, review_id, ReviewAction.REASSIGN)
    _done(review)
    _open(review)
    if (
        new_manager.team_id != review.team_id
        or not new_manager.active
        or new_manager.id == review.employee_id
    ):
        raise ReviewValidationError({"manager": "review.error.manager_invalid"})
    if new_manager.id == review.manager_id:
        raise ReviewConflict("review.conflict.same_manager")
    require_reviewer(review, new_manager)
    previous = review.manager.slack_id if review.manager is not None else None
    review.manager = new_manager
    review.manager_id = new_manager.id
    if review.status == ReviewStatus.MANAGER_SUBMITTED:
        review.manager_answers, review.manager_ratings = {}, {}
        review.overall_rating = None
        review.manager_submitted_at = None
        _changed(review, ReviewStatus.SELF_SUBMITTED, now)
    else:
        _changed(review, ReviewStatus(review.status), now)
    record(
        session,
        review.cycle,
        review,
        actor,
        ReviewEventAction.MANAGER_REASSIGNED,
        now,
        previous=previous,
        manager=new_manager.slack_id,
    )
    notify.reassigned(session, review, actor, now, tr_for or translators("en"))
    return review
