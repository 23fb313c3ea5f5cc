"""The feedback cycle's files in the CSV export (bot/reporting/export.py writes them).

- `feedback.csv`: who gave whom feedback, when, about which goal, who may read it. What was
  written (`went_well`, `could_be_better`) is between the giver, the person and — as the giver
  chose — their manager: only the operator's export of everything stored has those columns.
- `feedback_requests.csv`: who asked whom about whom, and how many answered, declined or let
  it expire; what was asked (`question`) is in the operator's export only.
- `upward_rounds.csv`: each anonymous round with how many were invited and how many answered.
  The answers are never exported, in any scope: not even the operator's file holds a row of
  them, so no export can be laid next to another to guess who answered what.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from bot.reporting.export_rows import Source, stream
from bot.reporting.export_scope import ExportScope
from storage.feedback import AskStatus, Feedback, FeedbackAsk, FeedbackRequest
from storage.models import Employee
from storage.upward import UpwardInvitation, UpwardRound


def _feedback(session: Session, scope: ExportScope) -> Iterable[Any]:
    giver, subject, shared = aliased(Employee), aliased(Employee), aliased(Employee)
    texts = [Feedback.went_well, Feedback.could_be_better] if scope.private_text else []
    return stream(
        session,
        select(
            Feedback.id,
            Feedback.created_at,
            giver.slack_id,
            giver.name,
            subject.slack_id,
            subject.name,
            Feedback.visibility,
            shared.slack_id,
            Feedback.goal_id,
            Feedback.request_id,
            Feedback.source,
            *texts,
        )
        .join(giver, giver.id == Feedback.giver_id)
        .join(subject, subject.id == Feedback.subject_id)
        .outerjoin(shared, shared.id == Feedback.shared_with_id)
        .where(Feedback.team_id == scope.team_id)
        .order_by(Feedback.id),
    )


FEEDBACK = [
    "id", "created_at", "giver_slack_id", "giver_name", "subject_slack_id", "subject_name",
    "visibility", "shared_with_slack_id", "goal_id", "request_id", "source", "went_well",
    "could_be_better",
]  # fmt: skip


def _count(status: AskStatus) -> Any:
    return func.sum(case((FeedbackAsk.status == status.value, 1), else_=0))


def _requests(session: Session, scope: ExportScope) -> Iterable[Any]:
    requester, subject = aliased(Employee), aliased(Employee)
    question = [FeedbackRequest.question] if scope.private_text else []
    return stream(
        session,
        select(
            FeedbackRequest.id,
            FeedbackRequest.kind,
            requester.slack_id,
            subject.slack_id,
            FeedbackRequest.review_id,
            *question,
            FeedbackRequest.status,
            func.count(FeedbackAsk.id),
            _count(AskStatus.ANSWERED),
            _count(AskStatus.DECLINED),
            _count(AskStatus.EXPIRED),
            FeedbackRequest.created_at,
            FeedbackRequest.expires_at,
            FeedbackRequest.closed_at,
        )
        .join(requester, requester.id == FeedbackRequest.requester_id)
        .join(subject, subject.id == FeedbackRequest.subject_id)
        .outerjoin(FeedbackAsk, FeedbackAsk.request_id == FeedbackRequest.id)
        .where(FeedbackRequest.team_id == scope.team_id)
        .group_by(FeedbackRequest.id, requester.slack_id, subject.slack_id)
        .order_by(FeedbackRequest.id),
    )


REQUESTS = [
    "id", "kind", "requester_slack_id", "subject_slack_id", "review_id", "question", "status",
    "asked", "answered", "declined", "expired", "created_at", "expires_at", "closed_at",
]  # fmt: skip


def _rounds(session: Session, scope: ExportScope) -> Iterable[Any]:
    answered = func.sum(case((UpwardInvitation.answered.is_(True), 1), else_=0))
    return stream(
        session,
        select(
            UpwardRound.id,
            UpwardRound.name,
            UpwardRound.status,
            UpwardRound.closes_on,
            UpwardRound.min_answers,
            func.count(UpwardInvitation.id),
            func.coalesce(answered, 0),
            UpwardRound.created_at,
            UpwardRound.closed_at,
        )
        .outerjoin(UpwardInvitation, UpwardInvitation.round_id == UpwardRound.id)
        .where(UpwardRound.team_id == scope.team_id)
        .group_by(UpwardRound.id)
        .order_by(UpwardRound.id),
    )


ROUNDS = [
    "id", "name", "status", "closes_on", "min_answers", "invited", "answered", "created_at",
    "closed_at",
]  # fmt: skip

FEEDBACK_KINDS: tuple[tuple[str, list[str], Source], ...] = (
    ("feedback", FEEDBACK, _feedback),
    ("feedback_requests", REQUESTS, _requests),
    ("upward_rounds", ROUNDS, _rounds),
)
# Columns only the operator's export of everything stored has.
FEEDBACK_PRIVATE = {
    "feedback": ("went_well", "could_be_better"),
    "feedback_requests": ("question",),
}
