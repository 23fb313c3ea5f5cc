"""What the core asks of Slack while it works on a tick, as protocols.

The core imports no Slack module: a tick task that must upload the digest's chart or check
that Kinerja may post in a channel is handed these ports in its TickContext. bot/slack
implements them (bot/slack/ports.py); without a bot token (`kinerja tick` on a test box) they
are None and the work waits for the next tick that has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

# Slack's answers that mean "this channel cannot take the post", as opposed to a bad message.
CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


# What the channel is for; it chooses the warning's "until then" line and, at send time,
# whether HR gets a DM copy (everything but a kudos post, whose recipients have theirs).
About = Literal["hr_digest", "hr", "recognition", "kudos"]


@dataclass(frozen=True)
class ChannelState:
    """What a check found. `problem` is one of CHANNEL_ERRORS, or None when the channel can be
    used (or could not be checked: then the send-time fallback still stands behind it)."""

    channel: str
    problem: str | None = None
    name: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class ChannelChecker(Protocol):
    def check(self, channel: str, *, post_files: bool) -> ChannelState:
        """`post_files`: the channel also gets files (the digest's chart), which needs the bot
        to be a member even of a public channel; a text post to a public one does not."""
        ...


class FileSender(Protocol):
    """Uploads a file to a channel, or to a person's DM (`user`); the Slack side lives in
    bot/slack/files.py so that this package imports nothing from Slack."""

    def send_file(
        self,
        *,
        channel: str | None,
        user: str | None,
        content: bytes,
        filename: str,
        title: str,
        comment: str,
    ) -> dict[str, str]: ...


@dataclass(frozen=True)
class Ports:
    files: FileSender | None = None
    channels: ChannelChecker | None = None
