"""The goal modal: opening it (to create or edit), adding and removing key-result rows while it
is open, searching the parent goal, and saving it.

A submission is validated and saved before its ack: a problem comes back as Slack's inline
field errors (nothing saved), a success replaces the form with a short confirmation that says
where the goal went. The App Home of the people concerned is republished afterwards.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.payload import action_value
from bot.blocks.planning import title_of
from bot.blocks.planning_form import (
    GoalForm,
    error_blocks,
    form_for_goal,
    input_blocks,
    parent_option,
    read_goal_form,
)
from bot.blocks.planning_modals import (
    GOAL_MODAL,
    KR_ADD,
    KR_REMOVE,
    PARENT_SELECT,
    goal_modal,
    notice_modal,
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
from handlers.toolkit import acting_employee, answer_errors, modal_of, publish_homes
from storage.goals import GoalLevel
from storage.models import Employee, Role, Team

log = logging.getLogger(__name__)


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
    if isinstance(error, GoalConflict):
        return tr(error.key, **error.values)
    if isinstance(error, PermissionDenied):
        return tr("planning.error.permission")
    return tr("planning.error.not_found")


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
    return notice_modal(tr, text, "planning.saved.title")


def affected_people(result: SaveResult) -> set[str]:
    people = {result.goal.owner.slack_id}
    if result.approver is not None:
        people.add(result.approver.slack_id)
    return people


def register(app: App, services: Services) -> None:
    def submit_goal_modal(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        team_id = str(context.team_id)
        view = body.get("view") or {}
        form = read_goal_form(view)
        now = services.clock.now()
        tr = services.translator_for(None)
        try:
            with services.db.session() as session:
                actor = acting_employee(session, services, team_id, body["user"]["id"])
                if actor is None or not actor.active:
                    raise PermissionDenied(Action.WRITE_PERSONAL_GOAL)
                tr = services.translator_for(actor)
                if form.goal_id is None:
                    result = create_goal(
                        session, actor, form.data, now=now, tr_for=services.translator_for
                    )
                else:
                    result = edit_goal(
                        session,
                        actor,
                        form.goal_id,
                        form.data,
                        version=form.version or 0,
                        now=now,
                        tr_for=services.translator_for,
                    )
                confirmation = saved_view(tr, result)
                people = affected_people(result)
        except ValidationError as error:
            present = input_blocks(view)
            errors = error_blocks(tr, error.errors, form.rows, present)
            answer_errors(ack, view, errors, lambda text: notice_modal(tr, text))
            return
        except (GoalConflict, GoalNotFound, PermissionDenied) as error:
            text = refusal(tr, error)
            answer_errors(ack, view, {"title": text}, lambda text: notice_modal(tr, text))
            return
        ack(response_action="update", view=confirmation)
        publish_homes(services, client, team_id, people)

    def change_rows(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Add or remove a key-result row, keeping everything typed so far."""
        ack()
        view = modal_of(body)
        if view is None:  # Slack sends these buttons only from inside the goal modal
            return
        form = read_goal_form(view)
        if action["action_id"] == KR_ADD:
            form.add_row()
        else:
            form.remove_row(action_value(action))
        with services.db.session() as session:
            actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
            tr = services.translator_for(actor)
        try:
            client.views_update(
                view_id=view["id"], hash=view.get("hash"), view=goal_modal(tr, form)
            )
        except SlackApiError as error:  # hash_conflict: a newer version is already shown
            log.info("views.update of the goal modal refused: %s", error.response.get("error"))

    def parent_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """The goals this person may align to, filtered by what they type (at most 100)."""
        view = body.get("view") or {}
        form = read_goal_form(view)
        with services.db.session() as session:
            actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
            if actor is None:
                ack(options=[])
                return
            tr = services.translator_for(actor)
            goal = None
            if form.goal_id is not None:
                try:
                    goal = get_goal(session, actor, form.goal_id)
                except GoalNotFound:
                    ack(options=[])
                    return
            level = goal.level if goal is not None else form.data.level
            found = alignable_parents(
                session, actor, str(body.get("value") or "")[:100], level=level, goal=goal
            )
            ack(options=[parent_option(tr, g) for g in found])

    app.view(GOAL_MODAL)(submit_goal_modal)
    app.action(KR_ADD)(change_rows)
    app.action(KR_REMOVE)(change_rows)
    app.options(PARENT_SELECT)(parent_options)
