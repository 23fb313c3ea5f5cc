"""The requests of the ack-latency benchmark, built the way Slack sends them.

Four kinds in equal shares, shuffled: `/kinerja help`, `/kinerja goal` (opens the goal modal;
it needs a trigger id fresh from the fake Slack, minted just before the request is sent), a
check-in modal submission by a seeded person for the current week (validated and saved before
the ack), and a manager pressing **Acknowledge** under the last check-in of one of their reports
(acked first, saved afterwards). Each check-in and each Acknowledge is by a different person or
on a different check-in, so every one of them really writes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bench.ack_seed import (
    TEAM_ID,
    Size,
    active_goal_ids,
    checkin_id,
    manager_of,
    slack_id,
)

KINDS = ("help", "goal", "checkin", "click")
FORM = "application/x-www-form-urlencoded"
CONFIDENCE = {"text": {"type": "plain_text", "text": "On track"}, "value": "on_track"}
MOOD = {"text": {"type": "plain_text", "text": "Good"}, "value": "4"}

Mint = Callable[[str], str]  # user id -> a fresh trigger id from the fake


@dataclass(frozen=True)
class Request:
    kind: str
    user: str
    body: Callable[[Mint], bytes]
    checkin_id: int | None = None  # the check-in an Acknowledge click is about


def sign(secret: str, body: bytes) -> dict[str, str]:
    """Slack's headers for `body`, timestamped now (Bolt refuses anything 5 minutes old)."""
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def _command(user: str, text: str, trigger_id: str) -> bytes:
    form = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "bench",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/kinerja",
        "text": text,
        "api_app_id": "A0KINERJA",
        "is_enterprise_install": "false",
        "response_url": "http://127.0.0.1:9/unused",
        "trigger_id": trigger_id,
    }
    return urlencode(form).encode()


def _interaction(payload: dict[str, Any]) -> bytes:
    payload = {"team": {"id": TEAM_ID, "domain": "bench"}, "api_app_id": "A0KINERJA", **payload}
    return urlencode({"payload": json.dumps(payload)}).encode()


def _text_state(action_id: str, value: str) -> dict[str, Any]:
    return {action_id: {"type": "plain_text_input", "value": value}}


def checkin_view(i: int, period_key: str) -> dict[str, Any]:
    """The check-in modal as Slack sends it back: every key result moved, a confidence per
    goal, a mood and the four answers (an obstacle for one person in four)."""
    values: dict[str, Any] = {}
    shown: dict[str, str] = {}
    for goal_id in active_goal_ids(i):  # one key result per goal, with the goal's id
        current = goal_id * 7 % 100
        shown[str(goal_id)] = str(current)
        values[f"kr_{goal_id}"] = _text_state("value", str((current + 5) % 100))
        values[f"conf_{goal_id}"] = {
            "confidence": {"type": "static_select", "selected_option": CONFIDENCE}
        }
    values["mood"] = {"mood": {"type": "radio_buttons", "selected_option": MOOD}}
    values["wins"] = _text_state("wins", "Closed three deals & <!here> demoed the app")
    values["obstacles"] = _text_state("obstacles", "Waiting for legal" if i % 4 == 0 else "")
    values["support"] = _text_state("support", "")
    values["plans"] = _text_state("plans", "Finish the proposal")
    return {
        "id": f"VCHECKIN{i:08d}",
        "hash": "1700000000.abcdef",
        "type": "modal",
        "team_id": TEAM_ID,
        "callback_id": "monitoring_checkin",
        "private_metadata": json.dumps({"p": period_key, "s": shown}, separators=(",", ":")),
        "title": {"type": "plain_text", "text": "Check-in"},
        "blocks": [{"type": "input", "block_id": block_id} for block_id in values],
        "state": {"values": values},
    }


def _help(i: int) -> Request:
    user = slack_id(i)
    return Request("help", user, lambda mint: _command(user, "help", "T.0"))


def _goal(i: int) -> Request:
    user = slack_id(i)
    return Request("goal", user, lambda mint: _command(user, "goal", mint(user)))


def _checkin(i: int, period_key: str) -> Request:
    user = slack_id(i)
    payload = {
        "type": "view_submission",
        "user": {"id": user, "team_id": TEAM_ID},
        "view": checkin_view(i, period_key),
    }
    body = _interaction(payload)
    return Request("checkin", user, lambda mint: body)


def _click(report: int, size: Size) -> Request:
    manager = manager_of(report)
    assert manager is not None
    user = slack_id(manager)
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM_ID},
        "container": {"type": "message", "channel_id": f"D{user}", "message_ts": "1.000100"},
        "channel": {"id": f"D{user}"},
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {
                "action_id": "monitoring_ack",
                "block_id": "b",
                "type": "button",
                "value": str(checkin_id(report, 1, size)),
                "action_ts": "1700000000.000100",
            }
        ],
    }

    def body(mint: Mint) -> bytes:
        payload["trigger_id"] = mint(user)  # Slack sends one with every click
        return _interaction(payload)

    return Request("click", user, body, checkin_id(report, 1, size))


def plan(
    size: Size, count: int, period_key: str, seed: int, kinds: tuple[str, ...] = KINDS
) -> list[Request]:
    """`count` requests, the same share of each kind, in a shuffled order; the same seed gives
    the same people, so the app and the bare Bolt app see exactly the same traffic."""
    rng = random.Random(seed)
    per_kind = -(-count // len(kinds))
    people = list(range(size.employees))
    checkers = rng.sample(people, per_kind)
    reports = rng.sample([i for i in people if manager_of(i) is not None], per_kind)
    requests: list[Request] = []
    for n in range(per_kind):
        made = {
            "help": _help(rng.randrange(size.employees)),
            "goal": _goal(rng.randrange(size.employees)),
            "checkin": _checkin(checkers[n], period_key),
            "click": _click(reports[n], size),
        }
        requests.extend(made[kind] for kind in kinds)
    rng.shuffle(requests)
    return requests[:count]


def split(requests: list[Request], warmup: int) -> tuple[list[Request], list[Request]]:
    return requests[:warmup], requests[warmup:]
