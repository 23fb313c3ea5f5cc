"""The warning HR gets when Kinerja cannot post in a channel, and the same advice as terminal
text for `kinerja digest`. Pure functions; the channel's name comes from Slack and is escaped."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import context, escape, section
from bot.i18n import Translator
from bot.ports import About, ChannelState


def channel_ref(state: ChannelState) -> str:
    """`<#C…|name>` renders as #name for whoever can see the channel (the name is only known
    when Slack showed it to the bot); `<#C…>` otherwise, which Slack renders for members."""
    if state.name:
        return f"<#{state.channel}|{escape(state.name)}>"
    return f"<#{state.channel}>"


def advice(tr: Translator, state: ChannelState, about: About, channel: str) -> tuple[str, str]:
    """(what is wrong and what to do, what happens meanwhile)."""
    problem = state.problem if state.problem in ("is_archived", "channel_not_found") else "member"
    what = tr(f"channels.problem.{problem}", channel=channel)
    meanwhile = tr(f"channels.meanwhile.{about}")
    return what, meanwhile


def channel_warning(tr: Translator, state: ChannelState, about: About) -> dict[str, Any]:
    what, meanwhile = advice(tr, state, about, channel_ref(state))
    return {
        "text": tr("channels.warning.text", channel=channel_ref(state)),
        "blocks": [section(what), context(meanwhile)],
    }


def advice_text(tr: Translator, state: ChannelState, about: About) -> str:
    """The same advice for a terminal: the channel by name when known, else by id."""
    channel = f"#{state.name}" if state.name else state.channel
    what, meanwhile = advice(tr, state, about, channel)
    return f"{what}\n{meanwhile}".replace("*", "").replace("`", "")
