"""Feedback in HR's digest: counts per team over the last days, and how many answered the
open upward rounds — never a word of content, never who answered a round.

Teams are the people's teams today: feedback given by a team's members, received by them,
and asks of requests (peer feedback included) sent to them and answered by them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from storage.feedback import AskStatus, Feedback, FeedbackAsk
from storage.models import Employee, Team
from storage.upward import RoundStatus, UpwardInvitation, UpwardRound

DAYS = 30


@dataclass(frozen=True)
class TeamFeedback:
    team: str | None  # None: people in no team
    given: int = 0
    received: int = 0
    asked: int = 0
    answered: int = 0


@dataclass(frozen=True)
class RoundFigures:
    name: str
    closes_on: date
    open: bool
    invited: int
    answered: int


@dataclass(frozen=True)
class FeedbackFigures:
    days: int
    teams: tuple[TeamFeedback, ...]  # by name, "no team" last
    rounds: tuple[RoundFigures, ...]

    @property
    def given(self) -> int:
        return sum(team.given for team in self.teams)

    @property
    def asked(self) -> int:
        return sum(team.asked for team in self.teams)

    @property
    def answered(self) -> int:
        return sum(team.answered for team in self.teams)


def feedback_figures(
    session: Session, team_id: str, *, now: datetime, days: int = DAYS
) -> FeedbackFigures:
    """Three grouped queries and one per open or recent round, whatever the head count."""
    since = now - timedelta(days=days)
    counts: dict[str | None, dict[str, int]] = {}

    def add(rows: Iterable[Any], *names: str) -> None:
        for row in rows:
            entry = counts.setdefault(row[0], {})
            for name, value in zip(names, row[1:], strict=True):
                entry[name] = entry.get(name, 0) + int(value or 0)

    for column, name in ((Feedback.giver_id, "given"), (Feedback.subject_id, "received")):
        person, team = aliased(Employee), aliased(Team)
        add(
            session.execute(
                select(team.name, func.count(Feedback.id))
                .select_from(Feedback)
                .join(person, person.id == column)
                .outerjoin(team, team.id == person.org_team_id)
                .where(Feedback.team_id == team_id, Feedback.created_at >= since)
                .group_by(team.name)
            ),
            name,
        )
    person, team = aliased(Employee), aliased(Team)
    answered = func.sum(case((FeedbackAsk.status == AskStatus.ANSWERED.value, 1), else_=0))
    add(
        session.execute(
            select(team.name, func.count(FeedbackAsk.id), answered)
            .select_from(FeedbackAsk)
            .join(person, person.id == FeedbackAsk.asked_id)
            .outerjoin(team, team.id == person.org_team_id)
            .where(FeedbackAsk.team_id == team_id, FeedbackAsk.created_at >= since)
            .group_by(team.name)
        ),
        "asked",
        "answered",
    )
    teams = sorted(
        (TeamFeedback(name, **values) for name, values in counts.items()),
        key=lambda t: (t.team is None, (t.team or "").casefold()),
    )
    return FeedbackFigures(days, tuple(teams), _rounds(session, team_id, since))


def _rounds(session: Session, team_id: str, since: datetime) -> tuple[RoundFigures, ...]:
    answered = func.sum(case((UpwardInvitation.answered.is_(True), 1), else_=0))
    rows = session.execute(
        select(
            UpwardRound.name,
            UpwardRound.closes_on,
            UpwardRound.status,
            func.count(UpwardInvitation.id),
            answered,
        )
        .outerjoin(UpwardInvitation, UpwardInvitation.round_id == UpwardRound.id)
        .where(
            UpwardRound.team_id == team_id,
            or_(UpwardRound.status == RoundStatus.OPEN.value, UpwardRound.closed_at >= since),
        )
        .group_by(UpwardRound.id, UpwardRound.name, UpwardRound.closes_on, UpwardRound.status)
        .order_by(UpwardRound.closes_on, UpwardRound.id)
    ).all()
    return tuple(
        RoundFigures(name, closes_on, status == RoundStatus.OPEN.value, int(n), int(a or 0))
        for name, closes_on, status, n, a in rows
    )
