"""Reading `/kinerja kudos <@U1|ani> <@U2> #collaboration thanks for …`.

The command is declared with "Escape channels, users, and links" (manifest `should_escape:
true`), so Slack turns `@ani` into `<@U123|ani>` and `#collaboration` into `<#C…|collaboration>`
when a channel of that name exists; plain `#collaboration` arrives as typed. Only the mentions
and the one value at the start count; everything after them is the message, kept as typed
(newlines included) and escaped later, when it is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"\s*,?\s*(?:"
    r"<@(?P<user>[UW][A-Z0-9]+)(?:\|[^>]*)?>"
    r"|<#C[A-Z0-9]+\|(?P<channel>[^>]+)>"
    r"|#(?P<value>[^\s<>#]+)"
    r")"
)
SETTINGS_WORDS = frozenset({"settings", "pengaturan", "setup", "atur"})


@dataclass(frozen=True)
class KudosCommand:
    recipients: list[str] = field(default_factory=list)  # Slack user ids, in order, no repeats
    value: str | None = None
    message: str = ""


def parse_kudos_command(text: str) -> KudosCommand:
    recipients: list[str] = []
    value: str | None = None
    position = 0
    while match := _TOKEN.match(text, position):
        if match.group("user"):
            if match.group("user") not in recipients:
                recipients.append(match.group("user"))
        else:
            if value is not None:
                break  # a second #word belongs to the message
            value = match.group("channel") or match.group("value")
        position = match.end()
    return KudosCommand(recipients, value, text[position:].strip())


def strip_subcommand(text: str) -> str:
    """The command text after its first word (`kudos`), with the rest's layout intact."""
    stripped = text.lstrip()
    parts = stripped.split(maxsplit=1)
    if len(parts) < 2:
        return ""
    return stripped[len(parts[0]) :].strip()
