"""Helpers for the Monitoring flow tests: the text and buttons a person sees in some blocks,
and a drain that fails when anything stays unsent. The payloads every cycle shares are in
`tests.slack_payloads` and re-exported here."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from storage.db import Database
from tests import slack_payloads
from tests.fakeslack import FakeSlack, Message
from tests.fakeslack.api_chat import conversations_open
from tests.slack_payloads import (
    TEAM,
    click,
    element_state,
    opened_after,
    submit,
    unsent,
    with_state,
)
from tests.slack_payloads import outbox_keys as keys

__all__ = [
    "TEAM",
    "buttons",
    "conversation",
    "pair_dm",
    "click",
    "drain",
    "element_state",
    "keys",
    "opened_after",
    "submit",
    "texts",
    "unsent",
    "with_state",
]


def drain(db: Database, fake: FakeSlack, clock: Clock) -> None:
    """Send what the outbox holds; every row must have been delivered."""
    slack_payloads.drain(db, fake, clock)
    assert unsent(db) == []


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


def pair_dm(fake: FakeSlack, *users: str) -> str:
    """The id the fake gives the group DM of `users` and the bot (without recording a call)."""
    return str(conversations_open(fake, {"users": ",".join(users)})["channel"]["id"])


def conversation(fake: FakeSlack, *users: str) -> tuple[Message, list[Message]]:
    """The one top-level message in the group DM of `users` (a check-in summary) and the
    replies in its thread, oldest first."""
    messages = fake.messages_in(pair_dm(fake, *users))
    top = [m for m in messages if m.thread_ts is None or m.thread_ts == m.ts]
    assert len(top) == 1, [m.text for m in top]
    return top[0], [m for m in messages if m.thread_ts == top[0].ts and m.ts != top[0].ts]
