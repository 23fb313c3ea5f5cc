"""Interaction payloads for planning tests, shaped the way Slack sends them.

A modal's `view_submission` carries the view as Slack holds it (id, hash, callback_id,
private_metadata) and `state.values` keyed by block_id then action_id, with an entry for every
input block: what was typed, or the initial value, or null.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

import requests
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.planning_form import VALUE
from bot.sender import OutboxSender
from storage.db import Database
from storage.goals import Goal
from storage.models import OutboxMessage
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack, Message
from tests.waiting import wait_for

TEAM = {"id": "T0001", "domain": "acme"}


def element_state(element: dict[str, Any], typed: Any = None) -> dict[str, Any]:
    """The state Slack keeps for one input element; `typed` overrides the initial value."""
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind == "plain_text_input":
        state["value"] = typed if typed is not None else element.get("initial_value")
    elif kind == "datepicker":
        state["selected_date"] = typed if typed is not None else element.get("initial_date")
    elif kind in ("radio_buttons", "static_select"):
        options = element.get("options") or []
        if typed is not None:
            chosen = next((o for o in options if o["value"] == typed), None)
            assert chosen is not None, f"{typed!r} is not an option of {element}"
            state["selected_option"] = chosen
        else:
            state["selected_option"] = element.get("initial_option")
    elif kind == "external_select":
        state["selected_option"] = typed if typed is not None else element.get("initial_option")
    elif kind == "checkboxes":
        options = element.get("options") or []
        if typed is not None:
            state["selected_options"] = [o for o in options if o["value"] in typed]
        else:
            state["selected_options"] = element.get("initial_options") or []
    return state


def with_state(view: dict[str, Any], typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The view as Slack sends it back, with what the person typed into it."""
    typed = dict(typed or {})
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id = block["block_id"]
        values[block_id] = {VALUE: element_state(block["element"], typed.pop(block_id, None))}
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
    app: RunningApp, user: str, view: dict[str, Any], typed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Submit a modal; returns the ack body ({} when it simply closes)."""
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
    selected: str | None = None,
) -> str:
    """Click a button (or pick an overflow option) in a message, a modal or the App Home.

    Returns the trigger id, to find the modal the click opened.
    """
    trigger = fake.new_trigger_id(user)
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "b",
        "type": "button",
        "value": value,
        "action_ts": f"{time.time():.6f}",
    }
    if selected is not None:
        action = {**action, "type": "overflow", "selected_option": {"value": selected}}
        action.pop("value")
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "team": TEAM,
        "trigger_id": trigger,
        "actions": [action],
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
        kind = view.get("type", "modal")
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = with_state(view, typed) if kind == "modal" else view
    response = app.slack.interaction(payload)
    assert response.status_code == 200, response.text
    return trigger


def suggest(app: RunningApp, user: str, view: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """What the parent-goal select offers when the person types `text`."""
    payload = {
        "type": "block_suggestion",
        "user": {"id": user, "team_id": "T0001"},
        "team": TEAM,
        "action_id": "planning_parent",
        "block_id": "parent",
        "value": text,
        "container": {"type": "view", "view_id": view["id"]},
        "view": with_state(view),
    }
    response = app.slack.interaction(payload)
    assert response.status_code == 200, response.text
    return list(response.json().get("options") or [])


def opened_after(fake: FakeSlack, trigger: str) -> dict[str, Any]:
    """The modal opened with this trigger id (waiting for the handler's work after ack)."""
    found = wait_for(
        lambda: next((o for o in fake.opened_views if o["trigger_id"] == trigger), None)
    )
    assert found is not None
    return dict(found["view"])


def last_update(fake: FakeSlack, view_id: str, count_before: int) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        updates = [o for o in fake.opened_views if o["method"] == "views.update"]
        return updates[-1]["view"] if len(updates) > count_before else None

    view = wait_for(probe)
    assert view is not None and view["id"] == view_id
    return view


def drain(db: Database, fake: FakeSlack, clock: Any) -> None:
    OutboxSender(db, WebClient(token="xoxb-test", base_url=fake.api_url), clock).drain()


def outbox_keys(db: Database) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id))
        )


def unsent(db: Database) -> list[str]:
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
        return [f"{r.idempotency_key}: {r.status} {r.last_error}" for r in rows]


def goal_status(db: Database, goal_id: int) -> tuple[str, int]:
    with db.session() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        return goal.status, goal.version


def texts(blocks: Iterable[dict[str, Any]]) -> str:
    """Every piece of text in blocks, flattened, for `in` assertions."""
    return json.dumps(list(blocks), ensure_ascii=False)


def ephemeral_texts(fake: FakeSlack) -> list[str]:
    return [str(r.get("text", "")) for r in fake.responses]


def ping(app: RunningApp) -> None:
    assert requests.get(f"{app.url}/healthz", timeout=5).status_code == 200


def home_of(fake: FakeSlack, user: str) -> dict[str, Any]:
    """The user's published App Home, once the app has published it."""
    view = wait_for(lambda: fake.views_published.get(user))
    assert view is not None
    return view
