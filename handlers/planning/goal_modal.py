"""The goal modal: opening it (to create or edit), adding and removing key-result rows while it
is open, searching the parent goal, and saving it.

A submission is validated and saved before its ack: a problem comes back as Slack's inline
field errors (nothing saved), a success replaces the form with a short confirmation that says
where the goal went. The App Home of the people concerned is republished afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.modals import notice_modal
from bot.blocks.payload import action_value, input_blocks
from bot.blocks.planning import title_of
from bot.blocks.planning_form import (
    GoalForm,
    error_blocks,
    form_for_goal,
    parent_option,
    read_goal_form,
)
from bot.blocks.planning_modals import (
    GOAL_MODAL,
    KR_ADD,
    KR_REMOVE,
    NOTICE_CLOSE,
    NOTICE_TITLE,
    PARENT_SELECT,
    SAVED_TITLE,
    goal_modal,
)
from bot.i18n import Translator
from bot.permissions import Action, PermissionDenied, can, role_of
from bot.planning import (
    GoalAction,
    GoalConflict,
    GoalNotFound,
    SaveResult,
    ValidationError,
    alignable_parents,
    allowed,
    can_write_level,
    create_goal,
    edit_goal,
    get_goal,
)
from bot.slack.services import Services
from handlers.toolkit import (
    Actor,
    act,
    answer_errors,
    modal_of,
    publish_homes,
    services_of,
    team_of,
)
from storage.goals import GoalLevel
from storage.models import Employee, Role, Team

log = logging.getLogger(__name__)
REFUSALS = (GoalConflict, GoalNotFound, PermissionDenied)


def new_goal_form(session: Session, actor: Employee) -> GoalForm:
    """Levels the person may write, and the teams to choose from for HR and admins."""
    levels = [GoalLevel.PERSONAL.value]
    picks_team = role_of(actor) in (Role.HR, Role.ADMIN)
    if picks_team or can_write_level(actor, GoalLevel.TEAM, actor.org_team_id):
        levels.append(GoalLevel.TEAM.value)
    if can(actor, Action.WRITE_COMPANY_GOAL):
        levels.append(GoalLevel.COMPANY.value)
    teams: list[tuple[int, str]] = []
    if picks_team:
        rows = session.execute(
            select(Team.id, Team.name).where(Team.team_id == actor.team_id).order_by(Team.name)
        )
        teams = [(int(tid), str(name)) for tid, name in rows]
    return GoalForm(levels=levels, teams=teams)


def goal_form_view(
    session: Session, actor: Employee, tr: Translator, goal_id: int | None
) -> dict[str, Any]:
    """The modal to open; GoalNotFound, PermissionDenied or GoalConflict when it may not be."""
    if goal_id is None:
        return goal_modal(tr, new_goal_form(session, actor))
    goal = get_goal(session, actor, goal_id)
    if not allowed(actor, GoalAction.EDIT, goal):
        raise PermissionDenied(Action.WRITE_PERSONAL_GOAL)
    if goal.status not in ("draft", "pending_approval", "active"):
        raise GoalConflict(f"planning.conflict.{goal.status}")
    return goal_modal(tr, form_for_goal(tr, goal))


def refusal(tr: Translator, error: Exception) -> str:
    """A refused goal action (one of REFUSALS) in the person's words."""
    if isinstance(error, GoalConflict):
        return tr(error.key, **error.values)
    if isinstance(error, PermissionDenied):
        return tr("planning.error.permission")
    return tr("planning.error.not_found")


def explain(tr: Translator, error: Exception) -> str | None:
    """For `act`: what a goal listener's refusals say; anything else is a bug and rises."""
    return refusal(tr, error) if isinstance(error, REFUSALS) else None


def notice(tr: Translator) -> Callable[[str], dict[str, Any]]:
    """A refused submission's notice, for a view without an input to show it on."""
    return lambda text: notice_modal(tr, text, NOTICE_TITLE, close_key=NOTICE_CLOSE)


def saved_view(tr: Translator, result: SaveResult) -> dict[str, Any]:
    goal = result.goal
    title = title_of(goal)
    if result.no_approver:
        text = tr("planning.saved.no_approver", title=title)
    elif result.approver is not None:
        key = "planning.saved.pending_hr" if result.via_hr else "planning.saved.pending"
        text = tr(key, title=title, approver=result.approver.slack_id)
    elif not result.changed:
        text = tr("planning.saved.unchanged", title=title)
    elif result.reworded:
        text = tr("planning.saved.reworded", title=title)
    else:
        text = tr("planning.saved.active", title=title)
    return notice_modal(tr, text, SAVED_TITLE, close_key=NOTICE_CLOSE)


def affected_people(result: SaveResult) -> set[str]:
    people = {result.goal.owner.slack_id}
    if result.approver is not None:
        people.add(result.approver.slack_id)
    return people


def submit_goal_modal(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Saved before the ack: the confirmation replaces the form, a problem is shown on the
    field it is about (nothing saved), a refusal on the title."""
    services = services_of(context)
    form = read_goal_form(view)

    def work(actor: Actor) -> dict[str, str] | tuple[dict[str, Any], set[str]]:
        session, employee, tr_for = actor.session, actor.employee, services.translator_for
        try:
            if form.goal_id is None:
                result = create_goal(session, employee, form.data, now=actor.now, tr_for=tr_for)
            else:
                result = edit_goal(
                    session,
                    employee,
                    form.goal_id,
                    form.data,
                    version=form.version or 0,
                    now=actor.now,
                    tr_for=tr_for,
                )
        except ValidationError as error:
            session.rollback()
            present = set(input_blocks(view))
            return error_blocks(actor.tr, error.errors, form.rows, present)
        return saved_view(actor.tr, result), affected_people(result)

    outcome = act(services, body, context, work, explain=explain)
    saved = outcome.value
    if not isinstance(saved, tuple):  # field errors, or refused
        errors = saved if isinstance(saved, dict) else {"title": outcome.refusal or ""}
        answer_errors(ack, view, errors, notice(outcome.tr))
        return
    confirmation, people = saved
    ack(response_action="update", view=confirmation)
    publish_homes(services, client, team_of(body, context), people)


def change_rows(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Add or remove a key-result row, keeping everything typed so far."""
    ack()
    view = modal_of(body)
    if view is None:  # Slack sends these buttons only from inside the goal modal
        return
    form = read_goal_form(view)
    if action.get("action_id") == KR_ADD:
        form.add_row()
    else:
        form.remove_row(action_value(action))
    # Only the person's language is needed: the form is theirs, whoever they are.
    tr = act(services_of(context), body, context, lambda actor: None).tr
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=goal_modal(tr, form))
    except SlackApiError as error:  # hash_conflict: a newer version is already shown
        log.info("views.update of the goal modal refused: %s", error.response.get("error"))


def parent_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The goals this person may align to, filtered by what they type (at most 100)."""
    form = read_goal_form(body.get("view") or {})
    typed = str(body.get("value") or "")[:100]

    def work(actor: Actor) -> list[dict[str, Any]]:
        goal = None
        if form.goal_id is not None:
            goal = get_goal(actor.session, actor.employee, form.goal_id)
        level = goal.level if goal is not None else form.data.level
        found = alignable_parents(actor.session, actor.employee, typed, level=level, goal=goal)
        return [parent_option(actor.tr, g) for g in found]

    outcome = act(services_of(context), body, context, work, explain=explain)
    ack(options=outcome.value or [])


def register(app: App, services: Services) -> None:
    app.view(GOAL_MODAL)(submit_goal_modal)
    app.action(KR_ADD)(change_rows)
    app.action(KR_REMOVE)(change_rows)
    app.options(PARENT_SELECT)(parent_options)
