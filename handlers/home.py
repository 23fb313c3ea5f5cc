"""The App Home tab, published whenever a person opens it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.home import HomeContext, home_view
from bot.services import Services
from handlers.people import acting_employee

log = logging.getLogger(__name__)


def publish_home(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    with services.db.session() as session:
        employee = acting_employee(session, services, team_id, user_id)
        if employee is None:
            return
        view = home_view(
            HomeContext(session, employee, services.translator_for(employee), services.clock.now())
        )
    client.views_publish(user_id=user_id, view=view)


def register(app: App, services: Services) -> None:
    def app_home_opened(event: dict[str, Any], context: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(services, client, context["team_id"], event["user"])

    app.event("app_home_opened")(app_home_opened)
