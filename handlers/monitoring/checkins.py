"""Check-ins in Slack: `/kinerja checkin` and **Start check-in** open the modal, its submission,
and the reader's buttons (Acknowledge, Reply, I'll help, Resolved) with the Reply modal. The
buttons sit on the summary in the pair's group DM, so the employee sees them too: a click of
theirs is refused with what they can do instead (write in the thread).

Thin by design: parse the payload, call bot.monitoring, render. Modals open right after `ack()`
(a trigger id lives 3 seconds); a submission is validated and saved before its ack, so a
refusal lands as an inline error and nothing is half-saved (the transaction rolls back).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.monitoring import (
    ACKNOWLEDGE,
    OBSTACLE_HELP,
    OBSTACLE_RESOLVE,
    REPLY,
    START_CHECKIN,
    period_label,
)
from bot.blocks.monitoring_modals import (
    CHECKIN_CALLBACK,
    REPLY_CALLBACK,
    checkin_modal,
    reply_modal,
)
from bot.blocks.payload import action_value, db_id, element_state, metadata, state_values
from bot.blocks.planning_modals import notice_modal  # the small notice frame, titled per use
from bot.clock import zone_of
from bot.i18n import Translator
from bot.monitoring import (
    CheckinAnswers,
    MonitoringValidationError,
    NotFound,
    ReaderOnly,
    acknowledge_checkin,
    checkin_for_manager,
    checkin_form,
    parse_period,
    reply_to_checkin,
    set_obstacle_status,
    submit_checkin,
)
from bot.permissions import Action, PermissionDenied, can
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.toolkit import acting_employee, answer_errors, open_view, publish_homes, tell_clicker
from storage.checkins import ObstacleStatus
from storage.models import Employee

log = logging.getLogger(__name__)


def team_of(body: dict[str, Any], context: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(context.get("team_id") or team.get("id") or body["user"].get("team_id"))


def who(
    session: Session, services: Services, team_id: str, user_id: str, action: Action
) -> tuple[Employee | None, Translator, str | None]:
    """The acting person, their language, and why they cannot act (an i18n key) if so."""
    employee = acting_employee(session, services, team_id, user_id)
    tr = services.translator_for(employee)
    if employee is None:
        return None, tr, "error.unknown_user"
    if not employee.active:
        return employee, tr, "error.inactive"
    if not can(employee, action):
        return employee, tr, "error.permission"
    return employee, tr, None


def refused(body: dict[str, Any], error: Exception) -> str:
    """Log a refused button or modal (a stale one, or a forged value) and return the message
    key; the log names the ids and the untrusted value (quoted, cut), never the payload."""
    action = (body.get("actions") or [{}])[0]
    what = action.get("action_id") or (body.get("view") or {}).get("callback_id") or "?"
    value = action.get("value") or (body.get("view") or {}).get("private_metadata") or ""
    log.info(
        "refused %s %r by %s: %s", what, str(value)[:80], body["user"]["id"], type(error).__name__
    )
    if isinstance(error, ReaderOnly):
        return "monitoring.error.reader_only"
    return "monitoring.error.not_yours"


def tell(
    client: WebClient, body: dict[str, Any], respond: Respond, tr: Translator, key: str
) -> None:
    """The refusal only the clicker sees: under the message, or in a small modal when they
    clicked on their App Home; losing it is harmless."""
    text = tr(key)
    tell_clicker(client, body, respond, text, notice_modal(tr, text, "monitoring.notice.title"))


def checkin_view(
    session: Session, services: Services, employee: Employee, tr: Translator, period: str | None
) -> dict[str, Any]:
    settings, now = services.settings, services.clock.now()
    form = checkin_form(session, employee, settings=settings, now=now, period_key=period)
    return checkin_modal(tr, form, zone_of(employee.tz, settings.default_tz))


def checkin_command(req: CommandRequest) -> None:
    req.ack()
    view = checkin_view(req.session, req.services, req.employee, req.tr, None)
    open_view(req.services.client, req.command["trigger_id"], view)


def answers_from(view: dict[str, Any]) -> CheckinAnswers:
    """The modal's state as the core's untrusted input; odd block ids are ignored."""
    meta = metadata(view)
    shown: dict[str, Any] = meta["s"] if isinstance(meta.get("s"), dict) else {}
    period = meta.get("p")
    answers = CheckinAnswers(period=period if isinstance(period, str) else "")
    answers.shown_values = {
        number: str(v) for k, v in shown.items() if (number := db_id(k)) is not None
    }
    for block_id, actions in state_values(view).items():
        state: dict[str, Any] = next(iter(actions.values()), {})
        prefix, _, rest = str(block_id).partition("_")
        number = db_id(rest)
        value = state.get("value")
        text = value if isinstance(value, str) else ""
        option = state.get("selected_option")
        chosen = option.get("value") if isinstance(option, dict) else None
        if prefix == "kr" and number is not None:
            answers.values[number] = text
        elif prefix == "done" and number is not None:
            answers.done[number] = bool(state.get("selected_options"))
        elif prefix == "conf" and number is not None:
            answers.confidence[number] = str(chosen)
        elif block_id == "mood":
            answers.mood = chosen if isinstance(chosen, str) else None
        elif block_id in ("wins", "obstacles", "support", "plans"):
            setattr(answers, block_id, text)
    return answers


def inline_errors(
    ack: Ack, tr: Translator, view: dict[str, Any], error: MonitoringValidationError
) -> None:
    """Field errors onto block ids; a field without its own block (the period) goes on the
    first input, so the person sees it where they are (handlers/toolkit.py: answer_errors)."""
    errors = {field: tr(key, **error.values) for field, key in error.errors.items()}
    answer_errors(ack, view, errors, lambda text: notice_modal(tr, text))


def register(app: App, services: Services) -> None:
    db = services.db

    def start_checkin(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        value = action_value((body.get("actions") or [{}])[0]) or None
        with db.session() as session:
            employee, tr, refusal = who(
                session, services, team_of(body, context), body["user"]["id"], Action.CHECK_IN
            )
            if refusal is not None or employee is None:
                return
            view = checkin_view(session, services, employee, tr, value)
        open_view(services.client, body["trigger_id"], view)

    def checkin_submitted(
        ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient
    ) -> None:
        view = body.get("view") or {}
        answers = answers_from(view)
        team_id, user_id = team_of(body, context), body["user"]["id"]
        tr = services.translator_for(None)
        try:
            with db.session() as session:
                employee, tr, refusal = who(session, services, team_id, user_id, Action.CHECK_IN)
                if refusal is None and employee is not None:
                    submit_checkin(
                        session,
                        employee,
                        answers,
                        settings=services.settings,
                        now=services.clock.now(),
                    )
        except MonitoringValidationError as error:
            inline_errors(ack, tr, view, error)
            return
        except PermissionDenied:
            refusal = "error.permission"
        if refusal is not None:
            inline_errors(ack, tr, view, MonitoringValidationError({"period": refusal}))
            return
        ack()
        publish_homes(services, client, team_id, {user_id})

    def acknowledge(
        ack: Ack, body: dict[str, Any], context: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        checkin_id = db_id(action_value((body.get("actions") or [{}])[0]))
        with db.session() as session:
            actor, tr, refusal = who(
                session, services, team_of(body, context), body["user"]["id"], Action.ANSWER_CHECKIN
            )
            if refusal is None and checkin_id is None:
                refusal = refused(body, NotFound(None))
            if refusal is None and actor is not None and checkin_id is not None:
                try:
                    acknowledge_checkin(
                        session,
                        actor,
                        checkin_id,
                        settings=services.settings,
                        now=services.clock.now(),
                    )
                except (NotFound, PermissionDenied) as error:
                    refusal = refused(body, error)
        if refusal is not None:
            tell(client, body, respond, tr, refusal)

    def open_reply(
        ack: Ack, body: dict[str, Any], context: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        checkin_id = db_id(action_value((body.get("actions") or [{}])[0]))
        view = None
        with db.session() as session:
            actor, tr, refusal = who(
                session, services, team_of(body, context), body["user"]["id"], Action.ANSWER_CHECKIN
            )
            if refusal is None and checkin_id is None:
                refusal = refused(body, NotFound(None))
            if refusal is None and actor is not None and checkin_id is not None:
                try:
                    checkin = checkin_for_manager(session, actor, checkin_id)
                    label = period_label(tr, parse_period(checkin.period))
                    view = reply_modal(tr, checkin.id, checkin.employee.slack_id, label)
                except (NotFound, PermissionDenied) as error:
                    refusal = refused(body, error)
        if view is not None:
            open_view(services.client, body["trigger_id"], view)
        elif refusal is not None:
            tell(client, body, respond, tr, refusal)

    def reply_submitted(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        view = body.get("view") or {}
        checkin_id = db_id(view.get("private_metadata"))
        typed = element_state(view, "reply").get("value")
        text = typed if isinstance(typed, str) else ""
        tr = services.translator_for(None)
        try:
            with db.session() as session:
                actor, tr, refusal = who(
                    session,
                    services,
                    team_of(body, context),
                    body["user"]["id"],
                    Action.ANSWER_CHECKIN,
                )
                if refusal is None and actor is not None:
                    if checkin_id is None:
                        raise NotFound(view.get("private_metadata"))
                    reply_to_checkin(
                        session,
                        actor,
                        checkin_id,
                        text,
                        settings=services.settings,
                        now=services.clock.now(),
                    )
        except MonitoringValidationError as error:
            inline_errors(ack, tr, view, error)
            return
        except (NotFound, PermissionDenied) as error:
            refusal = refused(body, error)
        if refusal is not None:
            inline_errors(ack, tr, view, MonitoringValidationError({"reply": refusal}))
            return
        ack()

    def obstacle_action(status: ObstacleStatus) -> Any:
        def handle(
            ack: Ack,
            body: dict[str, Any],
            context: dict[str, Any],
            respond: Respond,
            client: WebClient,
        ) -> None:
            ack()
            obstacle_id = db_id(action_value((body.get("actions") or [{}])[0]))
            team_id, user_id = team_of(body, context), body["user"]["id"]
            with db.session() as session:
                actor, tr, refusal = who(session, services, team_id, user_id, Action.ANSWER_CHECKIN)
                if refusal is None and obstacle_id is None:
                    refusal = refused(body, NotFound(None))
                if refusal is None and actor is not None and obstacle_id is not None:
                    try:
                        set_obstacle_status(
                            session,
                            actor,
                            obstacle_id,
                            status,
                            settings=services.settings,
                            now=services.clock.now(),
                        )
                    except (NotFound, PermissionDenied) as error:
                        refusal = refused(body, error)
            if refusal is not None:
                tell(client, body, respond, tr, refusal)
            if (body.get("container") or {}).get("type") == "view":
                publish_homes(services, client, team_id, {user_id})

        return handle

    app.action(START_CHECKIN)(start_checkin)
    app.view(CHECKIN_CALLBACK)(checkin_submitted)
    app.action(ACKNOWLEDGE)(acknowledge)
    app.action(REPLY)(open_reply)
    app.view(REPLY_CALLBACK)(reply_submitted)
    app.action(OBSTACLE_HELP)(obstacle_action(ObstacleStatus.HELPING))
    app.action(OBSTACLE_RESOLVE)(obstacle_action(ObstacleStatus.RESOLVED))
