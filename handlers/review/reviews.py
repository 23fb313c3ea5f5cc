"""Reviews in Slack: `/kinerja review` (alias `reviu`) and its HR verbs, and the buttons of the
review messages and the App Home. The modals' submissions are in handlers/review/modals.py.

A button's value (review id, version) comes back through the person's client, so it is only a
pointer: the core re-checks who acts and whether the review is still in that state. A second
click, a stale message or a stranger gets an explanation, and nothing changes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

import bot.blocks.review_home  # noqa: F401  (registers the App Home section)
from bot.blocks.payload import action_value, db_id, pointer
from bot.blocks.review import (
    ACKNOWLEDGE,
    APPROVE,
    DISCUSS,
    NEXT_STEP,
    WRITE_MANAGER,
    WRITE_SELF,
)
from bot.blocks.review_cycle import cycle_modal
from bot.blocks.review_home import OPEN_CYCLE, review_list
from bot.blocks.review_inputs import notice_modal
from bot.blocks.review_modals import discuss_modal, manager_modal, self_modal
from bot.blocks.review_steps import step_modal
from bot.blocks.text import escape
from bot.i18n import Translator, translators
from bot.org.directory import employee_by_slack_id
from bot.permissions import Action, PermissionDenied, can
from bot.review import (
    ReviewAction,
    ReviewNotFound,
    acknowledge_review,
    approve_review,
    check,
    close_cycle,
    gather,
    open_review_of,
    reassign_manager,
    reopen_self_review,
    team_options,
)
from bot.review.turns import Step, turn_in, turn_of
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.review import modals as review_modals
from handlers.review.refusals import REFUSALS, refusal, refusal_for
from handlers.toolkit import (
    acting_employee,
    modal_of,
    open_view,
    publish_homes,
    show_view,
    tell_in_place,
)
from storage.models import Employee

log = logging.getLogger(__name__)
_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?(?P<raw>[UW][A-Z0-9]+)$")
Work = Callable[[Session, Employee, Translator], str | None]


# --------------------------------------------------------------------------- the command


HR_VERBS: dict[str, Action] = {
    "open": Action.OPEN_REVIEW_CYCLE,
    "buka": Action.OPEN_REVIEW_CYCLE,
    "close": Action.CLOSE_REVIEW_CYCLE,
    "tutup": Action.CLOSE_REVIEW_CYCLE,
    "reopen": Action.REOPEN_SELF_REVIEW,
    "buka-lagi": Action.REOPEN_SELF_REVIEW,
    "reassign": Action.REASSIGN_REVIEWER,
    "alihkan": Action.REASSIGN_REVIEWER,
}


def review_command(req: CommandRequest) -> None:
    """`review` lists; HR adds `open`, `close NUMBER`, `reopen @person` and
    `reassign @person @reviewer` (a review number works in place of @person).

    The role is checked before anything is looked up, and everyone without it gets the same
    answer: otherwise "has no review in an open cycle" against a refusal would tell an
    employee who is being reviewed."""
    verb = req.args[0].lower() if req.args else ""
    now = req.services.clock.now()
    if verb in ("", "list", "daftar"):
        req.ack(**review_list(req.session, req.tr, req.employee, now))
        return
    if verb in HR_VERBS and not can(req.employee, HR_VERBS[verb]):
        req.ack(response_type="ephemeral", text=req.tr("review.error.hr_only"))
        return
    if verb in ("open", "buka"):
        view = cycle_modal(req.tr, team_options(req.session, req.employee.team_id))
        req.ack()
        open_view(req.services.client, str(req.command.get("trigger_id")), view)
        return
    try:
        text = _hr_verb(req, verb)
    except REFUSALS as error:
        req.session.rollback()
        text = refusal(req.tr, error)
        if isinstance(error, PermissionDenied):  # HR, but on their own review
            text = req.tr("review.error.own_review")
    req.ack(response_type="ephemeral", text=text)


def review_cycle_command(req: CommandRequest) -> None:
    review_command(req)


def _person(req: CommandRequest, token: str) -> Employee | None:
    found = _MENTION.match(token)
    slack_id = (found.group("id") or found.group("raw")) if found else None
    return employee_by_slack_id(req.session, req.employee.team_id, slack_id) if slack_id else None


def _review_id(req: CommandRequest, token: str) -> int | str:
    """A review named by its number or by its employee (their review in the latest open
    cycle); a string is the answer to give instead."""
    number = db_id(token)
    if number is not None:
        return number
    person = _person(req, token)
    if person is None:
        return req.tr("review.cmd.usage")
    found = open_review_of(req.session, person)
    return (
        found.id if found else req.tr("review.cmd.no_open_review", person=f"<@{person.slack_id}>")
    )


def _hr_verb(req: CommandRequest, verb: str) -> str:
    """`close`, `reopen` or `reassign`, for someone whose role allows it (checked above)."""
    tr, now, actor = req.tr, req.services.clock.now(), req.employee
    tr_for = translators(req.services.settings.default_locale)
    if len(req.args) < 2 or verb not in HR_VERBS:
        return tr("review.cmd.usage")
    if verb in ("close", "tutup"):
        number = db_id(req.args[1])
        if number is None:
            return tr("review.cmd.usage")
        cycle = close_cycle(req.session, actor, number, now=now)
        return tr("review.cmd.closed", cycle=escape(cycle.name))
    review_id = _review_id(req, req.args[1])
    if isinstance(review_id, str):
        return review_id
    if verb in ("reopen", "buka-lagi"):
        review = reopen_self_review(req.session, actor, review_id, now=now, tr_for=tr_for)
        return tr("review.cmd.reopened", employee=f"<@{review.employee.slack_id}>")
    manager = _person(req, req.args[2]) if len(req.args) > 2 else None
    if manager is None:
        return tr("review.cmd.reassign_usage")
    review = reassign_manager(req.session, actor, review_id, manager, now=now, tr_for=tr_for)
    return tr(
        "review.cmd.reassigned",
        employee=f"<@{review.employee.slack_id}>",
        manager=f"<@{manager.slack_id}>",
    )


# --------------------------------------------------------------------------- buttons


def register(app: App, services: Services) -> None:
    def in_session(
        body: dict[str, Any], context: BoltContext, work: Work, review_id: int | None = None
    ) -> tuple[str | None, Translator]:
        """Run `work` for the acting person; a refusal becomes the text to show them."""
        tr = services.translator_for(None)
        with services.db.session() as session:
            actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
            if actor is None or not actor.active:
                return tr("error.unknown_user") if actor is None else tr("error.inactive"), tr
            tr = services.translator_for(actor)
            try:
                return work(session, actor, tr), tr
            except REFUSALS as error:
                session.rollback()
                return refusal_for(session, actor, tr, error, review_id), tr

    def tell(
        client: WebClient, body: dict[str, Any], respond: Respond, text: str, tr: Translator
    ) -> None:
        tell_in_place(client, body, respond, text, notice_modal(tr, text))

    def open_modal(kind: ReviewAction) -> Callable[..., None]:
        """Write self-review / Write manager review / Ask to discuss: check, then the modal
        (in place of the *Next step* modal when clicked in it)."""

        def handler(
            ack: Ack,
            body: dict[str, Any],
            action: dict[str, Any],
            client: WebClient,
            respond: Respond,
            context: BoltContext,
        ) -> None:
            ack()
            views: list[dict[str, Any]] = []
            found = pointer(action_value(action))

            def work(session: Session, actor: Employee, tr: Translator) -> str | None:
                if found is None:
                    raise ReviewNotFound(action_value(action))
                review = check(session, actor, found[0], kind, found[1])
                if kind is ReviewAction.ASK_TO_DISCUSS:
                    views.append(discuss_modal(tr, review))
                    return None
                evidence = gather(session, review)
                if kind is ReviewAction.WRITE_SELF:
                    saved = review_modals.saved_time(services, actor, review)
                    views.append(self_modal(tr, review, evidence, saved))
                else:
                    views.append(manager_modal(tr, review, evidence))
                return None

            answer, tr = in_session(body, context, work, found[0] if found else None)
            if answer:
                tell(client, body, respond, answer, tr)
            elif views:
                show_view(client, body, views[0])

        return handler

    def decide(kind: ReviewAction) -> Callable[..., None]:
        """Approve (manager) and Acknowledge (employee): one click, no modal. Clicked in the
        *Next step* modal, the modal then says what happened and what comes next."""

        def handler(
            ack: Ack,
            body: dict[str, Any],
            action: dict[str, Any],
            client: WebClient,
            respond: Respond,
            context: BoltContext,
        ) -> None:
            ack()
            people: set[str] = set()
            views: list[dict[str, Any]] = []
            found = pointer(action_value(action))

            def work(session: Session, actor: Employee, tr: Translator) -> str | None:
                if found is None:
                    raise ReviewNotFound(action_value(action))
                step = approve_review if kind is ReviewAction.APPROVE else acknowledge_review
                review = step(
                    session,
                    actor,
                    found[0],
                    version=found[1],
                    now=services.clock.now(),
                    tr_for=translators(services.settings.default_locale),
                )
                people.update(review_modals.people_of(review))
                done = tr(f"review.done.{kind}", employee=f"<@{review.employee.slack_id}>")
                views.append(step_modal(tr, turn_in(actor, review), done))
                return None

            answer, tr = in_session(body, context, work, found[0] if found else None)
            if answer:
                tell(client, body, respond, answer, tr)
            elif views and modal_of(body) is not None:
                show_view(client, body, views[0])
            publish_homes(services, client, str(context.team_id), people)

        return handler

    def next_step(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        """The conversation's one button: the manager's review to write goes straight to its
        modal; every other step opens the clicker's own part (bot/blocks/review_steps.py)."""
        ack()
        views: list[dict[str, Any]] = []
        found = pointer(action_value(action))

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            if found is None:
                raise ReviewNotFound(action_value(action))
            turn = turn_of(session, actor, found[0])
            if turn.step is Step.WRITE_MANAGER:
                review = check(session, actor, turn.review.id, ReviewAction.WRITE_MANAGER)
                views.append(manager_modal(tr, review, gather(session, review)))
            else:
                views.append(step_modal(tr, turn))
            return None

        answer, tr = in_session(body, context, work)
        if answer:
            tell(client, body, respond, answer, tr)
        elif views:
            show_view(client, body, views[0])

    def new_cycle(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        views: list[dict[str, Any]] = []

        def work(session: Session, actor: Employee, tr: Translator) -> str | None:
            if not can(actor, Action.OPEN_REVIEW_CYCLE):
                raise PermissionDenied(Action.OPEN_REVIEW_CYCLE)
            views.append(cycle_modal(tr, team_options(session, actor.team_id)))
            return None

        answer, tr = in_session(body, context, work)
        if answer:
            tell(client, body, respond, answer, tr)
        elif views:
            open_view(client, body["trigger_id"], views[0])

    app.action(WRITE_SELF)(open_modal(ReviewAction.WRITE_SELF))
    app.action(WRITE_MANAGER)(open_modal(ReviewAction.WRITE_MANAGER))
    app.action(DISCUSS)(open_modal(ReviewAction.ASK_TO_DISCUSS))
    app.action(APPROVE)(decide(ReviewAction.APPROVE))
    app.action(ACKNOWLEDGE)(decide(ReviewAction.ACKNOWLEDGE))
    app.action(NEXT_STEP)(next_step)
    app.action(OPEN_CYCLE)(new_cycle)
