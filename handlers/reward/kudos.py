"""Recognition in Slack: `/kinerja kudos`, the **Give kudos** message shortcut, the kudos modal
(from the App Home, the usage answer or a command without text) and the admins' settings modal.

Thin by design: each listener parses the payload, calls bot.reward and renders the answer.
Modals are opened right after `ack()` (a trigger id lives 3 seconds); a submission is checked
and saved before its ack, so a refusal lands as an inline error and a success replaces the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

import bot.blocks.reward_home  # noqa: F401  (registers the App Home section)
from bot.blocks.payload import element_state, metadata
from bot.blocks.reward import (
    GIVE_ACTION,
    ephemeral,
    rejection_text,
    sent_text,
    usage_message,
)
from bot.blocks.reward_modals import (
    CAP_ACTION,
    CAP_BLOCK,
    CHANNEL_ACTION,
    CHANNEL_BLOCK,
    GIVE_CALLBACK,
    GIVE_FIELDS,
    MESSAGE_ACTION,
    MESSAGE_BLOCK,
    MONTHLY_ACTION,
    MONTHLY_BLOCK,
    RECIPIENTS_ACTION,
    RECIPIENTS_BLOCK,
    SETTINGS_CALLBACK,
    SETTINGS_FIELDS,
    TYPES_ACTION,
    TYPES_BLOCK,
    VALUE_ACTION,
    VALUE_BLOCK,
    VALUES_ACTION,
    VALUES_BLOCK,
    give_modal,
    message_modal,
    settings_modal,
)
from bot.blocks.text import escape
from bot.i18n import Translator
from bot.org.directory import employee_by_slack_id, ensure_employee, is_bot
from bot.permissions import Action, PermissionDenied, can
from bot.reward.errors import RewardRejected
from bot.reward.kudos import give_kudos, kudos_left_today, resolve_recipients
from bot.reward.parse import SETTINGS_WORDS, parse_kudos_command, strip_subcommand
from bot.reward.reward_types import (
    parse_types_text,
    reward_types,
    save_reward_types,
    types_to_text,
)
from bot.reward.settings import (
    parse_daily_cap,
    recognition_settings,
    settings_form,
    update_recognition_settings,
)
from bot.reward.values import active_values, all_values, parse_values_text
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.toolkit import acting_employee, answer_errors
from storage.kudos import KudosSource
from storage.models import Employee, Workspace

log = logging.getLogger(__name__)

SHORTCUT_CALLBACK = "give_kudos"


def _recipients(
    session: Session, services: Services, team_id: str, slack_ids: list[str]
) -> list[Employee]:
    """Slack ids to employees through the directory; bots are told apart for a clear refusal."""
    now = services.clock.now()
    workspace = session.get(Workspace, team_id)
    own_bot = workspace.bot_user_id if workspace is not None else None

    def find(slack_id: str) -> Employee | None:
        if slack_id == own_bot:
            return None
        return ensure_employee(session, services.directory, team_id, slack_id, now)

    def bot(slack_id: str) -> bool:
        if slack_id == own_bot:
            return True
        member = services.directory.member(slack_id)
        return member is not None and is_bot(member)

    return resolve_recipients(slack_ids, find=find, is_bot=bot)


def _give(
    session: Session,
    services: Services,
    giver: Employee,
    slack_ids: list[str],
    message: str,
    value_key: str | None,
    source: KudosSource,
) -> str:
    """Save one kudos (raises KudosRejected) and say, in mrkdwn, where it is going."""
    settings = services.settings
    recipients = _recipients(session, services, giver.team_id, slack_ids)
    kudos = give_kudos(
        session,
        giver,
        recipients,
        message,
        value_key,
        source,
        services.clock.now(),
        org_tz=settings.default_tz,
        org_locale=settings.default_locale,
    )
    channel = recognition_settings(session, giver.team_id).channel
    return sent_text(services.translator_for(giver), kudos, channel)


def _give_view(
    session: Session,
    services: Services,
    giver: Employee,
    tr: Translator,
    source: KudosSource,
    **prefill: Any,
) -> dict[str, Any]:
    return give_modal(
        tr,
        active_values(session, giver.team_id),
        source=source.value,
        channel=recognition_settings(session, giver.team_id).channel,
        left_today=kudos_left_today(
            session, giver, services.clock.now(), services.settings.default_tz
        ),
        **prefill,
    )


def _open(services: Services, trigger_id: str, view: dict[str, Any]) -> str | None:
    """Open a modal; its view id, or None when Slack refused (logged, nothing to undo)."""
    try:
        response = services.client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("could not open a reward modal: %s", error.response.get("error"))
        return None
    opened = response.get("view") or {}
    return str(opened["id"]) if opened.get("id") else None


# ----------------------------------------------------------------------------- the command


def kudos_command(req: CommandRequest) -> None:
    text = strip_subcommand(req.command.get("text") or "")
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if first in SETTINGS_WORDS:
        kudos_settings_command(req)
        return
    parsed = parse_kudos_command(text)
    services, session, giver, tr = req.services, req.session, req.employee, req.tr
    if not parsed.recipients:
        left = kudos_left_today(session, giver, services.clock.now(), services.settings.default_tz)
        values = active_values(session, giver.team_id)
        req.ack(**usage_message(tr, values, left, unknown=bool(text)))
        return
    if not parsed.message:
        req.ack()
        view = _give_view(
            session,
            services,
            giver,
            tr,
            KudosSource.COMMAND,
            recipients=parsed.recipients,
            value_key=parsed.value,
        )
        _open(services, req.command["trigger_id"], view)
        return
    req.ack()  # directory look-ups may ask Slack: answer through response_url afterwards
    try:
        answer = _give(
            session,
            services,
            giver,
            parsed.recipients,
            parsed.message,
            parsed.value,
            KudosSource.COMMAND,
        )
        session.commit()  # saved before the giver is told so
    except RewardRejected as rejected:
        session.rollback()
        answer = rejection_text(tr, rejected.key, rejected.values, mrkdwn=True)
    except PermissionDenied:
        session.rollback()
        answer = tr("error.permission")
    except SlackApiError as error:  # the directory could not ask Slack about a recipient
        session.rollback()
        log.warning("kudos not given, Slack failed: %s", error.response.get("error"))
        answer = tr("error.internal")
    req.respond(**ephemeral(answer))


def kudos_settings_command(req: CommandRequest) -> None:
    try:
        form = settings_form(req.session, req.employee)
    except PermissionDenied:
        req.ack(**ephemeral(req.tr("error.permission")))
        return
    req.ack()
    values = all_values(req.session, req.employee.team_id)
    types = types_to_text(reward_types(req.session, req.employee.team_id))
    view = settings_modal(req.tr, form.settings, form.values_text, values, types)
    _open(req.services, req.command["trigger_id"], view)


# ----------------------------------------------------------------------------- listeners


def _team(body: dict[str, Any], context: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(context.get("team_id") or team.get("id") or body["user"].get("team_id"))


def _state(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    return element_state(view, block, action)


def _text(view: dict[str, Any], block: str, action: str) -> str | None:
    """What was typed, or None when the input is not in the state (not shown)."""
    value = _state(view, block, action).get("value")
    return value if isinstance(value, str) else None


def _who(
    session: Session, services: Services, team_id: str, user_id: str
) -> tuple[Employee | None, Translator, str | None]:
    """The acting person, their language, and why they cannot act (an i18n key) if so."""
    employee = acting_employee(session, services, team_id, user_id)
    tr = services.translator_for(employee)
    if employee is None:
        return None, tr, "error.unknown_user"
    if not employee.active:
        return employee, tr, "error.inactive"
    if not can(employee, Action.GIVE_KUDOS):
        return employee, tr, "error.permission"
    return employee, tr, None


def register(app: App, services: Services) -> None:
    db = services.db

    def shortcut(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        _on_shortcut(services, body, context)

    def open_give(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        with db.session() as session:
            giver, tr, refusal = _who(session, services, _team(body, context), body["user"]["id"])
            if refusal is None and giver is not None:
                view = _give_view(session, services, giver, tr, KudosSource.MODAL)
            else:
                view = message_modal(tr, tr(str(refusal)))
        _open(services, body["trigger_id"], view)

    def give_submitted(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        view = body.get("view") or {}
        source = _source(view)
        users = _state(view, RECIPIENTS_BLOCK, RECIPIENTS_ACTION).get("selected_users")
        slack_ids = [u for u in users if isinstance(u, str)] if isinstance(users, list) else []
        option = _state(view, VALUE_BLOCK, VALUE_ACTION).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        message = _text(view, MESSAGE_BLOCK, MESSAGE_ACTION) or ""
        _submit(
            ack,
            body,
            context,
            GIVE_FIELDS,
            MESSAGE_BLOCK,
            lambda session, giver: _give(
                session,
                services,
                giver,
                slack_ids,
                message,
                value if isinstance(value, str) else None,
                source,
            ),
            "reward.modal.title",
        )

    def settings_submitted(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        view = body.get("view") or {}
        picked = _state(view, CHANNEL_BLOCK, CHANNEL_ACTION).get("selected_channel")
        channel = picked if isinstance(picked, str) else None
        cap_text = _text(view, CAP_BLOCK, CAP_ACTION)
        monthly = bool(_state(view, MONTHLY_BLOCK, MONTHLY_ACTION).get("selected_options"))
        values_text = _text(view, VALUES_BLOCK, VALUES_ACTION)
        types_text = _text(view, TYPES_BLOCK, TYPES_ACTION)  # None: not shown

        def save(session: Session, actor: Employee) -> str:
            types = parse_types_text(types_text) if types_text is not None else None
            update_recognition_settings(
                session,
                actor,
                channel=channel or None,
                daily_cap=parse_daily_cap(cap_text),
                monthly_summary=monthly,
                values=parse_values_text(values_text or ""),
                now=services.clock.now(),
            )
            if types is not None:
                save_reward_types(session, actor, types, now=services.clock.now())
            return services.translator_for(actor)("reward.settings.saved")

        _submit(ack, body, context, SETTINGS_FIELDS, VALUES_BLOCK, save, "reward.settings.title")

    def _submit(
        ack: Ack,
        body: dict[str, Any],
        context: dict[str, Any],
        fields: dict[str, str],
        fallback_block: str,
        work: Callable[[Session, Employee], str],
        title_key: str,
    ) -> None:
        """Run `work` in its own transaction; ack with inline errors or the outcome view,
        titled `title_key` (what was done: kudos given, settings saved)."""
        tr = services.translator_for(None)
        done: str | None = None
        refusal: str | None = None
        try:
            with db.session() as session:
                user_id = body["user"]["id"]
                actor, tr, refusal = _who(session, services, _team(body, context), user_id)
                if refusal is None and actor is not None:
                    done = work(session, actor)
        except RewardRejected as rejected:
            text = rejection_text(tr, rejected.key, rejected.values, mrkdwn=False)
            errors = {fields.get(rejected.field, fallback_block): text}
            answer_errors(ack, body.get("view"), errors, lambda text: message_modal(tr, text))
            return
        except PermissionDenied:
            refusal = "error.permission"
        except SlackApiError as error:
            log.warning("reward form not saved, Slack failed: %s", error.response.get("error"))
            refusal = "error.internal"
        if done is None:
            errors = {fallback_block: tr(refusal or "error.internal")}
            answer_errors(ack, body.get("view"), errors, lambda text: message_modal(tr, text))
            return
        ack(response_action="update", view=message_modal(tr, done, title_key))

    app.shortcut(SHORTCUT_CALLBACK)(shortcut)
    app.action(GIVE_ACTION)(open_give)
    app.view(GIVE_CALLBACK)(give_submitted)
    app.view(SETTINGS_CALLBACK)(settings_submitted)


def _source(view: dict[str, Any]) -> KudosSource:
    """Where the modal was opened from, as it recorded it; anything odd counts as the modal."""
    source = metadata(view).get("source")
    try:
        return KudosSource(source) if isinstance(source, str) else KudosSource.MODAL
    except ValueError:
        return KudosSource.MODAL


def _on_shortcut(services: Services, body: dict[str, Any], context: dict[str, Any]) -> None:
    """**Give kudos** on a message: the form pre-filled with its author, or why not.

    What the payload tells (a bot's message, one's own, someone who left) is refused before
    the form opens. An author Kinerja has not met yet is looked up in Slack only after the
    form is open (the trigger id would not wait), and the form is replaced if it is a bot.
    """
    team_id, user_id = _team(body, context), body["user"]["id"]
    message = body.get("message") or {}
    author = str(message.get("user") or "")
    look_up = False
    with services.db.session() as session:
        giver, tr, refusal = _who(session, services, team_id, user_id)
        workspace = session.get(Workspace, team_id)
        bots = {"USLACKBOT", workspace.bot_user_id if workspace else None}
        known = employee_by_slack_id(session, team_id, author) if author else None
        if refusal is None and (message.get("bot_id") or not author or author in bots):
            refusal = "reward.error.bot_author"
        elif refusal is None and author == user_id:
            refusal = "reward.error.self"
        if refusal is None and known is not None and not known.active:
            view = message_modal(tr, tr("reward.error.inactive", name=escape(known.name)))
        elif refusal is None and giver is not None:
            look_up = known is None
            view = _give_view(
                session,
                services,
                giver,
                tr,
                KudosSource.SHORTCUT,
                recipients=[author],
                about=str(message.get("text") or ""),
            )
        else:
            view = message_modal(tr, tr(str(refusal)))
    view_id = _open(services, body["trigger_id"], view)
    if not look_up or view_id is None:
        return
    with services.db.session() as session:
        if ensure_employee(session, services.directory, team_id, author, services.clock.now()):
            return
        member = services.directory.member(author)
        key = "reward.error.bot_author" if member and is_bot(member) else "reward.error.unknown"
    try:
        services.client.views_update(view_id=view_id, view=message_modal(tr, tr(key)))
    except SlackApiError as error:  # the person may have submitted already: the core refuses
        log.info("could not replace the kudos form: %s", error.response.get("error"))
