"""The review modals' submissions and the "Save draft" button inside the self-review.

A submission is validated and saved before its ack: a problem comes back as Slack's inline
field errors (nothing saved); the self-review's Submit saves the complete draft and pushes a
confirmation, whose own Submit makes it final.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from babel.dates import format_time
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.feedback_review import read_peer_setup
from bot.blocks.modals import notice_modal
from bot.blocks.payload import meta_id
from bot.blocks.review_cycle import CYCLE_MODAL, cycle_created_text, read_cycle_form
from bot.blocks.review_inputs import input_blocks, state_of
from bot.blocks.review_modals import (
    DISCUSS_MODAL,
    MANAGER_MODAL,
    SAVE_DRAFT,
    SELF_CONFIRM,
    SELF_MODAL,
    read_review_form,
    self_confirm_modal,
    self_modal,
)
from bot.clock import zone_of
from bot.feedback.peer_setup import peer_setup_errors
from bot.i18n import Translator, translators
from bot.review import (
    ReviewAction,
    ReviewValidationError,
    ask_to_discuss,
    check,
    create_cycle,
    gather,
    save_self_draft,
    submit_self_review,
    write_manager_review,
)
from bot.review.dates import local_today
from bot.slack.services import Services
from handlers.feedback.review_hooks import save_peer_setup_from
from handlers.review.refusals import NOTICE_TITLE, REFUSALS, explain, refusal
from handlers.toolkit import (
    Actor,
    act,
    answer_errors,
    modal_of,
    publish_homes,
    services_of,
    team_of,
)
from storage.reviews import Review

log = logging.getLogger(__name__)
T = TypeVar("T")


def people_of(review: Review) -> set[str]:
    people = {review.employee.slack_id}
    if review.manager is not None:
        people.add(review.manager.slack_id)
    return people


def saved_time(actor: Actor, review: Review) -> str | None:
    """When the draft was last saved, in the person's own zone and language."""
    if review.self_draft_saved_at is None:
        return None
    zone = zone_of(actor.employee.tz, actor.services.settings.default_tz)
    local = review.self_draft_saved_at.astimezone(zone)
    return str(format_time(local, format="short", locale=actor.tr.locale))


def field_errors(
    tr: Translator, error: ReviewValidationError, present: list[str], fallback: str | None = None
) -> dict[str, str]:
    """Each error on its input; one whose input is not in this view lands on `fallback` (else
    the first input). A view without inputs, which only a crafted request has, gets the first
    error alone (`answer_errors` then shows it in place of the modal)."""
    if not present:
        name, key = next(iter(error.errors.items()))
        return {name: tr(key, **error.values)}
    errors: dict[str, str] = {}
    for name, key in error.errors.items():
        target = name if name in present else fallback if fallback in present else present[0]
        errors.setdefault(target, tr(key, **error.values))
    return errors


@dataclass(frozen=True)
class _Invalid:
    errors: dict[str, str]  # in words, keyed by input


def _submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    work: Callable[[Actor], T],
    *,
    on: str | None = None,
    fallback: str | None = None,
) -> T | None:
    """`work` for the person submitting `view`, in one transaction. Refused, it changes
    nothing and is answered here (then None): a form that does not validate gets its field
    errors, a refusal goes on the input `on` (else the first input), and a view without inputs
    is replaced by the refusal. Otherwise the caller acks with what `work` returned."""
    present = input_blocks(view)

    def checked(actor: Actor) -> T | _Invalid:
        try:
            return work(actor)
        except ReviewValidationError as error:
            actor.session.rollback()
            return _Invalid(field_errors(actor.tr, error, present, fallback))

    outcome = act(services_of(context), body, context, checked, explain=explain)
    value = outcome.value
    if isinstance(value, _Invalid):
        errors = value.errors
    elif outcome.refusal:
        errors = {on or "": outcome.refusal}
    else:
        return value
    answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text, NOTICE_TITLE))
    return None


# --------------------------------------------------------------------------- the listeners


def submit_cycle(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """HR's new cycle: saved (the scheduler opens it and invites), then the modal says so."""
    services = services_of(context)

    def work(actor: Actor) -> dict[str, Any]:
        now, zone = actor.now, services.settings.default_tz
        data = read_cycle_form(view)
        peers = peer_setup_errors(  # peer feedback (360): bot/feedback/peer_setup.py
            read_peer_setup(view),
            self_due=data.self_due,
            manager_due=data.manager_due,
            today=local_today(now, None, zone),
        )
        if peers:
            raise ReviewValidationError(peers)
        result = create_cycle(
            actor.session,
            actor.employee,
            data,
            now=now,
            tz=zone,
            tr_for=translators(services.settings.default_locale),
            open_now=False,  # the fan-out of invitations is the scheduler's work
        )
        save_peer_setup_from(actor.session, result.cycle, view, now)
        text = cycle_created_text(
            actor.tr,
            result.cycle,
            result.reviews,
            [p.slack_id for p in result.left_out],
            today=local_today(now, None, zone),
        )
        return notice_modal(actor.tr, text, "review.cycle_modal.done_title")

    fallback = "teams" if "teams" in input_blocks(view) else "everyone"
    done = _submitted(ack, body, view, context, work, fallback=fallback)
    if done is not None:
        ack(response_action="update", view=done)
        publish_homes(services, client, team_of(body, context), {body["user"]["id"]})


def submit_self(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Save the complete draft, then ask for confirmation (the submission is final)."""
    review_id = meta_id(view, "r") or 0

    def work(actor: Actor) -> dict[str, Any]:
        review = check(actor.session, actor.employee, review_id, ReviewAction.WRITE_SELF)
        data = read_review_form(view, review.cycle)
        save_self_draft(
            actor.session, actor.employee, review_id, data, now=actor.now, complete=True
        )
        return self_confirm_modal(actor.tr, review)

    confirm = _submitted(ack, body, view, context, work)
    if confirm is not None:
        ack(response_action="push", view=confirm)


def confirm_self(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The confirmation's Submit: the saved draft becomes the final self-review."""
    services = services_of(context)
    review_id = meta_id(view, "r") or 0

    def work(actor: Actor) -> set[str]:
        review = submit_self_review(
            actor.session,
            actor.employee,
            review_id,
            now=actor.now,
            tr_for=translators(services.settings.default_locale),
        )
        return people_of(review)

    outcome = act(services, body, context, work, explain=explain)
    if outcome.refusal:
        notice = notice_modal(outcome.tr, outcome.refusal, "review.self_modal.title")
        ack(response_action="update", view=notice)
        return
    ack(response_action="clear")
    publish_homes(services, client, team_of(body, context), outcome.value or set())


def save_draft(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """ "Save draft" inside the modal: keep what was typed, say when, keep the modal open."""
    ack()
    view = modal_of(body)
    if view is None:  # Slack sends this button only from inside the self-review modal
        return
    review_id = meta_id(view, "r") or 0

    def work(actor: Actor) -> dict[str, Any]:
        session, employee, tr = actor.session, actor.employee, actor.tr
        note: str | None = None
        try:
            review = check(session, employee, review_id, ReviewAction.WRITE_SELF)
            data = read_review_form(view, review.cycle)
            review = save_self_draft(session, employee, review_id, data, now=actor.now)
        except REFUSALS as error:
            session.rollback()
            note = refusal(tr, error)
            review = check(session, employee, review_id, ReviewAction.READ)  # else: no answer
        return self_modal(tr, review, gather(session, review), saved_time(actor, review), note)

    updated = act(services_of(context), body, context, work, explain=explain).value
    if updated is None:  # someone who may not even read the review: nothing to show them
        return
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)
    except SlackApiError as error:  # hash_conflict: a newer version is already shown
        log.info("views.update of the self-review refused: %s", error.response.get("error"))


def submit_manager(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The manager review (or its revision), posted in the conversation's thread."""
    services = services_of(context)
    review_id = meta_id(view, "r") or 0

    def work(actor: Actor) -> set[str]:
        review = check(actor.session, actor.employee, review_id, ReviewAction.WRITE_MANAGER)
        data = read_review_form(view, review.cycle, manager=True)
        review = write_manager_review(
            actor.session,
            actor.employee,
            review_id,
            data,
            now=actor.now,
            tr_for=translators(services.settings.default_locale),
        )
        return people_of(review)

    people = _submitted(ack, body, view, context, work)
    if people is not None:
        ack()
        publish_homes(services, client, team_of(body, context), people)


def submit_discuss(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The employee's question goes to the thread, and the review back to the manager."""
    services = services_of(context)
    review_id, version = meta_id(view, "r") or 0, meta_id(view, "v")
    comment = str(state_of(view, "comment").get("value") or "")

    def work(actor: Actor) -> set[str]:
        review = ask_to_discuss(
            actor.session,
            actor.employee,
            review_id,
            comment,
            version=version,
            now=actor.now,
            tr_for=translators(services.settings.default_locale),
        )
        return people_of(review)

    people = _submitted(ack, body, view, context, work, on="comment", fallback="comment")
    if people is not None:
        ack()
        publish_homes(services, client, team_of(body, context), people)


def register(app: App, services: Services) -> None:
    app.view(CYCLE_MODAL)(submit_cycle)
    app.view(SELF_MODAL)(submit_self)
    app.view(SELF_CONFIRM)(confirm_self)
    app.view(MANAGER_MODAL)(submit_manager)
    app.view(DISCUSS_MODAL)(submit_discuss)
    app.action(SAVE_DRAFT)(save_draft)
