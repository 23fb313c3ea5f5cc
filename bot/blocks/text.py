"""Making untrusted text safe and short enough for Slack."""

from __future__ import annotations

from typing import Any

SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
CONTEXT_LIMIT = 2000


def escape(text: str) -> str:
    """Escape what a person typed so `<!channel>` or `<@U1>` shows as text and pings nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters, marking the cut, so Slack never rejects the whole message."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def mrkdwn(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    """A mrkdwn text object from text the code composed (already escaped where needed)."""
    return {"type": "mrkdwn", "text": truncate(text, limit)}


def plain(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def section(text: str, **extra: Any) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text)}
    block.update(extra)
    return block


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(t, CONTEXT_LIMIT) for t in texts[:10]]}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str | None = None, style: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_LIMIT),
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element
