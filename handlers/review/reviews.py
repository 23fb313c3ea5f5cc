"""Reviews in Slack: `/kinerja review` (alias `reviu`) and its HR verbs, and the buttons of the
review messages and the App Home. The modals' submissions are in handlers/review/modals.py.

A button's value (review id, version) comes back through the person's client, so it is only a
pointer: the core re-checks who acts and whether the review is still in that state. A second
click, a stale message or a stranger gets an explanation, and nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

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
from bot.blocks.review_modals import discuss_modal, manager_modal, self_modal
from bot.blocks.review_steps import step_modal
from bot.blocks.text import escape
from bot.i18n import translators
from bot.org.directory import employee_by_slack_id
from bot.permissions import Action, PermissionDenied, can
from bot.review import (
    ReviewAction,
    ReviewNotFound,
    check,
    close_cycle,
    decide,
    gather,
    open_review_of,
    reassign_manager,
    reopen_self_review,
    team_options,
)
from bot.review.home import load_review_home
from bot.review.turns import Step, turn_in, turn_of
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.review.modals import people_of, saved_time
from handlers.review.refusals import NOTICE_TITLE, REFUSALS, refusal, told
from handlers.toolkit import (
    Actor,
    act,
    modal_of,
    open_view,
    publish_homes,
    services_of,
    show_view,
    team_of,
    tell,
)
from storage.models import Employee

_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?(?P<raw>[UW][A-Z0-9]+)$")


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
        req.ack(**review_list(req.tr, load_review_home(req.session, req.employee, now), now))
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


# The buttons that open a form, and the one-click steps, each with the action it asks for.
FORMS = {
    WRITE_SELF: ReviewAction.WRITE_SELF,
    WRITE_MANAGER: ReviewAction.WRITE_MANAGER,
    DISCUSS: ReviewAction.ASK_TO_DISCUSS,
}
DECISIONS = {APPROVE: ReviewAction.APPROVE, ACKNOWLEDGE: ReviewAction.ACKNOWLEDGE}


def open_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Write self-review / Write manager review / Ask to discuss: check, then the modal
    (in place of the *Next step* modal when clicked in it)."""
    ack()
    kind = FORMS[action["action_id"]]
    found = pointer(action_value(action))

    def work(actor: Actor) -> dict[str, Any]:
        if found is None:
            raise ReviewNotFound(action_value(action))
        review = check(actor.session, actor.employee, found[0], kind, found[1])
        if kind is ReviewAction.ASK_TO_DISCUSS:
            return discuss_modal(actor.tr, review)
        evidence = gather(actor.session, review)
        if kind is ReviewAction.WRITE_SELF:
            return self_modal(actor.tr, review, evidence, saved_time(actor, review))
        return manager_modal(actor.tr, review, evidence)

    outcome = act(services_of(context), body, context, told(work, found[0] if found else None))
    if outcome.refusal:
        tell(client, body, respond, outcome.tr, outcome.refusal, title_key=NOTICE_TITLE)
    elif outcome.value is not None:
        show_view(client, body, outcome.value)


def approve_or_acknowledge(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Approve (manager) and Acknowledge (employee): one click, no modal. Clicked in the
    *Next step* modal, the modal then says what happened and what comes next."""
    ack()
    services = services_of(context)
    kind = DECISIONS[action["action_id"]]
    found = pointer(action_value(action))

    def work(actor: Actor) -> tuple[set[str], dict[str, Any]]:
        if found is None:
            raise ReviewNotFound(action_value(action))
        review = decide(
            actor.session,
            actor.employee,
            found[0],
            kind,
            version=found[1],
            now=actor.now,
            tr_for=translators(services.settings.default_locale),
        )
        done = actor.tr(f"review.done.{kind}", employee=f"<@{review.employee.slack_id}>")
        return people_of(review), step_modal(actor.tr, turn_in(actor.employee, review), done)

    outcome = act(services, body, context, told(work, found[0] if found else None))
    if outcome.refusal:
        tell(client, body, respond, outcome.tr, outcome.refusal, title_key=NOTICE_TITLE)
    if outcome.value is None:
        return
    people, view = outcome.value
    if modal_of(body) is not None:
        show_view(client, body, view)
    publish_homes(services, client, team_of(body, context), people)


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
    found = pointer(action_value(action))

    def work(actor: Actor) -> dict[str, Any]:
        if found is None:
            raise ReviewNotFound(action_value(action))
        turn = turn_of(actor.session, actor.employee, found[0])
        if turn.step is Step.WRITE_MANAGER:
            review = check(
                actor.session, actor.employee, turn.review.id, ReviewAction.WRITE_MANAGER
            )
            return manager_modal(actor.tr, review, gather(actor.session, review))
        return step_modal(actor.tr, turn)

    outcome = act(services_of(context), body, context, told(work, None))
    if outcome.refusal:
        tell(client, body, respond, outcome.tr, outcome.refusal, title_key=NOTICE_TITLE)
    elif outcome.value is not None:
        show_view(client, body, outcome.value)


def new_cycle(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """HR's *New review cycle* on the App Home."""
    ack()

    def work(actor: Actor) -> dict[str, Any]:
        if not can(actor.employee, Action.OPEN_REVIEW_CYCLE):
            raise PermissionDenied(Action.OPEN_REVIEW_CYCLE)
        return cycle_modal(actor.tr, team_options(actor.session, actor.employee.team_id))

    outcome = act(services_of(context), body, context, told(work, None))
    if outcome.refusal:
        tell(client, body, respond, outcome.tr, outcome.refusal, title_key=NOTICE_TITLE)
    elif outcome.value is not None:
        open_view(client, body["trigger_id"], outcome.value)


def register(app: App, services: Services) -> None:
    for action_id in FORMS:
        app.action(action_id)(open_form)
    for action_id in DECISIONS:
        app.action(action_id)(approve_or_acknowledge)
    app.action(NEXT_STEP)(next_step)
    app.action(OPEN_CYCLE)(new_cycle)
