"""Planning's own test helpers: the parent-goal select's suggestions, the goal modal's
updates, a goal's stored status. The payloads every cycle shares are in
`tests.slack_payloads` and re-exported here so planning tests import from one place."""

from __future__ import annotations

from typing import Any

import requests

from storage.db import Database
from storage.goals import Goal
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack
from tests.slack_payloads import (
    TEAM,
    USER_TEAM,
    click,
    drain,
    element_state,
    ephemerals,
    opened_after,
    outbox_keys,
    submit,
    texts,
    unsent,
    with_state,
)
from tests.waiting import wait_for

__all__ = [
    "click",
    "drain",
    "element_state",
    "ephemerals",
    "goal_status",
    "home_of",
    "last_update",
    "opened_after",
    "outbox_keys",
    "ping",
    "submit",
    "suggest",
    "texts",
    "unsent",
    "with_state",
]


def suggest(app: RunningApp, user: str, view: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """What the parent-goal select offers when the person types `text`. Slack names the
    element by the action_id the modal gave it, so that is what is sent."""
    block = next(b for b in view["blocks"] if b.get("block_id") == "parent")
    payload = {
        "type": "block_suggestion",
        "user": {"id": user, "team_id": USER_TEAM},
        "team": TEAM,
        "action_id": block["element"]["action_id"],
        "block_id": "parent",
        "value": text,
        "container": {"type": "view", "view_id": view["id"]},
        "view": with_state(view),
    }
    response = app.slack.interaction(payload)
    assert response.status_code == 200, response.text
    return list(response.json().get("options") or [])


def last_update(fake: FakeSlack, view_id: str, count_before: int) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        updates = [o for o in fake.opened_views if o["method"] == "views.update"]
        return updates[-1]["view"] if len(updates) > count_before else None

    view = wait_for(probe)
    assert view is not None and view["id"] == view_id
    return view


def goal_status(db: Database, goal_id: int) -> tuple[str, int]:
    with db.session() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        return goal.status, goal.version


def ping(app: RunningApp) -> None:
    assert requests.get(f"{app.url}/healthz", timeout=5).status_code == 200


def home_of(fake: FakeSlack, user: str) -> dict[str, Any]:
    """The user's published App Home, once the app has published it."""
    view = wait_for(lambda: fake.views_published.get(user))
    assert view is not None
    return view
