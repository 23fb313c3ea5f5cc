"""manifest.yml declares what the code listens to, and nothing it does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from handlers.feedback.give import SHORTCUT_CALLBACK as FEEDBACK_SHORTCUT
from handlers.reward.kudos import SHORTCUT_CALLBACK

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"


def _manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text())


def test_one_slash_command_with_escaped_mentions() -> None:
    commands = _manifest()["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/kinerja"]
    assert commands[0]["should_escape"] is True  # kudos parse <@U…|name>


def test_shortcuts_match_the_listeners() -> None:
    shortcuts = _manifest()["features"]["shortcuts"]
    assert {s["callback_id"] for s in shortcuts} == {SHORTCUT_CALLBACK, FEEDBACK_SHORTCUT}
    assert all(len(s["name"]) <= 24 for s in shortcuts)


def test_events_and_home() -> None:
    manifest = _manifest()
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_scopes_cover_the_calls_the_code_makes() -> None:
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert {
        "commands",
        "chat:write",
        "users:read",
        "users:read.email",
        "im:write",
        "im:history",
        "mpim:write",
        "mpim:history",
    } <= scopes


def test_scopes_for_checking_channels_before_posting() -> None:
    """bot/slack/channel_check.py asks `conversations.info` about the HR and recognition channels:
    `channels:read` answers for a public channel, `groups:read` for a private one."""
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert {"channels:read", "groups:read"} <= scopes
