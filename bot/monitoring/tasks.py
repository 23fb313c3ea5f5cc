"""The Monitoring cycle's scheduled work, declared with the rest of the cycle in
handlers/monitoring."""

from __future__ import annotations

from bot.monitoring.away import end_expired_leave
from bot.monitoring.obstacles import obstacle_escalation_task
from bot.monitoring.prompts import checkin_prompts_task
from bot.ticks import TickTask

TICK_TASKS = (
    TickTask("end_expired_leave", end_expired_leave),
    TickTask("checkin_prompts", checkin_prompts_task),
    TickTask("obstacle_escalation", obstacle_escalation_task),
)
