"""Planning in Slack: `/kinerja goal` and `/kinerja goals`, the approval buttons and the reason
modal, the App Home's goal menu and the progress modal. The goal modal itself is in
handlers/planning/goal_modal.py.

Every button value (goal id, version) comes back through the person's client, so it is only a
pointer: the core re-checks who may act and whether the goal is still in that state. A second
click or a stale message gets an explanation and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import bot.blocks.planning_home  # noqa: F401  (registers the App Home section)
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
    PROGRESS_BLOCK,
    PROGRESS_MODAL,
    REASON_MODAL,
    notice_modal,
    progress_modal,
    reason_modal,
)
from bot.clock import zone_of
from bot.i18n import Translator
from bot.permissions import PermissionDenied
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
    affected_people,
    goal_form_view,
    refusal,
    saved_view,
)
from handlers.toolkit import acting_employee, answer_errors, open_view, publish_homes, tell_clicker
from storage.goals import Goal
from storage.models import Employee, OutboxMessage

log = logging.getLogger(__name__)
REFUSALS = (GoalConflict, GoalNotFound, PermissionDenied)


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


def _decision(value: str) -> tuple[int, int] | None:
    """ "12:3" → (12, 3): a decision is always about the version that was shown."""
    found = pointer(value)
    return (found[0], found[1]) if found is not None and found[1] is not None else None


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


def register(app: App, services: Services) -> None:
    def in_session(
        body: dict[str, Any],
        context: BoltContext,
        work: Callable[[Session, Employee, Translator], str | None],
    ) -> str | None:
        """Run `work` for the acting person; a refusal becomes the text to show them."""
        tr = services.translator_for(None)
        with services.db.session() as session:
            actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
            if actor is None or not actor.active:
                return tr("error.unknown_user") if actor is None else tr("error.inactive")
            tr = services.translator_for(actor)
            try:
                return work(session, actor, tr)
            except REFUSALS as error:
                session.rollback()
                log.info("refused %s: %s", _request_of(body), type(error).__name__)
                return refusal(tr, error)

    def tell(client: WebClient, body: dict[str, Any], respond: Respond, text: str) -> None:
        notice = notice_modal(_translator(body, services), text)
        tell_clicker(client, body, respond, text, notice)

    def approve(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        ack()
        people: set[str] = set()

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            decision = _decision(action_value(action))
            if decision is None:
                raise GoalNotFound(action_value(action))
            goal = check_decision(session, actor, *decision)
            link = thread_link(session, goal, body)
            approve_goal(
                session,
                actor,
                decision[0],
                version=decision[1],
                now=services.clock.now(),
                thread_link=link,
                tr_for=services.translator_for,
            )
            people.update({goal.owner.slack_id, actor.slack_id})
            return None

        answer = in_session(body, context, work)
        if answer:
            tell(client, body, respond, answer)
        publish_homes(services, client, str(context.team_id), people)

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
        opened: list[dict[str, Any]] = []

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            decision = _decision(action_value(action))
            if decision is None:
                raise GoalNotFound(action_value(action))
            goal = check_decision(session, actor, *decision)
            meta = {"g": decision[0], "v": decision[1], "l": thread_link(session, goal, body)}
            opened.append(reason_modal(tr, goal, meta))
            return None

        answer = in_session(body, context, work)
        if answer:
            tell(client, body, respond, answer)
        elif opened:
            open_view(client, body["trigger_id"], opened[0])

    def submit_reason(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        goal_id, version = meta_id(view, "g") or 0, meta_id(view, "v") or 0
        typed = element_state(view, "reason", VALUE).get("value")
        reason = typed if isinstance(typed, str) else ""
        people: set[str] = set()
        errors: dict[str, str] = {}

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            # The link to the conversation goes into the owner's DM: built here again rather
            # than taken from the metadata, which came back through the approver's client.
            link = thread_link(session, get_goal(session, actor, goal_id), body)
            try:
                goal = request_changes(
                    session,
                    actor,
                    goal_id,
                    version=version,
                    reason=reason,
                    now=services.clock.now(),
                    thread_link=link,
                    tr_for=services.translator_for,
                )
            except ValidationError as error:
                errors["reason"] = tr(next(iter(error.errors.values())))
                return None
            people.update({goal.owner.slack_id, actor.slack_id})
            return None

        answer = in_session(body, context, work)
        if errors or answer:
            notice = _notice(body, services)
            answer_errors(ack, view, errors or {"reason": answer or ""}, notice)
            return
        ack()
        publish_homes(services, client, str(context.team_id), people)

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
        views: list[dict[str, Any]] = []
        editing = action.get("action_id") == EDIT
        goal_id = db_id(action_value(action)) if editing else None

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            if editing and goal_id is None:
                raise GoalNotFound(action_value(action))
            views.append(goal_form_view(session, actor, tr, goal_id))
            return None

        answer = in_session(body, context, work)
        if answer:
            tell(client, body, respond, answer)
        elif views:
            open_view(client, body["trigger_id"], views[0])

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
        choice, _, raw_id = action_value(action).partition(":")
        goal_id = db_id(raw_id) or 0
        views: list[dict[str, Any]] = []
        people: set[str] = {body["user"]["id"]}

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            now = services.clock.now()
            if choice == "edit":
                views.append(goal_form_view(session, actor, tr, goal_id))
            elif choice == "progress":
                goal = get_goal(session, actor, goal_id)
                if not may_update(actor, goal):
                    raise GoalConflict(f"planning.conflict.{goal.status}")
                views.append(progress_modal(tr, goal, by_hand=sets_progress_by_hand(goal)))
            elif choice == "complete":
                complete_goal(session, actor, goal_id, now=now)
            elif choice == "abandon":
                goal = abandon_goal(
                    session, actor, goal_id, now=now, tr_for=services.translator_for
                )
                if goal.approver is not None:
                    people.add(goal.approver.slack_id)
            elif choice == "reopen":
                reopen_goal(session, actor, goal_id, now=now)
            elif choice == "submit":
                result = submit_goal(
                    session, actor, goal_id, now=now, tr_for=services.translator_for
                )
                people.update(affected_people(result))
                views.append(saved_view(tr, result))
            return None

        answer = in_session(body, context, work)
        if answer:
            tell(client, body, respond, answer)
        elif views:
            open_view(client, body["trigger_id"], views[0])
        publish_homes(services, client, str(context.team_id), people)

    def submit_progress(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Every key result of the goal at once; one bad number saves nothing."""
        goal_id = meta_id(view, "g") or 0
        values = state_values(view)
        errors: dict[str, str] = {}

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            goal = get_goal(session, actor, goal_id)
            if not goal.key_results:
                state = (values.get(PROGRESS_BLOCK) or {}).get(VALUE) or {}
                percent = parse_number(str(state.get("value") or ""))
                if percent is None or not 0 <= percent <= 100:
                    errors[PROGRESS_BLOCK] = tr("planning.error.percent")
                    return None
                set_goal_progress(session, actor, goal_id, percent, now=services.clock.now())
                return None
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
                return None
            now = services.clock.now()
            for kr_id, value, done in updates:
                update_key_result(session, actor, kr_id, value=value, done=done, now=now)
            return None

        answer = in_session(body, context, work)
        if errors or answer:
            notice = _notice(body, services)
            answer_errors(ack, view, errors or {"kr": answer or ""}, notice)
            return
        ack()
        publish_homes(services, client, str(context.team_id), {body["user"]["id"]})

    app.action(APPROVE)(approve)
    app.action(REQUEST_CHANGES)(ask_for_changes)
    app.view(REASON_MODAL)(submit_reason)
    app.action(NEW_GOAL)(open_form)
    app.action(EDIT)(open_form)
    app.action(GOAL_MENU)(goal_menu)
    app.view(PROGRESS_MODAL)(submit_progress)


def _request_of(body: dict[str, Any]) -> str:
    """Who asked for what, for the log: the ids and the (untrusted, so quoted and cut) value;
    never the payload, which holds the response_url."""
    action = (body.get("actions") or [{}])[0]
    what = action.get("action_id") or (body.get("view") or {}).get("callback_id") or "?"
    value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
    return f"{what} {str(value)[:80]!r} by {body['user']['id']}"


def _notice(body: dict[str, Any], services: Services) -> Callable[[str], dict[str, Any]]:
    """A refused submission's notice, for a view without inputs to show it on."""
    tr = _translator(body, services)
    return lambda text: notice_modal(tr, text)


def _translator(body: dict[str, Any], services: Services) -> Translator:
    with services.db.session() as session:
        team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id")
        actor = acting_employee(session, services, str(team_id), body["user"]["id"])
        return services.translator_for(actor)
