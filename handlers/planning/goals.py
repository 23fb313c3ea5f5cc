"""Planning in Slack: `/kinerja goal` and `/kinerja goals`, the approval buttons and the reason
modal, the App Home's goal menu and the progress modal. The goal modal itself is in
handlers/planning/goal_modal.py.

Every button value (goal id, version) comes back through the person's client, so it is only a
pointer: the core re-checks who may act and whether the goal is still in that state. A second
click or a stale message gets an explanation and changes nothing.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.payload import (
    action_value,
    db_id,
    element_state,
    meta_id,
    pointer,
    state_values,
)
from bot.blocks.planning import APPROVE, EDIT, REQUEST_CHANGES, goals_list
from bot.blocks.planning_form import VALUE
from bot.blocks.planning_home import GOAL_MENU, NEW_GOAL
from bot.blocks.planning_modals import (
    NOTICE_CLOSE,
    NOTICE_TITLE,
    PROGRESS_BLOCK,
    PROGRESS_MODAL,
    REASON_MODAL,
    progress_modal,
    reason_modal,
)
from bot.clock import zone_of
from bot.planning import (
    GoalConflict,
    GoalNotFound,
    ValidationError,
    abandon_goal,
    alignment_chain,
    approve_goal,
    check_decision,
    complete_goal,
    get_goal,
    goals_owned_by,
    parse_number,
    reopen_goal,
    request_changes,
    submit_goal,
    update_key_result,
)
from bot.planning.notify import thread_root
from bot.planning.progress import may_update, set_goal_progress, sets_progress_by_hand
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.planning.goal_modal import (
    REFUSALS,
    affected_people,
    explain,
    goal_form_view,
    notice,
    refusal,
    saved_view,
)
from handlers.toolkit import (
    Actor,
    Outcome,
    Refused,
    act,
    answer_errors,
    open_view,
    publish_homes,
    services_of,
    team_of,
    tell,
)
from storage.goals import Goal
from storage.models import OutboxMessage


def goal_command(req: CommandRequest) -> None:
    """`/kinerja goal` opens the form; `/kinerja goal edit 12` opens goal 12 in it."""
    goal_id: int | None = None
    if req.args:
        if len(req.args) != 2 or req.args[0].lower() not in ("edit", "ubah"):
            req.ack(response_type="ephemeral", text=req.tr("planning.cmd.edit_usage"))
            return
        goal_id = db_id(req.args[1])
        if goal_id is None:
            req.ack(response_type="ephemeral", text=req.tr("planning.cmd.edit_usage"))
            return
    try:
        view = goal_form_view(req.session, req.employee, req.tr, goal_id)
    except REFUSALS as error:
        req.ack(response_type="ephemeral", text=refusal(req.tr, error))
        return
    req.ack()
    open_view(req.services.client, str(req.command.get("trigger_id")), view)


def goals_command(req: CommandRequest) -> None:
    goals = goals_owned_by(req.session, req.employee)
    rows = [(goal, alignment_chain(req.session, goal)) for goal in goals]
    zone = zone_of(req.employee.tz, req.services.settings.default_tz)
    req.ack(**goals_list(req.tr, rows, today=req.services.clock.now().astimezone(zone).date()))


def thread_link(session: Session, goal: Goal, body: dict[str, Any]) -> str | None:
    """A permalink to the approval message, whose thread is the goal's conversation.

    Built from the workspace's domain (in every interaction payload) and the message's channel
    and ts (the outbox row's result) in Slack's permalink format, so no Web API call stands
    between a click and the modal it opens.
    """
    domain = str((body.get("team") or {}).get("domain") or "")
    root = thread_root(session, goal)  # a later request is a reply in the first one's thread
    if not root or not domain:
        return None
    result = session.scalar(
        select(OutboxMessage.result).where(
            OutboxMessage.team_id == goal.team_id,
            OutboxMessage.idempotency_key == root,
        )
    )
    if not result or not result.get("channel") or not result.get("ts"):
        return None  # not delivered yet: the owner is pointed to the group message instead
    ts = str(result["ts"]).replace(".", "")
    return f"https://{domain}.slack.com/archives/{result['channel']}/p{ts}"


def _answer(
    client: WebClient, body: dict[str, Any], respond: Respond, outcome: Outcome[Any]
) -> None:
    """Tell the clicker why nothing happened, if it did not."""
    if outcome.refusal is not None:
        tell(
            client,
            body,
            respond,
            outcome.tr,
            outcome.refusal,
            title_key=NOTICE_TITLE,
            close_key=NOTICE_CLOSE,
        )


def _decision_of(action: dict[str, Any]) -> tuple[int, int]:
    """ "12:3" → (12, 3): a decision is always about the version that was shown, so a value
    without one (or no goal id) finds no goal."""
    found = pointer(action_value(action))
    if found is None or found[1] is None:
        raise GoalNotFound(action_value(action))
    return found[0], found[1]


def approve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    services = services_of(context)

    def work(actor: Actor) -> set[str]:
        goal_id, version = _decision_of(action)
        goal = check_decision(actor.session, actor.employee, goal_id, version)
        approve_goal(
            actor.session,
            actor.employee,
            goal_id,
            version=version,
            now=actor.now,
            thread_link=thread_link(actor.session, goal, body),
            tr_for=services.translator_for,
        )
        return {goal.owner.slack_id, actor.employee.slack_id}

    outcome = act(services, body, context, work, explain=explain)
    _answer(client, body, respond, outcome)
    publish_homes(services, client, team_of(body, context), outcome.value or set())


def ask_for_changes(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Open the reason modal, unless the goal was already decided (then say so)."""
    ack()

    def work(actor: Actor) -> dict[str, Any]:
        goal_id, version = _decision_of(action)
        goal = check_decision(actor.session, actor.employee, goal_id, version)
        meta = {"g": goal_id, "v": version, "l": thread_link(actor.session, goal, body)}
        return reason_modal(actor.tr, goal, meta)

    outcome = act(services_of(context), body, context, work, explain=explain)
    _answer(client, body, respond, outcome)
    if outcome.value is not None:
        open_view(client, str(body.get("trigger_id") or ""), outcome.value)


def submit_reason(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    goal_id, version = meta_id(view, "g") or 0, meta_id(view, "v") or 0
    typed = element_state(view, "reason", VALUE).get("value")
    reason = typed if isinstance(typed, str) else ""

    def work(actor: Actor) -> set[str]:
        # The link to the conversation goes into the owner's DM: built here again rather
        # than taken from the metadata, which came back through the approver's client.
        session = actor.session
        link = thread_link(session, get_goal(session, actor.employee, goal_id), body)
        try:
            goal = request_changes(
                session,
                actor.employee,
                goal_id,
                version=version,
                reason=reason,
                now=actor.now,
                thread_link=link,
                tr_for=services.translator_for,
            )
        except ValidationError as error:  # shown on the reason, the modal's one input
            raise Refused(actor.tr(next(iter(error.errors.values())))) from error
        return {goal.owner.slack_id, actor.employee.slack_id}

    outcome = act(services, body, context, work, explain=explain)
    if outcome.refusal is not None:
        answer_errors(ack, view, {"reason": outcome.refusal}, notice(outcome.tr))
        return
    ack()
    publish_homes(services, client, team_of(body, context), outcome.value or set())


def open_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """ "New goal" on the App Home, or "Edit goal" under a changes-requested message."""
    ack()
    editing = action.get("action_id") == EDIT
    goal_id = db_id(action_value(action)) if editing else None

    def work(actor: Actor) -> dict[str, Any]:
        if editing and goal_id is None:
            raise GoalNotFound(action_value(action))
        return goal_form_view(actor.session, actor.employee, actor.tr, goal_id)

    outcome = act(services_of(context), body, context, work, explain=explain)
    _answer(client, body, respond, outcome)
    if outcome.value is not None:
        open_view(client, str(body.get("trigger_id") or ""), outcome.value)


def goal_menu(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """The overflow menu of one goal on the App Home."""
    ack()
    services = services_of(context)
    choice, _, raw_id = action_value(action).partition(":")
    goal_id = db_id(raw_id) or 0
    people: set[str] = {str((body.get("user") or {}).get("id") or "")}

    def work(actor: Actor) -> dict[str, Any] | None:
        """The view to open, if the choice opens one."""
        session, employee, now = actor.session, actor.employee, actor.now
        tr_for = services.translator_for
        if choice == "edit":
            return goal_form_view(session, employee, actor.tr, goal_id)
        if choice == "progress":
            goal = get_goal(session, employee, goal_id)
            if not may_update(employee, goal):
                raise GoalConflict(f"planning.conflict.{goal.status}")
            return progress_modal(actor.tr, goal, by_hand=sets_progress_by_hand(goal))
        if choice == "complete":
            complete_goal(session, employee, goal_id, now=now)
        elif choice == "abandon":
            goal = abandon_goal(session, employee, goal_id, now=now, tr_for=tr_for)
            if goal.approver is not None:
                people.add(goal.approver.slack_id)
        elif choice == "reopen":
            reopen_goal(session, employee, goal_id, now=now)
        elif choice == "submit":
            result = submit_goal(session, employee, goal_id, now=now, tr_for=tr_for)
            people.update(affected_people(result))
            return saved_view(actor.tr, result)
        return None

    outcome = act(services, body, context, work, explain=explain)
    _answer(client, body, respond, outcome)
    if outcome.value is not None:
        open_view(client, str(body.get("trigger_id") or ""), outcome.value)
    publish_homes(services, client, team_of(body, context), people)


def submit_progress(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Every key result of the goal at once; one bad number saves nothing."""
    services = services_of(context)
    goal_id = meta_id(view, "g") or 0
    values = state_values(view)

    def work(actor: Actor) -> dict[str, str]:
        """The field errors; none when saved."""
        session, employee, tr = actor.session, actor.employee, actor.tr
        goal = get_goal(session, employee, goal_id)
        if not goal.key_results:
            state = (values.get(PROGRESS_BLOCK) or {}).get(VALUE) or {}
            percent = parse_number(str(state.get("value") or ""))
            if percent is None or not 0 <= percent <= 100:
                return {PROGRESS_BLOCK: tr("planning.error.percent")}
            set_goal_progress(session, employee, goal_id, percent, now=actor.now)
            return {}
        errors: dict[str, str] = {}
        updates: list[tuple[int, float | None, bool | None]] = []
        for kr in goal.key_results:
            state = (values.get(f"kr_{kr.id}") or {}).get(VALUE) or {}
            if kr.kind == "check":
                options = state.get("selected_options")
                listed = options if isinstance(options, list) else []
                chosen = [o.get("value") for o in listed if isinstance(o, dict)]
                if ("done" in chosen) != kr.done:
                    updates.append((kr.id, None, "done" in chosen))
                continue
            number = parse_number(str(state.get("value") or ""))
            if number is None:
                errors[f"kr_{kr.id}"] = tr("planning.error.number")
            elif number != kr.current_value:
                updates.append((kr.id, number, None))
        if errors:
            return errors
        for kr_id, value, done in updates:
            update_key_result(session, employee, kr_id, value=value, done=done, now=actor.now)
        return {}

    outcome = act(services, body, context, work, explain=explain)
    if outcome.refusal is not None or outcome.value:
        errors = outcome.value or {"kr": outcome.refusal or ""}
        answer_errors(ack, view, errors, notice(outcome.tr))
        return
    ack()
    publish_homes(services, client, team_of(body, context), {body["user"]["id"]})


def register(app: App, services: Services) -> None:
    app.action(APPROVE)(approve)
    app.action(REQUEST_CHANGES)(ask_for_changes)
    app.view(REASON_MODAL)(submit_reason)
    app.action(NEW_GOAL)(open_form)
    app.action(EDIT)(open_form)
    app.action(GOAL_MENU)(goal_menu)
    app.view(PROGRESS_MODAL)(submit_progress)
