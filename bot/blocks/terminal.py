"""A Slack message as a person reads it in a terminal (`kinerja digest --dry-run`).

Slack renders mrkdwn; a terminal prints it raw, so `*bold*`, `_italic_`, `<@U123>`, `:tada:`
and `&amp;` would reach the operator as markup. Here each becomes what Slack would show: the
words without their markers, a person's name instead of their mention, a link's label with its
address, no emoji codes, and the characters that were escaped. Text a person typed was escaped
before it went into the message, so it comes back exactly as they typed it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")
_EMOJI = re.compile(r"(?:(?<=\s)|^):[a-z0-9_+'-]+:(?:\s|$)", re.MULTILINE)
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def _token(inner: str, names: Mapping[str, str]) -> str:
    """One `<…>` of mrkdwn: a mention, a channel, a special mention, a date or a link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return names.get(target[1:]) or label or target
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        if target.startswith("!date^"):
            return label
        return label or "@" + target[1:].split("^")[0]
    return f"{label} ({target})" if label and label != target else target


def plain(mrkdwn: str, names: Mapping[str, str]) -> str:
    """mrkdwn to what a reader sees; `names` maps Slack user ids to display names."""
    tokens: list[str] = []

    def hold(match: re.Match[str]) -> str:
        tokens.append(_token(match.group(1), names))
        return f"\x00{len(tokens) - 1}\x00"

    text = _TOKEN.sub(hold, mrkdwn)
    text = _EMOJI.sub(lambda m: "\n" if m.group(0).endswith("\n") else "", text)
    for pattern in (_BOLD, _ITALIC, _STRIKE, _CODE):
        text = pattern.sub(r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _PLACEHOLDER.sub(lambda m: tokens[int(m.group(1))], text)


def _texts(element: Any) -> list[str]:
    if isinstance(element, dict) and isinstance(element.get("text"), str):
        return [element["text"]]
    return []


def terminal_text(message: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The message's blocks, one paragraph each; its fallback text when it has none."""
    out: list[str] = []
    for block in message.get("blocks") or []:
        kind = block.get("type")
        if kind == "header":
            title = plain(block["text"]["text"], names)
            out += [title, "=" * len(title)]
        elif kind == "section":
            texts = _texts(block.get("text"))
            for field in block.get("fields") or []:
                texts += _texts(field)
            out += [plain(t, names) for t in texts] + [""]
        elif kind == "context":
            out += [plain(t, names) for e in block.get("elements", []) for t in _texts(e)]
            out.append("")
        elif kind == "divider":
            out.append("-" * 40)
    if not out:
        out.append(plain(str(message.get("text") or ""), names))
    return "\n".join(out).rstrip("\n") + "\n"
