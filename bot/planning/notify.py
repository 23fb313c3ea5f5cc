"""The Slack messages a goal's approval causes, written to the outbox in the same transaction.

The request goes to a group DM of the owner, the approver and the bot, so the thread under it
is a real conversation both can see. The outcome is posted in that thread, the request itself
is updated to its final state (no buttons left to click twice), and the owner also gets a DM.
Keys carry the goal id and version, so a retry never doubles a message and a resubmission
gets its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import planning as blocks
from bot.i18n import Translator, resolve_locale
from bot.outbox import enqueue
from bot.planning.forms import local_today
from bot.planning.queries import alignment_chain
from bot.planning.rules import approver_for
from storage.goals import Goal
from storage.models import Employee, Workspace

TranslatorFor = Callable[[Employee], Translator]


def default_translators(session: Session, team_id: str) -> TranslatorFor:
    """The person's Slack locale, else the workspace default, else English."""
    default = session.scalar(select(Workspace.default_locale).where(Workspace.team_id == team_id))

    def tr_for(employee: Employee) -> Translator:
        return Translator(resolve_locale(employee.locale, default or "en"))

    return tr_for


def _translators(session: Session, goal: Goal, tr_for: TranslatorFor | None) -> TranslatorFor:
    return tr_for or default_translators(session, goal.team_id)


def approval_key(goal: Goal) -> str:
    return f"goal:{goal.id}:v{goal.version}:approval"


def request_approval(
    session: Session,
    goal: Goal,
    approver: Employee,
    *,
    via_hr: bool,
    now: datetime,
    tr_for: TranslatorFor | None = None,
) -> None:
    tr = _translators(session, goal, tr_for)(approver)
    message = blocks.approval_request(
        tr,
        goal,
        alignment_chain(session, goal),
        approver_slack=approver.slack_id,
        via_hr=via_hr,
    )
    key = approval_key(goal)
    enqueue(
        session,
        team_id=goal.team_id,
        key=key,
        method="chat.postMessage",
        payload={**message, "_open_users": [goal.owner.slack_id, approver.slack_id]},
        now=now,
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
    """Show the request's final state: approved, changes requested, superseded, withdrawn."""
    if not goal.approval_key:
        return
    reader = goal.approver or approver_for(session, goal.owner)[0] or goal.owner
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
    if goal.approval_key:
        reply = blocks.outcome_in_thread(
            tr, goal, outcome=outcome, actor_slack=actor.slack_id, reason=reason
        )
        enqueue(
            session,
            team_id=goal.team_id,
            key=f"{base}:{outcome}:thread",
            method="chat.postMessage",
            payload={**reply, "_thread_of": goal.approval_key},
            now=now,
        )
    dm = blocks.outcome_for_owner(
        tr,
        goal,
        outcome=outcome,
        actor_slack=actor.slack_id,
        reason=reason,
        thread_link=thread_link,
    )
    enqueue(
        session,
        team_id=goal.team_id,
        key=f"{base}:{outcome}:dm",
        method="chat.postMessage",
        payload={**dm, "_open_users": [goal.owner.slack_id]},
        now=now,
    )
