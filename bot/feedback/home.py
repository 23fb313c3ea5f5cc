"""What the App Home's Feedback section shows a person, loaded in a few queries; the renderer
(bot/blocks/feedback_home.py) only formats it.

- asks waiting for them (requests and peer feedback) and their own open requests, with how
  many answered;
- the feedback they received that they may read (not the answers to a manager's request
  about them, nor peer feedback their cycle keeps for the manager);
- 360 steps waiting for them: proposing their peers, or approving a report's;
- the anonymous round about their manager they have not answered yet, and the state of the
  latest round about themselves (never its content: that opens in a modal);
- for HR and admins, open rounds with how many answered (counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.feedback.upward import is_open, latest_round_about, response_counts
from bot.feedback.upward_results import answers_count
from bot.org.erasure_marks import not_erased
from bot.permissions import Action, can
from storage.feedback import (
    AskStatus,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    PeerSet,
    PeerSetStatus,
    PeerSetup,
    RequestKind,
    RequestStatus,
    Visibility,
)
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle
from storage.upward import RoundStatus, UpwardInvitation, UpwardRound

RECEIVED = 3
ASKS = 5
REQUESTS = 3
ROUNDS = 3
# What the person it is about reads on their own (bot/feedback/rules.py).
READABLE = (Visibility.PERSON.value, Visibility.PERSON_MANAGER.value)


@dataclass(frozen=True)
class AskLine:
    ask_id: int
    requester_slack_id: str
    subject_slack_id: str
    kind: str
    expires_at: datetime


@dataclass(frozen=True)
class RequestLine:
    subject_slack_id: str | None  # None: about the requester
    asked: int
    answered: int
    declined: int
    expires_at: datetime


@dataclass(frozen=True)
class ReceivedLine:
    giver_slack_id: str
    went_well: str
    could_be_better: str
    goal_title: str | None
    created_at: datetime


@dataclass(frozen=True)
class PeerLine:
    set_id: int
    version: int
    cycle_name: str
    employee_slack_id: str
    due: date


@dataclass(frozen=True)
class UpwardLine:
    invitation_id: int
    round_name: str
    manager_slack_id: str
    closes_on: date


@dataclass(frozen=True)
class ResultsLine:
    round_id: int
    round_name: str
    state: str  # "open", "too_few", "released"


@dataclass(frozen=True)
class RoundLine:
    round_id: int
    name: str
    closes_on: date
    invited: int
    answered: int


@dataclass(frozen=True)
class FeedbackHome:
    asks: tuple[AskLine, ...] = ()
    requests: tuple[RequestLine, ...] = ()
    received: tuple[ReceivedLine, ...] = ()
    received_total: int = 0
    to_propose: tuple[PeerLine, ...] = ()
    to_approve: tuple[PeerLine, ...] = ()
    upward: tuple[UpwardLine, ...] = ()
    results: ResultsLine | None = None
    rounds: tuple[RoundLine, ...] | None = None  # None: not someone who runs rounds


def _asks(session: Session, employee: Employee, now: datetime) -> tuple[AskLine, ...]:
    rows = session.scalars(
        select(FeedbackAsk)
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackAsk.request_id)
        .where(
            FeedbackAsk.team_id == employee.team_id,
            FeedbackAsk.asked_id == employee.id,
            FeedbackAsk.status == AskStatus.PENDING.value,
            FeedbackRequest.status == RequestStatus.OPEN.value,
            FeedbackRequest.expires_at > now,
        )
        .order_by(FeedbackRequest.expires_at, FeedbackAsk.id)
        .limit(ASKS)
    ).unique()
    return tuple(
        AskLine(
            ask.id,
            ask.request.requester.slack_id,
            ask.request.subject.slack_id,
            ask.request.kind,
            ask.request.expires_at,
        )
        for ask in rows
    )


def _requests(session: Session, employee: Employee) -> tuple[RequestLine, ...]:
    requests = session.scalars(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.team_id == employee.team_id,
            FeedbackRequest.requester_id == employee.id,
            FeedbackRequest.status == RequestStatus.OPEN.value,
            FeedbackRequest.kind != RequestKind.PEER.value,
        )
        .order_by(FeedbackRequest.id.desc())
        .limit(REQUESTS)
    ).unique()
    lines = []
    for request in requests:
        statuses = [ask.status for ask in request.asks]
        about = None if request.subject_id == employee.id else request.subject.slack_id
        lines.append(
            RequestLine(
                about,
                len(statuses),
                statuses.count(AskStatus.ANSWERED.value),
                statuses.count(AskStatus.DECLINED.value),
                request.expires_at,
            )
        )
    return tuple(lines)


def _received(session: Session, employee: Employee) -> tuple[tuple[ReceivedLine, ...], int]:
    giver = select(Employee.id).where(
        Employee.team_id == employee.team_id, not_erased(Employee.slack_id)
    )
    mine = (
        Feedback.team_id == employee.team_id,
        Feedback.subject_id == employee.id,
        Feedback.visibility.in_(READABLE),
        Feedback.giver_id.in_(giver),
    )
    total = session.scalar(select(func.count()).select_from(Feedback).where(*mine)) or 0
    rows = session.scalars(
        select(Feedback)
        .where(*mine)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(RECEIVED)
    ).unique()
    lines = tuple(
        ReceivedLine(
            feedback.giver.slack_id,
            feedback.went_well,
            feedback.could_be_better,
            feedback.goal.title if feedback.goal is not None else None,
            feedback.created_at,
        )
        for feedback in rows
    )
    return lines, int(total)


def _peers(session: Session, employee: Employee) -> tuple[tuple[PeerLine, ...], ...]:
    rows = session.execute(
        select(PeerSet, Review, PeerSetup)
        .join(Review, Review.id == PeerSet.review_id)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(PeerSetup, PeerSetup.cycle_id == Review.cycle_id)
        .where(
            PeerSet.team_id == employee.team_id,
            PeerSet.status != PeerSetStatus.APPROVED.value,
            ReviewCycle.status == CycleStatus.OPEN.value,
            (Review.employee_id == employee.id) | (Review.manager_id == employee.id),
        )
        .order_by(PeerSet.id)
    ).unique()
    propose, approve = [], []
    for peer_set, review, setup in rows:
        line = PeerLine(
            peer_set.id, peer_set.version, review.cycle.name, review.employee.slack_id, setup.due
        )
        if review.employee_id == employee.id:
            propose.append(line)
        elif peer_set.status == PeerSetStatus.PROPOSED:
            approve.append(line)
    return tuple(propose), tuple(approve)


def _upward(session: Session, employee: Employee, now: datetime) -> tuple[UpwardLine, ...]:
    rows = session.scalars(
        select(UpwardInvitation)
        .join(UpwardRound, UpwardRound.id == UpwardInvitation.round_id)
        .where(
            UpwardInvitation.team_id == employee.team_id,
            UpwardInvitation.employee_id == employee.id,
            UpwardInvitation.answered.is_(False),
            UpwardRound.status == RoundStatus.OPEN.value,
        )
        .order_by(UpwardRound.closes_on, UpwardInvitation.id)
    ).unique()
    return tuple(
        UpwardLine(i.id, i.round.name, i.manager.slack_id, i.round.closes_on)
        for i in rows
        if is_open(i.round, now)
    )


def _results(session: Session, employee: Employee) -> ResultsLine | None:
    round_ = latest_round_about(session, employee)
    if round_ is None:
        return None
    if round_.status != RoundStatus.CLOSED:
        state = "open"
    elif answers_count(session, round_.id, employee.id) >= round_.min_answers:
        state = "released"
    else:
        state = "too_few"
    return ResultsLine(round_.id, round_.name, state)


def _rounds(session: Session, employee: Employee) -> tuple[RoundLine, ...]:
    rounds = session.scalars(
        select(UpwardRound)
        .where(
            UpwardRound.team_id == employee.team_id,
            UpwardRound.status == RoundStatus.OPEN.value,
        )
        .order_by(UpwardRound.closes_on, UpwardRound.id)
        .limit(ROUNDS)
    )
    lines = []
    for round_ in rounds:
        invited, answered = response_counts(session, round_.id)
        lines.append(RoundLine(round_.id, round_.name, round_.closes_on, invited, answered))
    return tuple(lines)


def load_home(session: Session, employee: Employee, now: datetime) -> FeedbackHome:
    received, total = _received(session, employee)
    propose, approve = _peers(session, employee)
    runs_rounds = can(employee, Action.RUN_UPWARD_ROUNDS)
    return FeedbackHome(
        asks=_asks(session, employee, now),
        requests=_requests(session, employee),
        received=received,
        received_total=total,
        to_propose=propose,
        to_approve=approve,
        upward=_upward(session, employee, now),
        results=_results(session, employee) if can(employee, Action.VIEW_UPWARD_RESULTS) else None,
        rounds=_rounds(session, employee) if runs_rounds else None,
    )
