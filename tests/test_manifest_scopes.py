"""manifest.yml asks for exactly the bot scopes and events the code needs: the Web API methods
it calls and the events it listens to are found by reading the source (tests/slack_scopes.py)
and compared with the manifest through a table of what each method needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.slack_scopes import ROOT, Usage, scan, scope_problems, source_files

MANIFEST = ROOT / "manifest.yml"


def manifest() -> dict[str, Any]:
    return dict(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))


def test_the_manifest_declares_what_the_code_calls_and_nothing_else() -> None:
    usage = scan(source_files())
    assert scope_problems(usage, manifest()) == []
    # What the scan must have found, or it found nothing at all.
    assert {
        "chat.postMessage",
        "conversations.history",
        "conversations.replies",
        "conversations.open",
        "users.list",
        "users.lookupByEmail",
        "files.getUploadURLExternal",
        "views.publish",
    } <= set(usage.methods)
    assert "app_home_opened" in usage.events


def test_crash_recovery_can_read_every_kind_of_conversation() -> None:
    """The outbox reads history before re-posting: DMs, group DMs, public and private channels."""
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert {"im:history", "mpim:history", "channels:history", "groups:history"} <= scopes


def write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def test_a_missing_scope_or_an_unknown_method_is_reported(tmp_path: Path) -> None:
    code = write(
        tmp_path,
        "code.py",
        "def f(client, services, app):\n"
        "    client.conversations_history(channel='C1')\n"
        "    services.client.files_upload_v2(channel='C1', file=b'x')\n"
        "    client.api_call('admin.users.list')\n"
        "    enqueue(session, method='chat.update', payload={})\n"
        "    client.api_call(method_from_data, json={})\n"
        "    app.event('app_mention')(f)\n"
        "    app.event({'type': 'message', 'subtype': None})(f)\n",
    )
    usage = scan([code], root=tmp_path)
    assert set(usage.methods) == {
        "conversations.history",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
        "admin.users.list",
        "chat.update",
    }
    declared = {
        "oauth_config": {"scopes": {"bot": ["channels:history", "chat:write", "files:write"]}},
        "settings": {"event_subscriptions": {"bot_events": ["app_home_opened"]}},
    }
    assert scope_problems(usage, declared) == [
        "code.py:6: api_call with a method known only at run time",
        "admin.users.list (called at code.py:4) is not in METHOD_SCOPES",
        "event app_mention is listened to but the manifest subscribes to none of ['app_mention']",
        "event message is listened to but the manifest subscribes to none of "
        "['message.channels', 'message.groups', 'message.im', 'message.mpim']",
        "the manifest subscribes to app_home_opened, which nothing handles",
        "scope groups:history is missing (needed by conversations.history)",
        "scope im:history is missing (needed by conversations.history)",
        "scope mpim:history is missing (needed by conversations.history)",
    ]


def test_a_scope_nothing_needs_is_reported() -> None:
    usage = Usage(methods={"chat.update": {"x.py:1"}})
    declared = {"oauth_config": {"scopes": {"bot": ["chat:write", "reactions:write"]}}}
    assert scope_problems(usage, declared) == [
        "scope reactions:write is declared but nothing in the code needs it"
    ]
