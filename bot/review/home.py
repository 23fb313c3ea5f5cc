"""What the Review section of the App Home (and the `/kinerja review` answer) shows a person,
read in one place: their own reviews, their team's while they are someone's manager of
record, and for HR the open and scheduled cycles with their progress.

The renderer (bot/blocks/review_home.py) only draws this: every row it reads is loaded here,
relationships included (a review's cycle, employee and manager are loaded with it), so
drawing the Home runs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.permissions import Action, can
from bot.review.cycles import cycles_of
from bot.review.progress import CycleProgress, cycle_progress
from bot.review.queries import reviews_of, team_reviews
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle

MAX_OWN = 5
MAX_TEAM = 10
MAX_CYCLES = 3


@dataclass(frozen=True)
class CycleStanding:
    """A cycle HR follows: its counts and overdue list once open, none while scheduled."""

    cycle: ReviewCycle
    progress: CycleProgress | None


@dataclass(frozen=True)
class HrPart:
    cycles: list[CycleStanding]  # the newest cycles not closed, at most MAX_CYCLES
    more: int  # cycles not closed beyond those


@dataclass(frozen=True)
class ReviewHome:
    own: list[Review]  # newest cycle first, at most MAX_OWN
    team: list[Review]  # of open cycles where they are the manager of record, at most MAX_TEAM
    more_team: int  # team reviews beyond those
    hr: HrPart | None  # for those who see every review


def load_review_home(session: Session, employee: Employee, now: datetime) -> ReviewHome:
    own = reviews_of(session, employee, limit=MAX_OWN)
    team = team_reviews(session, employee)
    hr = _hr_part(session, employee, now) if can(employee, Action.VIEW_ALL_REVIEWS) else None
    return ReviewHome(own, team[:MAX_TEAM], max(len(team) - MAX_TEAM, 0), hr)


def _hr_part(session: Session, employee: Employee, now: datetime) -> HrPart:
    cycles = [c for c in cycles_of(session, employee.team_id) if c.status != CycleStatus.CLOSED]
    standings = [
        CycleStanding(
            cycle,
            None
            if cycle.status == CycleStatus.SCHEDULED
            else cycle_progress(session, employee, cycle.id, now=now),
        )
        for cycle in cycles[:MAX_CYCLES]
    ]
    return HrPart(standings, max(len(cycles) - MAX_CYCLES, 0))
