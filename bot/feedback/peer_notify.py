"""The messages of peer feedback (360): the employee's invitation to propose peers, and the
thread in the group DM of the employee and their manager where the manager approves or
changes the list (its first message is updated to the current state, the steps are replies).

The group DM is read by both, so it carries names and states only, never a peer's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import feedback_review as blocks
from bot.feedback.notify import TranslatorFor, dm, update
from bot.outbox import post_message
from storage.feedback import AskStatus, FeedbackRequest, PeerSet, PeerSetup
from storage.models import Employee
from storage.reviews import Review


class Step(Protocol):
    """A peer set with its review and setup (bot/feedback/peers.py's PeerStep)."""

    @property
    def peer_set(self) -> PeerSet: ...

    @property
    def review(self) -> Review: ...

    @property
    def setup(self) -> PeerSetup: ...


def invite(
    session: Session,
    peer_set: PeerSet,
    review: Review,
    setup: PeerSetup,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> None:
    employee = review.employee
    message = blocks.propose_invite(tr_for(employee), peer_set, review, setup)
    dm(session, employee, f"peers:{peer_set.id}:invite", message, now, org_tz)


def _root(
    step: Step, tr_for: TranslatorFor, manager: Employee, people: Sequence[Employee]
) -> dict[str, Any]:
    return blocks.peers_root(tr_for(manager), step.peer_set, step.review, step.setup, people)


def proposed(
    session: Session,
    step: Step,
    manager: Employee,
    people: Sequence[Employee],
    again: bool,
    now: datetime,
    tr_for: TranslatorFor,
) -> None:
    """The first proposal opens the thread; a new one updates its first message and says so
    in the thread."""
    peer_set, review = step.peer_set, step.review
    root = _root(step, tr_for, manager, people)
    if peer_set.thread_key is None:
        key = f"peers:{peer_set.id}:root"
        post_message(
            session,
            team_id=peer_set.team_id,
            key=key,
            message=root,
            now=now,
            open_users=[review.employee.slack_id, manager.slack_id],
        )
        peer_set.thread_key = key
        return
    key = peer_set.thread_key
    update(session, peer_set.team_id, key, f"{key}:state:v{peer_set.version}", root, now)
    if again:
        note = blocks.proposed_again(tr_for(manager), review, people)
        _reply(session, peer_set, f"peers:{peer_set.id}:proposed:v{peer_set.version}", note, now)


def decided(
    session: Session,
    step: Step,
    manager: Employee,
    people: Sequence[Employee],
    changed: bool,
    now: datetime,
    tr_for: TranslatorFor,
) -> None:
    """The manager's decision: the first message shows the final list without buttons, and
    a reply says who was asked and by when. A manager who chose before any proposal opens
    the thread with it."""
    peer_set, review = step.peer_set, step.review
    root = _root(step, tr_for, manager, people)
    note = blocks.decided(tr_for(manager), review, step.setup, people, changed)
    if peer_set.thread_key is None:
        key = f"peers:{peer_set.id}:root"
        post_message(
            session,
            team_id=peer_set.team_id,
            key=key,
            message=root,
            now=now,
            open_users=[review.employee.slack_id, manager.slack_id],
        )
        peer_set.thread_key = key
    else:
        key = peer_set.thread_key
        update(session, peer_set.team_id, key, f"{key}:state:v{peer_set.version}", root, now)
    _reply(session, peer_set, f"peers:{peer_set.id}:decided", note, now)


def settled(
    session: Session, request: FeedbackRequest, now: datetime, tr_for: TranslatorFor
) -> None:
    """Every peer answered, declined or ran out of time: the thread says how many answered
    and who reads them (never what they said)."""
    peer_set = session.scalar(select(PeerSet).where(PeerSet.request_id == request.id))
    review = session.get(Review, request.review_id) if request.review_id else None
    if peer_set is None or review is None or peer_set.thread_key is None:
        return
    setup = session.scalar(select(PeerSetup).where(PeerSetup.cycle_id == review.cycle_id))
    answered = sum(1 for ask in request.asks if ask.status == AskStatus.ANSWERED)
    reader = review.manager or review.employee
    note = blocks.peers_in(
        tr_for(reader),
        review,
        answered,
        len(request.asks),
        setup is not None and setup.share_with_employee,
    )
    _reply(session, peer_set, f"peers:{peer_set.id}:settled", note, now)


def _reply(
    session: Session, peer_set: PeerSet, key: str, message: dict[str, Any], now: datetime
) -> None:
    assert peer_set.thread_key is not None
    post_message(
        session,
        team_id=peer_set.team_id,
        key=key,
        message=dict(message),
        now=now,
        thread_of=peer_set.thread_key,
    )
