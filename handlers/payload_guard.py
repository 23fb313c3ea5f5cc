"""The request boundary, before any listener or database look-up: malformed ids are refused,
and control characters are stripped from everything a signed request carries.

Slack's own ids are short upper-case letters and digits (`T0123ABC`, `U04XYZ`, `E…`); a signed
request whose workspace or user id is anything else was crafted, and would reach PostgreSQL
with, say, a NUL in it (psycopg raises DataError, the person would get HTTP 500). It gets 400
and one log line instead. Everything else a person typed or the client sent back — modal
state, button values, private_metadata, command text — loses its control characters here
(bot/sanitize.py), so no listener has to remember it; the core cleans what it stores too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.sanitize import strip_control

log = logging.getLogger(__name__)
SLACK_ID = re.compile(r"^[A-Z0-9]{1,40}$")
MAX_DEPTH = 40  # a Slack payload nests a handful of levels; deeper is crafted


def _ids(req: BoltRequest) -> list[Any]:
    """Every workspace and user id the listeners and other middleware may look up."""
    context, body = req.context, req.body
    found: list[Any] = [context.team_id, context.user_id, context.enterprise_id]
    user, team = body.get("user"), body.get("team")
    if isinstance(user, dict):
        found += [user.get("id"), user.get("team_id")]
    if isinstance(team, dict):
        found.append(team.get("id"))
    found += [body.get("user_id"), body.get("team_id"), body.get("enterprise_id")]
    event = body.get("event")
    if isinstance(event, dict) and isinstance(event.get("user"), str):
        found.append(event["user"])
    return [value for value in found if value is not None]


def malformed_ids(req: BoltRequest) -> list[str]:
    """The ids that are not shaped like Slack's (quoted and cut, for the log)."""
    return [
        repr(str(value)[:40])
        for value in _ids(req)
        if not isinstance(value, str) or not SLACK_ID.match(value)
    ]


def stripped(value: Any, depth: int = 0) -> Any:
    """`value` with control characters removed from every string in it, in place for dicts
    and lists (Bolt hands the listeners this very body)."""
    if isinstance(value, str):
        return strip_control(value)
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        for key in list(value):
            value[key] = stripped(value[key], depth + 1)
    elif isinstance(value, list):
        value[:] = [stripped(item, depth + 1) for item in value]
    return value


def register(app: App) -> None:
    def guard_payload(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        bad = malformed_ids(req)
        if bad:
            log.warning("refused a request with malformed Slack ids: %s", ", ".join(bad))
            return BoltResponse(status=400, body="malformed ids")
        stripped(req.body)
        return next()

    app.middleware(guard_payload)
