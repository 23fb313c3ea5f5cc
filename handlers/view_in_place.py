"""Answering a click wherever it happened: a button inside a modal replaces that modal's view
(the clicker stays in one window, and a trigger from a modal cannot open another); a button
in a message or on the App Home opens a modal, and a refusal goes only to the clicker
(handlers/slack_calls.py). The review's *Next step* modal relies on this: its Approve,
Acknowledge, Ask to discuss and Nominate buttons are the same listeners as everywhere else.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.slack_calls import open_view, tell_clicker

log = logging.getLogger(__name__)


def modal_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """The modal the click came from, if it came from one."""
    view = body.get("view")
    if isinstance(view, dict) and view.get("type") == "modal" and isinstance(view.get("id"), str):
        return view
    return None


def show_view(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> bool:
    """Replace the modal the click came from, else open `view`; False when Slack refused."""
    current = modal_of(body)
    if current is None:
        return open_view(client, str(body.get("trigger_id") or ""), view)
    try:
        client.views_update(view_id=current["id"], view=view)
    except SlackApiError as error:
        log.info("views.update after a click in a modal failed: %s", error.response.get("error"))
        return False
    return True


def tell_in_place(
    client: WebClient, body: dict[str, Any], respond: Respond, text: str, notice: dict[str, Any]
) -> None:
    """An answer only the clicker sees: in the modal they clicked in, else as tell_clicker."""
    if modal_of(body) is not None:
        show_view(client, body, notice)
    else:
        tell_clicker(client, body, respond, text, notice)
