"""Check-ins in Slack: `/kinerja checkin` and **Start check-in** open the modal, its submission,
and the reader's buttons (Acknowledge, Reply, I'll help, Resolved) with the Reply modal. The
buttons sit on the summary in the pair's group DM, so the employee sees them too: a click of
theirs is refused with what they can do instead (write in the thread).

Thin by design: parse the payload, call bot.monitoring, render. Modals open right after `ack()`
(a trigger id lives 3 seconds); a submission is validated and saved before its ack, so a
refusal lands as an inline error and nothing is half-saved (the transaction rolls back).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.home import HOME_SECTIONS
from bot.blocks.monitoring import (
    ACKNOWLEDGE,
    OBSTACLE_HELP,
    OBSTACLE_RESOLVE,
    REPLY,
    START_CHECKIN,
    period_label,
)
from bot.blocks.monitoring_home import make_section
from bot.blocks.monitoring_modals import (
    CHECKIN_CALLBACK,
    REPLY_CALLBACK,
    checkin_modal,
    reply_modal,
)
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
from handlers import monitoring_admin
from handlers.commands import CommandRequest, subcommand
from handlers.people import acting_employee
from handlers.slack_calls import open_view, publish_homes, tell_clicker
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


@subcommand("checkin")
def checkin_command(req: CommandRequest) -> None:
    req.ack()
    view = checkin_view(req.session, req.services, req.employee, req.tr, None)
    open_view(req.services.client, req.command["trigger_id"], view)


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def answers_from(view: dict[str, Any]) -> CheckinAnswers:
    """The modal's state as the core's untrusted input; odd block ids are ignored."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    shown: dict[str, Any] = meta["s"] if isinstance(meta.get("s"), dict) else {}
    answers = CheckinAnswers(period=str(meta.get("p") or ""))
    answers.shown_values = {int(k): str(v) for k, v in shown.items() if _int(k) is not None}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        state: dict[str, Any] = (
            next(iter(actions.values()), {}) if isinstance(actions, dict) else {}
        )
        prefix, _, rest = str(block_id).partition("_")
        number = _int(rest)
        if prefix == "kr" and number is not None:
            answers.values[number] = str(state.get("value") or "")
        elif prefix == "done" and number is not None:
            answers.done[number] = bool(state.get("selected_options"))
        elif prefix == "conf" and number is not None:
            answers.confidence[number] = str((state.get("selected_option") or {}).get("value"))
        elif block_id == "mood":
            answers.mood = (state.get("selected_option") or {}).get("value")
        elif block_id in ("wins", "obstacles", "support", "plans"):
            setattr(answers, block_id, str(state.get("value") or ""))
    return answers


def inline_errors(
    tr: Translator, view: dict[str, Any], error: MonitoringValidationError
) -> dict[str, str]:
    """Field errors onto block ids; a field without its own block (the period) goes on the
    first input, so the person sees it where they are."""
    present = [b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"]
    errors: dict[str, str] = {}
    for field, key in error.errors.items():
        block = field if field in present else (present[0] if present else field)
        errors[block] = tr(key, **error.values)
    return errors


def register(app: App, services: Services) -> None:
    db = services.db
    HOME_SECTIONS["monitoring"] = make_section(services.settings)
    monitoring_admin.register(app, services)

    def start_checkin(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        value = (body.get("actions") or [{}])[0].get("value") or None
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
        view = body["view"]
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
            ack(response_action="errors", errors=inline_errors(tr, view, error))
            return
        except PermissionDenied:
            refusal = "error.permission"
        if refusal is not None:
            first = MonitoringValidationError({"period": refusal})
            ack(response_action="errors", errors=inline_errors(tr, view, first))
            return
        ack()
        publish_homes(services, client, team_id, {user_id})

    def acknowledge(
        ack: Ack, body: dict[str, Any], context: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        checkin_id = _int((body.get("actions") or [{}])[0].get("value"))
        with db.session() as session:
            actor, tr, refusal = who(
                session, services, team_of(body, context), body["user"]["id"], Action.ANSWER_CHECKIN
            )
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
        checkin_id = _int((body.get("actions") or [{}])[0].get("value"))
        view = None
        with db.session() as session:
            actor, tr, refusal = who(
                session, services, team_of(body, context), body["user"]["id"], Action.ANSWER_CHECKIN
            )
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
        view = body["view"]
        checkin_id = _int(view.get("private_metadata") or "")
        values: dict[str, Any] = view.get("state", {}).get("values") or {}
        reply_state: dict[str, Any] = next(iter((values.get("reply") or {}).values()), {})
        text = str(reply_state.get("value") or "")
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
            ack(response_action="errors", errors=inline_errors(tr, view, error))
            return
        except (NotFound, PermissionDenied) as error:
            refusal = refused(body, error)
        if refusal is not None:
            ack(response_action="errors", errors={"reply": tr(refusal)})
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
            obstacle_id = _int((body.get("actions") or [{}])[0].get("value"))
            team_id, user_id = team_of(body, context), body["user"]["id"]
            with db.session() as session:
                actor, tr, refusal = who(session, services, team_id, user_id, Action.ANSWER_CHECKIN)
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
