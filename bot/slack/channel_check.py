"""Can Kinerja post in a channel? Asked of Slack with `conversations.info` (scopes
`channels:read` for public channels, `groups:read` for private ones).

A private channel the bot was not invited to is invisible to it (`channel_not_found`); a
public one it is not in can take text posts (`chat:write.public`) but not files, so the HR
channel (which gets the digest's chart) needs the bot as a member either way. A check that
cannot be made (network, a missing scope on an old install) says "fine": the send-time
fallback (bot/org/channels.py `reroute`) still stands behind every post.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.ports import CHANNEL_ERRORS, ChannelState

log = logging.getLogger(__name__)


class SlackChannelChecker:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def check(self, channel: str, *, post_files: bool) -> ChannelState:
        try:
            response = self.client.conversations_info(channel=channel)
        except SlackApiError as error:
            data = error.response.data if isinstance(error.response.data, dict) else {}
            problem = str(data.get("error") or "")
            if problem in CHANNEL_ERRORS:
                return ChannelState(channel, problem)
            log.warning("channel %s could not be checked: %s", channel, problem or error)
            return ChannelState(channel)
        except Exception as error:  # the network: not a reason to stop posting
            log.warning("channel %s could not be checked: %s", channel, error)
            return ChannelState(channel)
        info = response.get("channel") or {}
        name = str(info.get("name") or "") or None
        if info.get("is_archived"):
            return ChannelState(channel, "is_archived", name)
        private = bool(info.get("is_private") or info.get("is_group"))
        if not info.get("is_member") and (private or post_files):
            return ChannelState(channel, "not_in_channel", name)
        return ChannelState(channel, None, name)
