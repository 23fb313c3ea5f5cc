"""Requests for feedback: someone asks up to ten people about themselves (a manager may ask
about a direct report); each asked person gets a DM with **Give feedback** and **Decline**;
answers reach the requester as they arrive; the request closes when everyone has answered or
declined, or when it expires.

Peer feedback in review cycles (bot/feedback/peers.py) is a request of its own kind: the
manager of record asks about the employee, and the answers join the review's evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback import notify, peer_notify
from bot.feedback.errors import FeedbackConflict, FeedbackNotFound, FeedbackRejected
from bot.feedback.give import FeedbackInput, chosen_goal, chosen_readers, clean_input
from bot.feedback.notify import TranslatorFor
from bot.feedback.people import check_person
from bot.feedback.rules import may_ask_about
from bot.permissions import Action, PermissionDenied, require
from bot.sanitize import clean_text
from storage.feedback import (
    AskStatus,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackSource,
    RequestKind,
    RequestStatus,
    Visibility,
)
from storage.models import Employee
from storage.reviews import Review

MAX_ASKED = 10
QUESTION_MAX = 500


def request_feedback(
    session: Session,
    requester: Employee,
    asked: Sequence[Employee],
    *,
    about: Employee | None = None,
    question: str = "",
    now: datetime,
    days: int,
    tr_for: TranslatorFor,
    org_tz: str,
) -> FeedbackRequest:
    """Ask `asked` for feedback about the requester, or (`about`) a direct report."""
    require(requester, Action.REQUEST_FEEDBACK)
    if not requester.active:
        raise PermissionDenied(Action.REQUEST_FEEDBACK)
    subject = about or requester
    if subject.id != requester.id:
        if subject.team_id != requester.team_id or not subject.active:
            raise FeedbackRejected("about", "feedback.error.not_your_report")
        if not may_ask_about(requester, subject):
            raise FeedbackRejected("about", "feedback.error.not_your_report")
    people = list({person.id: person for person in asked}.values())
    if not people:
        raise FeedbackRejected("asked", "feedback.error.nobody_asked")
    if len(people) > MAX_ASKED:
        raise FeedbackRejected("asked", "feedback.error.too_many", max=MAX_ASKED)
    for person in people:
        check_person(requester, person, "asked", self_key="feedback.error.ask_self")
        if person.id == subject.id:
            raise FeedbackRejected("asked", "feedback.error.ask_subject", name=subject.name)
    text = clean_text(question)
    if len(text) > QUESTION_MAX:
        raise FeedbackRejected("question", "feedback.error.question_long", max=QUESTION_MAX)
    kind = RequestKind.SELF if subject.id == requester.id else RequestKind.REPORT
    expires_at = now + timedelta(days=days)
    request = open_request(
        session, kind, requester, subject, people, question=text, now=now, expires_at=expires_at
    )
    notify.request_sent(session, request, now, tr_for, org_tz)
    return request


def open_request(
    session: Session,
    kind: RequestKind,
    requester: Employee,
    subject: Employee,
    people: Sequence[Employee],
    *,
    question: str,
    now: datetime,
    expires_at: datetime,
    review: Review | None = None,
) -> FeedbackRequest:
    """The request and one ask per person (no message: the caller sends them)."""
    request = FeedbackRequest(
        team_id=requester.team_id,
        kind=kind.value,
        requester=requester,
        subject=subject,
        review_id=review.id if review is not None else None,
        question=question,
        status=RequestStatus.OPEN.value,
        expires_at=expires_at,
        created_at=now,
    )
    request.asks = [
        FeedbackAsk(
            team_id=requester.team_id,
            asked=person,
            status=AskStatus.PENDING.value,
            created_at=now,
        )
        for person in people
    ]
    session.add(request)
    session.flush()
    return request


# ---------------------------------------------------------------------- the asked person


def _ask(session: Session, actor: Employee, ask_id: int, *, lock: bool) -> FeedbackAsk:
    query = select(FeedbackAsk).where(
        FeedbackAsk.id == ask_id, FeedbackAsk.team_id == actor.team_id
    )
    if lock:
        query = query.with_for_update(of=FeedbackAsk)
    ask = session.scalar(query)
    if ask is None or ask.asked_id != actor.id:
        raise FeedbackNotFound(ask_id)
    return ask


def _still_open(ask: FeedbackAsk, now: datetime) -> None:
    if ask.status == AskStatus.ANSWERED:
        raise FeedbackConflict("feedback.conflict.answered")
    if ask.status == AskStatus.DECLINED:
        raise FeedbackConflict("feedback.conflict.declined")
    request = ask.request
    if (
        ask.status == AskStatus.EXPIRED
        or request.status != RequestStatus.OPEN
        or now >= request.expires_at
    ):
        raise FeedbackConflict("feedback.conflict.expired")
    if not request.subject.active:
        raise FeedbackConflict("feedback.conflict.subject_left")


def check_ask(session: Session, actor: Employee, ask_id: int, *, now: datetime) -> FeedbackAsk:
    """The ask if `actor` may still answer it (before the form opens)."""
    require(actor, Action.ANSWER_FEEDBACK)
    ask = _ask(session, actor, ask_id, lock=False)
    _still_open(ask, now)
    return ask


def answer_ask(
    session: Session,
    actor: Employee,
    ask_id: int,
    data: FeedbackInput,
    *,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> Feedback:
    """The asked person's feedback, read as the request's kind says: the requester (and their
    manager if the giver chose so), the manager who asked, or the review's readers."""
    require(actor, Action.ANSWER_FEEDBACK)
    ask = _ask(session, actor, ask_id, lock=True)
    _still_open(ask, now)
    request = ask.request
    subject = request.subject
    went_well, could_be_better = clean_input(data)
    goal = chosen_goal(session, actor, subject, data.goal_id)
    shared_with: Employee | None
    if request.kind == RequestKind.SELF:
        visibility, shared_with = chosen_readers(actor, subject, data.visibility)
    elif request.kind == RequestKind.REPORT:
        visibility, shared_with = Visibility.REQUESTER, request.requester
    else:
        review = session.get(Review, request.review_id) if request.review_id else None
        visibility = Visibility.REVIEW
        shared_with = review.manager if review is not None else request.requester
    feedback = Feedback(
        team_id=actor.team_id,
        giver=actor,
        subject=subject,
        goal=goal,
        went_well=went_well,
        could_be_better=could_be_better,
        visibility=visibility.value,
        shared_with=shared_with,
        request_id=request.id,
        source=FeedbackSource.REQUEST.value,
        created_at=now,
    )
    session.add(feedback)
    session.flush()
    ask.status = AskStatus.ANSWERED.value
    ask.feedback_id = feedback.id
    ask.decided_at = now
    notify.ask_settled(session, ask, now, tr_for)
    notify.answered(session, feedback, now, tr_for, org_tz)
    close_if_settled(session, request, now, tr_for, org_tz)
    return feedback


def decline_ask(
    session: Session,
    actor: Employee,
    ask_id: int,
    *,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> FeedbackAsk:
    """No feedback this time; the requester sees it on their Home and in the closing note."""
    require(actor, Action.ANSWER_FEEDBACK)
    ask = _ask(session, actor, ask_id, lock=True)
    _still_open(ask, now)
    ask.status = AskStatus.DECLINED.value
    ask.decided_at = now
    notify.ask_settled(session, ask, now, tr_for)
    close_if_settled(session, ask.request, now, tr_for, org_tz)
    return ask


def close_if_settled(
    session: Session, request: FeedbackRequest, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> bool:
    """Close the request once nobody is still pending; the requester hears how it ended
    unless every answer already reached them one by one (peer feedback: the review's thread
    says how many peers answered)."""
    if request.status != RequestStatus.OPEN:
        return False
    if any(ask.status == AskStatus.PENDING for ask in request.asks):
        return False
    request.status = RequestStatus.CLOSED.value
    request.closed_at = now
    if request.kind == RequestKind.PEER:
        peer_notify.settled(session, request, now, tr_for)
    elif any(ask.status != AskStatus.ANSWERED for ask in request.asks):
        notify.request_closed(session, request, now, tr_for, org_tz)
    return True


def expire_requests(
    session: Session, team_id: str, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> int:
    """Requests past their time: pending asks expire (their DM loses its buttons) and the
    request closes. A row is locked, so two instances expire it once."""
    due = session.scalars(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.team_id == team_id,
            FeedbackRequest.status == RequestStatus.OPEN.value,
            FeedbackRequest.expires_at <= now,
        )
        .order_by(FeedbackRequest.id)
        .with_for_update(of=FeedbackRequest, skip_locked=True)
    ).unique()
    closed = 0
    for request in due:
        for ask in request.asks:
            if ask.status == AskStatus.PENDING:
                ask.status = AskStatus.EXPIRED.value
                ask.decided_at = now
                notify.ask_settled(session, ask, now, tr_for)
        closed += close_if_settled(session, request, now, tr_for, org_tz)
    return closed
