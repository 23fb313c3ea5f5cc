"""Check-ins in Slack: `/kinerja checkin` and **Start check-in** open the modal, its submission,
and the reader's buttons (Acknowledge, Reply, I'll help, Resolved) with the Reply modal. The
buttons sit on the summary in the pair's group DM, so the employee sees them too: a click of
theirs is refused with what they can do instead (write in the thread).

Thin by design: parse the payload, call bot.monitoring, render. Modals open right after `ack()`
(a trigger id lives 3 seconds); a submission is validated and saved before its ack, so a
refusal lands as an inline error and nothing is half-saved (the transaction rolls back).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
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
from bot.clock import zone_of
from bot.i18n import Translator
from bot.monitoring import (
    CheckinAnswers,
    acknowledge_checkin,
    checkin_for_manager,
    checkin_form,
    parse_period,
    reply_to_checkin,
    set_obstacle_status,
    submit_checkin,
)
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.monitoring.outcomes import (
    answer_click,
    known,
    permission_refusal,
    refusal,
    save_submission,
)
from handlers.toolkit import Actor, act, open_view, publish_homes, services_of, team_of
from storage.checkins import ObstacleStatus
from storage.models import Employee


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


def start_checkin(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """**Start check-in** and **Edit** (the prompt, the Home): the modal for the button's
    period; nothing opens for someone who may not check in."""
    ack()
    services = services_of(context)
    period = action_value((body.get("actions") or [{}])[0]) or None

    def view(actor: Actor) -> dict[str, Any]:
        return checkin_view(actor.session, services, actor.employee, actor.tr, period)

    outcome = act(services, body, context, view, action=Action.CHECK_IN)
    if outcome.value is not None:
        open_view(services.client, body["trigger_id"], outcome.value)


def checkin_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Saved before the ack, so bad input is an inline error on its field and nothing of the
    check-in is kept; then the person's Home shows it."""
    answers = answers_from(body.get("view") or {})

    def save(actor: Actor) -> None:
        settings = actor.services.settings
        submit_checkin(actor.session, actor.employee, answers, settings=settings, now=actor.now)

    if save_submission(
        ack,
        body,
        context,
        save,
        action=Action.CHECK_IN,
        explain=permission_refusal,
        refusal_field="period",
    ):
        publish_homes(services_of(context), client, team_of(body, context), {body["user"]["id"]})


def acknowledge(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    ack()

    def acknowledged(actor: Actor, checkin_id: int) -> None:
        settings = actor.services.settings
        acknowledge_checkin(
            actor.session, actor.employee, checkin_id, settings=settings, now=actor.now
        )

    answer_click(body, context, respond, client, acknowledged)


def open_reply(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """**Reply**: the reply modal, for the reader the check-in was sent to."""
    ack()

    def reply_view(actor: Actor, checkin_id: int) -> dict[str, Any]:
        checkin = checkin_for_manager(actor.session, actor.employee, checkin_id)
        label = period_label(actor.tr, parse_period(checkin.period))
        return reply_modal(actor.tr, checkin.id, checkin.employee.slack_id, label)

    outcome = answer_click(body, context, respond, client, reply_view)
    if outcome.value is not None:
        open_view(services_of(context).client, body["trigger_id"], outcome.value)


def reply_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    view = body.get("view") or {}
    checkin_id = db_id(view.get("private_metadata"))
    typed = element_state(view, "reply").get("value")
    text = typed if isinstance(typed, str) else ""

    def send(actor: Actor) -> None:
        settings = actor.services.settings
        reply_to_checkin(
            actor.session, actor.employee, known(checkin_id), text, settings=settings, now=actor.now
        )

    save_submission(
        ack,
        body,
        context,
        send,
        action=Action.ANSWER_CHECKIN,
        explain=refusal,
        refusal_field="reply",
    )


def obstacle_help(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """**I'll help**: the reader takes the obstacle on."""
    move_obstacle(ObstacleStatus.HELPING, ack, body, context, respond, client)


def obstacle_resolve(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """**Resolved**: by the reader, or by the employee for their own obstacle."""
    move_obstacle(ObstacleStatus.RESOLVED, ack, body, context, respond, client)


def move_obstacle(
    status: ObstacleStatus,
    ack: Ack,
    body: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
) -> None:
    """A click on the App Home republishes the clicker's Home (the obstacle moved there)."""
    ack()

    def moved(actor: Actor, obstacle_id: int) -> None:
        settings = actor.services.settings
        set_obstacle_status(
            actor.session, actor.employee, obstacle_id, status, settings=settings, now=actor.now
        )

    answer_click(body, context, respond, client, moved)
    if (body.get("container") or {}).get("type") == "view":
        publish_homes(services_of(context), client, team_of(body, context), {body["user"]["id"]})


def register(app: App, services: Services) -> None:
    app.action(START_CHECKIN)(start_checkin)
    app.view(CHECKIN_CALLBACK)(checkin_submitted)
    app.action(ACKNOWLEDGE)(acknowledge)
    app.action(REPLY)(open_reply)
    app.view(REPLY_CALLBACK)(reply_submitted)
    app.action(OBSTACLE_HELP)(obstacle_help)
    app.action(OBSTACLE_RESOLVE)(obstacle_resolve)
