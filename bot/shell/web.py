"""HTTP mode: Slack's requests on POST /slack/events and a health check on GET /healthz.

Every request to /slack/events passes bot.slack.request_guard first (size, then the signature over
the raw bytes, then the shape of the body) and only then reaches Bolt, which checks the
signature once more and dispatches it. waitress serves it with a pool of threads, which suits a
self-hosted app behind a reverse proxy or load balancer; its own body limit is set to the same
cap, so an oversized or endless chunked body is cut off while it is still arriving.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse

from bot.slack.after_ack import AfterAck
from bot.slack.request_guard import DEFAULT_MAX_BODY, RequestGuard, RequestRefused
from storage.db import Database

StartResponse = Callable[..., Any]
EVENTS_PATH = "/slack/events"


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def make_wsgi_app(
    app: App,
    db: Database,
    after_ack: AfterAck | None = None,
    *,
    signing_secret: str,
    max_body: int = DEFAULT_MAX_BODY,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """`after_ack`, when given, learns which requests are still unanswered, so the work queued
    after earlier acks waits for them (bot/slack/after_ack.py)."""
    guard = RequestGuard(signing_secret, max_body)

    def slack(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            request = guard.admit(environ)
        except RequestRefused as refused:
            status = refused.refusal.status_line
            return _plain(start_response, status, status.encode())
        response = app.dispatch(request)
        wsgi = WsgiHttpResponse(response.status, response.headers, response.body)
        start_response(wsgi.status, wsgi.get_headers())
        return wsgi.get_body()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy = db.ping()
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if path == EVENTS_PATH and method == "POST":
            if after_ack is None:
                return slack(environ, start_response)
            with after_ack.answering():
                return slack(environ, start_response)
        return _plain(start_response, "404 Not Found", b"not found")

    return application


def server_options(max_body: int = DEFAULT_MAX_BODY) -> dict[str, Any]:
    """waitress's own limits, matching the guard's: it answers 413 to a declared length over
    the cap as soon as the headers are in, and stops reading a chunked body that passes it
    (waitress refuses at `>=` its limit, hence the one byte more)."""
    return {"max_request_body_size": max_body + 1, "ident": "kinerja"}


def serve(
    app: App,
    db: Database,
    host: str,
    port: int,
    threads: int = 8,
    after_ack: AfterAck | None = None,
    *,
    signing_secret: str,
    max_body: int = DEFAULT_MAX_BODY,
) -> None:
    from waitress import serve as waitress_serve

    application = make_wsgi_app(
        app, db, after_ack, signing_secret=signing_secret, max_body=max_body
    )
    waitress_serve(application, host=host, port=port, threads=threads, **server_options(max_body))
