"""The App Home tab, published whenever a person opens it and, while they may be looking at
it, after what changes it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.home import home_view
from bot.config import Settings
from bot.i18n import Translator
from bot.org.directory import employee_by_slack_id, ensure_employee
from bot.org.home_watch import note_home_opened, open_worth_noting, watching_home
from bot.slack.services import Services
from storage.models import Employee

log = logging.getLogger(__name__)


def publish_home(
    services: Services, client: WebClient, team_id: str, user_id: str, *, opened: bool = False
) -> None:
    """Build and publish one Home: always when its owner has just `opened` it (and the opening
    is remembered), after a change only if they opened it lately (bot/org/home_watch.py).

    Building reads a lot and writes nothing, so it runs in a read-only session that does not
    hold SQLite's write lock while it works; only someone Kinerja has never met is first added
    from Slack's directory, in a session of its own."""
    now = services.clock.now()
    with services.db.session(read_only=True) as session:
        employee = employee_by_slack_id(session, team_id, user_id)
        if not opened and (employee is None or not watching_home(employee, now)):
            return  # nobody is looking: built fresh when they next open it
        view: dict[str, Any] = {}
        note = False
        if employee is not None:
            view = _view(services, session, employee)
            note = opened and open_worth_noting(employee, now)
    if employee is None:
        with services.db.session() as session:
            directory = services.directory
            employee = ensure_employee(session, directory, team_id, user_id, now)
            if employee is None:
                return
            view = _view(services, session, employee)
            note_home_opened(session, employee.id, now)
    elif note:
        with services.db.session() as session:
            note_home_opened(session, employee.id, now)
    client.views_publish(user_id=user_id, view=view)


def publish_homes(services: Services, client: WebClient, team_id: str, users: set[str]) -> None:
    """After a change: queue a republish of each affected person's App Home, done only for
    those who may be looking at it; one failing does not stop the rest, and a Home queued twice
    is built once, from the newer state."""
    for user_id in sorted(users):
        services.after_ack.submit(
            ("home", team_id, user_id), partial(_publish_one, services, client, team_id, user_id)
        )


def _home_opened(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    """Queued under its own key, so a change queued just after cannot replace the opening (the
    Home would then be skipped as unwatched, and the opening forgotten)."""
    services.after_ack.submit(
        ("home-opened", team_id, user_id),
        partial(_publish_one, services, client, team_id, user_id, opened=True),
    )


def _note_looking(services: Services, team_id: str, user_id: str) -> None:
    """A click on someone's Home shows they are looking at it: remembered like an opening, so
    the change the click makes republishes their Home even if they opened it long ago. Queued
    before the listener's own republish, so it runs first (the queue keeps its order)."""
    try:
        now = services.clock.now()
        with services.db.session(read_only=True) as session:
            employee = employee_by_slack_id(session, team_id, user_id)
            worth = employee is not None and open_worth_noting(employee, now)
        if employee is not None and worth:
            with services.db.session() as session:
                note_home_opened(session, employee.id, now)
    except Exception:  # at worst the Home is refreshed at its next opening
        log.exception("could not note that %s is looking at their App Home", user_id)


def _publish_one(
    services: Services, client: WebClient, team_id: str, user_id: str, *, opened: bool = False
) -> None:
    try:
        publish_home(services, client, team_id, user_id, opened=opened)
    except SlackApiError as error:
        log.warning("views.publish for %s failed: %s", user_id, error.response.get("error"))
    except Exception:  # a broken Home section must not stop the others' republishing
        log.exception("could not build the App Home of %s", user_id)


@dataclass(frozen=True)
class HomeContext:
    """What a cycle's Home section is built from: its loader (the core) reads through the
    session; its renderer (bot/blocks) only draws what the loader returned."""

    session: Session
    employee: Employee
    tr: Translator
    now: datetime
    settings: Settings


HomeSection = Callable[[HomeContext], list[dict[str, Any]]]


class AppHome:
    """The Home built from the cycles' sections (handlers/cycles.py), in their order. The app
    factory puts one on `services.home`; a section that would not fit is not even built."""

    def __init__(self, sections: Iterable[HomeSection]) -> None:
        self.sections = tuple(sections)

    def __call__(self, services: Services, session: Session, employee: Employee) -> dict[str, Any]:
        tr = services.translator_for(employee)
        home = HomeContext(session, employee, tr, services.clock.now(), services.settings)
        return home_view(tr, employee, (section(home) for section in self.sections))


def _view(services: Services, session: Session, employee: Employee) -> dict[str, Any]:
    build = services.home or AppHome(())
    return build(services, session, employee)


def register(app: App, services: Services) -> None:
    def app_home_opened(event: dict[str, Any], context: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        _home_opened(services, client, context["team_id"], event["user"])

    app.event("app_home_opened")(app_home_opened)

    def home_clicks(
        body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        view = body.get("view") or {}
        user_id = (body.get("user") or {}).get("id")
        if body.get("type") == "block_actions" and view.get("type") == "home" and user_id:
            team_id = str(context.team_id)
            services.after_ack.submit(
                ("home-looking", team_id, user_id),
                partial(_note_looking, services, team_id, user_id),
            )
        return next()

    app.middleware(home_clicks)
