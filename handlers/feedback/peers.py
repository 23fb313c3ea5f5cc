"""Peer feedback (360) in Slack: the employee's **Propose peers** (their DM, the App Home),
and in the pair's group DM the manager's **Approve peers** and **Change list** (also
**Review the list** on the manager's App Home).

Button values (peer set, version) come back through the person's client: the core re-checks
who acts and whether the list is still in that state; a second click, a stale message or the
employee clicking the manager's button is told why nothing happened.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.feedback import mention, name_of
from bot.blocks.feedback_review import (
    APPROVE,
    CHANGE,
    CHANGE_MODAL,
    PROPOSE,
    PROPOSE_MODAL,
    chosen_peers,
    peers_modal,
)
from bot.blocks.modals import notice_modal
from bot.blocks.payload import action_value, db_id, meta_id, pointer
from bot.feedback.errors import FeedbackRejected
from bot.feedback.peers import PeerStep, check_decide, check_propose, decide_peers, propose_peers
from bot.i18n import Translator
from bot.slack.services import Services
from handlers.feedback.common import explain, explain_plain, people
from handlers.toolkit import (
    Actor,
    act,
    answer_errors,
    open_or_tell,
    publish_homes,
    services_of,
    team_of,
    tell,
)
from storage.models import Employee

TITLE = "feedback.peers.modal.title"


def _slack_ids(actor: Actor, ids: list[int]) -> list[str]:
    rows = actor.session.execute(
        select(Employee.id, Employee.slack_id).where(
            Employee.id.in_(ids), Employee.team_id == actor.employee.team_id
        )
    ).all()
    by_id = {row[0]: row[1] for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _pair(step: PeerStep) -> set[str]:
    review = step.review
    pair = {review.employee.slack_id}
    if review.manager is not None:
        pair.add(review.manager.slack_id)
    return pair


def _form(tr: Translator, step: PeerStep, actor: Actor, *, manager: bool) -> dict[str, Any]:
    review, setup = step.review, step.setup
    cycle = review.cycle.name
    if manager:
        intro = tr(
            "feedback.peers.modal.intro_manager",
            employee=mention(review.employee.slack_id),
            count=setup.peers,
        )
    else:
        intro = tr("feedback.peers.modal.intro", count=setup.peers)
    intro += "\n" + tr("feedback.peers.modal.cycle", cycle=name_of(cycle))
    return peers_modal(
        tr,
        callback_id=CHANGE_MODAL if manager else PROPOSE_MODAL,
        set_id=step.peer_set.id,
        version=step.peer_set.version,
        most=setup.peers,
        chosen=_slack_ids(actor, step.peers),
        intro=intro,
    )


def propose_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    services = services_of(context)
    set_id = db_id(action_value(action))

    def work(actor: Actor) -> dict[str, Any]:
        if set_id is None:
            raise FeedbackRejected("peers", "feedback.error.not_found")
        step = check_propose(actor.session, actor.employee, set_id, now=actor.now)
        return _form(actor.tr, step, actor, manager=False)

    outcome = act(services, body, context, work, explain=explain)
    open_or_tell(client, body, respond, outcome, title_key=TITLE)


def change_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """The manager's own list (or the proposal to approve as it is, from the App Home)."""
    ack()
    services = services_of(context)
    found = pointer(action_value(action))

    def work(actor: Actor) -> dict[str, Any]:
        if found is None:
            raise FeedbackRejected("peers", "feedback.error.not_found")
        step = check_decide(
            actor.session, actor.employee, found[0], now=actor.now, version=found[1]
        )
        return _form(actor.tr, step, actor, manager=True)

    outcome = act(services, body, context, work, explain=explain)
    open_or_tell(client, body, respond, outcome, title_key=TITLE)


def approve_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """The proposal as it is: the peers are asked at once."""
    ack()
    services = services_of(context)
    found = pointer(action_value(action))
    touched: set[str] = set()

    def work(actor: Actor) -> str:
        if found is None:
            raise FeedbackRejected("peers", "feedback.error.not_found")
        step = decide_peers(
            actor.session,
            actor.employee,
            found[0],
            None,
            version=found[1],
            now=actor.now,
            tr_for=services.translator_for,
            org_tz=services.settings.default_tz,
        )
        touched.update(_pair(step))
        return actor.tr("feedback.peers.approved", count=len(step.peers))

    outcome = act(services, body, context, work, explain=explain)
    tell(client, body, respond, outcome.tr, outcome.refusal or str(outcome.value), title_key=TITLE)
    publish_homes(services, client, team_of(body, context), touched)


def _submitted(manager: bool) -> Any:
    def submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        services = services_of(context)
        view = body.get("view") or {}
        set_id, version = meta_id(view, "p"), meta_id(view, "v")
        chosen = chosen_peers(view)
        fields: list[str] = []
        touched: set[str] = set()

        def work(actor: Actor) -> str:
            try:
                if set_id is None:
                    raise FeedbackRejected("peers", "feedback.error.not_found")
                picked = people(actor.session, services, actor.employee.team_id, chosen, "peers")
                if manager:
                    step = decide_peers(
                        actor.session,
                        actor.employee,
                        set_id,
                        picked,
                        version=version,
                        now=actor.now,
                        tr_for=services.translator_for,
                        org_tz=services.settings.default_tz,
                    )
                    text = actor.tr("feedback.peers.approved", count=len(step.peers))
                else:
                    step = propose_peers(
                        actor.session,
                        actor.employee,
                        set_id,
                        picked,
                        now=actor.now,
                        tr_for=services.translator_for,
                    )
                    manager_slack = step.review.manager.slack_id if step.review.manager else None
                    text = actor.tr("feedback.peers.proposed", manager=mention(manager_slack))
            except FeedbackRejected as rejected:
                fields.append(rejected.field)
                raise
            touched.update(_pair(step))
            return text

        outcome = act(services, body, context, work, explain=explain_plain)
        if outcome.refusal is not None:
            errors = {fields[0] if fields else "peers": outcome.refusal}
            answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text, TITLE))
            return
        ack(response_action="update", view=notice_modal(outcome.tr, str(outcome.value), TITLE))
        publish_homes(services, services.client, team_of(body, context), touched)

    return submitted


def register(app: App, services: Services) -> None:
    app.action(PROPOSE)(propose_clicked)
    app.action(CHANGE)(change_clicked)
    app.action(APPROVE)(approve_clicked)
    app.view(PROPOSE_MODAL)(_submitted(manager=False))
    app.view(CHANGE_MODAL)(_submitted(manager=True))
