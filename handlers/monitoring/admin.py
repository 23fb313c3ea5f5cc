"""`/kinerja away …` (everyone) and `/kinerja admin [team]` with the check-in schedule modal
(HR and admins)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from sqlalchemy import func, select

from bot.blocks.monitoring import short_date
from bot.blocks.monitoring_modals import SCHEDULE_CALLBACK, schedule_modal
from bot.blocks.payload import element_state, meta_id
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
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import CommandRequest
from handlers.monitoring.outcomes import permission_refusal, save_submission
from handlers.toolkit import Actor, open_view
from storage.models import Team

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
    open_view(req.services.client, req.command["trigger_id"], view)


def _chosen(view: Any, block: str) -> str:
    """The value of the option chosen in `block`'s select; "" when there is none."""
    option = element_state(view, block).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else ""


def _save_schedule(actor: Actor, view: Any) -> None:
    """What the schedule modal says, saved for the actor: the organisation's schedule (with
    the escalation setting), a team's, or a team's reset to the organisation's."""
    session, employee, now = actor.session, actor.employee, actor.now
    org_team_id = meta_id(view, "team")
    if org_team_id is not None and element_state(view, "inherit").get("selected_options"):
        reset_team_schedule(session, employee, org_team_id, now=now)
    else:
        chosen = element_state(view, "questions").get("selected_options")
        questions = [
            str(o.get("value"))
            for o in (chosen if isinstance(chosen, list) else [])
            if isinstance(o, dict)
        ]
        spec = validate_schedule(
            _chosen(view, "cadence"),
            _chosen(view, "weekday"),
            str(element_state(view, "local_time").get("selected_time") or ""),
            questions,
        )
        set_schedule(session, employee, org_team_id, spec, now=now)
    if org_team_id is None:
        days = str(element_state(view, "escalation_days").get("value") or "")
        set_escalation_days(session, employee, days, now=now)


def schedule_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Saved before the ack: bad input is an inline error on its field (one without a field
    of its own on the cadence) and nothing is kept."""
    view = body.get("view") or {}
    save_submission(
        ack,
        body,
        context,
        lambda actor: _save_schedule(actor, view),
        action=Action.CONFIGURE_SCHEDULE,
        explain=permission_refusal,
        refusal_field="cadence",
        fields=SCHEDULE_BLOCKS,
    )


def register(app: App, services: Services) -> None:
    app.view(SCHEDULE_CALLBACK)(schedule_submitted)
