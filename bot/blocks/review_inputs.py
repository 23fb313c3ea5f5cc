"""Small pieces shared by the review modals: inputs, and reading their state back (the
modal frame is bot/blocks/modals.py).

Every input's action_id is VALUE, so a view's state reads as `values[block_id][VALUE]`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks import payload

VALUE = "value"


def text_input(
    value: str = "", *, multiline: bool = False, max_length: int = 3000
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if value:
        element["initial_value"] = value[:max_length]
    return element


def date_input(value: date | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker"}
    if value is not None:
        element["initial_date"] = value.isoformat()
    return element


def state_of(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return payload.element_state(view, block_id, VALUE)


def date_of(view: dict[str, Any], block_id: str) -> date | None:
    raw = state_of(view, block_id).get("selected_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def selected_int(view: dict[str, Any], block_id: str) -> int | None:
    option = state_of(view, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 4 else None


def metadata_of(view: dict[str, Any]) -> dict[str, Any]:
    return payload.metadata(view)


def input_blocks(view: dict[str, Any]) -> list[str]:
    return payload.input_blocks(view)
