"""`/kinerja away …` (everyone) and `/kinerja admin [team]` with the check-in schedule modal
(HR and admins)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select

from bot.blocks.monitoring import short_date
from bot.blocks.monitoring_modals import SCHEDULE_CALLBACK, schedule_modal
from bot.blocks.payload import meta_id, state_values
from bot.blocks.planning_modals import notice_modal  # the generic "Kinerja" / "OK" notice
from bot.blocks.text import escape
from bot.monitoring import (
    MonitoringValidationError,
    cancel_away,
    escalation_days,
    load_schedules,
    parse_away_date,
    set_away,
    set_schedule,
    validate_schedule,
)
from bot.monitoring.obstacles import set_escalation_days
from bot.monitoring.schedule import reset_team_schedule
from bot.permissions import Action, PermissionDenied, can
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.toolkit import acting_employee, answer_errors
from storage.models import Team

log = logging.getLogger(__name__)

SET_WORDS = ("until", "sampai", "hingga")
CANCEL_WORDS = ("cancel", "batal", "off", "selesai")
SCHEDULE_BLOCKS = frozenset(
    {"inherit", "cadence", "weekday", "local_time", "questions", "escalation_days"}
)


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}


def away_command(req: CommandRequest) -> None:
    """`away until 2026-12-31`, `away 2026-12-31`, `away cancel`, or `away` for the status."""
    tr, now, args = req.tr, req.services.clock.now(), [a.lower() for a in req.args]
    if args and args[0] in CANCEL_WORDS:
        was = cancel_away(req.session, req.employee, now=now)
        req.session.commit()  # saved before the person is told so
        key = "monitoring.away.cancelled" if was is not None else "monitoring.away.not_away"
        req.ack(**_ephemeral(tr(key)))
        return
    if args and args[0] in SET_WORDS:
        args = args[1:]
    if not args:
        until = req.employee.away_until
        if until is None:
            req.ack(**_ephemeral(tr("monitoring.away.usage")))
        else:
            req.ack(**_ephemeral(tr("monitoring.away.status", date=short_date(tr, until))))
        return
    try:
        day = parse_away_date(args[0])
        set_away(req.session, req.employee, day, settings=req.services.settings, now=now)
        req.session.commit()  # saved before the person is told so
    except MonitoringValidationError as error:
        req.session.rollback()
        req.ack(**_ephemeral(tr(next(iter(error.errors.values())))))
        return
    req.ack(**_ephemeral(tr("monitoring.away.set", date=short_date(tr, day))))


def admin_command(req: CommandRequest) -> None:
    """Opens the organisation's schedule, or a team's with `/kinerja admin <team name>`."""
    name = " ".join(req.args).strip()
    team = None
    if name:
        team = req.session.scalar(
            select(Team).where(
                Team.team_id == req.employee.team_id, func.lower(Team.name) == name.lower()
            )
        )
        if team is None:
            req.ack(**_ephemeral(req.tr("monitoring.error.team_unknown", team=escape(name[:80]))))
            return
    req.ack()
    schedules = load_schedules(req.session, req.employee.team_id)
    spec = schedules.for_team(team.id) if team else schedules.org
    view = schedule_modal(
        req.tr,
        spec,
        team_id=team.id if team else None,
        team_name=team.name if team else None,
        escalation_days=escalation_days(req.session, req.employee.team_id),
    )
    try:
        req.services.client.views_open(trigger_id=req.command["trigger_id"], view=view)
    except SlackApiError as error:
        log.warning("could not open the schedule modal: %s", error.response.get("error"))


def _selected(values: dict[str, dict[str, Any]], block: str) -> dict[str, Any]:
    return dict(next(iter((values.get(block) or {}).values()), {}))


def _option(values: dict[str, dict[str, Any]], block: str) -> str:
    option = _selected(values, block).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else ""


def register(app: App, services: Services) -> None:
    db = services.db

    def schedule_submitted(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        view = body.get("view") or {}
        values = state_values(view)
        org_team_id = meta_id(view, "team")
        inherit = bool(_selected(values, "inherit").get("selected_options"))
        chosen = _selected(values, "questions").get("selected_options")
        questions = [
            o.get("value")
            for o in (chosen if isinstance(chosen, list) else [])
            if isinstance(o, dict)
        ]
        team_id = str(context.get("team_id") or body["user"].get("team_id"))
        tr = services.translator_for(None)
        refusal: str | None = None
        now = services.clock.now()
        try:
            with db.session() as session:
                actor = acting_employee(session, services, team_id, body["user"]["id"])
                tr = services.translator_for(actor)
                if actor is None or not can(actor, Action.CONFIGURE_SCHEDULE):
                    raise PermissionDenied(Action.CONFIGURE_SCHEDULE)
                if org_team_id is not None and inherit:
                    reset_team_schedule(session, actor, org_team_id, now=now)
                else:
                    spec = validate_schedule(
                        _option(values, "cadence"),
                        _option(values, "weekday"),
                        str(_selected(values, "local_time").get("selected_time") or ""),
                        [str(q) for q in questions],
                    )
                    set_schedule(session, actor, org_team_id, spec, now=now)
                if org_team_id is None:
                    days = str(_selected(values, "escalation_days").get("value") or "")
                    set_escalation_days(session, actor, days, now=now)
        except MonitoringValidationError as error:
            errors = {
                field if field in SCHEDULE_BLOCKS else "cadence": tr(key, **error.values)
                for field, key in error.errors.items()
            }
            answer_errors(ack, view, errors, lambda text: notice_modal(tr, text))
            return
        except PermissionDenied:
            refusal = "error.permission"
        if refusal is not None:
            answer_errors(ack, view, {"cadence": tr(refusal)}, lambda text: notice_modal(tr, text))
            return
        ack()

    app.view(SCHEDULE_CALLBACK)(schedule_submitted)
