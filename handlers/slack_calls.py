"""Direct Slack calls every cycle's listeners make after `ack()`: opening a modal and
republishing App Homes. A failure is logged and swallowed: the person's action is already
saved, and a missed modal or stale Home must not turn it into an error.

A modal is opened at once (its trigger id lives 3 seconds); Homes are queued behind the
requests still waiting for their ack and merged per person (bot/after_ack.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.home import publish_homes

__all__ = ["open_view", "publish_homes"]

log = logging.getLogger(__name__)


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    """views.open with a trigger id that lives 3 seconds; False when Slack refused it."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False
    return True
