"""The app in HTTP mode on 127.0.0.1, wired to the fake Slack and a test database."""

from __future__ import annotations

import contextlib
import itertools
import threading
from dataclasses import dataclass
from typing import Any

from waitress.server import create_server

from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.shell.app import create_app
from bot.shell.web import make_wsgi_app, server_options
from bot.slack.client import make_web_client
from bot.slack.services import Services
from bot.slack.workspace import register_workspace
from storage.db import Database
from tests.fakeslack import FakeSlack
from tests.signed import SlackRequests
from tests.waiting import wait_for

_home_events = itertools.count(1)


def settings_for(database_url: str, api_url: str, **overrides: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "test-signing-secret",
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "KINERJA_DEFAULT_LOCALE": "en",
    }
    env.update(overrides)
    return load_settings(env, env_file="/nonexistent")


def _serve_until_closed(server: object) -> None:
    """waitress has no stop(); closing its socket ends the loop with EBADF, which is expected."""
    with contextlib.suppress(OSError):
        server.run()  # type: ignore[attr-defined]


@dataclass
class RunningApp:
    services: Services
    url: str
    slack: SlackRequests
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        self.services.after_ack.wait_idle(5)  # no Home is being built from a closing database
        self._server.close()  # type: ignore[attr-defined]
        self._thread.join(timeout=5)


def start_app(settings: Settings, db: Database, clock: FixedClock) -> RunningApp:
    services = Services(settings, db, clock, make_web_client(settings))
    register_workspace(services)
    app = create_app(services)
    application = make_wsgi_app(
        app,
        db,
        services.after_ack,
        signing_secret=settings.slack_signing_secret,
        max_body=settings.max_request_bytes,
    )
    server = create_server(
        application,
        host="127.0.0.1",
        port=0,
        threads=4,
        **server_options(settings.max_request_bytes),
    )
    thread = threading.Thread(target=_serve_until_closed, args=(server,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    slack = SlackRequests(f"{url}/slack/events", settings.slack_signing_secret)
    return RunningApp(services, url, slack, server, thread)


def open_home(app: RunningApp, fake: FakeSlack, user: str) -> dict[str, Any]:
    """Open the App Home tab and wait for the newly published view. From then on, for an hour
    of the app's clock, changes that touch this person republish their Home too."""
    before = fake.views_published.get(user)
    app.slack.event(
        {"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user}"},
        event_id=f"EvHome{next(_home_events)}",
    )

    def probe() -> dict[str, Any]:
        view = fake.views_published.get(user)
        return dict(view) if view is not None and view is not before else {}

    return wait_for(probe)
