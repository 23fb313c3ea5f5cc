"""Sending requests to the app exactly as Slack does: form or JSON bodies signed with
HMAC-SHA256 over `v0:{timestamp}:{body}` using the signing secret."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import requests

# Slack gives every command and interaction a trigger id of its own, so no two real requests
# have the same body; the app treats a repeated signed body as a replay.
_triggers = itertools.count(1)


def trigger() -> str:
    return f"T.{next(_triggers)}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def check_field_errors(view: dict[str, Any], answer: dict[str, Any]) -> None:
    """Slack shows a field error only under an input block of the view; an error keyed by
    anything else leaves the person with a generic failure and no hint of what to mend."""
    if answer.get("response_action") != "errors":
        return
    inputs = {b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"}
    errors = answer.get("errors") or {}
    assert errors, "response_action errors with no error"
    for block_id, message in errors.items():
        assert block_id in inputs, f"error on {block_id!r}, not an input block of the view"
        assert isinstance(message, str) and message.strip(), f"empty error on {block_id!r}"


class SlackRequests:
    def __init__(self, url: str, signing_secret: str, team_id: str = "T0001") -> None:
        self.url = url
        self.secret = signing_secret
        self.team_id = team_id

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        sign: bool = True,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if sign:
            sent["X-Slack-Signature"] = signature(secret or self.secret, ts, body)
        sent.update(headers or {})
        return requests.post(self.url, data=body, headers=sent, timeout=10)

    def command(
        self,
        text: str,
        user_id: str,
        *,
        team_id: str | None = None,
        trigger_id: str | None = None,
        response_url: str = "http://127.0.0.1:9/unused",
        **options: Any,
    ) -> requests.Response:
        form = {
            "token": "legacy-verification-token",
            "team_id": team_id or self.team_id,
            "team_domain": "acme",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/kinerja",
            "text": text,
            "api_app_id": "A0KINERJA",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or trigger(),
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", **options)

    def interaction(self, payload: dict[str, Any], **options: Any) -> requests.Response:
        payload.setdefault("team", {"id": self.team_id, "domain": "acme"})
        payload.setdefault("api_app_id", "A0KINERJA")
        sent = {"trigger_id": trigger(), **payload}  # the caller's dict may be sent again
        body = urlencode({"payload": json.dumps(sent)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **options)

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str = "",
        *,
        trigger_id: str | None = None,
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        **options: Any,
    ) -> requests.Response:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id, "team_id": self.team_id},
            "trigger_id": trigger_id or trigger(),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "type": "button",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
            "container": container or {"type": "message"},
            "response_url": "http://127.0.0.1:9/unused",
        }
        if view is not None:
            payload["view"] = view
        return self.interaction(payload, **options)

    def view_submission(
        self, user_id: str, view: dict[str, Any], **options: Any
    ) -> requests.Response:
        payload = {
            "type": "view_submission",
            "user": {"id": user_id, "team_id": self.team_id},
            "view": view,
        }
        response = self.interaction(payload, **options)
        if response.status_code == 200 and response.text.startswith("{"):
            check_field_errors(view, response.json())
        return response

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str = "Ev0001",
        team_id: str | None = None,
        retry_num: int | None = None,
        **options: Any,
    ) -> requests.Response:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team_id or self.team_id,
            "api_app_id": "A0KINERJA",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team_id or self.team_id, "user_id": "UBOT", "is_bot": True}
            ],
        }
        headers = dict(options.pop("headers", {}) or {})
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.post(
            json.dumps(envelope).encode(), "application/json", headers=headers, **options
        )
