"""Recognition in Slack: `/kinerja kudos`, the **Give kudos** message shortcut, the kudos modal
(from the App Home, the usage answer or a command without text) and the admins' settings modal.

Thin by design: each listener parses the payload, calls bot.reward for the acting person
(`toolkit.act`) and renders the answer. Modals are opened right after `ack()` (a trigger id
lives 3 seconds); a submission is checked and saved before its ack, so a refusal lands as an
inline error and a success replaces the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.modals import notice_modal
from bot.blocks.payload import element_state, metadata
from bot.blocks.reward import GIVE_ACTION, ephemeral, sent_text, usage_message
from bot.blocks.reward_modals import (
    CAP_ACTION,
    CAP_BLOCK,
    CHANNEL_ACTION,
    CHANNEL_BLOCK,
    GIVE_CALLBACK,
    GIVE_FIELDS,
    GIVE_TITLE,
    MESSAGE_ACTION,
    MESSAGE_BLOCK,
    MONTHLY_ACTION,
    MONTHLY_BLOCK,
    RECIPIENTS_ACTION,
    RECIPIENTS_BLOCK,
    SETTINGS_CALLBACK,
    SETTINGS_FIELDS,
    SETTINGS_TITLE,
    TYPES_ACTION,
    TYPES_BLOCK,
    VALUE_ACTION,
    VALUE_BLOCK,
    VALUES_ACTION,
    VALUES_BLOCK,
    give_modal,
    settings_modal,
)
from bot.blocks.text import escape
from bot.i18n import Translator
from bot.org.directory import employee_by_slack_id, ensure_employee, is_bot
from bot.permissions import Action, PermissionDenied
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
from handlers.reward.refusals import Refusals
from handlers.toolkit import (
    Actor,
    act,
    answer_errors,
    open_view,
    opened_view,
    services_of,
    team_of,
)
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
        open_view(services.client, req.command["trigger_id"], view)
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
    except (RewardRejected, PermissionDenied) as refused:
        session.rollback()
        answer = Refusals()(tr, refused) or tr("error.internal")
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
    open_view(req.services.client, req.command["trigger_id"], view)


# ----------------------------------------------------------------------------- listeners


def _text(view: dict[str, Any], block: str, action: str) -> str | None:
    """What was typed, or None when the input is not in the state (not shown)."""
    value = element_state(view, block, action).get("value")
    return value if isinstance(value, str) else None


def _source(view: dict[str, Any]) -> KudosSource:
    """Where the modal was opened from, as it recorded it; anything odd counts as the modal."""
    source = metadata(view).get("source")
    try:
        return KudosSource(source) if isinstance(source, str) else KudosSource.MODAL
    except ValueError:
        return KudosSource.MODAL


def open_give(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """**Give kudos** (App Home, the usage answer): the form, or why not."""
    ack()
    services = services_of(context)
    outcome = act(
        services,
        body,
        context,
        lambda actor: _give_view(
            actor.session, services, actor.employee, actor.tr, KudosSource.MODAL
        ),
        action=Action.GIVE_KUDOS,
    )
    view = outcome.value or notice_modal(outcome.tr, outcome.refusal or "", GIVE_TITLE)
    open_view(client, body["trigger_id"], view)


def give_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    services = services_of(context)
    source = _source(view)
    users = element_state(view, RECIPIENTS_BLOCK, RECIPIENTS_ACTION).get("selected_users")
    slack_ids = [u for u in users if isinstance(u, str)] if isinstance(users, list) else []
    option = element_state(view, VALUE_BLOCK, VALUE_ACTION).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    message = _text(view, MESSAGE_BLOCK, MESSAGE_ACTION) or ""

    def give(actor: Actor) -> str:
        chosen = value if isinstance(value, str) else None
        employee = actor.employee
        return _give(actor.session, services, employee, slack_ids, message, chosen, source)

    _submit(ack, body, context, GIVE_FIELDS, MESSAGE_BLOCK, give, GIVE_TITLE)


def settings_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    picked = element_state(view, CHANNEL_BLOCK, CHANNEL_ACTION).get("selected_channel")
    channel = picked if isinstance(picked, str) else None
    cap_text = _text(view, CAP_BLOCK, CAP_ACTION)
    monthly = bool(element_state(view, MONTHLY_BLOCK, MONTHLY_ACTION).get("selected_options"))
    values_text = _text(view, VALUES_BLOCK, VALUES_ACTION)
    types_text = _text(view, TYPES_BLOCK, TYPES_ACTION)  # None: not shown

    def save(actor: Actor) -> str:
        types = parse_types_text(types_text) if types_text is not None else None
        update_recognition_settings(
            actor.session,
            actor.employee,
            channel=channel or None,
            daily_cap=parse_daily_cap(cap_text),
            monthly_summary=monthly,
            values=parse_values_text(values_text or ""),
            now=actor.now,
        )
        if types is not None:
            save_reward_types(actor.session, actor.employee, types, now=actor.now)
        return actor.tr("reward.settings.saved")

    _submit(ack, body, context, SETTINGS_FIELDS, VALUES_BLOCK, save, SETTINGS_TITLE)


def _submit(
    ack: Ack,
    body: dict[str, Any],
    context: BoltContext,
    fields: dict[str, str],
    fallback_block: str,
    work: Callable[[Actor], str],
    title_key: str,
) -> None:
    """Run `work` for the giver in one transaction; ack with inline errors (on the field at
    fault, else `fallback_block`) or with the outcome, titled `title_key` (what was done:
    kudos given, settings saved)."""
    refusals = Refusals(mrkdwn=False)
    outcome = act(
        services_of(context), body, context, work, explain=refusals, action=Action.GIVE_KUDOS
    )
    if outcome.refusal is not None:
        errors = {fields.get(refusals.field or "", fallback_block): outcome.refusal}
        answer_errors(
            ack, body.get("view"), errors, lambda text: notice_modal(outcome.tr, text, GIVE_TITLE)
        )
        return
    ack(response_action="update", view=notice_modal(outcome.tr, str(outcome.value), title_key))


def give_kudos_shortcut(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """**Give kudos** on a message: the form pre-filled with its author, or why not.

    What the payload tells (a bot's message, one's own, someone who left) is refused before
    the form opens. An author Kinerja has not met yet is looked up in Slack only after the
    form is open (the trigger id would not wait), and the form is replaced if it is a bot.
    """
    ack()
    services = services_of(context)
    team_id = team_of(body, context)
    message = body.get("message") or {}
    author = str(message.get("user") or "")

    def form(actor: Actor) -> tuple[dict[str, Any], bool]:
        """The form and whether its author is still to be looked up, or a notice."""
        session, tr = actor.session, actor.tr
        workspace = session.get(Workspace, team_id)
        bots = {"USLACKBOT", workspace.bot_user_id if workspace else None}
        known = employee_by_slack_id(session, team_id, author) if author else None
        if message.get("bot_id") or not author or author in bots:
            return notice_modal(tr, tr("reward.error.bot_author"), GIVE_TITLE), False
        if author == actor.employee.slack_id:
            return notice_modal(tr, tr("reward.error.self"), GIVE_TITLE), False
        if known is not None and not known.active:
            text = tr("reward.error.inactive", name=escape(known.name))
            return notice_modal(tr, text, GIVE_TITLE), False
        about = str(message.get("text") or "")
        view = _give_view(
            session,
            services,
            actor.employee,
            tr,
            KudosSource.SHORTCUT,
            recipients=[author],
            about=about,
        )
        return view, known is None

    outcome = act(services, body, context, form, action=Action.GIVE_KUDOS)
    tr = outcome.tr
    view, look_up = outcome.value or (notice_modal(tr, outcome.refusal or "", GIVE_TITLE), False)
    view_id = (opened_view(client, body["trigger_id"], view) or {}).get("id")
    if look_up and view_id:
        _replace_unless_a_person(services, client, team_id, author, str(view_id), tr)


def _replace_unless_a_person(
    services: Services, client: WebClient, team_id: str, author: str, view_id: str, tr: Translator
) -> None:
    """The open form, replaced by why not when Slack says its author is a bot or nobody."""
    with services.db.session() as session:
        if ensure_employee(session, services.directory, team_id, author, services.clock.now()):
            return
        member = services.directory.member(author)
        key = "reward.error.bot_author" if member and is_bot(member) else "reward.error.unknown"
    try:
        client.views_update(view_id=view_id, view=notice_modal(tr, tr(key), GIVE_TITLE))
    except SlackApiError as error:  # the person may have submitted already: the core refuses
        log.info("could not replace the kudos form: %s", error.response.get("error"))


def register(app: App, services: Services) -> None:
    app.shortcut(SHORTCUT_CALLBACK)(give_kudos_shortcut)
    app.action(GIVE_ACTION)(open_give)
    app.view(GIVE_CALLBACK)(give_submitted)
    app.view(SETTINGS_CALLBACK)(settings_submitted)
