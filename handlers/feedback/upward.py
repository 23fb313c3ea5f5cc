"""Anonymous upward rounds in Slack: HR's `/kinerja feedback upward open | close N` (and the
App Home's **New upward round**), a report's **Answer anonymously**, and a manager's results
(`/kinerja feedback results`, **See results** on the App Home).

The answer's listener writes no log line and goes around `toolkit.act`, which logs refusals
with the clicker's id: even "already answered" would name someone who answered.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.feedback_modals import text_of
from bot.blocks.feedback_upward import (
    ANSWER,
    ANSWER_MODAL,
    NEW_ROUND,
    RESULTS,
    ROUND_MODAL,
    answer_modal,
    read_date,
    read_min_answers,
    read_scores,
    results_list,
    results_modal,
    round_modal,
    round_opened_text,
)
from bot.blocks.modals import notice_modal
from bot.blocks.payload import action_value, db_id, meta_id
from bot.blocks.text import escape
from bot.feedback.errors import FeedbackConflict, FeedbackNotFound, FeedbackRejected
from bot.feedback.timing import local_day
from bot.feedback.upward import (
    answer_round,
    check_invitation,
    close_round,
    latest_round_about,
    open_round,
    response_counts,
    results_for,
)
from bot.feedback.upward_form import RoundInput, default_questions, round_errors
from bot.i18n import Translator
from bot.permissions import Action, PermissionDenied, can
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.feedback.common import REFUSALS, ephemeral, explain, explain_plain
from handlers.toolkit import (
    Actor,
    act,
    acting_employee,
    answer_errors,
    open_or_tell,
    open_view,
    publish_homes,
    services_of,
    team_of,
    tell,
)
from storage.models import Employee
from storage.upward import RoundStatus, UpwardRound

TITLE = "feedback.upward.modal.title"
ANSWER_TITLE = "feedback.upward.answer.title"
OPEN_WORDS = ("open", "buka")
CLOSE_WORDS = ("close", "tutup")


def _round_form(floor: int, tr: Translator) -> dict[str, Any]:
    return round_modal(tr, floor=floor, questions=default_questions())


def upward_command(req: CommandRequest, args: list[str]) -> None:
    """HR: `open` (the form), `close N`, or nothing (the rounds with how many answered)."""
    tr = req.tr
    if not can(req.employee, Action.RUN_UPWARD_ROUNDS):
        req.ack(**ephemeral(tr("feedback.upward.error.hr_only")))
        return
    verb = args[0].lower() if args else ""
    if verb in OPEN_WORDS:
        view = _round_form(req.services.settings.upward_min_answers, tr)
        req.ack()
        open_view(req.services.client, str(req.command.get("trigger_id")), view)
        return
    if verb in CLOSE_WORDS:
        number = db_id(args[1]) if len(args) > 1 else None
        if number is None:
            req.ack(**ephemeral(tr("feedback.cmd.upward_usage")))
            return
        try:
            round_ = close_round(
                req.session,
                req.employee,
                number,
                now=req.services.clock.now(),
                tr_for=req.services.translator_for,
                org_tz=req.services.settings.default_tz,
            )
            req.session.commit()  # closed before HR is told so
            text = tr("feedback.upward.closed", round=escape(round_.name))
        except REFUSALS as error:
            req.session.rollback()
            text = explain(tr, error) or tr("error.internal")
        req.ack(**ephemeral(text))
        return
    if verb:
        req.ack(**ephemeral(tr("feedback.cmd.upward_usage")))
        return
    rounds = req.session.scalars(
        select(UpwardRound)
        .where(UpwardRound.team_id == req.employee.team_id)
        .order_by(UpwardRound.id.desc())
        .limit(10)
    )
    lines = []
    for round_ in rounds:
        invited, answered = response_counts(req.session, round_.id)
        state = "open" if round_.status == RoundStatus.OPEN else "closed"
        lines.append(
            tr(
                f"feedback.upward.list.{state}",
                number=round_.id,
                round=escape(round_.name),
                answered=answered,
                invited=invited,
            )
        )
    listing = "\n".join(lines) if lines else tr("feedback.upward.list.none")
    usage = tr("feedback.cmd.upward_usage")
    req.ack(**ephemeral(f"*{tr('feedback.upward.list.title')}*\n{listing}\n{usage}"))


def results_command(req: CommandRequest) -> None:
    """A manager's latest round: its results, or why there are none."""
    round_ = latest_round_about(req.session, req.employee)
    found = results_for(req.session, req.employee, round_.id) if round_ is not None else None
    req.ack(**results_list(req.tr, found))


def new_round_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    outcome = act(
        services,
        body,
        context,
        lambda actor: _round_form(services.settings.upward_min_answers, actor.tr),
        action=Action.RUN_UPWARD_ROUNDS,
    )
    open_or_tell(client, body, respond, outcome, title_key=TITLE)


def round_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    data = RoundInput(
        name=text_of(view, "name"),
        questions=text_of(view, "questions"),
        closes_on=read_date(view, "closes_on"),
        min_answers=read_min_answers(view),
    )
    floor = services.settings.upward_min_answers

    def work(actor: Actor) -> tuple[dict[str, str], str]:
        """(errors by field, or the confirmation): nothing is written before both pass."""
        today = local_day(actor.now, None, services.settings.default_tz)
        _, errors = round_errors(data, today=today, floor=floor)
        if errors:
            lowest = max(3, floor)
            return {name: actor.tr(key, min=lowest) for name, key in errors.items()}, ""
        try:
            result = open_round(
                actor.session,
                actor.employee,
                data,
                now=actor.now,
                tz=services.settings.default_tz,
                floor=floor,
                tr_for=services.translator_for,
            )
        except FeedbackRejected as rejected:  # raised before anything is written
            return {rejected.field: explain_plain(actor.tr, rejected) or "–"}, ""
        text = round_opened_text(
            actor.tr, result.round, result.invited, result.managers, result.left_out
        )
        return {}, text

    outcome = act(services, body, context, work, action=Action.RUN_UPWARD_ROUNDS)

    def notice(text: str) -> dict[str, Any]:
        return notice_modal(outcome.tr, text, TITLE)

    if outcome.refusal is not None or outcome.value is None:
        answer_errors(ack, view, {"name": outcome.refusal or "–"}, notice)
        return
    errors, text = outcome.value
    if errors:
        answer_errors(ack, view, errors, notice)
        return
    ack(response_action="update", view=notice(text))


def _acting(
    services: Services, session: Session, body: dict[str, Any], context: BoltContext
) -> Employee | None:
    team_id, user_id = team_of(body, context), str((body.get("user") or {}).get("id") or "")
    return acting_employee(session, services, team_id, user_id)


def answer_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """The form, unless the round closed or the person answered already."""
    ack()
    services = services_of(context)
    invitation_id = db_id(action_value(action))
    tr = services.translator_for(None)
    view: dict[str, Any] | None = None
    text = ""
    with services.db.session() as session:
        actor = _acting(services, session, body, context)
        if actor is None or not actor.active:
            text = tr("error.unknown_user" if actor is None else "error.inactive")
        else:
            tr = services.translator_for(actor)
            try:
                if invitation_id is None:
                    raise FeedbackNotFound(0)
                now = services.clock.now()
                view = answer_modal(tr, check_invitation(session, actor, invitation_id, now=now))
            except (FeedbackConflict, FeedbackNotFound, PermissionDenied) as error:
                text = explain(tr, error) or "–"
    if view is not None:
        open_view(client, str(body.get("trigger_id") or ""), view)
    else:
        tell(client, body, respond, tr, text, title_key=ANSWER_TITLE)


def answer_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Store the answer, or say why not; nothing about who answered is written or logged."""
    services = services_of(context)
    view = body.get("view") or {}
    invitation_id = meta_id(view, "n")
    tr = services.translator_for(None)
    errors: dict[str, str] = {}
    with services.db.session() as session:
        actor = _acting(services, session, body, context)
        if actor is None or not actor.active:
            errors["q0"] = tr("error.unknown_user" if actor is None else "error.inactive")
        else:
            tr = services.translator_for(actor)
            try:
                if invitation_id is None:
                    raise FeedbackNotFound(0)
                now = services.clock.now()
                invitation = check_invitation(session, actor, invitation_id, now=now)
                scores = read_scores(view, len(invitation.round.questions))
                comment = text_of(view, "comment")
                answer_round(session, actor, invitation_id, scores, comment, now=now)
            except FeedbackRejected as rejected:
                session.rollback()
                errors[rejected.field] = explain_plain(tr, rejected) or "–"
            except (FeedbackConflict, FeedbackNotFound, PermissionDenied) as error:
                session.rollback()
                errors["q0"] = explain_plain(tr, error) or "–"

    def notice(text: str) -> dict[str, Any]:
        return notice_modal(tr, text, ANSWER_TITLE)

    if errors:
        answer_errors(ack, view, errors, notice)
        return
    ack(response_action="update", view=notice(tr("feedback.upward.answer.thanks")))
    user_id = str((body.get("user") or {}).get("id") or "")
    publish_homes(services, services.client, team_of(body, context), {user_id})


def results_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    services = services_of(context)
    round_id = db_id(action_value(action))

    def work(actor: Actor) -> dict[str, Any]:
        if round_id is None:
            raise FeedbackNotFound(0)
        return results_modal(actor.tr, results_for(actor.session, actor.employee, round_id))

    outcome = act(services, body, context, work, explain=explain)
    open_or_tell(client, body, respond, outcome, title_key=TITLE)


def register(app: App, services: Services) -> None:
    app.action(NEW_ROUND)(new_round_clicked)
    app.view(ROUND_MODAL)(round_submitted)
    app.action(ANSWER)(answer_clicked)
    app.view(ANSWER_MODAL)(answer_submitted)
    app.action(RESULTS)(results_clicked)
