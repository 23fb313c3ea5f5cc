"""Direct Slack calls every cycle's listeners make after `ack()`: opening a modal, telling the
clicker something and republishing App Homes. A failure is logged and swallowed: the person's
action is already saved, and a missed modal or stale Home must not turn it into an error.

A modal is opened at once (its trigger id lives 3 seconds); Homes are queued behind the
requests still waiting for their ack and merged per person (bot/slack/after_ack.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.home import publish_homes

__all__ = ["open_view", "publish_homes", "tell_clicker"]

log = logging.getLogger(__name__)


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    """views.open with a trigger id that lives 3 seconds; False when Slack refused it."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False
    return True


def tell_clicker(
    client: WebClient, body: dict[str, Any], respond: Respond, text: str, notice: dict[str, Any]
) -> None:
    """An answer only the clicker sees: ephemeral under the message they clicked in, else the
    `notice` modal (Slack gives a response_url to clicks in messages only, not to those on the
    App Home or in a modal)."""
    if body.get("response_url"):
        try:
            respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception as error:  # a dead response_url must not fail the action
            log.info("could not answer %s through response_url: %s", body["user"]["id"], error)
    elif body.get("trigger_id"):
        open_view(client, body["trigger_id"], notice)
