"""Reward nominations in Slack: **Nominate for a reward** (review thread, App Home) and its
modal, HR's **Approve** / **Decline** and the reason modal, and the manager's **Announce**.

A button's value (review id, or nomination id and version) comes back through the person's
client, so it is only a pointer: the core re-checks who acts and the state. Refusals on a click
are told only to the clicker (ephemeral under a message, a small modal elsewhere) and change
nothing; refusals on a submission are inline field errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.nominations import (
    ANNOUNCE,
    APPROVE,
    DECIDE_MODAL,
    DECLINE,
    FIELDS,
    JUSTIFICATION_BLOCK,
    NOMINATE,
    NOMINATE_MODAL,
    REASON_BLOCK,
    TYPE_BLOCK,
    VALUE,
    decide_modal,
    mention,
    nominate_modal,
    notice_modal,
)
from bot.blocks.nominations import label as safe_label
from bot.blocks.payload import action_value, db_id, element_state, meta_id, metadata, pointer
from bot.blocks.reward import rejection_text
from bot.i18n import Translator
from bot.permissions import PermissionDenied
from bot.reward.errors import NominationRejected
from bot.reward.nominations import (
    STATE,
    Audience,
    announce_nomination,
    check_decision,
    check_nomination,
    decide_nomination,
    nominate,
)
from bot.reward.reward_types import reward_types, type_name
from bot.slack.services import Services
from handlers.toolkit import acting_employee, answer_errors, show_view, tell_in_place
from storage.models import Employee

log = logging.getLogger(__name__)
Work = Callable[[Session, Employee, Translator], Any]


@dataclass
class Outcome:
    """What came of a click or a submission: a value, or the refusal to explain."""

    tr: Translator
    value: Any = None
    refusal: NominationRejected | PermissionDenied | None = None

    @property
    def field(self) -> str:
        return self.refusal.field if isinstance(self.refusal, NominationRejected) else STATE

    def explain(self, *, mrkdwn: bool = True) -> str:
        if isinstance(self.refusal, NominationRejected):
            return rejection_text(self.tr, self.refusal.key, self.refusal.values, mrkdwn=mrkdwn)
        return self.tr("nominations.error.hr_only")


def _pointer(value: Any) -> tuple[int, int | None]:
    """ "12:3" → (12, 3); anything unreadable points at no nomination (0)."""
    found = pointer(value)
    return found if found is not None else (0, None)


def _state(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return element_state(view, block_id, VALUE)


def _team(body: dict[str, Any], context: BoltContext) -> str:
    return str(context.team_id or (body.get("team") or {}).get("id") or body["user"]["team_id"])


def register(app: App, services: Services) -> None:
    db = services.db

    def audience() -> Audience:
        settings = services.settings
        return Audience(settings.hr_channel, settings.default_locale, settings.default_tz)

    def run(body: dict[str, Any], context: BoltContext, work: Work) -> Outcome:
        """`work` for the acting person in one transaction, committed unless refused."""
        outcome = Outcome(services.translator_for(None))
        try:
            with db.session() as session:
                actor = acting_employee(session, services, _team(body, context), body["user"]["id"])
                outcome.tr = services.translator_for(actor)
                if actor is None:
                    raise NominationRejected(STATE, "error.unknown_user")
                if not actor.active:
                    raise NominationRejected(STATE, "error.inactive")
                outcome.value = work(session, actor, outcome.tr)
        except (NominationRejected, PermissionDenied) as error:
            outcome.refusal = error
        except SlackApiError as error:  # the directory asked Slack about the person, and failed
            log.warning("nomination not handled, Slack failed: %s", error.response.get("error"))
            outcome.refusal = NominationRejected(STATE, "error.internal")
        return outcome

    def tell(
        client: WebClient,
        body: dict[str, Any],
        respond: Respond,
        text: str,
        tr: Translator,
        title: str,
    ) -> None:
        tell_in_place(client, body, respond, text, notice_modal(tr, text, title))

    def click(
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
        work: Work,
        title: str,
    ) -> None:
        """A button: `work` returns a view to open or a text to tell; a refusal is told, in a
        notice titled `title` (what the click was about) when it has to be a modal."""
        outcome = run(body, context, work)
        if outcome.refusal is not None:
            tell(client, body, respond, outcome.explain(), outcome.tr, title)
        elif isinstance(outcome.value, dict):
            show_view(client, body, outcome.value)  # in place of the review's Next step modal
        elif outcome.value:
            tell(client, body, respond, str(outcome.value), outcome.tr, title)

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

        def work(session: Session, actor: Employee, tr: Translator) -> dict[str, Any]:
            review_id = db_id(action_value(action)) or 0
            form = check_nomination(session, actor, review_id)
            types = [(t.key, t.name(tr.locale)) for t in form.types]
            existing = [
                (type_name(form.types, n.reward_type, tr.locale), n.status) for n in form.existing
            ]
            review = form.review
            return nominate_modal(
                tr, review.id, review.employee, review.cycle.name, types, existing
            )

        click(body, context, client, respond, work, "nominations.modal.title")

    def submit_nominate(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        review_id = meta_id(view, "r") or 0
        option = _state(view, TYPE_BLOCK).get("selected_option")
        chosen = option.get("value") if isinstance(option, dict) else None
        typed = _state(view, JUSTIFICATION_BLOCK).get("value")

        def work(session: Session, actor: Employee, tr: Translator) -> str:
            nomination = nominate(
                session,
                actor,
                review_id,
                chosen if isinstance(chosen, str) else None,
                typed if isinstance(typed, str) else "",
                services.clock.now(),
                audience=audience(),
            )
            name = type_name(
                reward_types(session, actor.team_id), nomination.reward_type, tr.locale
            )
            return str(
                tr(
                    "nominations.sent",
                    employee=mention(nomination.employee),
                    reward=safe_label(name),
                )
            )

        outcome = run(body, context, work)
        if outcome.refusal is not None:
            errors = {FIELDS.get(outcome.field, TYPE_BLOCK): outcome.explain(mrkdwn=False)}
            answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text))
            return
        ack(response_action="update", view=notice_modal(outcome.tr, str(outcome.value)))

    # ------------------------------------------------------------------ HR decides

    def open_decide(approve: bool) -> Callable[..., None]:
        def handler(
            ack: Ack,
            body: dict[str, Any],
            action: dict[str, Any],
            client: WebClient,
            respond: Respond,
            context: BoltContext,
        ) -> None:
            ack()

            def work(session: Session, actor: Employee, tr: Translator) -> dict[str, Any]:
                nomination_id, version = _pointer(action_value(action))
                nomination = check_decision(session, actor, nomination_id, version)
                types = reward_types(session, actor.team_id)
                name = type_name(types, nomination.reward_type, tr.locale)
                return decide_modal(tr, nomination, name, approve)

            click(body, context, client, respond, work, "nominations.hr.title")

        return handler

    def submit_decide(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        nomination_id, version = meta_id(view, "n") or 0, meta_id(view, "v")
        approve = metadata(view).get("a") is True
        typed = _state(view, REASON_BLOCK).get("value")
        reason = typed if isinstance(typed, str) else ""

        def work(session: Session, actor: Employee, tr: Translator) -> str:
            nomination = decide_nomination(
                session,
                actor,
                nomination_id,
                approve,
                reason,
                version,
                services.clock.now(),
                audience=audience(),
            )
            key = "nominations.decided.approved" if approve else "nominations.decided.declined"
            return str(
                tr(key, manager=mention(nomination.manager), employee=mention(nomination.employee))
            )

        outcome = run(body, context, work)
        verb = "approve" if approve else "decline"
        if outcome.refusal is not None and outcome.field == "reason":
            errors = {REASON_BLOCK: outcome.explain(mrkdwn=False)}
            answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text))
        elif outcome.refusal is not None:  # decided meanwhile, or not HR: say so in full
            title = f"nominations.decide.{verb}_title"
            ack(response_action="update", view=notice_modal(outcome.tr, outcome.explain(), title))
        else:
            title = f"nominations.decided.{verb}d_title"
            ack(response_action="update", view=notice_modal(outcome.tr, str(outcome.value), title))

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

        def work(session: Session, actor: Employee, tr: Translator) -> str:
            nomination_id, version = _pointer(action_value(action))
            nomination = announce_nomination(
                session,
                actor,
                nomination_id,
                services.clock.now(),
                version=version,
                audience=audience(),
            )
            return str(tr("nominations.announce.done", employee=mention(nomination.employee)))

        click(body, context, client, respond, work, "nominations.announce.title")

    app.action(NOMINATE)(open_nominate)
    app.view(NOMINATE_MODAL)(submit_nominate)
    app.action(APPROVE)(open_decide(True))
    app.action(DECLINE)(open_decide(False))
    app.view(DECIDE_MODAL)(submit_decide)
    app.action(ANNOUNCE)(announce)
