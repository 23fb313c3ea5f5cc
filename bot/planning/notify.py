"""The Slack messages a goal's approval causes, written to the outbox in the same transaction.

The request goes to a group DM of the owner, the approver and the bot, so the thread under it
is a real conversation both can see. The outcome is posted in that thread, the request itself
is updated to its final state (no buttons left to click twice), and the owner also gets a DM.
A later request for the same goal — after changes were asked for, or after the owner changed
what was agreed — is a reply in the first request's thread, so the goal keeps one
conversation; only a new approver (the owner's manager changed) gets a new group DM, because
the old one does not include them. A change that needs no approval (the wording) is noted in
that thread too. Keys carry the goal id and version, so a retry never doubles a message and a
resubmission gets its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import planning as blocks
from bot.i18n import TranslatorFor, translators
from bot.outbox import enqueue, post_message
from bot.planning.forms import local_today
from bot.planning.queries import alignment_chain
from bot.planning.rules import approver_for
from storage.goals import Goal
from storage.models import Employee, OutboxMessage, Workspace


def default_translators(session: Session, team_id: str) -> TranslatorFor:
    """The person's Slack locale, else the workspace default, else English."""
    default = session.scalar(select(Workspace.default_locale).where(Workspace.team_id == team_id))
    return translators(default or "en")


def _translators(session: Session, goal: Goal, tr_for: TranslatorFor | None) -> TranslatorFor:
    return tr_for or default_translators(session, goal.team_id)


def _reader(session: Session, goal: Goal) -> Employee:
    """Who reads the goal's conversation on the approving side: the approver asked, else who
    would be asked now, else (nobody to ask) the owner."""
    return goal.approver or approver_for(session, goal.owner)[0] or goal.owner


def approval_key(goal: Goal) -> str:
    return f"goal:{goal.id}:v{goal.version}:approval"


def _payload(session: Session, team_id: str, key: str) -> dict[str, Any] | None:
    found = session.scalar(
        select(OutboxMessage.payload).where(
            OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
        )
    )
    return dict(found) if isinstance(found, dict) else None


def thread_root(session: Session, goal: Goal) -> str | None:
    """The key of the goal's first approval request, whose thread is its conversation (the
    latest request is either that message or a reply in its thread)."""
    if not goal.approval_key:
        return None
    latest = _payload(session, goal.team_id, goal.approval_key)
    if latest is None:
        return goal.approval_key
    return str(latest.get("_thread_of") or goal.approval_key)


def _conversation_with(session: Session, goal: Goal, approver: Employee) -> str | None:
    """The thread to ask `approver` in again, if the goal's conversation has exactly the owner
    and them in it."""
    root = thread_root(session, goal)
    first = _payload(session, goal.team_id, root) if root else None
    if first is None:
        return None
    members = {str(m) for m in first.get("_open_users") or []}
    return root if members == {goal.owner.slack_id, approver.slack_id} else None


def request_approval(
    session: Session,
    goal: Goal,
    approver: Employee,
    *,
    via_hr: bool,
    now: datetime,
    tr_for: TranslatorFor | None = None,
    changed: list[str] | None = None,
) -> None:
    """Ask the approver; in the goal's existing conversation with them when there is one.
    `changed` names what the owner changed since the goal was agreed (shown in the request)."""
    tr = _translators(session, goal, tr_for)(approver)
    message = blocks.approval_request(
        tr,
        goal,
        alignment_chain(session, goal),
        approver_slack=approver.slack_id,
        via_hr=via_hr,
        changed=changed,
    )
    key = approval_key(goal)
    root = _conversation_with(session, goal, approver)
    post_message(
        session,
        team_id=goal.team_id,
        key=key,
        message=message,
        now=now,
        thread_of=root,  # else a new group DM of the two
        open_users=None if root is not None else [goal.owner.slack_id, approver.slack_id],
    )
    goal.approval_key = key


def close_approval(
    session: Session,
    goal: Goal,
    outcome: str,
    actor: Employee,
    *,
    now: datetime,
    reason: str = "",
    tr_for: TranslatorFor | None = None,
) -> None:
    """Show the request's final state: approved, changes requested, superseded, withdrawn.
    An update of the request, not a post: the one call here that is not `post_message`."""
    if not goal.approval_key:
        return
    reader = _reader(session, goal)
    tr = _translators(session, goal, tr_for)(reader)
    message = blocks.approval_final(
        tr,
        goal,
        alignment_chain(session, goal),
        outcome=outcome,
        actor_slack=actor.slack_id,
        on=local_today(reader, now),
        reason=reason,
    )
    enqueue(
        session,
        team_id=goal.team_id,
        key=f"{goal.approval_key}:final",
        method="chat.update",
        payload={**message, "_update_of": goal.approval_key},
        now=now,
    )


def tell_outcome(
    session: Session,
    goal: Goal,
    outcome: str,
    actor: Employee,
    *,
    now: datetime,
    reason: str = "",
    thread_link: str | None = None,
    tr_for: TranslatorFor | None = None,
) -> None:
    """A reply in the request's thread, and a DM to the owner pointing to it."""
    tr = _translators(session, goal, tr_for)(goal.owner)
    base = goal.approval_key or f"goal:{goal.id}:v{goal.version}"
    root = thread_root(session, goal)
    if root:
        reply = blocks.outcome_in_thread(
            tr, goal, outcome=outcome, actor_slack=actor.slack_id, reason=reason
        )
        post_message(
            session,
            team_id=goal.team_id,
            key=f"{base}:{outcome}:thread",
            message=reply,
            now=now,
            thread_of=root,
        )
    dm = blocks.outcome_for_owner(
        tr,
        goal,
        outcome=outcome,
        actor_slack=actor.slack_id,
        reason=reason,
        thread_link=thread_link,
    )
    post_message(
        session,
        team_id=goal.team_id,
        key=f"{base}:{outcome}:dm",
        message=dm,
        now=now,
        open_users=[goal.owner.slack_id],
    )


def note_change(
    session: Session,
    goal: Goal,
    changed: list[str],
    *,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> bool:
    """Tell the goal's conversation that the owner reworded an agreed goal (no new approval
    needed: what was agreed did not change). False when the goal has no conversation."""
    root = thread_root(session, goal)
    if root is None:
        return False
    tr = _translators(session, goal, tr_for)(_reader(session, goal))
    post_message(
        session,
        team_id=goal.team_id,
        key=f"goal:{goal.id}:v{goal.version}:reworded",
        message=blocks.reworded_in_thread(tr, goal, changed),
        now=now,
        thread_of=root,
    )
    return True
