"""Feedback in the personal-data rights (bot/reporting/personal_data.py, erase.py).

Export: feedback given and received, requests and asks are rows that name the person, found
like every other table's. Not so the anonymous upward answers: they are nobody's, so no
person's export holds one, and which reports answered about a manager is not exported to
that manager either (`EXPORT_RULES`). A manager's export gets the released results of the
rounds about them, as they saw them (`upward_about`).

Erasure: the text of feedback about them, of the requests they made or that were about them,
and the comments of anonymous answers about them is replaced (feedback they wrote is replaced
with everything else they wrote, by its `giver_id`); what waited for them ends quietly — the
asks waiting for their answer expire, their open requests close — without a message.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.feedback.upward_form import question_text
from bot.feedback.upward_results import results_of
from storage.feedback import AskStatus, Feedback, FeedbackAsk, FeedbackRequest, RequestStatus
from storage.models import Employee
from storage.upward import RoundStatus, UpwardAnswer, UpwardInvitation, UpwardRound

# table → None (never exported) or the column by which a row is the person's own.
EXPORT_RULES: dict[str, str | None] = {
    "upward_answers": None,
    "upward_invitations": "employee_id",  # their own invitations, not those about them
}


def upward_about(session: Session, person: Employee) -> list[dict[str, Any]]:
    """The closed rounds about the person: results where they were shown, else why not."""
    about_them = select(UpwardInvitation.round_id).where(UpwardInvitation.manager_id == person.id)
    rounds = session.scalars(
        select(UpwardRound)
        .where(
            UpwardRound.team_id == person.team_id,
            UpwardRound.id.in_(about_them),
            UpwardRound.status == RoundStatus.CLOSED.value,
        )
        .order_by(UpwardRound.id)
    )
    found = []
    for round_ in rounds:
        results = results_of(session, round_, person.id)
        entry: dict[str, Any] = {
            "round_id": round_.id,
            "round": round_.name,
            "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
            "state": results.state,
        }
        if results.released:
            entry["answers"] = results.answers
            entry["averages"] = [
                {"question": question_text(q.question, "en"), "average": round(q.average, 2)}
                for q in results.questions
            ]
            entry["comments"] = list(results.comments)
        found.append(entry)
    return found


def erase_feedback_text(
    session: Session, person: Employee, marker: str, changed: Counter[str]
) -> list[str]:
    """Text about the person → `marker`; returns the originals (to find them in messages)."""
    pid, texts = person.id, []
    for feedback in session.scalars(select(Feedback).where(Feedback.subject_id == pid)):
        texts += [feedback.went_well, feedback.could_be_better]
        feedback.went_well = marker if feedback.went_well else ""
        feedback.could_be_better = marker if feedback.could_be_better else ""
        changed["feedback"] += 1
    requests = select(FeedbackRequest).where(
        or_(FeedbackRequest.requester_id == pid, FeedbackRequest.subject_id == pid),
        FeedbackRequest.question != "",
    )
    for request in session.scalars(requests):
        texts.append(request.question)
        request.question = marker
        changed["feedback_requests"] += 1
    for answer in session.scalars(
        select(UpwardAnswer).where(UpwardAnswer.manager_id == pid, UpwardAnswer.comment != "")
    ):
        texts.append(answer.comment)
        answer.comment = marker
        changed["upward_answers"] += 1
    return [text for text in texts if text and text != marker]


def end_feedback_of(session: Session, person: Employee, now: datetime) -> dict[str, int]:
    """Asks waiting for them expire; their open requests close (and asks in them expire)."""
    pid = person.id
    theirs = select(FeedbackRequest.id).where(
        FeedbackRequest.requester_id == pid, FeedbackRequest.status == RequestStatus.OPEN.value
    )
    expired = session.execute(
        update(FeedbackAsk)
        .where(
            FeedbackAsk.status == AskStatus.PENDING.value,
            or_(FeedbackAsk.asked_id == pid, FeedbackAsk.request_id.in_(theirs)),
        )
        .values(status=AskStatus.EXPIRED.value, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    settled = select(FeedbackAsk.request_id).where(FeedbackAsk.status == AskStatus.PENDING.value)
    closed = session.execute(
        update(FeedbackRequest)
        .where(
            FeedbackRequest.status == RequestStatus.OPEN.value,
            FeedbackRequest.id.not_in(settled),
            or_(
                FeedbackRequest.requester_id == pid,
                FeedbackRequest.id.in_(
                    select(FeedbackAsk.request_id).where(FeedbackAsk.asked_id == pid)
                ),
            ),
        )
        .values(status=RequestStatus.CLOSED.value, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    counts = {
        "feedback_asks": int(getattr(expired, "rowcount", 0) or 0),
        "feedback_requests": int(getattr(closed, "rowcount", 0) or 0),
    }
    return {kind: count for kind, count in counts.items() if count}
