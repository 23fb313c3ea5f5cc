"""Helpers for the review and nomination flow tests: buttons in a message, the modal updates
a handler made. The payloads every cycle shares are in `tests.slack_payloads` and re-exported
here."""

from __future__ import annotations

from typing import Any

from tests.fakeslack import FakeSlack, Message
from tests.slack_payloads import (
    TEAM,
    click,
    drain,
    element_state,
    ephemerals,
    opened_after,
    submit,
    texts,
    with_state,
)

__all__ = [
    "TEAM",
    "button",
    "button_in",
    "click",
    "drain",
    "element_state",
    "ephemerals",
    "has_button",
    "opened_after",
    "submit",
    "texts",
    "updates_of",
    "with_state",
]


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


def button_in(view: dict[str, Any], action_id: str) -> str:
    """The value of a button in a modal (failing when the modal has no such button)."""
    for block in view.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action_id} button in {texts(view.get('blocks') or [])}")


def has_button(blocks: list[dict[str, Any]], action_id: str) -> bool:
    return f'"action_id": "{action_id}"' in texts(blocks)


def updates_of(fake: FakeSlack, view_id: str) -> list[dict[str, Any]]:
    return [
        o["view"]
        for o in fake.opened_views
        if o["method"] == "views.update" and o["view_id"] == view_id
    ]
