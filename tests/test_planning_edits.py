"""Editing an agreed goal (issue 14, item 13): only a change to what was agreed asks again,
and then in the same conversation.

Eko's goal was approved by Maya in their group DM. He renames it: it stays active with its
progress actions, and the conversation is told what changed — no new request. He then moves
its target: it goes back to Maya as a reply in the first request's thread, saying what
changed, and her approval lands there too. Asked for changes, the request no longer reads
"decided" in notifications. A new manager is asked in a new group DM (the old one is not
theirs).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.planning import APPROVE, EDIT, REQUEST_CHANGES
from bot.blocks.planning_home import GOAL_MENU
from bot.blocks.planning_modals import REASON_MODAL
from bot.clock import FixedClock
from bot.planning import approve_goal
from storage.db import Database
from storage.goals import Goal
from storage.models import Employee
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack, Message
from tests.planning_fixtures import Org, make_org, personal_goal
from tests.planning_slack import (
    click,
    drain,
    goal_status,
    opened_after,
    submit,
    texts,
    unsent,
)
from tests.waiting import wait_for


@pytest.fixture(autouse=True)
def _only_the_planning_home_section(
    monkeypatch: pytest.MonkeyPatch, running_app: RunningApp
) -> None:
    from handlers.home import AppHome
    from handlers.planning import home_section

    monkeypatch.setattr(running_app.services, "home", AppHome([home_section]))


@pytest.fixture(autouse=True)
def _let_listeners_finish(fake_slack: FakeSlack) -> Iterator[None]:
    yield
    quiet_since, seen = time.monotonic(), len(fake_slack.calls)
    deadline = quiet_since + 5
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.3:
        time.sleep(0.05)
        if len(fake_slack.calls) != seen:
            quiet_since, seen = time.monotonic(), len(fake_slack.calls)


@pytest.fixture
def org(db: Database, running_app: RunningApp, fake_slack: FakeSlack, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, "T0001", clock.now())
        for person in org.everyone():
            fake_slack.add_user(id=person.slack_id, name=person.name.lower(), real_name=person.name)
        session.expunge_all()
    return org


def approved_goal(db: Database, fake: FakeSlack, clock: FixedClock, org: Org) -> int:
    """Eko's goal, approved by Maya in their group DM (the request delivered first)."""
    with db.session() as session:
        eko = session.get(Employee, org.employee.id)
        assert eko is not None
        goal_id = personal_goal(session, eko, clock.now(), title="Grow revenue").id
    drain(db, fake, clock)
    with db.session() as session:
        maya = session.get(Employee, org.manager.id)
        assert maya is not None
        approve_goal(session, maya, goal_id, version=1, now=clock.now())
    drain(db, fake, clock)
    return goal_id


def the_request(fake: FakeSlack) -> Message:
    return next(m for m in fake.messages if m.channel.startswith("G") and m.thread_ts is None)


def replies(fake: FakeSlack, root: Message) -> list[Message]:
    return [m for m in fake.messages if m.thread_ts == root.ts and m.ts != root.ts]


def edit_form(app: RunningApp, fake: FakeSlack, goal_id: int) -> dict[str, Any]:
    trigger = fake.new_trigger_id("UEMP")
    app.slack.command(f"goal edit {goal_id}", "UEMP", trigger_id=trigger)
    return opened_after(fake, trigger)


def menu_options(fake: FakeSlack, app: RunningApp, goal_id: int) -> set[str]:
    """What Eko's App Home offers for this goal (the overflow menu's choices)."""
    home = open_home(app, fake, "UEMP")
    for block in home["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == GOAL_MENU:
            values = {str(o["value"]) for o in accessory.get("options") or []}
            if any(v.endswith(f":{goal_id}") for v in values):
                return {v.partition(":")[0] for v in values}
    raise AssertionError("the goal is not on Eko's Home")


def test_renaming_keeps_an_approved_goal_active_and_a_new_target_asks_again_in_the_thread(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack
    goal_id = approved_goal(db, fake, clock, org)
    request = the_request(fake)
    assert "progress" in menu_options(fake, app, goal_id)
    top_level = [m for m in fake.messages if m.channel.startswith("G") and m.thread_ts is None]

    # --- a new title and description: saved, still active, the conversation is told
    form = edit_form(app, fake, goal_id)
    answer = submit(app, "UEMP", form, {"title": "Grow revenue in Java", "description": "Why."})
    assert "stays active" in texts(answer["view"]["blocks"])
    assert goal_status(db, goal_id) == ("active", 2)
    drain(db, fake, clock)
    note = replies(fake, request)[-1]
    assert note.text.startswith(":pencil2: <@UEMP> changed the title and the description")
    assert "now *Grow revenue in Java*" in note.text and "needs no new approval" in note.text
    assert not any(APPROVE in texts(m.blocks) for m in replies(fake, request))
    assert "progress" in menu_options(fake, app, goal_id)

    # --- a new target: back to Maya, asked in the same thread, saying what changed
    with db.session() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        kr_id = goal.key_results[0].id
    form = edit_form(app, fake, goal_id)
    answer = submit(app, "UEMP", form, {f"kr_k{kr_id}_target": "12"})
    assert "was sent to <@UMGR> for approval" in texts(answer["view"]["blocks"])
    assert goal_status(db, goal_id) == ("pending_approval", 3)
    assert "progress" not in menu_options(fake, app, goal_id)
    drain(db, fake, clock)
    again = replies(fake, request)[-1]
    assert f'"value": "{goal_id}:3"' in texts(again.blocks)
    assert "<@UEMP> changed the key results since you agreed on this goal. <@UMGR>" in texts(
        again.blocks
    )
    click(app, fake, "UMGR", APPROVE, f"{goal_id}:3", message=again)
    wait_for(lambda: goal_status(db, goal_id)[0] == "active")
    drain(db, fake, clock)
    assert "Approved by <@UMGR>" in texts(again.blocks)
    assert "approved this goal" in replies(fake, request)[-1].text
    assert [m for m in fake.messages if m.channel.startswith("G") and m.thread_ts is None] == (
        top_level
    )
    link = f"https://acme.slack.com/archives/{request.channel}/p{request.ts.replace('.', '')}"
    assert link in texts(fake.messages_in("UEMP")[-1].blocks)
    assert unsent(db) == []


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-US", "Goal “Grow revenue”: changes requested"), ("id-ID", "diminta perubahan")],
)
def test_asked_for_changes_the_request_does_not_say_decided(
    running_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    clock: FixedClock,
    org: Org,
    locale: str,
    expected: str,
) -> None:
    app, fake = running_app, fake_slack
    with db.session() as session:
        maya = session.get(Employee, org.manager.id)
        eko = session.get(Employee, org.employee.id)
        assert maya is not None and eko is not None
        maya.locale = locale
        goal_id = personal_goal(session, eko, clock.now(), title="Grow revenue").id
    drain(db, fake, clock)
    request = the_request(fake)
    trigger = click(app, fake, "UMGR", REQUEST_CHANGES, f"{goal_id}:1", message=request)
    reason = opened_after(fake, trigger)
    assert reason["callback_id"] == REASON_MODAL
    assert submit(app, "UMGR", reason, {"reason": "Aim higher"}) == {}
    drain(db, fake, clock)
    assert request.updated and expected in request.text
    assert "decided" not in request.text and "diputuskan" not in request.text
    dm = fake.messages_in("UEMP")[-1]
    trigger = click(app, fake, "UEMP", EDIT, str(goal_id), message=dm)
    edit = opened_after(fake, trigger)
    submit(app, "UEMP", edit, {"title": "Grow revenue a lot"})
    drain(db, fake, clock)
    assert replies(fake, request)[-1].thread_ts == request.ts  # asked again in the thread
    assert f'"value": "{goal_id}:2"' in texts(replies(fake, request)[-1].blocks)


def test_a_new_manager_is_asked_in_their_own_conversation(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    """Eko moved to Omar's team after Maya approved: Omar cannot see the old group DM."""
    app, fake = running_app, fake_slack
    goal_id = approved_goal(db, fake, clock, org)
    request = the_request(fake)
    with db.session() as session:
        eko = session.get(Employee, org.employee.id)
        assert eko is not None
        eko.manager_id = org.other_manager.id
    form = edit_form(app, fake, goal_id)
    submit(app, "UEMP", form, {"due": "2027-03-31"})
    drain(db, fake, clock)
    asked = next(m for m in reversed(fake.messages) if f'"{goal_id}:2"' in texts(m.blocks))
    assert asked.thread_ts is None and asked.channel != request.channel
    assert "changed the due date since you agreed" in texts(asked.blocks)
    with db.session() as session:
        assert session.scalar(select(Goal.status).where(Goal.id == goal_id)) == "pending_approval"
