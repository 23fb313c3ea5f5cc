"""The Slack side of bot/ports.py: what a tick may ask of Slack, built from the settings."""

from __future__ import annotations

from bot.config import Settings
from bot.ports import Ports
from bot.slack.channel_check import SlackChannelChecker
from bot.slack.client import make_web_client
from bot.slack.files import SlackFileSender


def slack_ports(settings: Settings) -> Ports:
    """Uploads and channel checks through the Web API; none without a bot token (`kinerja
    tick` on a box that has no Slack), in which case that work waits for a tick that has."""
    if not settings.slack_bot_token:
        return Ports()
    client = make_web_client(settings)
    return Ports(files=SlackFileSender(client), channels=SlackChannelChecker(client))
