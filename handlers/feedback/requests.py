"""Asking for feedback in Slack: `/kinerja feedback request @a @b … [about @report] [what
about]` (`minta`), or the form from the App Home or a command without anyone named."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.feedback import REQUEST, mention, when
from bot.blocks.feedback_modals import ME, REQUEST_MODAL, chosen, request_modal, text_of, users_of
from bot.blocks.modals import notice_modal
from bot.blocks.payload import db_id
from bot.feedback.errors import FeedbackRejected
from bot.feedback.requests import request_feedback
from bot.i18n import Translator
from bot.org.directory import reports_of
from bot.permissions import Action, can
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.feedback.common import MENTION, REFUSALS, ephemeral, explain, explain_plain, people
from handlers.toolkit import Actor, act, answer_errors, open_view, publish_homes, services_of, tell
from handlers.toolkit import team_of as team_of_request
from storage.feedback import FeedbackRequest
from storage.models import Employee

TITLE = "feedback.request_modal.title"
ABOUT_WORDS = ("about", "tentang")


def form(
    session: Session, services: Services, employee: Employee, tr: Translator, asked: list[str]
) -> dict[str, Any]:
    """The request form; a manager may choose a report to ask about."""
    may = can(employee, Action.REQUEST_FEEDBACK_ABOUT_REPORT)
    reports = reports_of(session, employee) if may else []
    days = services.settings.feedback_request_days
    return request_modal(tr, reports=reports, asked=asked, days=days)


def sent_text(tr: Translator, request: FeedbackRequest) -> str:
    asked = ", ".join(mention(ask.asked.slack_id) for ask in request.asks)
    if request.subject_id != request.requester_id:
        return tr(
            "feedback.requested_about",
            people=asked,
            subject=mention(request.subject.slack_id),
            date=when(request.expires_at),
        )
    return tr("feedback.requested", people=asked, date=when(request.expires_at))


def parse(text: str) -> tuple[list[str], str | None, str]:
    """(asked, the report it is about, what about) from the words after `request`."""
    words = text.split()
    asked: list[str] = []
    about: str | None = None
    question: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        found = MENTION.fullmatch(word)
        if word.lower() in ABOUT_WORDS and index + 1 < len(words):
            following = MENTION.fullmatch(words[index + 1])
            if following is not None:
                about = following.group(1)
                index += 2
                continue
        if found is not None:
            asked.append(found.group(1))
        else:
            question.append(word)
        index += 1
    return list(dict.fromkeys(asked)), about, " ".join(question)


def request_command(req: CommandRequest, text: str) -> None:
    asked, about, question = parse(text)
    services, tr = req.services, req.tr
    if not asked:
        if about is not None or question:
            req.ack(**ephemeral(tr("feedback.cmd.request_usage")))
            return
        view = form(req.session, services, req.employee, tr, [])
        req.ack()
        open_view(services.client, str(req.command.get("trigger_id")), view)
        return
    req.ack()  # the directory may ask Slack about someone: answer through response_url after
    session = req.session
    try:
        chosen_people = people(session, services, req.employee.team_id, asked, "asked")
        subject = None
        if about is not None:
            subject = people(session, services, req.employee.team_id, [about], "about")[0]
        request = request_feedback(
            session,
            req.employee,
            chosen_people,
            about=subject,
            question=question,
            now=services.clock.now(),
            days=services.settings.feedback_request_days,
            tr_for=services.translator_for,
            org_tz=services.settings.default_tz,
        )
        answer = sent_text(tr, request)
        touched = {req.employee.slack_id, *(ask.asked.slack_id for ask in request.asks)}
        session.commit()  # saved before the person is told so
    except REFUSALS as error:
        session.rollback()
        answer = explain(tr, error) or tr("error.internal")
        touched = set()
    except SlackApiError:
        session.rollback()
        answer = tr("error.internal")
        touched = set()
    req.respond(**ephemeral(answer))
    publish_homes(services, services.client, req.employee.team_id, touched)


def open_from_home(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    outcome = act(
        services,
        body,
        context,
        lambda actor: form(actor.session, services, actor.employee, actor.tr, []),
        action=Action.REQUEST_FEEDBACK,
    )
    if outcome.refusal or outcome.value is None:
        tell(client, body, respond, outcome.tr, outcome.refusal or "–", title_key=TITLE)
        return
    open_view(client, str(body.get("trigger_id") or ""), outcome.value)


def request_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    asked = users_of(view, "asked")
    about = chosen(view, "about")
    question = text_of(view, "question")
    fields: list[str] = []
    touched: set[str] = set()

    def work(actor: Actor) -> str:
        try:
            subject = None
            if about and about != ME:
                found = actor.session.get(Employee, db_id(about) or 0)
                if found is None or found.team_id != actor.employee.team_id:
                    raise FeedbackRejected("about", "feedback.error.not_your_report")
                subject = found
            chosen_people = people(actor.session, services, actor.employee.team_id, asked, "asked")
            request = request_feedback(
                actor.session,
                actor.employee,
                chosen_people,
                about=subject,
                question=question,
                now=actor.now,
                days=services.settings.feedback_request_days,
                tr_for=services.translator_for,
                org_tz=services.settings.default_tz,
            )
        except FeedbackRejected as rejected:
            fields.append(rejected.field)
            raise
        touched.update({actor.employee.slack_id, *(ask.asked.slack_id for ask in request.asks)})
        return sent_text(actor.tr, request)

    outcome = act(services, body, context, work, explain=explain_plain)
    if outcome.refusal is not None:
        errors = {fields[0] if fields else "asked": outcome.refusal}
        answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text, TITLE))
        return
    ack(response_action="update", view=notice_modal(outcome.tr, str(outcome.value), TITLE))
    publish_homes(services, services.client, team_of_request(body, context), touched)


def register(app: App, services: Services) -> None:
    app.action(REQUEST)(open_from_home)
    app.view(REQUEST_MODAL)(request_submitted)
