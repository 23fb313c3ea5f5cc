"""Interaction payloads for the review flow tests, shaped the way Slack sends them: a modal
comes back with `state.values[block_id][action_id]` for every input block."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from slack_sdk import WebClient

from bot.clock import Clock
from bot.sender import OutboxSender
from storage.db import Database
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack, Message
from tests.waiting import wait_for

TEAM = {"id": "T0001", "domain": "acme"}


def element_state(element: dict[str, Any], typed: Any = None) -> dict[str, Any]:
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    options = element.get("options") or []
    if kind == "plain_text_input":
        state["value"] = typed if typed is not None else element.get("initial_value")
    elif kind == "datepicker":
        state["selected_date"] = typed if typed is not None else element.get("initial_date")
    elif kind == "static_select":
        if typed is None:
            state["selected_option"] = element.get("initial_option")
        else:
            chosen = next((o for o in options if o["value"] == str(typed)), None)
            assert chosen is not None or typed == "", f"{typed!r} is not an option"
            state["selected_option"] = chosen
    elif kind in ("checkboxes", "multi_static_select"):
        if typed is None:
            state["selected_options"] = element.get("initial_options") or []
        else:
            state["selected_options"] = [o for o in options if o["value"] in typed]
    return state


def with_state(view: dict[str, Any], typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The view as Slack sends it back, with what the person typed into it."""
    typed = dict(typed or {})
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        values[block["block_id"]] = {
            element["action_id"]: element_state(element, typed.pop(block["block_id"], None))
        }
    assert not typed, f"no input blocks named {sorted(typed)}"
    return {
        "id": view.get("id", "VPUSHED"),
        "hash": view.get("hash", "1.pushed"),
        "type": "modal",
        "team_id": "T0001",
        "callback_id": view["callback_id"],
        "private_metadata": view.get("private_metadata", ""),
        "title": view["title"],
        "blocks": view["blocks"],
        "state": {"values": values},
    }


def submit(
    app: RunningApp, user: str, view: dict[str, Any], typed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Submit a modal; the ack body ({} when the modal simply closes)."""
    response = app.slack.interaction(
        {
            "type": "view_submission",
            "user": {"id": user, "team_id": "T0001"},
            "team": TEAM,
            "view": with_state(view, typed),
        }
    )
    assert response.status_code == 200, response.text
    return response.json() if response.text else {}


def click(
    app: RunningApp,
    fake: FakeSlack,
    user: str,
    action_id: str,
    value: str = "",
    *,
    message: Message | None = None,
    view: dict[str, Any] | None = None,
    typed: dict[str, Any] | None = None,
) -> str:
    """Click a button in a message, a modal or the App Home; returns the trigger id."""
    trigger = fake.new_trigger_id(user)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "team": TEAM,
        "trigger_id": trigger,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": "button",
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if message is not None:
        payload["container"] = {
            "type": "message",
            "channel_id": message.channel,
            "message_ts": message.ts,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": message.channel}
        payload["message"] = {"ts": message.ts, "text": message.text, "blocks": message.blocks}
        payload["response_url"] = fake.response_url()
    elif view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = with_state(view, typed) if view.get("type") == "modal" else view
    response = app.slack.interaction(payload)
    assert response.status_code == 200, response.text
    return trigger


def button(message: Message, action_id: str) -> str:
    """The value of a button in a message (failing when the message has no such button)."""
    for block in message.blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return str(accessory.get("value", ""))
    raise AssertionError(f"no {action_id} button in {texts(message.blocks)}")


def has_button(blocks: list[dict[str, Any]], action_id: str) -> bool:
    return f'"action_id": "{action_id}"' in texts(blocks)


def opened_after(fake: FakeSlack, trigger: str) -> dict[str, Any]:
    def probe() -> dict[str, Any]:
        found = next((o for o in fake.opened_views if o["trigger_id"] == trigger), None)
        return dict(found["view"]) if found else {}

    return wait_for(probe)


def updates_of(fake: FakeSlack, view_id: str) -> list[dict[str, Any]]:
    return [
        o["view"]
        for o in fake.opened_views
        if o["method"] == "views.update" and o["view_id"] == view_id
    ]


def drain(db: Database, fake: FakeSlack, clock: Clock) -> None:
    OutboxSender(db, WebClient(token="xoxb-test", base_url=fake.api_url), clock).drain()


def texts(blocks: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(blocks), ensure_ascii=False)


def ephemerals(fake: FakeSlack) -> list[str]:
    return [str(r.get("text", "")) for r in fake.responses]
