"""The evidence of a review's period: what the employee's goals, check-ins and recognition
say about it, gathered from the other cycles through their public functions and models, and
what their peers said (peer feedback, when the cycle asks for it: bot/feedback/evidence.py).

Shown in the self-review and manager review modals, so both write from the same facts. The
period is [period start, period end] in the cycle's zone; active goals are shown whatever
their dates (they are the work of the period), completed goals when completed in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.clock import zone_of
from bot.feedback.evidence import PeerEvidence, peer_evidence
from bot.oneonone.evidence import ActionItemEvidence, completed_action_items
from bot.planning import active_goals_of, goal_progress
from bot.review.dates import start_of
from bot.reward.kudos import kudos_received
from storage.checkins import Checkin, Obstacle
from storage.goals import Goal, GoalStatus
from storage.kudos import Kudos
from storage.reviews import Review, ReviewCycle

LIMIT = 50  # more than any modal shows; the renderer says "and N more"


@dataclass(frozen=True)
class GoalEvidence:
    title: str
    status: str
    progress: float
    due_date: date


@dataclass(frozen=True)
class Win:
    period: str
    text: str


@dataclass(frozen=True)
class ObstacleEvidence:
    text: str
    status: str
    opened_on: date


@dataclass
class Evidence:
    goals: list[GoalEvidence] = field(default_factory=list)
    wins: list[Win] = field(default_factory=list)
    obstacles: list[ObstacleEvidence] = field(default_factory=list)
    kudos: list[Kudos] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    peers: PeerEvidence | None = None  # peer feedback (360), when the cycle asks for it
    action_items: list[ActionItemEvidence] = field(default_factory=list)  # done in 1:1s
    action_items_total: int = 0

    @property
    def empty(self) -> bool:
        return not (self.goals or self.wins or self.obstacles or self.kudos or self.action_items)


def period_bounds(cycle: ReviewCycle) -> tuple[datetime, datetime]:
    """[start of the first day, start of the day after the last) in the cycle's zone."""
    return start_of(cycle.period_start, cycle.tz), start_of(
        cycle.period_end + timedelta(days=1), cycle.tz
    )


def gather(session: Session, review: Review) -> Evidence:
    """Call only after checking that the reader may read the review (bot/review/reviews.py)."""
    employee, cycle = review.employee, review.cycle
    since, until = period_bounds(cycle)
    zone = zone_of(cycle.tz, "UTC")
    goals = list(active_goals_of(session, employee))
    goals += session.scalars(
        select(Goal)
        .where(
            Goal.team_id == employee.team_id,
            Goal.owner_id == employee.id,
            Goal.status == GoalStatus.COMPLETED.value,
            Goal.updated_at >= since,
            Goal.updated_at < until,
        )
        .options(selectinload(Goal.key_results))
        .order_by(Goal.due_date, Goal.id)
    )
    checkins = session.scalars(
        select(Checkin)
        .where(
            Checkin.team_id == employee.team_id,
            Checkin.employee_id == employee.id,
            Checkin.submitted_at >= since,
            Checkin.submitted_at < until,
        )
        .order_by(Checkin.submitted_at.desc(), Checkin.id.desc())
    ).unique()
    wins = [Win(c.period, c.wins.strip()) for c in checkins if c.wins.strip()]
    obstacles = [
        ObstacleEvidence(o.text, o.status, o.opened_at.astimezone(zone).date())
        for o in session.scalars(
            select(Obstacle)
            .where(
                Obstacle.team_id == employee.team_id,
                Obstacle.employee_id == employee.id,
                Obstacle.opened_at >= since,
                Obstacle.opened_at < until,
            )
            .order_by(Obstacle.opened_at.desc(), Obstacle.id.desc())
        ).unique()
    ]
    kudos = kudos_received(session, employee, since, until)
    evidence = Evidence(
        goals=[GoalEvidence(g.title, g.status, goal_progress(g), g.due_date) for g in goals],
        wins=wins,
        obstacles=obstacles,
        kudos=kudos,
    )
    evidence.counts = {
        "goals": len(evidence.goals),
        "wins": len(wins),
        "obstacles": len(obstacles),
        "kudos": len(kudos),
    }
    evidence.peers = peer_evidence(session, review)
    action_items = completed_action_items(session, employee, since, until, zone)
    evidence.action_items, evidence.action_items_total = action_items[:LIMIT], len(action_items)
    evidence.goals, evidence.wins = evidence.goals[:LIMIT], evidence.wins[:LIMIT]
    evidence.obstacles, evidence.kudos = evidence.obstacles[:LIMIT], evidence.kudos[:LIMIT]
    return evidence
