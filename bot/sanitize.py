"""Text from outside — Slack payloads, modals, CSV files — without control characters.

PostgreSQL refuses a NUL in a text column (psycopg raises DataError), and nobody means to
type a bell or an escape; newlines, tabs and carriage returns are kept, because people do
type those. The same rule serves the request boundary (handlers/payload_guard.py strips every
string of every Slack request) and the core's own cleaning of what it stores, so a CLI import
or a test calling the core directly is held to it as well.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """`text` without control characters other than newline, tab and carriage return."""
    return CONTROL.sub("", text)


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def clean_text(text: str) -> str:
    """Trimmed, one kind of line break, without control characters: what the core stores."""
    return strip_control(text.replace("\r\n", "\n")).strip()
