"""Reward nominations in Slack: **Nominate for a reward** (review thread, App Home) and its
modal, HR's **Approve** / **Decline** and the reason modal, and the manager's **Announce**.

A button's value (review id, or nomination id and version) comes back through the person's
client, so it is only a pointer: the core re-checks who acts and the state. Refusals on a click
are told only to the clicker (ephemeral under a message, a small modal elsewhere) and change
nothing; refusals on a submission are inline field errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.modals import notice_modal
from bot.blocks.nominations import (
    ANNOUNCE,
    APPROVE,
    DECIDE_MODAL,
    DECLINE,
    FIELDS,
    JUSTIFICATION_BLOCK,
    NOMINATE,
    NOMINATE_MODAL,
    NOMINATE_TITLE,
    REASON_BLOCK,
    TYPE_BLOCK,
    VALUE,
    decide_modal,
    mention,
    nominate_modal,
)
from bot.blocks.nominations import label as safe_label
from bot.blocks.payload import action_value, db_id, element_state, meta_id, metadata, pointer
from bot.reward.nominations import (
    Audience,
    announce_nomination,
    check_decision,
    check_nomination,
    decide_nomination,
    nominate,
)
from bot.reward.reward_types import reward_types, type_name
from bot.slack.services import Services
from handlers.reward.refusals import Refusals
from handlers.toolkit import Actor, act, answer_errors, services_of, show_view, tell

HR_ONLY = "nominations.error.hr_only"  # what someone who may not decide is told


def _audience(services: Services) -> Audience:
    settings = services.settings
    return Audience(settings.hr_channel, settings.default_locale, settings.default_tz)


def _typed(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return element_state(view, block_id, VALUE)


def _click(
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    work: Callable[[Actor], dict[str, Any] | str],
    title_key: str,
) -> None:
    """A button: `work` returns a view to show or a text to tell; a refusal is told, in a
    notice titled `title_key` (what the click was about) when it has to be a modal."""
    outcome = act(services_of(context), body, context, work, explain=Refusals(denied_key=HR_ONLY))
    if outcome.refusal is not None:
        tell(client, body, respond, outcome.tr, outcome.refusal, title_key=title_key)
    elif isinstance(outcome.value, dict):
        show_view(client, body, outcome.value)  # in place of the review's Next step modal
    elif outcome.value:
        tell(client, body, respond, outcome.tr, outcome.value, title_key=title_key)


# ------------------------------------------------------------------ the manager nominates


def open_nominate(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def form(actor: Actor) -> dict[str, Any]:
        tr = actor.tr
        review_id = db_id(action_value(action)) or 0
        found = check_nomination(actor.session, actor.employee, review_id)
        types = [(t.key, t.name(tr.locale)) for t in found.types]
        existing = [
            (type_name(found.types, n.reward_type, tr.locale), n.status) for n in found.existing
        ]
        review = found.review
        return nominate_modal(tr, review.id, review.employee, review.cycle.name, types, existing)

    _click(body, context, client, respond, form, NOMINATE_TITLE)


def submit_nominate(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    services = services_of(context)
    review_id = meta_id(view, "r") or 0
    option = _typed(view, TYPE_BLOCK).get("selected_option")
    chosen = option.get("value") if isinstance(option, dict) else None
    typed = _typed(view, JUSTIFICATION_BLOCK).get("value")

    def save(actor: Actor) -> str:
        tr = actor.tr
        nomination = nominate(
            actor.session,
            actor.employee,
            review_id,
            chosen if isinstance(chosen, str) else None,
            typed if isinstance(typed, str) else "",
            actor.now,
            audience=_audience(services),
        )
        types = reward_types(actor.session, actor.employee.team_id)
        name = type_name(types, nomination.reward_type, tr.locale)
        return tr(
            "nominations.sent", employee=mention(nomination.employee), reward=safe_label(name)
        )

    refusals = Refusals(mrkdwn=False, denied_key=HR_ONLY)
    outcome = act(services, body, context, save, explain=refusals)
    tr = outcome.tr
    if outcome.refusal is not None:
        errors = {FIELDS.get(refusals.field or "", TYPE_BLOCK): outcome.refusal}
        answer_errors(ack, view, errors, lambda text: notice_modal(tr, text, NOMINATE_TITLE))
        return
    ack(response_action="update", view=notice_modal(tr, str(outcome.value), NOMINATE_TITLE))


# ------------------------------------------------------------------ HR decides


def open_decide(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """HR's **Approve** or **Decline**: the reason modal, or why not."""
    ack()
    approve = action.get("action_id") == APPROVE

    def form(actor: Actor) -> dict[str, Any]:
        nomination_id, version = pointer(action_value(action)) or (0, None)
        nomination = check_decision(actor.session, actor.employee, nomination_id, version)
        types = reward_types(actor.session, actor.employee.team_id)
        name = type_name(types, nomination.reward_type, actor.tr.locale)
        return decide_modal(actor.tr, nomination, name, approve)

    _click(body, context, client, respond, form, "nominations.hr.title")


def submit_decide(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    services = services_of(context)
    nomination_id, version = meta_id(view, "n") or 0, meta_id(view, "v")
    approve = metadata(view).get("a") is True
    typed = _typed(view, REASON_BLOCK).get("value")
    reason = typed if isinstance(typed, str) else ""

    def decide(actor: Actor) -> str:
        nomination = decide_nomination(
            actor.session,
            actor.employee,
            nomination_id,
            approve,
            reason,
            version,
            actor.now,
            audience=_audience(services),
        )
        key = "nominations.decided.approved" if approve else "nominations.decided.declined"
        return actor.tr(
            key, manager=mention(nomination.manager), employee=mention(nomination.employee)
        )

    refusals = Refusals(denied_key=HR_ONLY)
    outcome = act(services, body, context, decide, explain=refusals)
    tr, verb = outcome.tr, "approve" if approve else "decline"
    if outcome.refusal is not None and refusals.field == "reason":
        errors = {REASON_BLOCK: outcome.refusal}
        answer_errors(ack, view, errors, lambda text: notice_modal(tr, text, NOMINATE_TITLE))
    elif outcome.refusal is not None:  # decided meanwhile, or not HR: say so in full
        title = f"nominations.decide.{verb}_title"
        ack(response_action="update", view=notice_modal(tr, outcome.refusal, title))
    else:
        title = f"nominations.decided.{verb}d_title"
        ack(response_action="update", view=notice_modal(tr, str(outcome.value), title))


# ------------------------------------------------------------------ the manager announces


def announce(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    services = services_of(context)

    def done(actor: Actor) -> str:
        nomination_id, version = pointer(action_value(action)) or (0, None)
        nomination = announce_nomination(
            actor.session,
            actor.employee,
            nomination_id,
            actor.now,
            version=version,
            audience=_audience(services),
        )
        return actor.tr("nominations.announce.done", employee=mention(nomination.employee))

    _click(body, context, client, respond, done, "nominations.announce.title")


def register(app: App, services: Services) -> None:
    app.action(NOMINATE)(open_nominate)
    app.view(NOMINATE_MODAL)(submit_nominate)
    app.action(APPROVE)(open_decide)
    app.action(DECLINE)(open_decide)
    app.view(DECIDE_MODAL)(submit_decide)
    app.action(ANNOUNCE)(announce)
