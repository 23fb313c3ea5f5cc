"""Who may take over a review when HR reassigns it.

A manager review is a judgement by someone answerable for the person's work. So the new
reviewer is someone in the employee's reporting line — their manager per the organisation
today and everyone above them, or anyone above the manager of record (whose own manager steps
in when they leave) — or an HR person or admin acting as reviewer. A peer, a report or a
manager elsewhere in the organisation is refused, and told who may be chosen instead.

Pure apart from following `Employee.manager`; tested without Slack (tests/test_review_core.py).
"""

from __future__ import annotations

from bot.permissions import role_of
from bot.review.errors import ReviewValidationError
from storage.models import Employee, Role
from storage.reviews import Review

MAX_DEPTH = 50  # deeper than any real organisation; stops a loop in bad data
SHOWN = 5  # people named in the refusal


class ReviewerNotInLine(ReviewValidationError):
    """The chosen person may not review this employee. `line` holds the Slack ids of the
    people in the reporting line who may (nearest first), for the refusal to name them."""

    def __init__(self, person: Employee, review: Review, line: list[Employee]) -> None:
        key = "review.error.reviewer_not_in_line" if line else "review.error.reviewer_hr_only"
        super().__init__({"manager": key})
        self.person = person.slack_id
        self.employee = review.employee.slack_id
        self.line = [p.slack_id for p in line]


def _upward(start: Employee | None, seen: set[int]) -> list[Employee]:
    found: list[Employee] = []
    cursor, depth = start, 0
    while cursor is not None and cursor.id not in seen and depth < MAX_DEPTH:
        seen.add(cursor.id)
        found.append(cursor)
        cursor, depth = cursor.manager, depth + 1
    return found


def reporting_line(review: Review) -> list[Employee]:
    """The active people above the employee, nearest first: the organisation's chain from
    their manager upward, then whoever is above the manager of record and not yet named.
    Someone who left is skipped, not a dead end: their own manager is still in the line."""
    seen = {review.employee_id}
    chain = _upward(review.employee.manager, seen)
    if review.manager is not None:
        chain += _upward(review.manager.manager, seen)
    return [p for p in chain if p.active and p.team_id == review.team_id]


def is_hr_reviewer(person: Employee) -> bool:
    return role_of(person) in (Role.HR, Role.ADMIN)


def require_reviewer(review: Review, person: Employee) -> None:
    """ReviewerNotInLine unless `person` may review this employee (see the module docstring);
    the caller has already refused the employee themselves and anyone inactive."""
    if is_hr_reviewer(person):
        return
    line = reporting_line(review)
    if any(p.id == person.id for p in line):
        return
    raise ReviewerNotInLine(person, review, line[:SHOWN])
