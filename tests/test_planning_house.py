"""Planning in the house's shape (docs/ARCHITECTURE.md): listeners are module-level functions
that Bolt calls with what it injects, and the messages a goal's approval causes are posted
through the one post helper every notify module shares.

Why: a listener defined inside `register()` cannot be read, reused or tested on its own, and a
notify module with its own way of posting drifts from the others (addressing, keys)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session

import bot.outbox
from bot.clock import FixedClock
from bot.planning import approve_goal, create_goal, request_changes, submit_goal
from bot.planning import notify as planning_notify
from bot.slack.services import Services
from handlers.planning import CYCLE
from storage.db import Database
from storage.models import OutboxMessage
from tests.planning_fixtures import goal_input, make_org


def test_every_planning_listener_is_a_module_level_function() -> None:
    app = App(token="xoxb-test", signing_secret="secret", token_verification_enabled=False)
    assert CYCLE.listeners is not None
    CYCLE.listeners(app, cast(Services, None))  # wiring only: no listener runs here
    functions = [listener.ack_function for listener in app._listeners]
    assert len(functions) == 11  # 7 in goals.py, 4 in goal_modal.py
    for function in functions:
        assert function.__module__.startswith("handlers.planning."), function
        assert function.__qualname__ == function.__name__, function.__qualname__  # no closure


def test_goal_messages_are_posted_through_the_shared_helper(
    db: Database, workspace: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request, the changes asked for in its thread, the request again in that thread and
    the approval: every chat.postMessage row comes from outbox.post_message."""
    posted: list[str] = []

    def recording(session: Session, **kwargs: Any) -> bool:
        posted.append(kwargs["key"])
        return bot.outbox.post_message(session, **kwargs)

    monkeypatch.setattr(planning_notify, "post_message", recording)
    now = clock.now()
    with db.session() as session:
        org = make_org(session, workspace, now)
        goal = create_goal(session, org.employee, goal_input("Grow revenue"), now=now).goal
        request_changes(session, org.manager, goal.id, version=1, reason="Which ones?", now=now)
        submit_goal(session, org.employee, goal.id, now=now)
        approve_goal(session, org.manager, goal.id, version=goal.version, now=now)
        session.flush()
        rows = session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.method).order_by(OutboxMessage.id)
        ).all()
    posts = [key for key, method in rows if method == "chat.postMessage"]
    assert posted == posts
    assert len(posts) == 6  # 2 requests, and the thread reply and the DM of each decision
    assert [method for _, method in rows].count("chat.update") == 2  # each request closed
