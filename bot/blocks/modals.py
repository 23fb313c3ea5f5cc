"""The frame of every modal, and the one notice modal: the answer to a click that opened no
other modal (a result, or a refusal), titled with what the person was doing.

Slack's limits (title, submit and close ≤ 24 characters; ≤ 100 blocks; private_metadata
≤ 3000 characters) are kept here once, so no cycle's modal can break them.
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.text import plain, section, truncate
from bot.i18n import Translator

MAX_BLOCKS = 100
NOTICE_CALLBACK = "kinerja_notice"
VALUE = "value"  # the action_id of an input element that needs no listener of its own
LABEL_LIMIT = 2000


def modal(
    tr: Translator,
    title_key: str,
    blocks: list[dict[str, Any]],
    *,
    callback_id: str | None = None,
    submit_key: str | None = None,
    close_key: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A modal view. Without `submit_key` it only shows something: its button closes it
    ("Close"); with one, the other button cancels ("Cancel") unless `close_key` says else."""
    close = close_key or ("modal.cancel" if submit_key else "modal.close")
    view: dict[str, Any] = {
        "type": "modal",
        "title": plain(tr(title_key), 24),
        "close": plain(tr(close), 24),
        "blocks": blocks[:MAX_BLOCKS],
    }
    if callback_id:
        view["callback_id"] = callback_id
    if submit_key:
        view["submit"] = plain(tr(submit_key), 24)
    if metadata is not None:
        encoded = json.dumps(metadata, separators=(",", ":"))
        if len(encoded) > 3000:
            raise ValueError("private_metadata over Slack's 3000 characters")
        view["private_metadata"] = encoded
    return view


def notice_modal(
    tr: Translator, text: str, title_key: str, *, close_key: str | None = None
) -> dict[str, Any]:
    """A modal that only says `text` (mrkdwn, already escaped), under `title_key`; its one
    button says "Close" unless a cycle's own `close_key` says else (Planning's "OK")."""
    return modal(
        tr,
        title_key,
        [section(truncate(text, 3000))],
        callback_id=NOTICE_CALLBACK,
        close_key=close_key,
    )


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    """An input block. Its element answers under `VALUE` unless it names its own action_id
    (one a listener waits for, such as an external select's options), so a submission's
    state reads as values[block_id]["value"]. Label and hint are cut to Slack's 2000."""
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, LABEL_LIMIT),
        "element": {"action_id": VALUE, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, LABEL_LIMIT)
    return block
