"""The App Home tab, published whenever a person opens it and after what changes it."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.home import HomeContext, home_view
from bot.directory import employee_by_slack_id
from bot.services import Services
from handlers.people import acting_employee
from storage.models import Employee

log = logging.getLogger(__name__)


def publish_home(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    """Building a Home reads a lot and writes nothing, so it runs in a read-only session that
    does not hold SQLite's write lock while it works; only someone Kinerja has never met is
    first added from Slack's directory, in a session of its own."""
    with services.db.session(read_only=True) as session:
        employee = employee_by_slack_id(session, team_id, user_id)
        view = _view(services, session, employee) if employee is not None else None
    if view is None:
        with services.db.session() as session:
            employee = acting_employee(session, services, team_id, user_id)
            if employee is None:
                return
            view = _view(services, session, employee)
    client.views_publish(user_id=user_id, view=view)


def publish_homes(services: Services, client: WebClient, team_id: str, users: set[str]) -> None:
    """Queue a republish of each affected person's App Home; one failing does not stop the
    rest, and a Home queued twice is built once, from the newer state."""
    for user_id in sorted(users):
        services.after_ack.submit(
            ("home", team_id, user_id), partial(_publish_one, services, client, team_id, user_id)
        )


def _publish_one(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    try:
        publish_home(services, client, team_id, user_id)
    except SlackApiError as error:
        log.warning("views.publish for %s failed: %s", user_id, error.response.get("error"))
    except Exception:  # a broken Home section must not stop the others' republishing
        log.exception("could not build the App Home of %s", user_id)


def _view(services: Services, session: Session, employee: Employee) -> dict[str, Any]:
    tr = services.translator_for(employee)
    return home_view(HomeContext(session, employee, tr, services.clock.now()))


def register(app: App, services: Services) -> None:
    def app_home_opened(event: dict[str, Any], context: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_homes(services, client, context["team_id"], {event["user"]})

    app.event("app_home_opened")(app_home_opened)
