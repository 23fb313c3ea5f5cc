"""The Monitoring cycle's scheduled work, registered in bot.ticks.TICK_TASKS on import
(bot/scheduler_tasks.py imports this module)."""

from __future__ import annotations

from bot.monitoring.obstacles import obstacle_escalation_task
from bot.monitoring.prompts import checkin_prompts_task
from bot.ticks import TICK_TASKS

TICK_TASKS["checkin_prompts"] = checkin_prompts_task
TICK_TASKS["obstacle_escalation"] = obstacle_escalation_task
