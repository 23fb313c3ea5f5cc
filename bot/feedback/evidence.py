"""Peer feedback as review evidence: what the peers of a review answered, for the manager
writing it and — when the cycle says so — for the employee writing their self-review.

bot/review/evidence.py calls `peer_evidence` when it gathers a review's evidence (after the
review core checked that the reader may read the review); `for_reader` then leaves the
answers out for the employee unless the cycle shares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.org.erasure_marks import not_erased
from storage.feedback import Feedback, FeedbackRequest, PeerSetup, RequestKind
from storage.models import Employee
from storage.reviews import Review


@dataclass(frozen=True)
class PeerAnswer:
    giver_slack_id: str
    went_well: str
    could_be_better: str
    given_at: datetime


@dataclass(frozen=True)
class PeerEvidence:
    answers: tuple[PeerAnswer, ...]
    asked: int  # 0: no peers asked yet
    shared_with_employee: bool

    def for_reader(self, *, employee: bool) -> tuple[PeerAnswer, ...]:
        """The answers the reader may see: the manager all, the employee only if shared."""
        if employee and not self.shared_with_employee:
            return ()
        return self.answers


def peer_evidence(session: Session, review: Review) -> PeerEvidence | None:
    """None when the review's cycle has no peer feedback."""
    setup = session.scalar(select(PeerSetup).where(PeerSetup.cycle_id == review.cycle_id))
    if setup is None:
        return None
    request = session.scalar(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.review_id == review.id,
            FeedbackRequest.kind == RequestKind.PEER.value,
        )
        .order_by(FeedbackRequest.id.desc())
        .limit(1)
    )
    if request is None:
        return PeerEvidence((), 0, setup.share_with_employee)
    rows = session.execute(
        select(Employee.slack_id, Feedback.went_well, Feedback.could_be_better, Feedback.created_at)
        .join(Employee, Employee.id == Feedback.giver_id)
        .where(Feedback.request_id == request.id, not_erased(Employee.slack_id))
        .order_by(Feedback.created_at, Feedback.id)
    ).all()
    answers = tuple(PeerAnswer(*row) for row in rows)
    return PeerEvidence(answers, len(request.asks), setup.share_with_employee)
