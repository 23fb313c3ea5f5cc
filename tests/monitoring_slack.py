"""Interaction payloads for the Monitoring flow tests, shaped the way Slack sends them: a
modal comes back with `state.values[block_id][action_id]` for every input block."""

from __future__ import annotations

import time
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select

from bot.clock import Clock
from bot.sender import OutboxSender
from storage.db import Database
from storage.models import OutboxMessage
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack, Message
from tests.waiting import wait_for

TEAM = {"id": "T0001", "domain": "acme"}


def element_state(element: dict[str, Any], typed: Any = None) -> dict[str, Any]:
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind == "plain_text_input":
        state["value"] = typed if typed is not None else element.get("initial_value")
    elif kind == "timepicker":
        state["selected_time"] = typed if typed is not None else element.get("initial_time")
    elif kind in ("radio_buttons", "static_select"):
        if typed is None:
            state["selected_option"] = element.get("initial_option")
        else:
            chosen = next((o for o in element["options"] if o["value"] == typed), None)
            assert chosen is not None, f"{typed!r} is not an option of {element}"
            state["selected_option"] = chosen
    elif kind == "checkboxes":
        if typed is None:
            state["selected_options"] = element.get("initial_options") or []
        else:
            state["selected_options"] = [o for o in element["options"] if o["value"] in typed]
    return state


def with_state(view: dict[str, Any], typed: dict[str, Any] | None = None) -> dict[str, Any]:
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
        "id": view["id"],
        "hash": view["hash"],
        "type": "modal",
        "team_id": "T0001",
        "callback_id": view["callback_id"],
        "private_metadata": view.get("private_metadata", ""),
        "title": view["title"],
        "blocks": view["blocks"],
        "state": {"values": values},
    }


def submit(
    app: RunningApp,
    user: str,
    view: dict[str, Any],
    typed: dict[str, Any] | None = None,
    *,
    fake: FakeSlack | None = None,
) -> dict[str, Any]:
    """Submit a modal; the ack body ({} when the modal simply closes).

    With `fake`, it also waits for the work the app does after its ack (a Home refresh for
    someone looking at it), so no work of this test is still running when the next one starts.
    """
    response = app.slack.interaction(
        {
            "type": "view_submission",
            "user": {"id": user, "team_id": "T0001"},
            "team": TEAM,
            "view": with_state(view, typed),
        }
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json() if response.text else {}
    if fake is not None:
        assert app.services.after_ack.wait_idle(5)
    return answer


def click(
    app: RunningApp,
    fake: FakeSlack,
    user: str,
    action_id: str,
    value: str,
    *,
    message: Message | None = None,
    home: bool = False,
) -> str:
    """Click a button in a message (or on the Home tab); returns the trigger id."""
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
        "response_url": fake.response_url(),
    }
    if message is not None:
        payload["container"] = {
            "type": "message",
            "channel_id": message.channel,
            "message_ts": message.ts,
        }
        payload["channel"] = {"id": message.channel}
        payload["message"] = {"ts": message.ts, "text": message.text, "blocks": message.blocks}
    elif home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    response = app.slack.interaction(payload)
    assert response.status_code == 200, response.text
    return trigger


def opened_after(fake: FakeSlack, trigger: str) -> dict[str, Any]:
    found = wait_for(
        lambda: next((o for o in fake.opened_views if o["trigger_id"] == trigger), None)
    )
    assert found is not None
    return dict(found["view"])


def drain(db: Database, fake: FakeSlack, clock: Clock) -> None:
    OutboxSender(db, WebClient(token="xoxb-test", base_url=fake.api_url), clock).drain()
    assert unsent(db) == []


def unsent(db: Database) -> list[str]:
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
        return [f"{r.idempotency_key}: {r.status} {r.last_error}" for r in rows]


def keys(db: Database, prefix: str = "") -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage.idempotency_key)
                .where(OutboxMessage.idempotency_key.startswith(prefix))
                .order_by(OutboxMessage.id)
            )
        )


def texts(blocks: list[dict[str, Any]]) -> str:
    """All text of some blocks, to assert on what a person reads."""
    out: list[str] = []
    for block in blocks:
        for part in (block.get("text"), block.get("label"), block.get("hint")):
            if isinstance(part, dict):
                out.append(part.get("text", ""))
        for element in block.get("elements", []) or []:
            if isinstance(element, dict) and isinstance(element.get("text"), dict):
                out.append(element["text"]["text"])
            elif isinstance(element, dict) and isinstance(element.get("text"), str):
                out.append(element["text"])
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and isinstance(accessory.get("text"), dict):
            out.append(accessory["text"]["text"])
    return "\n".join(out)


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(action_id, value) of every button, in order."""
    found: list[tuple[str, str]] = []
    for block in blocks:
        elements = list(block.get("elements", []) or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        for element in elements:
            if isinstance(element, dict) and element.get("type") == "button":
                found.append((element["action_id"], element.get("value", "")))
    return found
