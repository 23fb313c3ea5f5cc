"""HTTP mode: Slack's requests on POST /slack/events and a health check on GET /healthz.

Bolt's WSGI adapter verifies signatures and timestamps; waitress serves it with a pool of
threads, which suits a self-hosted app behind a reverse proxy or load balancer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.after_ack import AfterAck
from storage.db import Database

StartResponse = Callable[..., Any]
EVENTS_PATH = "/slack/events"


def make_wsgi_app(
    app: App, db: Database, after_ack: AfterAck | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """`after_ack`, when given, learns which requests are still unanswered, so the work queued
    after earlier acks waits for them (bot/after_ack.py)."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

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
        body = b"not found"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return application


def serve(
    app: App,
    db: Database,
    host: str,
    port: int,
    threads: int = 8,
    after_ack: AfterAck | None = None,
) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(
        make_wsgi_app(app, db, after_ack), host=host, port=port, threads=threads, ident="kinerja"
    )
