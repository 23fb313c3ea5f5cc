"""The Slack messages feedback causes, written to the outbox in the caller's transaction.

Feedback is delivered by DM to the person it is about, and to their manager only when the
giver chose so; a request's asks and answers go by DM to the people concerned. Each waits for
its recipient's working hours and is in their language. Keys carry the row's id, so a retried
request never doubles a message. An ask's DM is updated to its final state (answered,
declined, expired) so its buttons are never offered twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import feedback as blocks
from bot.feedback.timing import next_working_moment
from bot.i18n import Translator
from bot.outbox import enqueue, post_message
from storage.feedback import (
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    PeerSetup,
    RequestKind,
    Visibility,
)
from storage.models import Employee, OutboxMessage
from storage.reviews import Review

TranslatorFor = Callable[[Employee], Translator]


def ask_key(ask: FeedbackAsk) -> str:
    return f"feedback:ask:{ask.id}"


def dm(
    session: Session,
    person: Employee,
    key: str,
    message: dict[str, Any],
    now: datetime,
    org_tz: str,
) -> None:
    """A DM that waits for the person's working hours."""
    post_message(
        session,
        team_id=person.team_id,
        key=key,
        message=message,
        now=now,
        channel=person.slack_id,
        not_before=next_working_moment(now, person.tz, org_tz),
    )


def update(
    session: Session, team_id: str, target: str, key: str, message: dict[str, Any], now: datetime
) -> None:
    """chat.update of the message posted under `target`, after the previous update of it (so
    after an outage the updates still land in order and the last state wins)."""
    previous = session.scalar(
        select(OutboxMessage.idempotency_key)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.method == "chat.update",
            OutboxMessage.idempotency_key.startswith(f"{target}:", autoescape=True),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    enqueue(
        session,
        team_id=team_id,
        key=key,
        method="chat.update",
        payload={
            **{k: v for k, v in message.items() if not k.startswith("unfurl_")},
            "_update_of": previous or target,
        },
        now=now,
    )


def peer_context(session: Session, request: FeedbackRequest) -> blocks.PeerContext | None:
    """For peer feedback: the review's cycle and whether the employee reads the answers."""
    if request.kind != RequestKind.PEER or request.review_id is None:
        return None
    review = session.get(Review, request.review_id)
    if review is None:
        return None
    setup = session.scalar(select(PeerSetup).where(PeerSetup.cycle_id == review.cycle_id))
    shared = setup is not None and setup.share_with_employee
    manager = review.manager.slack_id if review.manager is not None else None
    return blocks.PeerContext(review.cycle.name, shared, manager)


# ------------------------------------------------------------------------- feedback given


def delivered(
    session: Session, feedback: Feedback, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> None:
    """To the person, and a copy to the manager it was shared with (not to a manager who
    gave it themselves)."""
    subject = feedback.subject
    dm(
        session,
        subject,
        f"feedback:{feedback.id}:dm",
        blocks.feedback_dm(tr_for(subject), feedback),
        now,
        org_tz,
    )
    manager = feedback.shared_with
    if (
        feedback.visibility == Visibility.PERSON_MANAGER
        and manager is not None
        and manager.id != feedback.giver_id
    ):
        dm(
            session,
            manager,
            f"feedback:{feedback.id}:manager",
            blocks.manager_copy(tr_for(manager), feedback),
            now,
            org_tz,
        )


# ------------------------------------------------------------------------- requests


def request_sent(
    session: Session, request: FeedbackRequest, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> None:
    context = peer_context(session, request)
    for ask in request.asks:
        person = ask.asked
        message = blocks.ask_dm(tr_for(person), ask, context)
        dm(session, person, ask_key(ask), message, now, org_tz)


def ask_settled(session: Session, ask: FeedbackAsk, now: datetime, tr_for: TranslatorFor) -> None:
    """The ask's DM keeps its text, loses its buttons and says how it ended."""
    context = peer_context(session, ask.request)
    message = blocks.ask_final(tr_for(ask.asked), ask, context)
    update(session, ask.team_id, ask_key(ask), f"{ask_key(ask)}:{ask.status}", message, now)


def remind(
    session: Session, ask: FeedbackAsk, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> None:
    context = peer_context(session, ask.request)
    message = blocks.ask_reminder(tr_for(ask.asked), ask, context)
    dm(session, ask.asked, f"{ask_key(ask)}:remind", message, now, org_tz)


def answered(
    session: Session, feedback: Feedback, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> None:
    """An answer reaches the requester as it arrives (during their working hours); one about
    themselves shared with their manager reaches the manager too. Peer answers wait in the
    review's evidence."""
    request = feedback.request
    if request is None or request.kind == RequestKind.PEER:
        return
    requester = request.requester
    dm(
        session,
        requester,
        f"feedback:{feedback.id}:answer",
        blocks.answer_dm(tr_for(requester), feedback),
        now,
        org_tz,
    )
    manager = feedback.shared_with
    if feedback.visibility == Visibility.PERSON_MANAGER and manager is not None:
        dm(
            session,
            manager,
            f"feedback:{feedback.id}:manager",
            blocks.manager_copy(tr_for(manager), feedback),
            now,
            org_tz,
        )


def request_closed(
    session: Session, request: FeedbackRequest, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> None:
    """How a request ended, when some asked people declined or did not answer in time."""
    if request.kind == RequestKind.PEER:
        return
    requester = request.requester
    message = blocks.request_closed_dm(tr_for(requester), request)
    dm(session, requester, f"feedback:request:{request.id}:closed", message, now, org_tz)
