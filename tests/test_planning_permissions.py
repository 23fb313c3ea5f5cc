"""Who may do what with a goal: every role × relation to the goal × goal action, written out in
full so that changing a rule is a visible decision. State (draft, active…) is not part of it:
that is the status machine, tested in test_planning_core.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

import pytest
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.planning import GoalAction, allowed, can_view_goal, can_write_level, visible_goals
from storage.db import Database
from storage.goals import Goal
from storage.models import Employee
from tests.planning_fixtures import company_goal, make_org, personal_goal, team_goal

A = GoalAction
ROLES = ("employee", "manager", "hr", "admin")
MANAGE = {A.EDIT, A.UPDATE_PROGRESS, A.COMPLETE, A.ABANDON, A.REOPEN}
OWN = {A.VIEW, A.SUBMIT} | MANAGE
SEE = {A.VIEW}
AGREE = {A.VIEW, A.APPROVE}
SHARED = {A.VIEW, A.ALIGN}
WRITER = SHARED | MANAGE
NONE: set[GoalAction] = set()

RELATIONS = (
    "own personal goal",
    "report's personal goal",
    "personal goal of someone without a manager",
    "stranger's personal goal",
    "own team's goal",
    "other team's goal",
    "company goal",
    "goal in another workspace",
)

#                       own   report  unmanaged stranger  own team other team company  other ws
EXPECTED: dict[str, tuple[set[GoalAction], ...]] = {
    "employee": (OWN, AGREE, NONE, NONE, SHARED, SHARED, SHARED, NONE),
    "manager": (OWN, AGREE, NONE, NONE, WRITER, SHARED, SHARED, NONE),
    "hr": (OWN, AGREE, AGREE, NONE, WRITER, WRITER, WRITER, NONE),
    "admin": (OWN, AGREE, AGREE, AGREE, WRITER, WRITER, WRITER, NONE),
}

_ids = count(1)
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def _person(
    role: str = "employee",
    *,
    team: int | None = 1,
    manager: Employee | None = None,
    workspace: str = "T0001",
) -> Employee:
    employee = Employee(
        id=next(_ids),
        team_id=workspace,
        slack_id=f"U{next(_ids)}",
        name="x",
        role=role,
        active=True,
        org_team_id=team,
    )
    employee.manager = manager
    employee.manager_id = manager.id if manager else None
    return employee


def _goal(owner: Employee, level: str, *, team: int | None = None) -> Goal:
    goal = Goal(
        id=next(_ids),
        team_id=owner.team_id,
        owner_id=owner.id,
        level=level,
        kind="performance",
        title="t",
        status="active",
        version=1,
        org_team_id=team,
        due_date=date(2026, 12, 31),
    )
    goal.owner = owner
    return goal


def _scene(role: str, relation: str) -> tuple[Employee, Goal]:
    """The actor (of `role`, in team 1, with a manager of their own) and a goal related to
    them as `relation` says."""
    boss = _person("manager")
    actor = _person(role, manager=boss)
    someone_else = _person("manager", team=2)
    if relation == "own personal goal":
        return actor, _goal(actor, "personal")
    if relation == "report's personal goal":
        return actor, _goal(_person(manager=actor), "personal")
    if relation == "personal goal of someone without a manager":
        return actor, _goal(_person(team=None), "personal")
    if relation == "stranger's personal goal":
        return actor, _goal(_person(manager=someone_else, team=2), "personal")
    if relation == "own team's goal":
        return actor, _goal(boss, "team", team=1)
    if relation == "other team's goal":
        return actor, _goal(someone_else, "team", team=2)
    if relation == "company goal":
        return actor, _goal(_person("hr", team=3), "company")
    if relation == "goal in another workspace":
        return actor, _goal(_person("admin", workspace="T9999"), "company")
    raise AssertionError(relation)


def test_the_matrix_names_every_role_and_relation() -> None:
    assert set(EXPECTED) == set(ROLES)
    assert all(len(row) == len(RELATIONS) for row in EXPECTED.values())


@pytest.mark.parametrize("action", list(GoalAction), ids=str)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_role_relation_action(role: str, relation: str, action: GoalAction) -> None:
    actor, goal = _scene(role, relation)
    expected = action in EXPECTED[role][RELATIONS.index(relation)]
    assert allowed(actor, action, goal) is expected


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_inactive_people_may_do_nothing(role: str, relation: str) -> None:
    actor, goal = _scene(role, relation)
    actor.active = False
    assert [a for a in GoalAction if allowed(actor, a, goal)] == []


# Writing a new goal: role × level (× whose team, for a team goal).
#                  personal  own team  other team  company
WRITE = {
    "employee": (True, False, False, False),
    "manager": (True, True, False, False),
    "hr": (True, True, True, True),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_writes_which_level(role: str) -> None:
    actor = _person(role)
    got = (
        can_write_level(actor, "personal", None),
        can_write_level(actor, "team", 1),
        can_write_level(actor, "team", 2),
        can_write_level(actor, "company", None),
    )
    assert got == WRITE[role]
    assert can_write_level(actor, "team", None) is False  # a team goal needs a team


def test_a_manager_of_record_who_left_is_no_manager() -> None:
    boss = _person("manager")
    owner = _person(manager=boss)
    goal = _goal(owner, "personal")
    boss.active = False
    hr = _person("hr")
    assert allowed(hr, A.APPROVE, goal)
    assert not allowed(boss, A.VIEW, goal)


def test_hr_sees_a_goal_routed_to_them_even_after_a_manager_is_recorded() -> None:
    hr = _person("hr")
    owner = _person(manager=_person("manager"))
    goal = _goal(owner, "personal")
    goal.approver_id = hr.id
    assert allowed(hr, A.VIEW, goal)
    assert not allowed(hr, A.APPROVE, goal)  # the manager of record decides now


def test_the_sql_visibility_agrees_with_the_rule(
    db: Database, workspace: str, clock: FixedClock
) -> None:
    """`visible_goals` (SQL) and `can_view_goal` (Python) must never disagree."""
    with db.session() as session:
        org = make_org(session, workspace, clock.now())
        now = clock.now()
        company = company_goal(session, org, now)
        team = team_goal(session, org, now, parent=company)
        for owner in org.everyone():
            personal_goal(session, owner, now, parent=team, title=f"{owner.name}'s")
        session.flush()
        goals = list(session.query(Goal))
        for actor in org.everyone():
            by_rule = {g.id for g in goals if can_view_goal(session, actor, g)}
            assert {g.id for g in visible_goals(session, actor)} == by_rule, actor.name
            _never_a_strangers(session, actor, goals)


def _never_a_strangers(session: Session, actor: Employee, goals: list[Goal]) -> None:
    for goal in goals:
        if goal.level != "personal" or actor.role == "admin":
            continue
        owner = goal.owner
        related = owner.id == actor.id or owner.manager_id == actor.id
        unmanaged_for_hr = actor.role == "hr" and owner.manager_id is None
        if not (related or unmanaged_for_hr):
            assert not can_view_goal(session, actor, goal), (actor.name, owner.name)
