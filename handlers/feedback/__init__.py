"""Feedback: given and requested between reviews, peer feedback (360) in review cycles, and
anonymous upward rounds about managers."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.feedback_home import feedback_home_blocks
from bot.feedback.home import load_home
from bot.feedback.tasks import TICK_TASKS
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.feedback import commands, give, peers, requests, upward
from handlers.feedback.give import SHORTCUT_CALLBACK
from handlers.home import HomeContext

__all__ = ["CYCLE", "SHORTCUT_CALLBACK"]


def listeners(app: App, services: Services) -> None:
    give.register(app, services)
    peers.register(app, services)
    requests.register(app, services)
    upward.register(app, services)



def home_section(home: HomeContext) -> list[dict[str, Any]]:
    """The loader (bot/feedback/home.py) reads; the renderer only draws what it returned."""
    return feedback_home_blocks(home.tr, load_home(home.session, home.employee, home.now))


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
    home=home_section,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
