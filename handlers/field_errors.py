"""Answering a refused modal submission in a way Slack can show.

Slack shows `response_action: errors` only under input blocks of the submitted view; an
error keyed by anything else leaves the person with a generic failure and no hint of what to
mend. A listener names the field it means; here an error whose field is not an input of this
view moves to the first input, and a view without any input block (only a crafted request
has one) gets the refusal as a notice in place of the modal instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.blocks.payload import input_blocks


def placed(view: Any, errors: dict[str, str]) -> dict[str, str]:
    """`errors` keyed by input blocks of `view` (texts sharing a block are joined); {} when
    the view has no input block."""
    present = input_blocks(view)
    if not present:
        return {}
    found: dict[str, str] = {}
    for block, text in errors.items():
        target = block if block in present else present[0]
        found[target] = f"{found[target]} {text}" if target in found else text
    return found


def answer_errors(
    ack: Ack, view: Any, errors: dict[str, str], notice: Callable[[str], dict[str, Any]]
) -> None:
    """Inline errors where Slack can show them, else `notice(text)` in place of the modal."""
    inline = placed(view, errors)
    if inline:
        ack(response_action="errors", errors=inline)
    else:
        text = " ".join(dict.fromkeys(t for t in errors.values() if t)) or "–"
        ack(response_action="update", view=notice(text))
