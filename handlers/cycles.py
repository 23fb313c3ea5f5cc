"""The cycles Kinerja is made of, in the order help and the App Home show them."""

from __future__ import annotations

from bot.monitoring.tasks import TICK_TASKS as MONITORING_TASKS
from bot.reporting.tasks import TICK_TASKS as REPORTING_TASKS
from bot.review.tasks import TICK_TASKS as REVIEW_TASKS
from bot.reward.summary import TICK_TASKS as REWARD_TASKS
from bot.slack.replay import TICK_TASKS as REQUEST_TASKS
from bot.ticks import TickTask
from handlers.cycle import Cycle

CYCLES: tuple[Cycle, ...] = (
    Cycle("people", tick_tasks=REQUEST_TASKS),
    Cycle("planning"),
    Cycle("monitoring", tick_tasks=MONITORING_TASKS),
    Cycle("review", tick_tasks=REVIEW_TASKS),
    Cycle("reward", tick_tasks=REWARD_TASKS),
    Cycle("reporting", tick_tasks=REPORTING_TASKS),
)

TICK_TASKS: tuple[TickTask, ...] = tuple(task for cycle in CYCLES for task in cycle.tick_tasks)
