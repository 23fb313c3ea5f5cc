"""Review: cycles opened by HR, self-review and manager review, agreed in the pair's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.review_home import review_section
from bot.permissions import Action
from bot.review.home import load_review_home
from bot.review.tasks import TICK_TASKS
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.home import HomeContext
from handlers.review import modals, reviews


def listeners(app: App, services: Services) -> None:
    reviews.register(app, services)
    modals.register(app, services)


def home_section(home: HomeContext) -> list[dict[str, Any]]:
    """The Review section of the App Home: read by the core, then drawn."""
    return review_section(
        home.tr, load_review_home(home.session, home.employee, home.now), home.now
    )


CYCLE = Cycle(
    "review",
    subcommands=(
        Subcommand(
            "review", Action.VIEW_OWN_REVIEWS, "cmd.review.usage", "cmd.review.help",
            reviews.review_command, aliases=("reviu",),
        ),
        Subcommand(
            "review-cycle", Action.OPEN_REVIEW_CYCLE, "cmd.review_cycle.usage",
            "cmd.review_cycle.help", reviews.review_cycle_command, aliases=("siklus-reviu",),
            refusal_key="review.error.hr_only",  # the same answer as `review open` & co.
        ),
    ),
    listeners=listeners,
    home=home_section,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
