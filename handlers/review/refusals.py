"""A refused review action in words: what went wrong, and what the clicker can do instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.blocks.review_steps import refusal_text
from bot.blocks.text import escape
from bot.i18n import Translator
from bot.permissions import Action, PermissionDenied
from bot.review import ReviewConflict, ReviewNotFound, ReviewValidationError
from bot.review.reviewers import ReviewerNotInLine
from bot.review.turns import turn_of
from handlers.toolkit import Actor, Refused
from storage.models import Employee

T = TypeVar("T")
REFUSALS = (ReviewConflict, ReviewNotFound, PermissionDenied, ReviewValidationError)
NOTICE_TITLE = "review.notice.title"  # the title of a refusal told in a modal of its own

HR_ACTIONS = frozenset(
    {
        Action.OPEN_REVIEW_CYCLE,
        Action.CLOSE_REVIEW_CYCLE,
        Action.REOPEN_SELF_REVIEW,
        Action.REASSIGN_REVIEWER,
    }
)


def refusal(tr: Translator, error: Exception) -> str:
    """What to tell the person whose click or command was refused; names they typed escaped.
    A click refused for someone who is part of the review is told more (`refusal_for`)."""
    if isinstance(error, ReviewerNotInLine):
        line = ", ".join(f"<@{slack_id}>" for slack_id in error.line)
        return tr(
            next(iter(error.errors.values())),
            person=f"<@{error.person}>",
            employee=f"<@{error.employee}>",
            line=line,
        )
    if isinstance(error, ReviewConflict):
        return tr(error.key, **{k: escape(str(v)) for k, v in error.values.items()})
    if isinstance(error, ReviewValidationError):
        return tr(next(iter(error.errors.values())), **error.values)
    if isinstance(error, PermissionDenied):
        if error.action in HR_ACTIONS:
            return tr("review.error.hr_only")
        return tr("review.error.permission")
    return tr("review.error.not_found")


def refusal_for(
    session: Session, actor: Employee, tr: Translator, error: Exception, review_id: int | None
) -> str:
    """`refusal`, except that a click refused for the employee, the manager or HR of this
    review says whose step it is and what the clicker's own part is now."""
    if isinstance(error, PermissionDenied) and review_id is not None:
        try:
            return refusal_text(tr, turn_of(session, actor, review_id))
        except (PermissionDenied, ReviewNotFound):
            pass  # a stranger: not a word about whose review it is
    return refusal(tr, error)


def explain(tr: Translator, error: Exception) -> str | None:
    """For `toolkit.act`: a review's refusal in words; any other error is a bug, not ours."""
    return refusal(tr, error) if isinstance(error, REFUSALS) else None


def told(work: Callable[[Actor], T], review_id: int | None) -> Callable[[Actor], T]:
    """`work` for `toolkit.act`, a refused click put in `refusal_for`'s words: whose step it
    is and what the clicker's own part is, for someone who is part of review `review_id`."""

    def refused_in_words(actor: Actor) -> T:
        try:
            return work(actor)
        except REFUSALS as error:
            actor.session.rollback()
            text = refusal_for(actor.session, actor.employee, actor.tr, error, review_id)
            raise Refused(text) from error

    return refused_in_words
