"""Channels the test declares (`add_channel`), and what Slack does with a post to one.

Why: a private channel the bot was not invited to, or an archived one, refuses posts — the
case the app must survive (HR's digest, the recognition channel). A channel no test declared
behaves as before: every post lands. Declared channels follow Slack's rules:

- `conversations.info`: a private channel the bot is not in is invisible (`channel_not_found`);
  otherwise its `name`, `is_private`, `is_archived` and `is_member`.
- `chat.postMessage` / `chat.update`: archived → `is_archived`; private and the bot not a member
  → `not_in_channel`; public → fine without membership (the app has `chat:write.public`).
- files shared to a channel: the bot must be a member (`not_in_channel`), even of a public one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import ApiError, JsonDict, req_str

if TYPE_CHECKING:
    from .state import SlackState


def check_post(st: SlackState, channel: str) -> None:
    info = st.channels.get(channel)
    if info is None:
        return
    if info["is_archived"]:
        raise ApiError("is_archived")
    if info["is_private"] and not info["is_member"]:
        raise ApiError("not_in_channel")


def check_file(st: SlackState, channel: str) -> None:
    check_post(st, channel)
    info = st.channels.get(channel)
    if info is not None and not info["is_member"]:
        raise ApiError("not_in_channel")


def conversations_info(st: SlackState, args: JsonDict) -> JsonDict:
    channel = req_str(args, "channel", "channel_not_found")
    info = st.channels.get(channel)
    if info is None:
        if channel[:1] not in ("C", "G"):
            raise ApiError("channel_not_found")
        info = {"id": channel, "name": channel.lower(), "is_private": False}
        info.update(is_archived=False, is_member=True)
    if info["is_private"] and not info["is_member"]:
        raise ApiError("channel_not_found")
    return {"channel": {**info, "is_channel": not info["is_private"], "is_group": False}}


METHODS = {"conversations.info": conversations_info}
