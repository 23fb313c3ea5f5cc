"""What the property tests generate (text people type, with Slack markup in it) and what they
check of everything rendered from it: Block Kit limits, no markup they typed left unescaped,
refusals that are named and translated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Translator
from storage.models import OutboxMessage
from tests.fakeslack import validate_blocks, validate_view

LOCALES = ("en", "id")
# What people paste that Slack would turn into a ping or a link, plus text that is no markup.
FRAGMENTS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@UEVIL>",
    "<#CEVIL|general>",
    "<http://evil.example|click>",
    "<https://evil.example>",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "*",
    "_",
    "`",
    "~",
    "\n",
    "\r\n",
    "> ",
    "- ",
    "• ",
    " ",
    "\t",
    "😀",
    "\u200b",
    "\x00",
    "goal",
]
RAW = ("<!channel", "<!here", "<!everyone", "<@UEVIL", "<#CEVIL", "<http://evil", "<https://evil")
# The only `<…>` Kinerja writes itself: mentions of ids Slack gave it, dates, permalinks.
OWN_MARKUP = re.compile(
    r"<@U[A-Z0-9]+>|<#C[A-Z0-9]+>|<!date\^\d+\^[^|>]*\|[^>]*>|<https://acme\.slack\.com/[^>]*>"
)

untrusted = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map("".join)
# Long text, cheaply: a piece repeated, to cross every length limit now and then.
long_text = st.builds(lambda piece, times: piece * times, untrusted, st.integers(1, 120))
free_text = untrusted | long_text


def typed(limit: int) -> st.SearchStrategy[str]:
    """Mostly something the core accepts (not blank, within `limit`), sometimes anything."""
    fits = free_text.map(lambda t: ("w " + t.strip())[:limit])
    return st.one_of(fits, fits, fits, free_text)


FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ------------------------------------------------------------------ checks


def mrkdwn_texts(node: Any, top: bool = True) -> Iterator[str]:
    """Every text Slack renders as mrkdwn: mrkdwn objects, and a message's fallback `text`."""
    if isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item, False)
    elif isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield str(node.get("text", ""))
        if top and isinstance(node.get("text"), str):
            yield node["text"]
        for key, value in node.items():
            if key != "text" or isinstance(value, dict | list):
                yield from mrkdwn_texts(value, False)


def assert_safe(payload: Any) -> None:
    for text in mrkdwn_texts(payload):
        for raw in RAW:
            assert raw not in text, text
        assert "<" not in OWN_MARKUP.sub("", text), text


def check_message(message: dict[str, Any]) -> None:
    assert validate_blocks(message.get("blocks", []), "message") == [], message
    assert len(message.get("text") or "") <= 40_000
    assert_safe(message)


def check_view(view: dict[str, Any]) -> None:
    assert validate_view(view) == [], view
    assert_safe(view)


def check_blocks(blocks: list[dict[str, Any]], surface: str) -> None:
    assert validate_blocks(blocks, surface) == [], blocks
    assert_safe(blocks)


def check_outbox(session: Session) -> None:
    """Every Slack call the change queued, as the sender would post it."""
    session.flush()
    for row in session.scalars(select(OutboxMessage)):
        payload = {k: v for k, v in row.payload.items() if not k.startswith("_")}
        if "blocks" in payload or "text" in payload:
            check_message(payload)


def check_errors(keys: dict[str, str], allowed: set[str], values: dict[str, Any]) -> None:
    """A refusal names the fields, and each message exists in both languages."""
    assert keys and set(keys) <= allowed, keys
    for key in keys.values():
        for locale in LOCALES:
            assert Translator(locale)(key, **values).strip()
