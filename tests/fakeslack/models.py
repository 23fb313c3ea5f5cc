"""Records and small helpers shared by the fake Slack server's modules.

Why a separate module: the state, the HTTP layer and the per-method handlers all need these
types, and keeping them here avoids import cycles between those modules.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

JsonDict = dict[str, Any]


@dataclass
class Call:
    """One request to `/api/<method>`, kept so tests can assert what the app sent and got back."""

    method: str
    args: JsonDict
    headers: dict[str, str]
    response: JsonDict
    status: int


@dataclass
class Message:
    """A message the bot posted; `updated` turns true after `chat.update` so tests see edits."""

    channel: str
    ts: str
    text: str
    blocks: list[JsonDict] = field(default_factory=list)
    thread_ts: str | None = None
    user: str = ""
    metadata: JsonDict | None = None
    updated: bool = False


@dataclass
class Fault:
    """A queued failure for the next `remaining` calls of one method (or "*" for any)."""

    status: int
    retry_after: int | None
    error: str | None
    body: str | None
    remaining: int
    # Slack did the work before it failed (a 5xx after the message was stored).
    stored: bool = False


@dataclass
class Flaky:
    """A share of the next `remaining` calls of one method fail, spread evenly."""

    fraction: float
    remaining: int
    status: int
    stored: bool
    seen: int = 0


class ApiError(Exception):
    """Raised by a method handler to answer `{"ok": false, "error": ...}` like Slack does.

    `extra` carries the additional keys Slack adds to some errors (e.g. `errors` and
    `response_metadata.messages` for `invalid_blocks`).
    """

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def truthy(value: Any) -> bool:
    """Slack booleans arrive as JSON true, "true", "1" (slack_sdk turns True into "1") or 1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return False


def opt_str(args: JsonDict, key: str) -> str | None:
    """A string argument, or None when absent or empty (Slack treats "" as not given)."""
    value = args.get(key)
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None


def req_str(args: JsonDict, key: str, error: str = "invalid_arguments") -> str:
    """A required string argument; a missing one is the error Slack gives for that method."""
    value = opt_str(args, key)
    if value is None:
        raise ApiError(error)
    return value


def int_arg(args: JsonDict, key: str, default: int) -> int:
    """An integer argument; garbage becomes `invalid_arguments` rather than a server crash."""
    value = args.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError("invalid_arguments") from exc


def encode_cursor(prefix: str, key: str) -> str:
    """Opaque cursors shaped like Slack's (base64 of e.g. "user:U123")."""
    return base64.b64encode(f"{prefix}:{key}".encode()).decode()


def paginate(
    items: Sequence[T], key: Callable[[T], str], limit: int, cursor: str | None, prefix: str
) -> tuple[list[T], str]:
    """Cut one page out of `items`; the cursor names the first item of the next page.

    Why key-based and not offset-based: items added between pages do not shift later pages,
    which is how Slack's cursors behave for the app.
    """
    start = 0
    if cursor:
        try:
            decoded = base64.b64decode(cursor.encode(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ApiError("invalid_cursor") from exc
        head, _, wanted = decoded.partition(":")
        if head != prefix:
            raise ApiError("invalid_cursor")
        for index, item in enumerate(items):
            if key(item) == wanted:
                start = index
                break
        else:
            raise ApiError("invalid_cursor")
    page = list(items[start : start + limit])
    after = start + limit
    next_cursor = encode_cursor(prefix, key(items[after])) if after < len(items) else ""
    return page, next_cursor
