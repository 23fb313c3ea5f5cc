"""Messages of the reward cycle: the recognition post, the recipients' DMs, the monthly summary
and the `/kinerja kudos` usage answer.

Whatever a person typed (the kudos message) is escaped, quoted and cut so that it can neither
ping (`<!here>`, `<@U…>`) nor break Slack's limits; the only real mentions are the giver's and
the recipients', whose ids come from Slack. Value names come from an admin and are escaped too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from babel.dates import format_date

from bot.blocks.text import (
    SECTION_TEXT_LIMIT,
    button,
    context,
    escape,
    header,
    section,
)
from bot.i18n import Translator
from bot.reward.values import value_label
from storage.kudos import CompanyValue, Kudos

GIVE_ACTION = "reward_give_open"
# The notification preview of a kudos: long enough to read, short enough for a lock screen.
FALLBACK_MESSAGE_LIMIT = 500
TOP_PEOPLE = 5


def cut_escaped(text: str, limit: int) -> str:
    """Cut escaped text to `limit` characters without splitting an `&amp;`-style entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def quote(message: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """A person's text as an escaped mrkdwn block quote of at most `limit` characters."""
    lines = escape(message).splitlines() or [""]
    return cut_escaped("\n".join(f">{line}" for line in lines), limit)


def mention(slack_id: str) -> str:
    return f"<@{slack_id}>"


def mentions(slack_ids: Sequence[str]) -> str:
    return ", ".join(mention(slack_id) for slack_id in slack_ids)


def safe_label(value: CompanyValue, locale: str) -> str:
    return escape(value_label(value, locale))


def _value_context(tr: Translator, kudos: Kudos) -> list[str]:
    if kudos.value is None:
        return []
    return [tr("reward.post.value", value=safe_label(kudos.value, tr.locale))]


def _message(headline: str, message: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "text": f"{headline}\n{cut_escaped(escape(message), FALLBACK_MESSAGE_LIMIT)}",
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def kudos_post(tr: Translator, kudos: Kudos) -> dict[str, Any]:
    """The recognition channel's post (chat.postMessage arguments without `channel`)."""
    giver = mention(kudos.giver.slack_id)
    people = mentions([r.employee.slack_id for r in kudos.recipients])
    headline = tr("reward.post.headline", giver=giver, recipients=people)
    blocks = [
        section(headline),
        section(quote(kudos.message)),
        context(*_value_context(tr, kudos), tr("reward.post.footer")),
    ]
    return _message(headline, kudos.message, blocks)


def kudos_dm(tr: Translator, kudos: Kudos, recipient_id: int) -> dict[str, Any]:
    """The DM to one recipient, in their language; names the others recognised with them."""
    headline = tr("reward.dm.headline", giver=mention(kudos.giver.slack_id))
    others = [r.employee.slack_id for r in kudos.recipients if r.employee_id != recipient_id]
    if others:
        headline += " " + tr("reward.dm.others", others=mentions(others))
    blocks = [
        section(headline),
        section(quote(kudos.message)),
        context(*_value_context(tr, kudos), tr("reward.dm.footer")),
    ]
    return _message(headline, kudos.message, blocks)


def usage_message(
    tr: Translator, values: Sequence[CompanyValue], left_today: int, unknown: bool = False
) -> dict[str, Any]:
    """`/kinerja kudos` without enough to go on: how to use it, the values, and a button."""
    keys = " · ".join(f"`#{escape(v.key)}` {safe_label(v, tr.locale)}" for v in values)
    blocks: list[dict[str, Any]] = [header(tr("reward.usage.title"))]
    if unknown:
        blocks.append(section(tr("reward.usage.incomplete")))
    blocks += [
        section(tr("reward.usage.text")),
        section(tr("reward.usage.values", values=keys)),
        {
            "type": "actions",
            "block_id": "reward_usage_actions",
            "elements": [button(tr("reward.button.give"), GIVE_ACTION, "usage", "primary")],
        },
        context(tr("reward.usage.left", count=left_today)),
    ]
    return {"response_type": "ephemeral", "text": tr("reward.usage.text"), "blocks": blocks}


def ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text, "blocks": [section(text)]}


def month_name(month: date, locale: str) -> str:
    """`November 2026` / `November 2026`, `Januari 2027`: Babel's stand-alone month name."""
    return format_date(month, "LLLL yyyy", locale=locale)


def summary_message(
    tr: Translator,
    month: date,
    *,
    total: int,
    givers: int,
    recipients: int,
    by_value: Sequence[tuple[CompanyValue | None, int]],
    top: Sequence[tuple[str, int]],
) -> dict[str, Any]:
    """The monthly recognition summary for the recognition channel."""
    title = tr("reward.summary.title", month=month_name(month, tr.locale))
    blocks: list[dict[str, Any]] = [
        header(title),
        section(tr("reward.summary.totals", kudos=total, givers=givers, recipients=recipients)),
    ]
    if by_value:
        lines = [
            f"• {safe_label(value, tr.locale) if value else tr('reward.value.none')} — *{count}*"
            for value, count in by_value
        ]
        blocks.append(section(tr("reward.summary.by_value") + "\n" + "\n".join(lines)))
    if top:
        lines = [
            f"{rank}. {mention(slack_id)} — *{count}*"
            for rank, (slack_id, count) in enumerate(top[:TOP_PEOPLE], 1)
        ]
        blocks.append(section(tr("reward.summary.top") + "\n" + "\n".join(lines)))
    blocks.append(context(tr("reward.summary.footer")))
    return {
        "text": tr("reward.summary.fallback", month=month_name(month, tr.locale), kudos=total),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def sent_text(tr: Translator, kudos: Kudos, channel: str | None) -> str:
    """What the giver is told once the kudos is saved (its messages are on their way)."""
    people = mentions([r.employee.slack_id for r in kudos.recipients])
    if channel:
        return tr("reward.sent.channel", people=people, channel=f"<#{channel}>")
    return tr("reward.sent.private", people=people)


def rejection_text(tr: Translator, key: str, values: dict[str, object], *, mrkdwn: bool) -> str:
    """A refusal in the person's language; typed text in it is escaped where mrkdwn renders."""
    if mrkdwn:
        values = {k: escape(v) if isinstance(v, str) else v for k, v in values.items()}
    return tr(key, **values)
