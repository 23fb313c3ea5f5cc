"""Whose turn it is in a review, and what the person asking may do next.

The review conversation is a group DM that the employee and the manager both see, so a
button in it is seen by both. Its messages therefore carry one neutral *Next step* button,
and this decides what each clicker gets: the manager their review to write or to approve,
the employee the acknowledgement or a request to discuss, and anyone whose turn it is not an
explanation of where the review stands and what their own part is. A refused click on an
older message is told the same, so a refusal always says what the clicker can do instead.

Pure apart from loading the review (with its read permission: strangers learn nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.review.reviews import get_review
from bot.review.rules import is_employee, is_manager
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewStatus


class Part(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"  # HR or an admin reading a review that is not theirs


class Step(StrEnum):
    """What the person may do now; the i18n key `review.next.<step>` explains it."""

    WRITE_SELF = "write_self"
    WAIT_MANAGER = "wait_manager"
    WAIT_APPROVAL = "wait_approval"
    ANSWER = "answer"
    WAIT_SELF = "wait_self"
    WRITE_MANAGER = "write_manager"
    APPROVE = "approve"
    APPROVE_AGAIN = "approve_again"
    WAIT_ANSWER = "wait_answer"
    DONE = "done"
    CLOSED = "closed"
    HR = "hr"


_EMPLOYEE_STEPS = {
    ReviewStatus.NOT_STARTED: Step.WRITE_SELF,
    ReviewStatus.SELF_SUBMITTED: Step.WAIT_MANAGER,
    ReviewStatus.MANAGER_SUBMITTED: Step.WAIT_APPROVAL,
    ReviewStatus.APPROVED: Step.ANSWER,
    ReviewStatus.ACKNOWLEDGED: Step.DONE,
}
_MANAGER_STEPS = {
    ReviewStatus.NOT_STARTED: Step.WAIT_SELF,
    ReviewStatus.SELF_SUBMITTED: Step.WRITE_MANAGER,
    ReviewStatus.MANAGER_SUBMITTED: Step.APPROVE,
    ReviewStatus.APPROVED: Step.WAIT_ANSWER,
    ReviewStatus.ACKNOWLEDGED: Step.DONE,
}
_APPROVED = (ReviewStatus.APPROVED, ReviewStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Turn:
    review: Review
    part: Part
    step: Step

    @property
    def may_nominate(self) -> bool:
        """The manager of record may propose a reward once the review is approved; the
        employee never sees the offer (bot/reward/nominations.py decides the rest)."""
        return self.part is Part.MANAGER and self.review.status in _APPROVED

    @property
    def due(self) -> date:
        """The date that matters for this step: the self-review's until it is in, then the
        manager review's."""
        cycle = self.review.cycle
        not_started = self.review.status == ReviewStatus.NOT_STARTED
        return cycle.self_due if not_started else cycle.manager_due


def part_in(actor: Employee, review: Review) -> Part:
    """The actor's part, for someone allowed to read the review (the employee and the manager
    of record before HR: an HR person may well be either)."""
    if is_employee(actor, review):
        return Part.EMPLOYEE
    if is_manager(actor, review):
        return Part.MANAGER
    return Part.HR


def turn_in(actor: Employee, review: Review) -> Turn:
    part = part_in(actor, review)
    status = ReviewStatus(review.status)
    if part is Part.HR:
        step = Step.HR
    elif review.cycle.status != CycleStatus.OPEN:
        step = Step.CLOSED
    elif part is Part.EMPLOYEE:
        step = _EMPLOYEE_STEPS[status]
    else:
        step = _MANAGER_STEPS[status]
        if step is Step.APPROVE and review.discussion_count > 0:
            step = Step.APPROVE_AGAIN
    return Turn(review, part, step)


def turn_of(session: Session, actor: Employee, review_id: int) -> Turn:
    """The actor's turn in this review; ReviewNotFound or PermissionDenied (the same as for
    reading it) for anyone who may not see it."""
    return turn_in(actor, get_review(session, actor, review_id))
