"""What the code asks of Slack, found by reading it, and the scopes that needs.

The Web API methods are found statically in the source (no Slack call is made):

- `<anything>.<name>(…)` where `name` is a method of slack_sdk's WebClient, resolved to the
  Web API methods it calls (`users_lookupByEmail` → `users.lookupByEmail`; `files_upload_v2`
  → `files.getUploadURLExternal` and `files.completeUploadExternal`);
- `api_call("…")` with a literal method, and any `method="…"` keyword given a literal (the
  outbox rows: `enqueue(…, method="chat.postMessage")`);
- `say(…)` (Bolt's shortcut for `chat.postMessage`);
- `api_call(method, …)` with a method only known at run time is allowed only where the set
  of methods it can be is known as data (`DYNAMIC_CALLS`: the outbox sender delivers exactly
  `bot.outbox.SUPPORTED_METHODS`); anywhere else it is reported as a problem.

The events are `app.event("…")` and `app.message(…)` registrations.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from slack_sdk import WebClient

from bot.outbox import SUPPORTED_METHODS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "storage")
HISTORY = frozenset({"channels:history", "groups:history", "im:history", "mpim:history"})
READ = frozenset({"channels:read", "groups:read", "im:read", "mpim:read"})

# Web API method → the bot scopes Kinerja needs for it, from the "Scopes / Bot token" facts of
# each method's page at docs.slack.dev/reference/methods/<method>. Where a method takes one
# scope per kind of conversation, Kinerja needs each kind it uses: DMs (im), the group DMs of
# a person, their manager and the bot (mpim), and the recognition and HR channels, which may
# be public (channels) or private (groups).
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),
    # chat:write.public: kudos reach a public recognition channel the bot was not invited to.
    "chat.postMessage": frozenset({"chat:write", "chat:write.public"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.delete": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),
    # A DM (im:write) or a group DM (mpim:write); Kinerja opens both.
    "conversations.open": frozenset({"im:write", "mpim:write"}),
    # The outbox reads a conversation back before re-posting after an unknown outcome.
    "conversations.history": HISTORY,
    "conversations.replies": HISTORY,
    # Asked only of the HR and recognition channels (public or private), never of a DM.
    "conversations.info": frozenset({"channels:read", "groups:read"}),
    "conversations.members": READ,
    "conversations.join": frozenset({"channels:join"}),
    # users:read.email: the sync stores e-mails (profile.email is left out without it).
    "users.list": frozenset({"users:read", "users:read.email"}),
    "users.info": frozenset({"users:read", "users:read.email"}),
    "users.lookupByEmail": frozenset({"users:read.email"}),
    "views.open": frozenset(),
    "views.push": frozenset(),
    "views.update": frozenset(),
    "views.publish": frozenset(),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
    "reactions.add": frozenset({"reactions:write"}),
}

# Events the code listens to → the manifest subscriptions that deliver them (any one will do).
EVENT_SUBSCRIPTIONS: dict[str, frozenset[str]] = {
    "app_home_opened": frozenset({"app_home_opened"}),
    "app_mention": frozenset({"app_mention"}),
    "message": frozenset({"message.im", "message.mpim", "message.channels", "message.groups"}),
}
# Subscriptions → the bot scopes Slack requires for them (docs.slack.dev/reference/events).
EVENT_SCOPES: dict[str, frozenset[str]] = {
    "app_home_opened": frozenset(),
    "app_mention": frozenset({"app_mentions:read"}),
    "message.im": frozenset({"im:history"}),
    "message.mpim": frozenset({"mpim:history"}),
    "message.channels": frozenset({"channels:history"}),
    "message.groups": frozenset({"groups:history"}),
}

# Files whose `api_call(method, …)` takes the method from data, and the methods that can be.
DYNAMIC_CALLS: dict[str, frozenset[str]] = {"bot/slack/delivery.py": SUPPORTED_METHODS}


@dataclass
class Usage:
    """What the source asks of Slack: method → where; events; calls that cannot be resolved."""

    methods: dict[str, set[str]] = field(default_factory=dict)
    events: dict[str, set[str]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)

    def add_method(self, method: str, where: str) -> None:
        self.methods.setdefault(method, set()).add(where)


@cache
def web_client_methods(name: str) -> frozenset[str]:
    """The Web API methods a WebClient method calls (empty when it is not one of them)."""
    member = vars(WebClient).get(name)
    if name.startswith("_") or not callable(member):
        return frozenset()
    source = inspect.getsource(member)
    found = set(re.findall(r"api_call\(\s*\"([\w.]+)\"", source))
    for inner in re.findall(r"self\.(\w+)\(", source):
        if inner != name:
            found |= web_client_methods(inner)
    return frozenset(found)


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _event_type(node: ast.Call) -> str | None:
    """`app.event("x")` or `app.event({"type": "x", …})`."""
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Dict):
        for key, value in zip(first.keys, first.values, strict=True):
            if _literal(key) == "type":
                return _literal(value)
        return None
    return _literal(first)


def scan(files: Iterable[Path], root: Path = ROOT) -> Usage:
    usage = Usage()
    for path in files:
        relative = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call):
                _call(node, f"{relative}:{node.lineno}", relative, usage)
    return usage


def _call(node: ast.Call, where: str, relative: str, usage: Usage) -> None:
    for keyword in node.keywords:
        method = _literal(keyword.value)
        if keyword.arg == "method" and method and "." in method:
            usage.add_method(method, where)
    func = node.func
    if isinstance(func, ast.Name) and func.id == "say":
        usage.add_method("chat.postMessage", where)
    if not isinstance(func, ast.Attribute):
        return
    if func.attr == "api_call":
        method = _literal(node.args[0] if node.args else None)
        if method:
            usage.add_method(method, where)
        elif relative in DYNAMIC_CALLS:
            for known in DYNAMIC_CALLS[relative]:
                usage.add_method(known, where)
        else:
            usage.unresolved.append(f"{where}: api_call with a method known only at run time")
        return
    if func.attr in ("event", "message") and isinstance(func.value, ast.Name):
        if func.value.id == "app":
            event = "message" if func.attr == "message" else _event_type(node)
            if event:
                usage.events.setdefault(event, set()).add(where)
        return
    for method in web_client_methods(func.attr):
        usage.add_method(method, where)


def source_files() -> list[Path]:
    return sorted(p for folder in SOURCES for p in (ROOT / folder).rglob("*.py"))


def scope_problems(usage: Usage, manifest: dict[str, object]) -> list[str]:
    """Everything the manifest and the code disagree on, one line each (empty when none)."""
    oauth = manifest.get("oauth_config") or {}
    settings = manifest.get("settings") or {}
    features = manifest.get("features") or {}
    assert isinstance(oauth, dict) and isinstance(settings, dict) and isinstance(features, dict)
    declared = set((oauth.get("scopes") or {}).get("bot") or [])
    subscribed = set((settings.get("event_subscriptions") or {}).get("bot_events") or [])
    problems = list(usage.unresolved)
    needed: dict[str, set[str]] = {}
    for method, where in sorted(usage.methods.items()):
        if method not in METHOD_SCOPES:
            problems.append(f"{method} (called at {min(where)}) is not in METHOD_SCOPES")
            continue
        for scope in METHOD_SCOPES[method]:
            needed.setdefault(scope, set()).add(method)
    for event, where in sorted(usage.events.items()):
        delivering = EVENT_SUBSCRIPTIONS.get(event)
        if delivering is None:
            problems.append(f"event {event} (at {min(where)}) is not in EVENT_SUBSCRIPTIONS")
        elif not delivering & subscribed:
            problems.append(f"event {event} is listened to but the manifest subscribes to none "
                            f"of {sorted(delivering)}")  # fmt: skip
    listened = {s for e in usage.events for s in EVENT_SUBSCRIPTIONS.get(e, frozenset())}
    for subscription in sorted(subscribed):
        if subscription not in listened:
            problems.append(f"the manifest subscribes to {subscription}, which nothing handles")
        if subscription not in EVENT_SCOPES:
            problems.append(f"subscription {subscription} is not in EVENT_SCOPES")
            continue
        for scope in EVENT_SCOPES[subscription]:
            needed.setdefault(scope, set()).add(f"event {subscription}")
    if features.get("slash_commands") or features.get("shortcuts"):
        needed.setdefault("commands", set()).add("slash commands and shortcuts")
    for scope in sorted(set(needed) - declared):
        problems.append(f"scope {scope} is missing (needed by {', '.join(sorted(needed[scope]))})")
    for scope in sorted(declared - set(needed)):
        problems.append(f"scope {scope} is declared but nothing in the code needs it")
    return problems
