"""Direct Slack calls every cycle's listeners make after `ack()`: opening a modal and
republishing App Homes. A failure is logged and swallowed: the person's action is already
saved, and a missed modal or stale Home must not turn it into an error."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from handlers.home import publish_home

log = logging.getLogger(__name__)


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    """views.open with a trigger id that lives 3 seconds; False when Slack refused it."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False
    return True


def publish_homes(services: Services, client: WebClient, team_id: str, users: set[str]) -> None:
    """Republish each affected person's App Home; a failure for one does not stop the rest."""
    for user_id in sorted(users):
        try:
            publish_home(services, client, team_id, user_id)
        except SlackApiError as error:
            log.warning("views.publish for %s failed: %s", user_id, error.response.get("error"))
        except Exception:  # a broken Home section must not stop the others' republishing
            log.exception("could not build the App Home of %s", user_id)
