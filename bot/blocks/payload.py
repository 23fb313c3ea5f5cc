"""Reading what comes back from Slack: a modal's private_metadata and state, and the ids in
button values — defensively, in one place for every listener.

All of it travels through the person's client, so all of it is untrusted: a crafted request
may carry `[]` or `notjson` as metadata, `1e30` or `abc` as an id, a view without any input
block, or state shaped like nothing Slack sends. Each reader here returns a plain value or
None and never raises, so a listener answers with a refusal (or an inline error) instead of a
stack trace. An id is an int a database column can hold: a number beyond that would make
SQLite raise OverflowError, so it is no id at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sanitize import strip_control

ID_MAX = 2**31 - 1  # the primary keys are INTEGER columns on both databases
_ID = re.compile(r"^#?[0-9]{1,10}$")


def db_id(value: Any) -> int | None:
    """A positive database id from "12", "#12" or 12; None for anything else ("abc", "1e30",
    "-1", 1.5, True, a number too large for the column)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.match(value.strip()):
        number = int(value.strip().lstrip("#"))
    else:
        return None
    return number if 0 < number <= ID_MAX else None


def db_version(value: Any) -> int | None:
    """A row version as a button or metadata carries it: like an id, 1 or more."""
    return db_id(value)


def pointer(value: Any) -> tuple[int, int | None] | None:
    """ "12:3" → (12, 3); "12" → (12, None); None when the id is not one. A version that is
    present but unreadable is no pointer either: it would match nothing anyway."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    number, colon, version = str(value).partition(":")
    found = db_id(number)
    if found is None:
        return None
    if not colon:
        return found, None
    parsed = db_version(version)
    return (found, parsed) if parsed is not None else None


def metadata(view: Any) -> dict[str, Any]:
    """The view's private_metadata as a JSON object; {} when it is missing, not JSON, or JSON
    of another shape (`[]`, `"x"`, `null`)."""
    if not isinstance(view, dict):
        return {}
    raw = view.get("private_metadata")
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        meta = json.loads(raw)
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def meta_id(view: Any, key: str) -> int | None:
    """An id stored in the metadata under `key`."""
    return db_id(metadata(view).get(key))


def meta_text(view: Any, key: str, limit: int = 3000) -> str:
    """A string stored in the metadata under `key`; "" for anything else."""
    value = metadata(view).get(key)
    return strip_control(value)[:limit] if isinstance(value, str) else ""


def input_blocks(view: Any) -> list[str]:
    """The block ids of the view's input blocks, in order: where Slack can show an error."""
    if not isinstance(view, dict) or not isinstance(view.get("blocks"), list):
        return []
    return [
        str(b["block_id"])
        for b in view["blocks"]
        if isinstance(b, dict) and b.get("type") == "input" and isinstance(b.get("block_id"), str)
    ]


def state_values(view: Any) -> dict[str, dict[str, Any]]:
    """`state.values` with only well-formed entries: block id → action id → element state."""
    if not isinstance(view, dict):
        return {}
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return {}
    clean: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        if isinstance(actions, dict):
            clean[str(block_id)] = {
                str(action_id): element
                for action_id, element in actions.items()
                if isinstance(element, dict)
            }
    return clean


def element_state(view: Any, block_id: str, action_id: str | None = None) -> dict[str, Any]:
    """The state of the element in `block_id` (the one named `action_id`, or its only one)."""
    actions = state_values(view).get(block_id) or {}
    if action_id is not None:
        return dict(actions.get(action_id) or {})
    return dict(next(iter(actions.values()), {}))


def action_value(action: Any) -> str:
    """A clicked button's value (or a chosen option's), as text; "" when there is none."""
    if not isinstance(action, dict):
        return ""
    value = action.get("value")
    if value is None and isinstance(action.get("selected_option"), dict):
        value = action["selected_option"].get("value")
    return value if isinstance(value, str) else ""
