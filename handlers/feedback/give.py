"""Giving feedback in Slack: `/kinerja feedback [@person]` (`umpan-balik`), the **Give
feedback** message shortcut and App Home button, the form (its person picker refreshes the
goals offered), and an asked person's **Give feedback** / **Decline** on a request.

Modals open right after `ack()` (a trigger id lives 3 seconds); a submission is checked and
saved before its ack, so a refusal lands as an inline error and a success replaces the form.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.feedback import ANSWER, DECLINE, GIVE, ask_headline, ask_readers, mention, quote
from bot.blocks.feedback_modals import (
    GIVE_MODAL,
    PERSON_PICKED,
    chosen,
    give_modal,
    picked_person,
    text_of,
    typed_texts,
)
from bot.blocks.modals import notice_modal
from bot.blocks.payload import action_value, db_id, metadata
from bot.blocks.text import escape
from bot.feedback.errors import FeedbackRejected
from bot.feedback.give import FeedbackInput, give_feedback, goal_options
from bot.feedback.notify import peer_context
from bot.feedback.requests import answer_ask, check_ask, decline_ask
from bot.feedback.rules import manager_of
from bot.i18n import Translator
from bot.org.directory import employee_by_slack_id
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.feedback.common import ephemeral, explain, explain_plain, mentions, people
from handlers.toolkit import (
    Actor,
    act,
    answer_errors,
    modal_of,
    open_or_tell,
    open_view,
    publish_homes,
    services_of,
    team_of,
    tell,
)
from storage.feedback import FeedbackSource, RequestKind
from storage.models import Employee, Workspace

log = logging.getLogger(__name__)

SHORTCUT_CALLBACK = "give_feedback"
TITLE = "feedback.modal.title"
SOURCES = {source.value for source in FeedbackSource} - {FeedbackSource.REQUEST.value}


def form_for(
    session: Session,
    giver: Employee,
    tr: Translator,
    person: Employee | None,
    *,
    source: str,
    intro: str | None = None,
    typed: dict[str, str] | None = None,
    slack_id: str | None = None,
) -> dict[str, Any]:
    """The form for feedback to `person` (or to whoever `slack_id` names, not known yet)."""
    goals = goal_options(session, giver, person) if person is not None else []
    view = give_modal(
        tr,
        person=person,
        goals=goals,
        manager=manager_of(person) if person is not None else None,
        giver=giver,
        intro=intro,
        metadata={"s": source},
        typed=typed,
    )
    if person is None and slack_id:
        for block in view["blocks"]:
            if block.get("block_id") == "person":
                block["element"]["initial_user"] = slack_id
    return view


def _refusal_of(
    tr: Translator, giver: Employee, person: Employee | None, own_bot: str | None, slack_id: str
) -> str | None:
    """What is known before the form opens: a bot, oneself, someone who left."""
    if slack_id in ("USLACKBOT", own_bot):
        return tr("feedback.error.bot")
    if slack_id == giver.slack_id:
        return tr("feedback.error.self")
    if person is not None and not person.active:
        return tr("feedback.error.inactive", name=escape(person.name))
    return None


# ----------------------------------------------------------------------------- the command


def give_command(req: CommandRequest, text: str) -> None:
    """`/kinerja feedback` opens the form; `/kinerja feedback @person` opens it for them."""
    found = mentions(text)
    words = [w for w in text.split() if not w.startswith("<@")]
    if len(found) > 1 or words:
        req.ack(**ephemeral(req.tr("feedback.cmd.usage")))
        return
    slack_id = found[0] if found else None
    person = employee_by_slack_id(req.session, req.employee.team_id, slack_id) if slack_id else None
    if slack_id:
        workspace = req.session.get(Workspace, req.employee.team_id)
        own_bot = workspace.bot_user_id if workspace is not None else None
        refusal = _refusal_of(req.tr, req.employee, person, own_bot, slack_id)
        if refusal is not None:
            req.ack(**ephemeral(refusal))
            return
    view = form_for(
        req.session,
        req.employee,
        req.tr,
        person,
        source=FeedbackSource.COMMAND.value,
        slack_id=slack_id,
    )
    req.ack()
    open_view(req.services.client, str(req.command.get("trigger_id")), view)


# ----------------------------------------------------------------------------- listeners


def open_from_home(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    outcome = act(
        services,
        body,
        context,
        lambda actor: form_for(
            actor.session, actor.employee, actor.tr, None, source=FeedbackSource.HOME.value
        ),
        action=Action.GIVE_FEEDBACK,
    )
    if outcome.refusal or outcome.value is None:
        tell(client, body, respond, outcome.tr, outcome.refusal or "–", title_key=TITLE)
        return
    open_view(client, str(body.get("trigger_id") or ""), outcome.value)


def on_shortcut(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """**Give feedback** on a message: the form for its author, quoting it, or why not."""
    ack()
    services = services_of(context)
    message = body.get("message") or {}
    author = str(message.get("user") or "")
    about = str(message.get("text") or "")

    def work(actor: Actor) -> dict[str, Any]:
        workspace = actor.session.get(Workspace, actor.employee.team_id)
        own_bot = workspace.bot_user_id if workspace is not None else None
        person = (
            employee_by_slack_id(actor.session, actor.employee.team_id, author) if author else None
        )
        if message.get("bot_id") or not author:
            return notice_modal(actor.tr, actor.tr("feedback.error.bot_author"), TITLE)
        refusal = _refusal_of(actor.tr, actor.employee, person, own_bot, author)
        if refusal is not None:
            return notice_modal(actor.tr, refusal, TITLE)
        intro = (
            actor.tr("feedback.modal.about_message") + "\n" + quote(about, 300) if about else None
        )
        return form_for(
            actor.session,
            actor.employee,
            actor.tr,
            person,
            source=FeedbackSource.SHORTCUT.value,
            intro=intro,
            slack_id=author,
        )

    outcome = act(services, body, context, work, action=Action.GIVE_FEEDBACK)
    view = outcome.value or notice_modal(outcome.tr, outcome.refusal or "–", TITLE)
    open_view(client, str(body.get("trigger_id") or ""), view)


def person_picked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The picker changed: the same form for the new person (their goals, their manager),
    keeping what was typed."""
    ack()
    view = modal_of(body)
    if view is None or view.get("callback_id") != GIVE_MODAL:
        return
    services = services_of(context)
    slack_id = picked_person(view)
    source = str(metadata(view).get("s") or "")
    source = source if source in SOURCES else FeedbackSource.HOME.value

    def work(actor: Actor) -> dict[str, Any]:
        person = None
        if slack_id:
            try:
                found = people(
                    actor.session, services, actor.employee.team_id, [slack_id], "person"
                )
                person = (
                    found[0]
                    if found and found[0].active and found[0].id != actor.employee.id
                    else None
                )
            except FeedbackRejected:
                person = None
        return form_for(
            actor.session,
            actor.employee,
            actor.tr,
            person,
            source=source,
            typed=typed_texts(view),
            slack_id=slack_id or None,
        )

    outcome = act(services, body, context, work, action=Action.GIVE_FEEDBACK)
    if outcome.value is None:
        return
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=outcome.value)
    except SlackApiError as error:  # hash_conflict: a newer version is shown already
        log.info("views.update of the feedback form refused: %s", error.response.get("error"))


def give_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    meta = metadata(view)
    ask_id = db_id(meta.get("a"))
    goal = chosen(view, "goal")
    data = FeedbackInput(
        went_well=text_of(view, "went_well"),
        could_be_better=text_of(view, "could_be_better"),
        goal_id=db_id(goal) if goal else None,
        visibility=chosen(view, "visibility") or "person",
    )
    source = str(meta.get("s") or "")
    slack_id = picked_person(view)
    fields: list[str] = []
    touched: set[str] = set()

    def work(actor: Actor) -> str:
        try:
            if meta.get("a") is not None:
                if ask_id is None:
                    raise FeedbackRejected("went_well", "feedback.error.not_found")
                feedback = answer_ask(
                    actor.session,
                    actor.employee,
                    ask_id,
                    data,
                    now=actor.now,
                    tr_for=services.translator_for,
                    org_tz=services.settings.default_tz,
                )
                request = feedback.request
                asker = request.requester if request is not None else feedback.subject
                touched.update({actor.employee.slack_id, asker.slack_id})
                return actor.tr("feedback.answer_sent", requester=mention(asker.slack_id))
            if not slack_id:
                raise FeedbackRejected("person", "feedback.error.no_person")
            person = people(actor.session, services, actor.employee.team_id, [slack_id], "person")[
                0
            ]
            feedback = give_feedback(
                actor.session,
                actor.employee,
                person,
                data,
                now=actor.now,
                source=source if source in SOURCES else FeedbackSource.HOME.value,
                tr_for=services.translator_for,
                org_tz=services.settings.default_tz,
            )
            touched.update({actor.employee.slack_id, person.slack_id})
            return actor.tr("feedback.sent", person=mention(person.slack_id))
        except FeedbackRejected as rejected:
            fields.append(rejected.field)
            raise

    outcome = act(services, body, context, work, explain=explain_plain)
    if outcome.refusal is not None:
        errors = {fields[0] if fields else "went_well": outcome.refusal}
        answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text, TITLE))
        return
    ack(response_action="update", view=notice_modal(outcome.tr, str(outcome.value), TITLE))
    publish_homes(services, services.client, team_of(body, context), touched)


def answer_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """An asked person's **Give feedback**: the form, with who asks and who will read it."""
    ack()
    services = services_of(context)
    ask_id = db_id(action_value(action))

    def work(actor: Actor) -> dict[str, Any]:
        if ask_id is None:
            raise FeedbackRejected("ask", "feedback.error.not_found")
        ask = check_ask(actor.session, actor.employee, ask_id, now=actor.now)
        request = ask.request
        peer = peer_context(actor.session, request)
        subject = request.subject
        readers = None if request.kind == RequestKind.SELF else ask_readers(actor.tr, request, peer)
        intro = ask_headline(actor.tr, request, peer)
        if request.question:
            intro += "\n" + quote(request.question, 500)
        return give_modal(
            actor.tr,
            person=subject,
            goals=goal_options(actor.session, actor.employee, subject),
            manager=manager_of(subject),
            giver=actor.employee,
            fixed=True,
            intro=intro,
            readers=readers,
            metadata={"a": ask.id},
        )

    outcome = act(services, body, context, work, explain=explain)
    open_or_tell(client, body, respond, outcome, title_key=TITLE)


def decline_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    services = services_of(context)
    ask_id = db_id(action_value(action))
    touched: set[str] = set()

    def work(actor: Actor) -> str:
        if ask_id is None:
            raise FeedbackRejected("ask", "feedback.error.not_found")
        ask = decline_ask(
            actor.session,
            actor.employee,
            ask_id,
            now=actor.now,
            tr_for=services.translator_for,
            org_tz=services.settings.default_tz,
        )
        requester = ask.request.requester
        touched.update({actor.employee.slack_id, requester.slack_id})
        return actor.tr("feedback.declined", requester=mention(requester.slack_id))

    outcome = act(services, body, context, work, explain=explain)
    tell(client, body, respond, outcome.tr, outcome.refusal or str(outcome.value), title_key=TITLE)
    publish_homes(services, client, team_of(body, context), touched)


def register(app: App, services: Services) -> None:
    app.shortcut(SHORTCUT_CALLBACK)(on_shortcut)
    app.action(GIVE)(open_from_home)
    app.action(PERSON_PICKED)(person_picked)
    app.view(GIVE_MODAL)(give_submitted)
    app.action(ANSWER)(answer_clicked)
    app.action(DECLINE)(decline_clicked)
