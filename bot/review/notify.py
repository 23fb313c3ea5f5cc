"""The Slack messages a review causes, written to the outbox in the caller's transaction.

The conversation is a group DM of the employee, the manager of record and the bot
(`_open_users`); every later step is a reply in its thread (`_thread_of`). The message whose
buttons are live is remembered (`Review.live_key`); when the next step happens it is updated
to its final state (`_update_of`), so a button is never offered twice. Each key carries the
review id and its version, so a retry never doubles a message and a later round gets its own.
Content goes to DMs and that group DM only — never to a channel. A 1:1 DM carries only what
nobody answers (the invitation, reminders); HR reopening a self-review is told in the group DM
of the employee and that HR person, so a question typed under it reaches them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import review as blocks
from bot.i18n import Translator, TranslatorFor
from bot.outbox import Lane, enqueue, post_message
from bot.review.dates import local_today, next_working_moment
from storage.models import Employee, OutboxMessage
from storage.reviews import Review, ReviewCycle


def invite_key(review: Review) -> str:
    return f"review:{review.id}:invite"


def _day(review: Review, person: Employee, now: datetime) -> Any:
    return local_today(now, person.tz, review.cycle.tz)


def invite(session: Session, review: Review, now: datetime, tr_for: TranslatorFor) -> None:
    """The invitation waits for the person's working hours: the cycle opens at 09:00 in the
    organisation's zone, which may be the middle of someone's night."""
    employee = review.employee
    post_message(
        session,
        team_id=review.team_id,
        key=invite_key(review),
        message=blocks.invite(tr_for(employee), review),
        now=now,
        open_users=[employee.slack_id],
        not_before=next_working_moment(now, employee.tz, review.cycle.tz),
        lane=Lane.SCHEDULED,  # one of a cycle's fan-out, even when HR opens it by hand
    )


def self_submitted(session: Session, review: Review, now: datetime, tr_for: TranslatorFor) -> None:
    """The invitation loses its button; the conversation opens (or, after HR reopened the
    self-review, its first message shows the new version and the thread says so)."""
    tr = tr_for(review.employee)
    if _exists(session, review.team_id, invite_key(review)):
        _update(
            session,
            review,
            invite_key(review),
            f"{invite_key(review)}:done:v{review.version}",
            blocks.invite_done(tr, review, _day(review, review.employee, now)),
            now,
        )
    if review.conversation_key is None:
        open_conversation(session, review, now, tr_for)
        return
    refresh_conversation(session, review, now, tr_for)
    manager_tr = tr_for(review.manager) if review.manager else tr
    post_message(
        session,
        team_id=review.team_id,
        key=f"review:{review.id}:self:v{review.version}",
        message=blocks.self_updated(manager_tr, review),
        now=now,
        thread_of=review.conversation_key,
    )


def open_conversation(
    session: Session, review: Review, now: datetime, tr_for: TranslatorFor
) -> None:
    """A group DM of the employee and the manager of record, with the self-review in it.

    The first conversation's key is `review:{id}:conversation`; after a reassignment the new
    manager gets a new group DM, keyed by the review's version."""
    manager = review.manager
    assert manager is not None, "a participant always has a manager of record"
    key = f"review:{review.id}:conversation"
    if _exists(session, review.team_id, key):
        key = f"{key}-v{review.version}"
    review.conversation_key = key
    review.live_key = None
    post_message(
        session,
        team_id=review.team_id,
        key=key,
        message=blocks.conversation(tr_for(manager), review),
        now=now,
        open_users=[review.employee.slack_id, manager.slack_id],
    )


def refresh_conversation(
    session: Session, review: Review, now: datetime, tr_for: TranslatorFor
) -> None:
    """Show the current state (and the right button) on the conversation's first message."""
    if review.conversation_key is None or review.manager is None:
        return
    _update(
        session,
        review,
        review.conversation_key,
        f"{review.conversation_key}:state:v{review.version}",
        blocks.conversation(tr_for(review.manager), review),
        now,
    )


def close_message(session: Session, review: Review, key: str, outcome: str, now: datetime) -> None:
    """A posted message keeps its content, loses its buttons and shows the outcome."""
    original = session.scalar(
        select(OutboxMessage.payload).where(
            OutboxMessage.team_id == review.team_id, OutboxMessage.idempotency_key == key
        )
    )
    if original is not None:
        message = blocks.closed(original, outcome)
        _update(session, review, key, f"{key}:closed:v{review.version}", message, now)


def close_live(session: Session, review: Review, outcome: str, now: datetime) -> None:
    """The message whose buttons are live goes to its final state."""
    if review.live_key is not None:
        close_message(session, review, review.live_key, outcome, now)
    review.live_key = None


def _next_in_thread(
    session: Session,
    review: Review,
    key: str,
    message: dict[str, Any],
    now: datetime,
    tr_for: TranslatorFor,
    outcome: str,
    *,
    live: bool = True,
) -> None:
    """One step of the conversation: the message whose buttons were live shows `outcome`,
    `message` is posted in the thread (and is the live one now, if it has buttons), and the
    first message shows the new state."""
    close_live(session, review, outcome, now)
    post_message(
        session,
        team_id=review.team_id,
        key=key,
        message=message,
        now=now,
        thread_of=review.conversation_key,
    )
    if live:
        review.live_key = key
    refresh_conversation(session, review, now, tr_for)


def manager_submitted(
    session: Session, review: Review, now: datetime, tr_for: TranslatorFor, outcome: str
) -> None:
    assert review.manager is not None
    key = f"review:{review.id}:manager:{review.version}"
    message = blocks.manager_review(tr_for(review.manager), review)
    _next_in_thread(session, review, key, message, now, tr_for, outcome)


def approved(
    session: Session, review: Review, now: datetime, tr_for: TranslatorFor, outcome: str
) -> None:
    key = f"review:{review.id}:approved:v{review.version}"
    message = blocks.approval(tr_for(review.employee), review)
    _next_in_thread(session, review, key, message, now, tr_for, outcome)


def discussion(
    session: Session,
    review: Review,
    comment: str,
    now: datetime,
    tr_for: TranslatorFor,
    outcome: str,
) -> None:
    assert review.manager is not None
    key = f"review:{review.id}:discuss:{review.discussion_count}"
    message = blocks.discussion(tr_for(review.manager), review, comment)
    _next_in_thread(session, review, key, message, now, tr_for, outcome)


def acknowledged(
    session: Session, review: Review, now: datetime, tr_for: TranslatorFor, outcome: str
) -> None:
    reader = review.manager or review.employee
    message = blocks.acknowledged(tr_for(reader), review, _day(review, reader, now))
    key = f"review:{review.id}:acknowledged"
    _next_in_thread(session, review, key, message, now, tr_for, outcome, live=False)


def reopened(
    session: Session, review: Review, hr: Employee, now: datetime, tr_for: TranslatorFor
) -> None:
    close_live(session, review, tr_for(review.employee)("review.outcome.reopened"), now)
    refresh_conversation(session, review, now, tr_for)
    key = f"review:{review.id}:reopened:v{review.version}"
    message = blocks.reopened(tr_for(review.employee), review, hr.slack_id)
    # In the group DM of the employee and the HR person who reopened it, not a 1:1 DM: the
    # employee's natural answer ("why?") is then read by the one who can answer it.
    people = list(dict.fromkeys([review.employee.slack_id, hr.slack_id]))
    post_message(
        session, team_id=review.team_id, key=key, message=message, now=now, open_users=people
    )


def reassigned(
    session: Session, review: Review, hr: Employee, now: datetime, tr_for: TranslatorFor
) -> None:
    """The old conversation is told and frozen, and never used again: the old manager is in
    it. A self-review already in goes to a new group DM with the new manager; otherwise that
    group DM opens when the self-review is submitted."""
    old = review.conversation_key
    if old is not None:
        tr = tr_for(review.employee)
        manager = blocks.mention(blocks.manager_slack(review))
        outcome = tr("review.outcome.reassigned", manager=manager)
        close_live(session, review, outcome, now)
        close_message(session, review, old, outcome, now)
        post_message(
            session,
            team_id=review.team_id,
            key=f"review:{review.id}:reassigned:v{review.version}",
            message=blocks.reassigned(tr, review, hr.slack_id),
            now=now,
            thread_of=old,
        )
        review.conversation_key = None
    if review.self_submitted_at is not None:
        open_conversation(session, review, now, tr_for)


def _reminder(step: str) -> Callable[[Translator, Review], dict[str, Any]]:
    """What a reminder says, per step: the employee's self-review, the manager's review.
    Looked up when needed, not at import: bot.blocks.review may still be loading then."""
    return blocks.remind_self if step == "self" else blocks.remind_manager


def remind(
    session: Session,
    review: Review,
    person: Employee,
    step: str,
    now: datetime,
    tr_for: TranslatorFor,
) -> None:
    """The reminder of `person`'s `step` ("self" or "manager"), in a DM: nobody answers it."""
    post_message(
        session,
        team_id=review.team_id,
        key=f"review:{review.id}:remind:{step}",
        message=_reminder(step)(tr_for(person), review),
        now=now,
        open_users=[person.slack_id],
        lane=Lane.SCHEDULED,
    )


def cycle_opened(
    session: Session,
    cycle: ReviewCycle,
    creator: Employee,
    count: int,
    left_out: list[str],
    now: datetime,
    tr_for: TranslatorFor,
) -> None:
    """HR hears that a scheduled cycle opened, and who was left out for having no manager."""
    post_message(
        session,
        team_id=cycle.team_id,
        key=f"review_cycle:{cycle.id}:opened",
        message=blocks.cycle_opened(tr_for(creator), cycle, count, left_out),
        now=now,
        open_users=[creator.slack_id],
        lane=Lane.SCHEDULED,
    )


def _update(
    session: Session, review: Review, target: str, key: str, message: dict[str, Any], now: datetime
) -> None:
    """chat.update of the message posted under `target`, chained after the previous update of
    the same message (its result names the same channel and ts), so that after an outage the
    updates still land in the order they happened and the last state wins."""
    previous = session.scalar(
        select(OutboxMessage.idempotency_key)
        .where(
            OutboxMessage.team_id == review.team_id,
            OutboxMessage.method == "chat.update",
            OutboxMessage.idempotency_key.startswith(f"{target}:", autoescape=True),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    enqueue(
        session,
        team_id=review.team_id,
        key=key,
        method="chat.update",
        payload={
            **{k: v for k, v in message.items() if not k.startswith("unfurl_")},
            "_update_of": previous or target,
        },
        now=now,
    )


def _exists(session: Session, team_id: str, key: str) -> bool:
    found = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
        )
    )
    return found is not None
