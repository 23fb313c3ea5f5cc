"""Slack listeners, grouped by cycle. Each module has `register(app, services)`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.services import Services


def register_listeners(app: App, services: Services) -> None:
    from handlers import (
        commands,
        home,
        middleware,
        monitoring,
        nominations,
        payload_guard,
        planning,
        prompt_ack,
        reporting,
        review,
        reward,
    )

    prompt_ack.register(app)
    payload_guard.register(app)  # before anything looks an id up
    middleware.register(app, services)
    commands.register(app, services)
    home.register(app, services)
    reward.register(app, services)
    planning.register(app, services)
    monitoring.register(app, services)
    review.register(app, services)
    nominations.register(app, services)
    reporting.register(app, services)
