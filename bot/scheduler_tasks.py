"""Imports each cycle's scheduled work so it registers in bot.ticks.TICK_TASKS.

`tick` imports this module before its first pass; a cycle adds one import line here.
"""

import bot.monitoring.tasks  # noqa: F401  (checkin_prompts, obstacle_escalation)
import bot.reporting.tasks  # noqa: F401  (weekly_digests)
import bot.review.tasks  # noqa: F401  (review_cycles, review_reminders)
import bot.reward.summary  # noqa: F401  (kudos_monthly_summary)
import bot.slack.replay  # noqa: F401  (forget_handled_requests)
