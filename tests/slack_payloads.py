"""Interaction payloads shaped the way Slack sends them, shared by every cycle's flow tests.

A modal's `view_submission` carries the view as Slack holds it (id, hash, callback_id,
private_metadata) and `state.values` keyed by block_id then action_id, with an entry for every
input block: what was typed, or the initial value, or null. A `block_actions` payload carries
the container it came from: a message (with a `response_url`), a modal or the App Home.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select

from bot.clock import Clock
from bot.slack.sender import OutboxSender
from storage.db import Database
from storage.models import OutboxMessage
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack, Message
from tests.signed import check_field_errors
from tests.waiting import wait_for

TEAM = {"id": "T0001", "domain": "acme"}
USER_TEAM = "T0001"


def _chosen(element: dict[str, Any], typed: Any) -> dict[str, Any] | None:
    """The option whose value was picked; "" picks nothing (a cleared optional select)."""
    chosen = next((o for o in element.get("options") or [] if o["value"] == str(typed)), None)
    assert chosen is not None or typed == "", f"{typed!r} is not an option of {element}"
    return chosen


def element_state(element: dict[str, Any], typed: Any = None) -> dict[str, Any]:
    """The state Slack keeps for one input element; `typed` overrides the initial value."""
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "number_input"):
        state["value"] = typed if typed is not None else element.get("initial_value")
    elif kind == "multi_users_select":
        state["selected_users"] = typed if typed is not None else element.get("initial_users", [])
    elif kind == "users_select":
        state["selected_user"] = typed if typed is not None else element.get("initial_user")
    elif kind == "channels_select":
        state["selected_channel"] = typed if typed is not None else element.get("initial_channel")
    elif kind == "conversations_select":
        initial = element.get("initial_conversation")
        state["selected_conversation"] = typed if typed is not None else initial
    elif kind == "datepicker":
        state["selected_date"] = typed if typed is not None else element.get("initial_date")
    elif kind == "timepicker":
        state["selected_time"] = typed if typed is not None else element.get("initial_time")
    elif kind in ("radio_buttons", "static_select"):
        initial = element.get("initial_option")
        state["selected_option"] = initial if typed is None else _chosen(element, typed)
    elif kind == "external_select":
        state["selected_option"] = typed if typed is not None else element.get("initial_option")
    elif kind in ("checkboxes", "multi_static_select"):
        options = element.get("options") or []
        if typed is None:
            state["selected_options"] = element.get("initial_options") or []
        else:
            state["selected_options"] = [o for o in options if o["value"] in typed]
    return state


def with_state(view: dict[str, Any], typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The view as Slack sends it back, with what the person typed into it (by block id)."""
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
        "team_id": USER_TEAM,
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
            "user": {"id": user, "team_id": USER_TEAM},
            "team": TEAM,
            "view": with_state(view, typed),
        }
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json() if response.text else {}
    check_field_errors(view, answer)
    if fake is not None:
        assert app.services.after_ack.wait_idle(5)
    return answer


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
    home: bool = False,
) -> str:
    """Click a button (or pick an overflow option with `selected`) in a message, a modal or
    the App Home (`home`, or a `view` of type home); with none of them, a click in a message
    the test need not name. Returns the trigger id, to find the modal the click opened."""
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
        "user": {"id": user, "team_id": USER_TEAM},
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
    if view is None and not home:  # Slack gives a response_url to clicks in messages only
        payload["response_url"] = fake.response_url()
    if home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    elif view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        is_modal = view.get("type", "modal") == "modal"
        payload["view"] = with_state(view, typed) if is_modal else view
    response = app.slack.interaction(payload)
    assert response.status_code == 200, response.text
    return trigger


def opened_after(fake: FakeSlack, trigger: str) -> dict[str, Any]:
    """The modal opened with this trigger id (waiting for the handler's work after ack)."""
    found = wait_for(
        lambda: next((o for o in fake.opened_views if o["trigger_id"] == trigger), None)
    )
    assert found is not None, f"no modal opened with trigger {trigger}"
    return dict(found["view"])


def drain(db: Database, fake: FakeSlack, clock: Clock) -> None:
    """Send everything the outbox holds to the fake Slack, as the sender process would."""
    OutboxSender(db, WebClient(token="xoxb-test", base_url=fake.api_url), clock).drain()


def unsent(db: Database) -> list[str]:
    """Outbox rows not (yet) sent, with their error: [] once a drain delivered everything."""
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
        return [f"{r.idempotency_key}: {r.status} {r.last_error}" for r in rows]


def outbox_keys(db: Database, prefix: str = "") -> list[str]:
    """The idempotency keys in the outbox, oldest first, optionally only those with `prefix`."""
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage.idempotency_key)
                .where(OutboxMessage.idempotency_key.startswith(prefix))
                .order_by(OutboxMessage.id)
            )
        )


def ephemerals(fake: FakeSlack) -> list[str]:
    """The texts the app sent through response_url, oldest first."""
    return [str(r.get("text", "")) for r in fake.responses]


def texts(blocks: Iterable[dict[str, Any]]) -> str:
    """Blocks as JSON (non-ASCII kept), for `in` assertions on anything they show or carry."""
    return json.dumps(list(blocks), ensure_ascii=False)
