"""The Planning section of the App Home is read by the core (bot/planning/home.py) and drawn
without the database (bot/blocks/planning_home.py).

Why it matters: a Home is built every time someone opens it and after every change that
concerns them; a renderer that reaches the database one goal at a time makes that cost grow
with the number of goals shown, and hides queries where nobody looks for them. The data here
is read in a fresh session, as the app does, so nothing the test wrote is already loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event

from bot.blocks.planning_home import GOAL_MENU, planning_section
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.planning import approve_goal, complete_goal, create_goal, request_changes
from bot.planning.home import MAX_OWN, MAX_WAITING, planning_home
from storage.db import Database
from storage.models import Employee
from tests.planning_fixtures import (
    check,
    company_goal,
    goal_input,
    make_org,
    metric,
    personal_goal,
    team_goal,
)
from tests.planning_slack import texts


@pytest.fixture
def people(db: Database, workspace: str, clock: FixedClock) -> dict[str, int]:
    """Acme with goals at every step: a company goal, Sales' team goal under it, Eko's goals
    aligned to that (more than the Home shows: active, waiting, back to draft, completed) and
    one to the team goal HR wrote for Ops,
    Edi's waiting for Maya too (more than the Home lists), Lina's (no manager) for HR."""
    now = clock.now()
    with db.session() as session:
        org = make_org(session, workspace, now)
        company = company_goal(session, org, now, "Be the leader")
        team = team_goal(session, org, now, parent=company, title="Sell more")
        krs = [metric("Deals", "0", "10"), check("Playbook written")]
        for n in range(MAX_OWN + 2):
            goal = personal_goal(session, org.employee, now, parent=team, title=f"Eko {n}", krs=krs)
            if n % 4 == 0:
                approve_goal(session, org.manager, goal.id, version=1, now=now)
            elif n % 4 == 1:
                approve_goal(session, org.manager, goal.id, version=1, now=now)
                complete_goal(session, org.employee, goal.id, now=now)
            elif n % 4 == 2:
                request_changes(session, org.manager, goal.id, version=1, reason="Why?", now=now)
        ops_goal = goal_input("Run smoothly", level="team", team=org.ops)
        ops = create_goal(session, org.hr, ops_goal, now=now)  # HR writes it for Ops
        personal_goal(session, org.employee, now, parent=ops.goal, title="Eko helps Ops")
        for n in range(MAX_WAITING):
            personal_goal(session, org.peer, now, parent=team, title=f"Edi {n}")
        personal_goal(session, org.loner, now, parent=company, title="Lina's")
        return {
            "eko": org.employee.id,
            "maya": org.manager.id,
            "hana": org.hr.id,
            "lina": org.loner.id,
        }


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the block runs."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def rendered(
    db: Database, employee_id: int, now: datetime
) -> tuple[list[dict[str, Any]], list[str]]:
    """The person's section, and the statements sent while drawing it (not while reading)."""
    with db.session(read_only=True) as session:
        employee = session.get(Employee, employee_id)
        assert employee is not None
        data = planning_home(session, employee)
        with statements(db) as sent:
            blocks = planning_section(Translator("en"), data, now)
    return blocks, sent


@pytest.mark.parametrize("who", ["eko", "maya", "hana", "lina"])
def test_the_home_section_is_drawn_without_a_query(
    db: Database, people: dict[str, int], clock: FixedClock, who: str
) -> None:
    blocks, sent = rendered(db, people[who], clock.now())
    assert sent == []
    assert blocks  # the header and the "New goal" button at least


def test_what_the_section_shows_comes_from_the_loader(
    db: Database, people: dict[str, int], clock: FixedClock
) -> None:
    """The realistic data reaches every part the renderer draws: alignment chains with the
    team's name, key results, menus, the overflow counts, the approval queue and the shared
    goals with their rolled-up progress."""
    eko, _ = rendered(db, people["eko"], clock.now())
    shown = texts(eko)
    assert "Team Sales: Sell more" in shown and "Company: Be the leader" in shown
    assert "Team Ops: Run smoothly" in shown  # a team nobody on this Home belongs to
    assert "☐ Playbook written" in shown
    assert "…and 3 more" in shown  # 15 goals, 12 shown
    menus = [b["accessory"] for b in eko if b.get("accessory", {}).get("action_id") == GOAL_MENU]
    values = {o["value"].split(":")[0] for menu in menus for o in menu["options"]}
    assert {"progress", "complete", "edit", "abandon", "submit", "reopen"} <= values
    assert "*Be the leader*" in shown  # a goal Eko's work contributes to

    maya, _ = rendered(db, people["maya"], clock.now())
    waiting = [b for b in maya if str(b.get("block_id", "")).startswith("planning_wait_actions_")]
    assert len(waiting) == MAX_WAITING  # Eko's 4 and Edi's 8 wait; 8 are listed
    assert "…and 4 more" in texts(maya)

    hana, _ = rendered(db, people["hana"], clock.now())
    assert "<@ULONE>" in texts(hana)  # nobody manages Lina: HR agrees her goal
