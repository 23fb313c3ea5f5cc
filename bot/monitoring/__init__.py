"""The Monitoring cycle's core: check-in schedules, prompts, check-ins, obstacles, participation.

No Slack here. Functions take a session, the acting employee, the settings and `now`; they
enforce who may do what (bot/permissions.py, bot/monitoring/rules.py), raise
MonitoringValidationError / NotFound / PermissionDenied, and write outbox messages in the
caller's transaction. The scheduled work is in bot/monitoring/tasks.py.
"""

from bot.monitoring.answers import acknowledge_checkin, checkin_for_manager, reply_to_checkin
from bot.monitoring.away import cancel_away, parse_away_date, set_away
from bot.monitoring.checkin_form import CheckinForm, checkin_form, default_period, resolve_period
from bot.monitoring.checkins import (
    CheckinAnswers,
    SubmitResult,
    obstacle_lines,
    submit_checkin,
)
from bot.monitoring.errors import MonitoringValidationError, NotFound, ReaderOnly
from bot.monitoring.home import CheckinStatus, checkin_status
from bot.monitoring.obstacles import (
    escalate_obstacles,
    escalated_obstacles,
    escalation_days,
    open_obstacles_of,
    set_obstacle_status,
    team_open_obstacles,
)
from bot.monitoring.participation import ParticipationRow, PersonStatus, participation
from bot.monitoring.periods import Period, moments, parse_period, period_containing
from bot.monitoring.prompts import send_due_prompts
from bot.monitoring.schedule import (
    ScheduleSpec,
    load_schedules,
    save_schedule,
    schedule_for,
    set_schedule,
    validate_schedule,
)

__all__ = [
    "CheckinAnswers",
    "CheckinForm",
    "CheckinStatus",
    "MonitoringValidationError",
    "NotFound",
    "ParticipationRow",
    "Period",
    "PersonStatus",
    "ReaderOnly",
    "ScheduleSpec",
    "SubmitResult",
    "acknowledge_checkin",
    "cancel_away",
    "checkin_for_manager",
    "checkin_form",
    "checkin_status",
    "default_period",
    "escalate_obstacles",
    "escalated_obstacles",
    "escalation_days",
    "load_schedules",
    "moments",
    "obstacle_lines",
    "open_obstacles_of",
    "parse_away_date",
    "parse_period",
    "participation",
    "period_containing",
    "reply_to_checkin",
    "resolve_period",
    "save_schedule",
    "schedule_for",
    "send_due_prompts",
    "set_away",
    "set_obstacle_status",
    "set_schedule",
    "submit_checkin",
    "team_open_obstacles",
    "validate_schedule",
]
