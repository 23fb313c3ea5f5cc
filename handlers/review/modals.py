"""The review modals' submissions and the "Save draft" button inside the self-review.

A submission is validated and saved before its ack: a problem comes back as Slack's inline
field errors (nothing saved); the self-review's Submit saves the complete draft and pushes a
confirmation, whose own Submit makes it final.
"""

from __future__ import annotations

import logging
from typing import Any

from babel.dates import format_time
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.payload import meta_id
from bot.blocks.review_cycle import CYCLE_MODAL, cycle_created_text, read_cycle_form
from bot.blocks.review_inputs import input_blocks, notice_modal, state_of
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
from bot.i18n import Translator
from bot.permissions import Action, PermissionDenied
from bot.review import (
    ReviewAction,
    ReviewConflict,
    ReviewNotFound,
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
from handlers.feedback.review_hooks import peer_setup_problems, save_peer_setup_from
from handlers.review.refusals import refusal
from handlers.toolkit import acting_employee, modal_of, publish_homes
from storage.models import Employee
from storage.reviews import Review

log = logging.getLogger(__name__)
REFUSALS = (ReviewConflict, ReviewNotFound, PermissionDenied)


def people_of(review: Review) -> set[str]:
    people = {review.employee.slack_id}
    if review.manager is not None:
        people.add(review.manager.slack_id)
    return people


def saved_time(services: Services, actor: Employee, review: Review) -> str | None:
    """When the draft was last saved, in the person's own zone and language."""
    if review.self_draft_saved_at is None:
        return None
    tr = services.translator_for(actor)
    local = review.self_draft_saved_at.astimezone(zone_of(actor.tz, services.settings.default_tz))
    return str(format_time(local, format="short", locale=tr.locale))


def field_errors(
    tr: Translator, error: ReviewValidationError, present: list[str], fallback: str | None = None
) -> dict[str, str]:
    """Each error on its input; one whose input is not in this view lands on `fallback`."""
    errors: dict[str, str] = {}
    for name, key in error.errors.items():
        if name in present or not present:
            target = name
        else:
            target = fallback if fallback in present else present[0]
        errors.setdefault(target, tr(key, **error.values))
    return errors


def refuse(ack: Ack, tr: Translator, present: list[str], text: str, on: str | None = None) -> None:
    """A refused submission: inline on the input `on` (or the first one), or — a view without
    any input block, which only a crafted request has — the modal replaced by the refusal."""
    if present:
        ack(response_action="errors", errors={on if on in present else present[0]: text})
    else:
        ack(response_action="update", view=notice_modal(tr, text))


def invalid(
    ack: Ack,
    tr: Translator,
    error: ReviewValidationError,
    present: list[str],
    fallback: str | None = None,
) -> None:
    """Field errors on their inputs; with no input to hold them, the modal says the first."""
    if present:
        ack(response_action="errors", errors=field_errors(tr, error, present, fallback))
    else:
        refuse(ack, tr, present, tr(next(iter(error.errors.values())), **error.values))


def register(app: App, services: Services) -> None:
    def submit_cycle(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        team_id, present = str(context.team_id), input_blocks(view)
        tr = services.translator_for(None)
        try:
            with services.db.session() as session:
                actor = acting_employee(session, services, team_id, body["user"]["id"])
                if actor is None or not actor.active:
                    raise PermissionDenied(Action.OPEN_REVIEW_CYCLE)
                tr = services.translator_for(actor)
                data = read_cycle_form(view)
                today = local_today(services.clock.now(), None, services.settings.default_tz)
                peers = peer_setup_problems(  # peer feedback (360): handlers/feedback
                    tr, view, self_due=data.self_due, manager_due=data.manager_due, today=today
                )
                if peers:
                    ack(response_action="errors", errors=peers)
                    return
                result = create_cycle(
                    session,
                    actor,
                    data,
                    now=services.clock.now(),
                    tz=services.settings.default_tz,
                    tr_for=services.translator_for,
                    open_now=False,  # the fan-out of invitations is the scheduler's work
                )
                save_peer_setup_from(session, result.cycle, view, services.clock.now())
                text = cycle_created_text(
                    tr,
                    result.cycle,
                    result.reviews,
                    [p.slack_id for p in result.left_out],
                    today=local_today(services.clock.now(), None, services.settings.default_tz),
                )
                done = notice_modal(tr, text, "review.cycle_modal.done_title")
        except ReviewValidationError as error:
            fallback = "teams" if "teams" in present else "everyone"
            invalid(ack, tr, error, present, fallback)
            return
        except REFUSALS as error:
            refuse(ack, tr, present, refusal(tr, error))
            return
        ack(response_action="update", view=done)
        publish_homes(services, client, team_id, {body["user"]["id"]})

    def submit_self(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        """Save the complete draft, then ask for confirmation (the submission is final)."""
        review_id, present = meta_id(view, "r") or 0, input_blocks(view)
        tr = services.translator_for(None)
        try:
            with services.db.session() as session:
                actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
                if actor is None:
                    raise ReviewNotFound(review_id)
                tr = services.translator_for(actor)
                review = check(session, actor, review_id, ReviewAction.WRITE_SELF)
                data = read_review_form(view, review.cycle)
                save_self_draft(
                    session, actor, review_id, data, now=services.clock.now(), complete=True
                )
                confirm = self_confirm_modal(tr, review)
        except ReviewValidationError as error:
            invalid(ack, tr, error, present)
            return
        except REFUSALS as error:
            refuse(ack, tr, present, refusal(tr, error))
            return
        ack(response_action="push", view=confirm)

    def confirm_self(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        review_id = meta_id(view, "r") or 0
        tr = services.translator_for(None)
        people: set[str] = set()
        try:
            with services.db.session() as session:
                actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
                if actor is None:
                    raise ReviewNotFound(review_id)
                tr = services.translator_for(actor)
                review = submit_self_review(
                    session,
                    actor,
                    review_id,
                    now=services.clock.now(),
                    tr_for=services.translator_for,
                )
                people = people_of(review)
        except (*REFUSALS, ReviewValidationError) as error:
            notice = notice_modal(tr, refusal(tr, error), "review.self_modal.title")
            ack(response_action="update", view=notice)
            return
        ack(response_action="clear")
        publish_homes(services, client, str(context.team_id), people)

    def save_draft(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """ "Save draft" inside the modal: keep what was typed, say when, keep the modal open."""
        ack()
        view = modal_of(body)
        if view is None:  # Slack sends this button only from inside the self-review modal
            return
        review_id = meta_id(view, "r") or 0
        with services.db.session() as session:
            actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
            if actor is None:
                return
            tr = services.translator_for(actor)
            note: str | None = None
            try:
                review = check(session, actor, review_id, ReviewAction.WRITE_SELF)
                data = read_review_form(view, review.cycle)
                review = save_self_draft(session, actor, review_id, data, now=services.clock.now())
            except (*REFUSALS, ReviewValidationError) as error:
                session.rollback()
                note = refusal(tr, error)
                try:
                    review = check(session, actor, review_id, ReviewAction.READ)
                except REFUSALS:
                    return
            updated = self_modal(
                tr, review, gather(session, review), saved_time(services, actor, review), note
            )
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)
        except SlackApiError as error:  # hash_conflict: a newer version is already shown
            log.info("views.update of the self-review refused: %s", error.response.get("error"))

    def submit_manager(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        review_id, present = meta_id(view, "r") or 0, input_blocks(view)
        tr = services.translator_for(None)
        try:
            with services.db.session() as session:
                actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
                if actor is None:
                    raise ReviewNotFound(review_id)
                tr = services.translator_for(actor)
                review = check(session, actor, review_id, ReviewAction.WRITE_MANAGER)
                data = read_review_form(view, review.cycle, manager=True)
                review = write_manager_review(
                    session,
                    actor,
                    review_id,
                    data,
                    now=services.clock.now(),
                    tr_for=services.translator_for,
                )
                people = people_of(review)
        except ReviewValidationError as error:
            invalid(ack, tr, error, present)
            return
        except REFUSALS as error:
            refuse(ack, tr, present, refusal(tr, error))
            return
        ack()
        publish_homes(services, client, str(context.team_id), people)

    def submit_discuss(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        review_id, version = meta_id(view, "r") or 0, meta_id(view, "v")
        comment = str(state_of(view, "comment").get("value") or "")
        present = input_blocks(view)
        tr = services.translator_for(None)
        try:
            with services.db.session() as session:
                actor = acting_employee(session, services, str(context.team_id), body["user"]["id"])
                if actor is None:
                    raise ReviewNotFound(review_id)
                tr = services.translator_for(actor)
                review = ask_to_discuss(
                    session,
                    actor,
                    review_id,
                    comment,
                    version=version,
                    now=services.clock.now(),
                    tr_for=services.translator_for,
                )
                people = people_of(review)
        except ReviewValidationError as error:
            invalid(ack, tr, error, present, "comment")
            return
        except REFUSALS as error:
            refuse(ack, tr, present, refusal(tr, error), "comment")
            return
        ack()
        publish_homes(services, client, str(context.team_id), people)

    app.view(CYCLE_MODAL)(submit_cycle)
    app.view(SELF_MODAL)(submit_self)
    app.view(SELF_CONFIRM)(confirm_self)
    app.view(MANAGER_MODAL)(submit_manager)
    app.view(DISCUSS_MODAL)(submit_discuss)
    app.action(SAVE_DRAFT)(save_draft)
