"""Commands on goals: create, edit, submit, agree or ask for changes, complete, abandon, reopen.

Each command checks the actor's right first, then the goal's state and version, then the
input, and only then writes: the goal, a history event and the Slack messages it causes (the
outbox) in the caller's one transaction. A stale button (the goal changed since the message
was sent) or a second click raises GoalConflict and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.permissions import Action, require
from bot.planning import notify
from bot.planning.errors import GoalConflict
from bot.planning.forms import CleanGoal, GoalInput, validate_goal, validate_reason
from bot.planning.history import events_of, record_event
from bot.planning.queries import get_goal
from bot.planning.rules import GoalAction, approver_for, require_goal
from storage.goals import (
    Goal,
    GoalEvent,
    GoalEventAction,
    GoalLevel,
    GoalStatus,
    KeyResult,
    KeyResultKind,
)
from storage.models import Employee

OPEN = (GoalStatus.DRAFT, GoalStatus.PENDING_APPROVAL, GoalStatus.ACTIVE)
# What the owner and the approver agree on: how the goal is measured (its key results, their
# targets), by when, what it contributes to and how much it counts there. Changing any of
# these changes the agreement, so an active personal goal is asked about again. Its title,
# description and kind are the owner's words about it: changed, the goal stays agreed.
AGREED = ("due_date", "key_results", "parent_id", "weight")


@dataclass(frozen=True)
class SaveResult:
    """What the person who saved is told: active at once, sent to whom, or stuck for want of
    anyone to agree it (then it stays a draft and they are told why)."""

    goal: Goal
    approver: Employee | None = None
    via_hr: bool = False
    no_approver: bool = False
    changed: bool = True
    reworded: bool = False  # an agreed goal's wording changed; it stays active


def create_goal(
    session: Session,
    actor: Employee,
    data: GoalInput,
    *,
    now: datetime,
    tr_for: notify.TranslatorFor | None = None,
) -> SaveResult:
    require(actor, Action.WRITE_PERSONAL_GOAL)
    clean = validate_goal(session, actor, data, now=now)
    personal = clean.level == GoalLevel.PERSONAL
    goal = Goal(
        team_id=actor.team_id,
        owner_id=actor.id,
        owner=actor,
        level=clean.level,
        kind=clean.kind,
        title=clean.title,
        description=clean.description,
        weight=clean.weight,
        due_date=clean.due_date,
        parent=clean.parent,
        org_team_id=clean.org_team_id,
        status=(GoalStatus.DRAFT if personal else GoalStatus.ACTIVE).value,
        version=1,
        created_at=now,
        updated_at=now,
    )
    _apply_key_results(goal, clean, now)
    session.add(goal)
    session.flush()
    record_event(session, goal, actor, GoalEventAction.CREATED, now, **_snapshot(goal))
    if not personal:
        return SaveResult(goal)
    return _submit(session, actor, goal, now, tr_for)


def edit_goal(
    session: Session,
    actor: Employee,
    goal_id: int,
    data: GoalInput,
    *,
    version: int,
    now: datetime,
    tr_for: notify.TranslatorFor | None = None,
) -> SaveResult:
    """Save the edited goal. A personal goal is agreed with the manager: a draft (after
    "changes requested", say) or a request still waiting goes for approval as edited, and an
    active goal goes back for approval only when what was agreed changed (AGREED) — asked in
    the same conversation as before. A reworded active goal stays active; its conversation
    is told what changed."""
    goal = get_goal(session, actor, goal_id)
    require_goal(actor, GoalAction.EDIT, goal)
    _require_open(goal)
    _require_version(goal, version)
    clean = validate_goal(session, actor, data, now=now, goal=goal)
    before = _snapshot(goal)
    goal.title, goal.description, goal.kind = clean.title, clean.description, clean.kind
    goal.due_date, goal.weight = clean.due_date, clean.weight
    goal.parent = clean.parent
    _apply_key_results(goal, clean, now)
    session.flush()
    after = _snapshot(goal)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    agreed = [k for k in AGREED if k in changes]
    personal = goal.level == GoalLevel.PERSONAL
    resubmit = personal and (
        goal.status == GoalStatus.DRAFT
        or (goal.status == GoalStatus.PENDING_APPROVAL and bool(changes))
        or (goal.status == GoalStatus.ACTIVE and bool(agreed))
    )
    if not changes and not resubmit:
        return SaveResult(goal, changed=False)
    was_active = goal.status == GoalStatus.ACTIVE
    goal.version += 1
    goal.updated_at = now
    if changes:
        record_event(session, goal, actor, GoalEventAction.EDITED, now, **changes)
    if not resubmit:
        reworded = personal and was_active
        if reworded:
            notify.note_change(session, goal, list(changes), now=now, tr_for=tr_for)
        return SaveResult(goal, reworded=reworded)
    if goal.status == GoalStatus.PENDING_APPROVAL:
        notify.close_approval(session, goal, "superseded", actor, now=now, tr_for=tr_for)
    return _submit(session, actor, goal, now, tr_for, changed=agreed if was_active else None)


def submit_goal(
    session: Session,
    actor: Employee,
    goal_id: int,
    *,
    now: datetime,
    tr_for: notify.TranslatorFor | None = None,
) -> SaveResult:
    """Send a draft for approval as it is (after talking it over in the thread, say)."""
    goal = get_goal(session, actor, goal_id)
    require_goal(actor, GoalAction.SUBMIT, goal)
    if goal.status != GoalStatus.DRAFT:
        raise GoalConflict(_state_key(goal))
    goal.version += 1
    goal.updated_at = now
    return _submit(session, actor, goal, now, tr_for)


def _submit(
    session: Session,
    actor: Employee,
    goal: Goal,
    now: datetime,
    tr_for: notify.TranslatorFor | None,
    changed: list[str] | None = None,
) -> SaveResult:
    approver, via_hr = approver_for(session, goal.owner)
    if approver is None:
        goal.status = GoalStatus.DRAFT.value
        goal.approver_id = None
        return SaveResult(goal, via_hr=True, no_approver=True)
    goal.status = GoalStatus.PENDING_APPROVAL.value
    goal.approver_id = approver.id
    goal.approver = approver
    record_event(
        session,
        goal,
        actor,
        GoalEventAction.SUBMITTED,
        now,
        version=goal.version,
        approver=approver.slack_id,
        via="hr" if via_hr else "manager",
    )
    notify.request_approval(
        session, goal, approver, via_hr=via_hr, now=now, tr_for=tr_for, changed=changed
    )
    return SaveResult(goal, approver=approver, via_hr=via_hr)


def approve_goal(
    session: Session,
    actor: Employee,
    goal_id: int,
    *,
    version: int,
    now: datetime,
    thread_link: str | None = None,
    tr_for: notify.TranslatorFor | None = None,
) -> Goal:
    goal = _pending_for_decision(session, actor, goal_id, version)
    goal.status = GoalStatus.ACTIVE.value
    goal.approver_id = actor.id
    goal.approver = actor
    goal.updated_at = now
    record_event(session, goal, actor, GoalEventAction.APPROVED, now, version=goal.version)
    notify.close_approval(session, goal, "approved", actor, now=now, tr_for=tr_for)
    notify.tell_outcome(
        session, goal, "approved", actor, now=now, thread_link=thread_link, tr_for=tr_for
    )
    return goal


def request_changes(
    session: Session,
    actor: Employee,
    goal_id: int,
    *,
    version: int,
    reason: str,
    now: datetime,
    thread_link: str | None = None,
    tr_for: notify.TranslatorFor | None = None,
) -> Goal:
    """Back to draft with the reason; the owner edits and submits again."""
    goal = _pending_for_decision(session, actor, goal_id, version)
    text = validate_reason(reason)
    goal.status = GoalStatus.DRAFT.value
    goal.updated_at = now
    record_event(
        session,
        goal,
        actor,
        GoalEventAction.CHANGES_REQUESTED,
        now,
        version=goal.version,
        reason=text,
    )
    notify.close_approval(
        session, goal, "changes_requested", actor, now=now, reason=text, tr_for=tr_for
    )
    notify.tell_outcome(
        session,
        goal,
        "changes_requested",
        actor,
        now=now,
        reason=text,
        thread_link=thread_link,
        tr_for=tr_for,
    )
    return goal


def check_decision(session: Session, actor: Employee, goal_id: int, version: int) -> Goal:
    """What approve/request_changes check, without changing anything: lets a handler answer
    a second click before opening the reason modal."""
    return _pending_for_decision(session, actor, goal_id, version)


def _pending_for_decision(session: Session, actor: Employee, goal_id: int, version: int) -> Goal:
    goal = get_goal(session, actor, goal_id)
    require_goal(actor, GoalAction.APPROVE, goal)
    if goal.status != GoalStatus.PENDING_APPROVAL:
        raise GoalConflict(_state_key(goal))
    _require_version(goal, version)
    return goal


def complete_goal(session: Session, actor: Employee, goal_id: int, *, now: datetime) -> Goal:
    goal = get_goal(session, actor, goal_id)
    require_goal(actor, GoalAction.COMPLETE, goal)
    if goal.status != GoalStatus.ACTIVE:
        raise GoalConflict(_state_key(goal))
    goal.status = GoalStatus.COMPLETED.value
    goal.updated_at = now
    record_event(session, goal, actor, GoalEventAction.COMPLETED, now)
    return goal


def abandon_goal(
    session: Session,
    actor: Employee,
    goal_id: int,
    *,
    now: datetime,
    tr_for: notify.TranslatorFor | None = None,
) -> Goal:
    goal = get_goal(session, actor, goal_id)
    require_goal(actor, GoalAction.ABANDON, goal)
    _require_open(goal)
    if goal.status == GoalStatus.PENDING_APPROVAL:
        notify.close_approval(session, goal, "withdrawn", actor, now=now, tr_for=tr_for)
    before = goal.status
    goal.status = GoalStatus.ABANDONED.value
    goal.updated_at = now
    record_event(session, goal, actor, GoalEventAction.ABANDONED, now, status=[before, "abandoned"])
    return goal


def reopen_goal(session: Session, actor: Employee, goal_id: int, *, now: datetime) -> Goal:
    """A completed goal is active again; an abandoned personal goal comes back as a draft,
    because it has to be agreed again."""
    goal = get_goal(session, actor, goal_id)
    require_goal(actor, GoalAction.REOPEN, goal)
    if goal.status not in (GoalStatus.COMPLETED, GoalStatus.ABANDONED):
        raise GoalConflict(_state_key(goal))
    before = goal.status
    back_to_draft = goal.status == GoalStatus.ABANDONED and goal.level == GoalLevel.PERSONAL
    goal.status = (GoalStatus.DRAFT if back_to_draft else GoalStatus.ACTIVE).value
    goal.updated_at = now
    record_event(session, goal, actor, GoalEventAction.REOPENED, now, status=[before, goal.status])
    return goal


def goal_history(session: Session, actor: Employee, goal_id: int) -> list[GoalEvent]:
    return events_of(session, get_goal(session, actor, goal_id))


def _require_open(goal: Goal) -> None:
    if goal.status not in OPEN:
        raise GoalConflict(_state_key(goal))


def _require_version(goal: Goal, version: int) -> None:
    if goal.version != version:
        raise GoalConflict("planning.conflict.stale")


def _state_key(goal: Goal) -> str:
    return f"planning.conflict.{goal.status}"


def _apply_key_results(goal: Goal, clean: CleanGoal, now: datetime) -> None:
    """Update rows in place (their ids are what check-ins refer to), add new ones, drop the
    ones removed in the modal."""
    existing = {kr.id: kr for kr in goal.key_results if kr.id is not None}
    kept: list[KeyResult] = []
    for position, row in enumerate(clean.key_results):
        kr = existing.pop(row.id, None) if row.id is not None else None
        if kr is None:
            kr = KeyResult(team_id=goal.team_id, done=False, updated_at=now)
        if (kr.title, kr.kind, kr.start_value, kr.target_value, kr.unit) != (
            row.title,
            row.kind,
            row.start,
            row.target,
            row.unit,
        ):
            kr.updated_at = now
        metric_before = kr.kind == KeyResultKind.METRIC and kr.current_value is not None
        kr.position, kr.title, kr.kind, kr.unit = position, row.title, row.kind, row.unit
        kr.start_value, kr.target_value = row.start, row.target
        if row.kind == KeyResultKind.CHECK:
            kr.current_value = None
        elif not metric_before:
            kr.current_value = row.start
        kept.append(kr)
    goal.key_results = kept


def _snapshot(goal: Goal) -> dict[str, Any]:
    """The editable content of a goal, for the history's before/after."""
    return {
        "title": goal.title,
        "description": goal.description,
        "kind": goal.kind,
        "due_date": goal.due_date.isoformat(),
        "parent_id": goal.parent.id if goal.parent is not None else None,
        "weight": goal.weight,
        "key_results": [
            {
                "title": kr.title,
                "kind": kr.kind,
                "start": kr.start_value,
                "target": kr.target_value,
                "unit": kr.unit,
            }
            for kr in goal.key_results
        ],
    }
