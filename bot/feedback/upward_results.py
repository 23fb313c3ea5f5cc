"""A manager's results of an anonymous upward round, computed when read: nothing until the
round has closed, nothing below its minimum number of answers (not even how many there were),
then averages per question and the comments in a shuffled order, without names."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import SystemRandom
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.upward import RoundStatus, UpwardAnswer, UpwardRound

_random = SystemRandom()


@dataclass(frozen=True)
class QuestionResult:
    question: dict[str, Any]
    average: float


@dataclass(frozen=True)
class UpwardResults:
    """A manager's results of one round. `released` False: nothing but why (`state`: "open"
    until the round closes, "too_few" when fewer than the minimum answered — how many is not
    said either)."""

    round: UpwardRound
    released: bool
    state: str  # "open", "too_few", "released"
    answers: int = 0
    questions: tuple[QuestionResult, ...] = ()
    comments: tuple[str, ...] = field(default_factory=tuple)


def answers_count(session: Session, round_id: int, manager_id: int) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(UpwardAnswer)
        .where(UpwardAnswer.round_id == round_id, UpwardAnswer.manager_id == manager_id)
    )
    return int(count or 0)


def results_of(session: Session, round_: UpwardRound, manager_id: int) -> UpwardResults:
    """No permission check: the caller is the manager (`results_for`) or the closing tick."""
    if round_.status != RoundStatus.CLOSED:
        return UpwardResults(round_, False, "open")
    count = answers_count(session, round_.id, manager_id)
    if count < round_.min_answers:
        return UpwardResults(round_, False, "too_few")
    rows = session.execute(
        select(UpwardAnswer.scores, UpwardAnswer.comment).where(
            UpwardAnswer.round_id == round_.id, UpwardAnswer.manager_id == manager_id
        )
    ).all()
    questions = []
    for index, question in enumerate(round_.questions):
        values = [int(s[f"q{index}"]) for s, _ in rows if isinstance(s.get(f"q{index}"), int)]
        average = sum(values) / len(values) if values else 0.0
        questions.append(QuestionResult(question, average))
    comments = [comment for _, comment in rows if comment]
    _random.shuffle(comments)
    return UpwardResults(round_, True, "released", count, tuple(questions), tuple(comments))
