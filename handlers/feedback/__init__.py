"""Feedback: given and requested between reviews, peer feedback (360) in review cycles, and
anonymous upward rounds about managers."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.feedback_home import feedback_section
from bot.feedback.tasks import TICK_TASKS
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.feedback import commands, give, peers, requests, upward
from handlers.feedback.give import SHORTCUT_CALLBACK

__all__ = ["CYCLE", "SHORTCUT_CALLBACK"]


def listeners(app: App, services: Services) -> None:
    give.register(app, services)
    peers.register(app, services)
    requests.register(app, services)
    upward.register(app, services)


CYCLE = Cycle(
    "feedback",
    subcommands=(
        Subcommand(
            "feedback", Action.GIVE_FEEDBACK, "cmd.feedback.usage", "cmd.feedback.help",
            commands.feedback_command, aliases=("umpan-balik",),
        ),
        Subcommand(
            "feedback-request", Action.REQUEST_FEEDBACK, "cmd.feedback_request.usage",
            "cmd.feedback_request.help", commands.feedback_request_command,
            aliases=("minta-umpan-balik",),
        ),
        Subcommand(
            "feedback-upward", Action.RUN_UPWARD_ROUNDS, "cmd.feedback_upward.usage",
            "cmd.feedback_upward.help", commands.feedback_upward_command,
            aliases=("umpan-balik-atasan",), refusal_key="feedback.upward.error.hr_only",
        ),
    ),
    listeners=listeners,
    home=feedback_section,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
