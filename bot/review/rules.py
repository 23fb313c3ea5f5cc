"""Who may do what with a review: the relation to it decides, on top of the role.

- the employee reads their review, writes their self-review, acknowledges or asks to discuss;
- the manager of record reads it, writes the manager review and approves it — and only them:
  not an admin standing in, and never the employee themselves;
- HR and admins read every review, reopen a submitted self-review and reassign the manager,
  though not on their own review;
- nobody else reads a review, peers and other managers included (PermissionDenied).

Pure functions, so the whole matrix is tested without Slack (tests/test_review_permissions.py).
"""

from __future__ import annotations

from enum import StrEnum

from bot.permissions import Action, PermissionDenied, can
from storage.models import Employee
from storage.reviews import Review


class ReviewAction(StrEnum):
    READ = "read"
    WRITE_SELF = "write_self"
    WRITE_MANAGER = "write_manager"
    APPROVE = "approve"
    ACKNOWLEDGE = "acknowledge"
    ASK_TO_DISCUSS = "ask_to_discuss"
    REOPEN = "reopen"
    REASSIGN = "reassign"


_EMPLOYEE = frozenset(
    {ReviewAction.WRITE_SELF, ReviewAction.ACKNOWLEDGE, ReviewAction.ASK_TO_DISCUSS}
)
_MANAGER = frozenset({ReviewAction.WRITE_MANAGER, ReviewAction.APPROVE})
_HR = {
    ReviewAction.REOPEN: Action.REOPEN_SELF_REVIEW,
    ReviewAction.REASSIGN: Action.REASSIGN_REVIEWER,
}


def is_employee(actor: Employee, review: Review) -> bool:
    return actor.id == review.employee_id


def is_manager(actor: Employee, review: Review) -> bool:
    """The manager of record, who is never the employee (also a database constraint)."""
    return review.manager_id is not None and actor.id == review.manager_id != review.employee_id


def allowed(actor: Employee, action: ReviewAction, review: Review) -> bool:
    if not actor.active or actor.team_id != review.team_id:
        return False
    if action is ReviewAction.READ:
        return (
            is_employee(actor, review)
            or is_manager(actor, review)
            or can(actor, Action.VIEW_ALL_REVIEWS)
        )
    if action in _EMPLOYEE:
        return is_employee(actor, review)
    if action in _MANAGER:
        return is_manager(actor, review) and not is_employee(actor, review)
    if action in _HR:
        return can(actor, _HR[action]) and not is_employee(actor, review)
    return False


def require_review(actor: Employee, action: ReviewAction, review: Review) -> None:
    if not allowed(actor, action, review):
        raise PermissionDenied(_HR.get(action, Action.VIEW_ALL_REVIEWS))
