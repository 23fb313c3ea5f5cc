"""What a request to POST /slack/events must pass before anything parses it.

Bolt's WSGI adapter reads the whole body (whatever its size), decodes it, parses it as a form or
JSON, and only then checks the signature; a 500 MB unsigned body therefore cost gigabytes of
memory, and a body or timestamp that did not parse ended in a 500 and a traceback. Here the
order is the safe one, each step cheap and bounded:

1. size: a Content-Length above the cap is refused with 413 before one byte of the body is
   read; a body without one (chunked) is read only up to the cap;
2. signature: HMAC-SHA256 over the raw bytes, `v0:{timestamp}:{body}`, and a timestamp within
   five minutes of now; anything else is 401, whatever the body holds;
3. parsing: a signed body that is not the form or JSON Slack sends is 400.

Each refusal is one log line (no traceback, no body: an unsigned body is a stranger's, a signed
one a colleague's). Nothing here knows Slack's payload types; that is Bolt's part once a
request has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

log = logging.getLogger(__name__)

# Slack's largest payloads (a modal's view and state) are tens of kilobytes.
DEFAULT_MAX_BODY = 1024 * 1024
# Slack refuses requests older than five minutes; so does Kinerja, in both directions.
MAX_CLOCK_SKEW = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_READ_PIECE = 64 * 1024


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str

    @property
    def status_line(self) -> str:
        return {
            400: "400 Bad Request",
            401: "401 Unauthorized",
            413: "413 Request Entity Too Large",
        }[self.status]


class RequestRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def _shown(value: str | None) -> str:
    """A header value as it may appear in a log line: quoted, escaped, short."""
    if value is None:
        return "none"
    return repr(value[:24] + ("…" if len(value) > 24 else ""))


def read_body(environ: dict[str, Any], max_body: int) -> bytes:
    """The raw body, never more than `max_body` bytes read from the client.

    A declared length above the cap is refused without reading; a body of undeclared length
    (chunked, when the server says the input is terminated) is read piece by piece and
    refused as soon as it passes the cap.
    """
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    if declared:
        if not declared.isdigit():
            raise RequestRefused(Refusal(400, f"with an invalid Content-Length {_shown(declared)}"))
        length = int(declared)
        if length > max_body:
            raise RequestRefused(
                Refusal(413, f"declaring {length} bytes, over the limit of {max_body}")
            )
        return stream.read(length) if stream is not None and length else b""
    if stream is None or not environ.get("wsgi.input_terminated"):
        return b""  # PEP 3333: no length and no terminated input means no body
    pieces: list[bytes] = []
    size = 0
    while True:
        piece = stream.read(min(_READ_PIECE, max_body + 1 - size))
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)
        size += len(piece)
        if size > max_body:
            raise RequestRefused(Refusal(413, f"with a body over the limit of {max_body} bytes"))


def signed(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> bool:
    """Slack's signature scheme over the raw bytes; malformed headers are simply not signed."""
    if timestamp is None or signature is None:
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class RequestGuard:
    """Size, signature and shape of one request, in that order (see the module docstring)."""

    def __init__(
        self,
        signing_secret: str,
        max_body: int = DEFAULT_MAX_BODY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.signing_secret = signing_secret
        self.max_body = max_body
        self.clock = clock

    def admit(self, environ: dict[str, Any]) -> BoltRequest:
        """The request, parsed for Bolt, or RequestRefused (logged once, here)."""
        try:
            return self._admit(environ)
        except RequestRefused as refused:
            level = logging.INFO if refused.refusal.status == 401 else logging.WARNING
            log.log(
                level,
                "refused a request %s: %d to %s",
                refused.refusal.reason,
                refused.refusal.status,
                environ.get("REMOTE_ADDR") or "?",
            )
            raise

    def _admit(self, environ: dict[str, Any]) -> BoltRequest:
        body = read_body(environ, self.max_body)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not signed(self.signing_secret, timestamp, signature, body, self.clock()):
            detail = "no signature" if signature is None else "an invalid or stale signature"
            raise RequestRefused(Refusal(401, f"with {detail} (timestamp {_shown(timestamp)})"))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise RequestRefused(Refusal(400, "whose signed body is not UTF-8")) from None
        wsgi = WsgiHttpRequest(environ)
        try:
            request = BoltRequest(body=text, query=wsgi.query_string, headers=wsgi.get_headers())
        except Exception as error:  # whatever the parser trips on, the body is malformed
            reason = f"whose signed body does not parse ({type(error).__name__})"
            raise RequestRefused(Refusal(400, reason)) from None
        if not isinstance(request.body, dict):
            raise RequestRefused(Refusal(400, "whose signed body is not an object"))
        return request
