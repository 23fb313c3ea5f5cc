"""A 1:1 series in Slack: **Set up 1:1** and **Manage** open the set-up modal (its submission
sets the series up or changes it; **Pause**, **Resume** and **End series** sit inside it),
**Skip next**, **Propose another time** with its modal, and the manager's **Accept** /
**Keep current** on a proposal.

The buttons on the series' message are seen by both of the pair; a click that is not the
clicker's to make is told why, only to them. Button values are pointers the core checks.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.modals import notice_modal
from bot.blocks.oneonone import (
    ACCEPT,
    DECLINE,
    END,
    MANAGE,
    PAUSE,
    PROPOSE,
    RESUME,
    SETUP,
    SKIP_NEXT,
    local_text,
)
from bot.blocks.oneonone_modals import (
    PROPOSE_MODAL,
    SERIES_MODAL,
    propose_modal,
    series_modal,
    typed,
)
from bot.blocks.payload import action_value, meta_id, pointer
from bot.oneonone.agenda import series_view
from bot.oneonone.cadence import local_day
from bot.oneonone.errors import NotFound, Refused
from bot.oneonone.rules import Side
from bot.oneonone.series import (
    SeriesInput,
    answer_proposal,
    end,
    get_series,
    pause,
    propose,
    report_of,
    resume,
    series_form,
    set_up,
    skip_next,
)
from bot.slack.services import Services
from handlers.oneonone.common import TITLE, Changed, change, first_id, open_or_tell, submit
from handlers.toolkit import Actor, publish_homes, services_of, team_of
from storage.oneonones import OneOnOneSeries


def _pair(series: OneOnOneSeries) -> set[str]:
    return {series.manager.slack_id, series.employee.slack_id}


def _form(actor: Actor, report_id: int) -> dict[str, Any]:
    report = report_of(actor.session, actor.employee, report_id)
    settings = actor.services.settings
    return series_modal(
        actor.tr, series_form(actor.session, actor.employee, report, settings, actor.now)
    )


def open_setup(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    report_id = first_id(body)

    def work(actor: Actor) -> dict[str, Any]:
        if report_id is None:
            raise NotFound(None)
        return _form(actor, report_id)

    open_or_tell(services_of(context), body, context, client, respond, work)


def open_manage(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    series_id = first_id(body)

    def work(actor: Actor) -> dict[str, Any]:
        if series_id is None:
            raise NotFound(None)
        series, side = get_series(actor.session, actor.employee, series_id)
        if side is not Side.MANAGER:
            raise Refused("oneonone.error.manager_only")
        return _form(actor, series.employee_id)

    open_or_tell(services_of(context), body, context, client, respond, work)


def series_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    report_id = meta_id(view, "r")
    raw = SeriesInput(typed(view, "cadence"), typed(view, "starts_on"), typed(view, "local_time"))

    def work(actor: Actor) -> set[str]:
        if report_id is None:
            raise NotFound(None)
        settings = actor.services.settings
        return _pair(
            set_up(actor.session, actor.employee, report_id, raw, settings=settings, now=actor.now)
        )

    outcome = submit(services, ack, body, context, work)
    if outcome is not None and outcome.value:
        publish_homes(services, client, team_of(body, context), outcome.value)


def _in_modal(kind: str) -> Any:
    """Pause, Resume or End series, clicked in the set-up modal: done, and the modal shows
    the series as it is now (or, once ended, says so)."""

    def handle(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        series_id = first_id(body)

        def work(actor: Actor) -> Changed:
            if series_id is None:
                raise NotFound(None)
            settings, session = actor.services.settings, actor.session
            step = {"pause": pause, "resume": resume, "end": end}[kind]
            step(session, actor.employee, series_id, settings=settings, now=actor.now)
            series, _ = get_series(session, actor.employee, series_id)
            if kind == "end":
                text = actor.tr("oneonone.ended_notice")
                view = notice_modal(actor.tr, text, TITLE)
            else:
                view = _form(actor, series.employee_id)
            return Changed(homes=_pair(series), view=view)

        change(services_of(context), body, context, client, respond, work)

    return handle


def skip_next_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    series_id = first_id(body)

    def work(actor: Actor) -> Changed:
        if series_id is None:
            raise NotFound(None)
        settings = actor.services.settings
        meeting = skip_next(
            actor.session, actor.employee, series_id, settings=settings, now=actor.now
        )
        when = local_text(actor.tr, meeting.scheduled_at, meeting.series.tz)
        return Changed(
            homes=_pair(meeting.series), text=actor.tr("oneonone.skipped_notice", when=when)
        )

    change(services_of(context), body, context, client, respond, work)


def open_propose(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    series_id = first_id(body)

    def work(actor: Actor) -> dict[str, Any]:
        if series_id is None:
            raise NotFound(None)
        series, side = get_series(actor.session, actor.employee, series_id)
        if side is not Side.REPORT:
            raise Refused("oneonone.error.report_only")
        if series.status == "ended":
            raise Refused("oneonone.error.series_ended")
        view = series_view(actor.session, series)
        return propose_modal(actor.tr, view, local_day(actor.now, series.tz))

    open_or_tell(services_of(context), body, context, client, respond, work)


def propose_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    view = body.get("view") or {}
    series_id = meta_id(view, "s")
    raw = SeriesInput("", typed(view, "starts_on"), typed(view, "local_time"))
    note = typed(view, "note")

    def work(actor: Actor) -> set[str]:
        if series_id is None:
            raise NotFound(None)
        settings = actor.services.settings
        propose(
            actor.session, actor.employee, series_id, raw, note, settings=settings, now=actor.now
        )
        series, _ = get_series(actor.session, actor.employee, series_id)
        return _pair(series)

    outcome = submit(services, ack, body, context, work)
    if outcome is not None and outcome.value:
        publish_homes(services, client, team_of(body, context), outcome.value)


def _answer(accept: bool) -> Any:
    def handle(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        found = pointer(action_value((body.get("actions") or [{}])[0]))

        def work(actor: Actor) -> Changed:
            if found is None:
                raise NotFound(None)
            series_id, number = found
            settings = actor.services.settings
            answer_proposal(
                actor.session, actor.employee, series_id, number, accept=accept,
                settings=settings, now=actor.now,
            )  # fmt: skip
            series, _ = get_series(actor.session, actor.employee, series_id)
            return Changed(homes=_pair(series))

        change(services_of(context), body, context, client, respond, work)

    return handle


def register(app: App, services: Services) -> None:
    app.action(SETUP)(open_setup)
    app.action(MANAGE)(open_manage)
    app.view(SERIES_MODAL)(series_submitted)
    app.action(PAUSE)(_in_modal("pause"))
    app.action(RESUME)(_in_modal("resume"))
    app.action(END)(_in_modal("end"))
    app.action(SKIP_NEXT)(skip_next_clicked)
    app.action(PROPOSE)(open_propose)
    app.view(PROPOSE_MODAL)(propose_submitted)
    app.action(ACCEPT)(_answer(True))
    app.action(DECLINE)(_answer(False))
