"""A meeting in Slack: **Add talking point** (on the agenda, for that meeting; on the series'
message and the App Home, for the next one), **Take notes**, **Add action item**, **Done**,
**Skip**, and **Mark done** on an action item (agenda, App Home, reminder) — with their
modals. Either of the pair may click each; anyone else is told it is not theirs.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.oneonone import (
    DONE,
    ITEM,
    ITEM_DONE,
    NOTES,
    POINT,
    POINT_NEXT,
    SKIP,
    clean_line,
    local_text,
)
from bot.blocks.oneonone_modals import (
    ITEM_MODAL,
    NOTES_MODAL,
    POINT_MODAL,
    item_modal,
    notes_modal,
    point_modal,
    typed,
)
from bot.blocks.payload import meta_id
from bot.oneonone.errors import NotFound
from bot.oneonone.meetings import (
    add_action_item,
    add_talking_point,
    complete_action_item,
    get_meeting,
    item_form,
    mark_held,
    meeting_for_points,
    notes_form,
    save_notes,
    skip_meeting,
)
from bot.oneonone.rules import other_side
from bot.slack.services import Services
from handlers.oneonone.common import Changed, change, first_id, open_or_tell, submit
from handlers.toolkit import Actor, publish_homes, services_of, team_of
from storage.oneonones import OneOnOneSeries


def _pair(series: OneOnOneSeries) -> set[str]:
    return {series.manager.slack_id, series.employee.slack_id}


def _point_opener(by_series: bool) -> Any:
    def handle(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        pointed = first_id(body)

        def work(actor: Actor) -> dict[str, Any]:
            if pointed is None:
                raise NotFound(None)
            meeting = meeting_for_points(
                actor.session,
                actor.employee,
                meeting_id=None if by_series else pointed,
                series_id=pointed if by_series else None,
            )
            series = meeting.series
            when = local_text(actor.tr, meeting.scheduled_at, series.tz)
            other = other_side(series, actor.employee).slack_id
            if by_series:
                return point_modal(actor.tr, other, series_id=series.id, when_text=when)
            return point_modal(actor.tr, other, meeting_id=meeting.id, when_text=when)

        open_or_tell(services_of(context), body, context, client, respond, work)

    return handle


def point_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    meeting_id, series_id = meta_id(view, "m"), meta_id(view, "s")
    text = typed(view, "text")

    def work(actor: Actor) -> set[str]:
        if meeting_id is None and series_id is None:
            raise NotFound(None)
        point = add_talking_point(
            actor.session, actor.employee, text, meeting_id=meeting_id, series_id=series_id,
            settings=actor.services.settings, now=actor.now,
        )  # fmt: skip
        meeting, _ = get_meeting(actor.session, actor.employee, point.meeting_id)
        return _pair(meeting.series)

    outcome = submit(services, ack, body, context, work)
    if outcome is not None and outcome.value:
        publish_homes(services, client, team_of(body, context), outcome.value)


def open_notes(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    meeting_id = first_id(body)

    def work(actor: Actor) -> dict[str, Any]:
        if meeting_id is None:
            raise NotFound(None)
        return notes_modal(actor.tr, notes_form(actor.session, actor.employee, meeting_id))

    open_or_tell(services_of(context), body, context, client, respond, work)


def notes_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    view = body.get("view") or {}
    meeting_id = meta_id(view, "m")
    shared, private = typed(view, "shared"), typed(view, "private")

    def work(actor: Actor) -> None:
        if meeting_id is None:
            raise NotFound(None)
        save_notes(actor.session, actor.employee, meeting_id, shared, private, now=actor.now)

    submit(services_of(context), ack, body, context, work)


def open_item(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    meeting_id = first_id(body)

    def work(actor: Actor) -> dict[str, Any]:
        if meeting_id is None:
            raise NotFound(None)
        settings = actor.services.settings
        return item_modal(
            actor.tr, item_form(actor.session, actor.employee, meeting_id, settings, actor.now)
        )

    open_or_tell(services_of(context), body, context, client, respond, work)


def item_submitted(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    meeting_id = meta_id(view, "m")
    title, owner, due_on = typed(view, "title"), typed(view, "owner"), typed(view, "due_on")

    def work(actor: Actor) -> set[str]:
        if meeting_id is None:
            raise NotFound(None)
        item = add_action_item(
            actor.session, actor.employee, meeting_id, title, owner, due_on,
            settings=actor.services.settings, now=actor.now,
        )  # fmt: skip
        return _pair(item.series)

    outcome = submit(services, ack, body, context, work)
    if outcome is not None and outcome.value:
        publish_homes(services, client, team_of(body, context), outcome.value)


def _meeting_step(kind: str) -> Any:
    """Done or Skip on an agenda."""

    def handle(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        meeting_id = first_id(body)

        def work(actor: Actor) -> Changed:
            if meeting_id is None:
                raise NotFound(None)
            step = mark_held if kind == "done" else skip_meeting
            settings = actor.services.settings
            step(actor.session, actor.employee, meeting_id, settings=settings, now=actor.now)
            meeting, _ = get_meeting(actor.session, actor.employee, meeting_id)
            return Changed(homes=_pair(meeting.series))

        change(services_of(context), body, context, client, respond, work)

    return handle


def item_done(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    item_id = first_id(body)

    def work(actor: Actor) -> Changed:
        if item_id is None:
            raise NotFound(None)
        settings = actor.services.settings
        item, changed = complete_action_item(
            actor.session, actor.employee, item_id, settings=settings, now=actor.now
        )
        key = "oneonone.item.marked_done" if changed else "oneonone.item.already_done"
        text = actor.tr(key, title=clean_line(item.title, 200))
        in_message = (body.get("container") or {}).get("type") == "message"
        return Changed(homes=_pair(item.series), text=text if in_message else None)

    change(services_of(context), body, context, client, respond, work)


def register(app: App, services: Services) -> None:
    app.action(POINT)(_point_opener(by_series=False))
    app.action(POINT_NEXT)(_point_opener(by_series=True))
    app.view(POINT_MODAL)(point_submitted)
    app.action(NOTES)(open_notes)
    app.view(NOTES_MODAL)(notes_submitted)
    app.action(ITEM)(open_item)
    app.view(ITEM_MODAL)(item_submitted)
    app.action(DONE)(_meeting_step("done"))
    app.action(SKIP)(_meeting_step("skip"))
    app.action(ITEM_DONE)(item_done)
