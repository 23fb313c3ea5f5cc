"""The planning core without Slack: progress and roll-up, the status machine, history,
approval routing, validation, and the outbox rows each change writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.permissions import PermissionDenied
from bot.planning import (
    GoalConflict,
    GoalNotFound,
    KeyResultInput,
    ValidationError,
    abandon_goal,
    active_goals_of,
    alignable_parents,
    alignment_chain,
    approve_goal,
    complete_goal,
    create_goal,
    edit_goal,
    goal_history,
    goal_progress,
    parse_number,
    pending_approvals_for,
    reopen_goal,
    request_changes,
    submit_goal,
    update_key_result,
    visible_goals,
)
from storage.db import Database
from storage.goals import Goal, GoalEvent, KeyResult
from storage.models import Employee, OutboxMessage
from tests.planning_fixtures import (
    DUE,
    Org,
    check,
    company_goal,
    goal_input,
    make_org,
    metric,
    personal_goal,
    team_goal,
)


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session, workspace: str, clock: FixedClock) -> Org:
    return make_org(session, workspace, clock.now())


def outbox(session: Session) -> dict[str, OutboxMessage]:
    session.flush()
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    return {row.idempotency_key: row for row in rows}


def events(session: Session, goal: Goal) -> list[GoalEvent]:
    session.flush()
    return list(
        session.scalars(
            select(GoalEvent).where(GoalEvent.goal_id == goal.id).order_by(GoalEvent.id)
        )
    )


# ---------------------------------------------------------------- progress and roll-up


def test_metric_check_and_goal_progress(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    krs = [metric("Up", "0", "200"), metric("Down", "100", "50"), check("Ship")]
    goal = personal_goal(session, org.employee, now, krs=krs)
    approve_goal(session, org.manager, goal.id, version=goal.version, now=now)
    up, down, ship = goal.key_results
    update_key_result(session, org.employee, up.id, value=50, now=now)
    update_key_result(session, org.employee, down.id, value=75, now=now)
    assert goal_progress(goal) == pytest.approx((0.25 + 0.5 + 0) / 3)
    update_key_result(session, org.employee, ship.id, done=True, now=now)
    update_key_result(session, org.employee, up.id, value=999, now=now)  # clamped to 1
    update_key_result(session, org.employee, down.id, value=120, now=now)  # clamped to 0
    assert goal_progress(goal) == pytest.approx(2 / 3)
    complete_goal(session, org.employee, goal.id, now=now)
    assert goal_progress(goal) == 1.0


def test_goal_without_key_results_has_no_progress(
    session: Session, org: Org, clock: FixedClock
) -> None:
    goal = company_goal(session, org, clock.now())
    goal.key_results = []
    assert goal_progress(goal) == 0.0


def test_parent_rolls_up_from_children_by_weight(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    company = company_goal(session, org, now)
    team = team_goal(session, org, now, parent=company)
    light = personal_goal(session, org.employee, now, team, "Light", [metric()], weight="1")
    heavy = personal_goal(session, org.peer, now, team, "Heavy", [metric()], weight="3")
    dropped = personal_goal(session, org.peer, now, team, "Dropped", [metric()], weight="10")
    for goal in (light, heavy):
        approve_goal(session, org.manager, goal.id, version=goal.version, now=now)
    abandon_goal(session, org.peer, dropped.id, now=now)
    update_key_result(session, org.employee, light.key_results[0].id, value=100, now=now)
    session.flush()
    session.expire_all()
    assert goal_progress(team) == pytest.approx((1 * 1.0 + 3 * 0.0) / 4)
    assert goal_progress(company) == pytest.approx(0.25)  # one child: the team goal
    update_key_result(session, org.peer, heavy.key_results[0].id, value=50, now=now)
    session.flush()
    session.expire_all()
    assert goal_progress(team) == pytest.approx((1.0 + 3 * 0.5) / 4)
    assert alignment_chain(session, light) == [team, company]


# ---------------------------------------------------------------- approval routing and states


def test_personal_goal_goes_to_the_manager_and_is_approved(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    result = create_goal(session, org.employee, goal_input("Ship <!channel> & <@U123>"), now=now)
    goal = result.goal
    assert (result.approver, result.via_hr) == (org.manager, False)
    assert goal.status == "pending_approval" and goal.approver_id == org.manager.id
    rows = outbox(session)
    request = rows[f"goal:{goal.id}:v1:approval"]
    assert request.payload["_open_users"] == ["UEMP", "UMGR"]
    assert goal.approval_key == request.idempotency_key
    dumped = str(request.payload)
    assert "<!channel>" not in dumped and "<@U123>" not in dumped
    assert "Ship &lt;!channel&gt; &amp; &lt;@U123&gt;" in dumped
    assert pending_approvals_for(session, org.manager) == [goal]
    assert pending_approvals_for(session, org.employee) == []

    approve_goal(session, org.manager, goal.id, version=1, now=now, thread_link="https://x/t")
    assert goal.status == "active"
    rows = outbox(session)
    final = rows[f"goal:{goal.id}:v1:approval:final"]
    assert final.method == "chat.update" and final.payload["_update_of"] == goal.approval_key
    assert "actions" not in [b["type"] for b in final.payload["blocks"]]
    assert "Approved by <@UMGR>" in str(final.payload["blocks"])
    thread = rows[f"goal:{goal.id}:v1:approval:approved:thread"]
    assert thread.payload["_thread_of"] == goal.approval_key
    dm = rows[f"goal:{goal.id}:v1:approval:approved:dm"]
    assert dm.payload["_open_users"] == ["UEMP"]
    assert "https://x/t" in str(dm.payload["blocks"])
    assert active_goals_of(session, org.employee) == [goal]

    with pytest.raises(GoalConflict) as second:
        approve_goal(session, org.manager, goal.id, version=1, now=now)
    assert second.value.key == "planning.conflict.active"
    assert len(outbox(session)) == len(rows)


def test_changes_requested_then_edited_then_approved(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    goal = personal_goal(session, org.employee, now)
    with pytest.raises(ValidationError) as empty:
        request_changes(session, org.manager, goal.id, version=1, reason="  ", now=now)
    assert empty.value.errors == {"reason": "planning.error.reason_required"}
    request_changes(session, org.manager, goal.id, version=1, reason="Make it > 10", now=now)
    assert goal.status == "draft"
    rows = outbox(session)
    assert ">Make it &gt; 10" in str(rows[f"goal:{goal.id}:v1:approval:final"].payload)
    assert f"goal:{goal.id}:v1:approval:changes_requested:dm" in rows

    with pytest.raises(GoalConflict) as stale_state:
        approve_goal(session, org.manager, goal.id, version=1, now=now)
    assert stale_state.value.key == "planning.conflict.draft"

    data = goal_input("Mine, better", krs=[KeyResultInput(title="Customers", target="20")])
    data.key_results[0].id = goal.key_results[0].id
    kr_id = goal.key_results[0].id
    result = edit_goal(session, org.employee, goal.id, data, version=1, now=now)
    assert goal.status == "pending_approval" and goal.version == 2
    assert result.approver == org.manager
    assert goal.key_results[0].id == kr_id  # edited in place: check-ins keep their reference
    assert f"goal:{goal.id}:v2:approval" in outbox(session)

    with pytest.raises(GoalConflict) as stale:
        approve_goal(session, org.manager, goal.id, version=1, now=now)
    assert stale.value.key == "planning.conflict.stale"
    approve_goal(session, org.manager, goal.id, version=2, now=now)
    assert goal.status == "active"
    actions = [e.action for e in events(session, goal)]
    assert actions == [
        "created",
        "submitted",
        "changes_requested",
        "edited",
        "submitted",
        "approved",
    ]
    edited = events(session, goal)[3]
    assert edited.actor_id == org.employee.id
    assert edited.detail["title"] == ["Mine", "Mine, better"]
    assert edited.detail["key_results"][1][0]["target"] == 20.0
    assert events(session, goal)[2].detail["reason"] == "Make it > 10"
    assert [e.action for e in goal_history(session, org.manager, goal.id)] == actions


def test_editing_a_pending_goal_replaces_the_request(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    goal = personal_goal(session, org.employee, now)
    edit_goal(session, org.employee, goal.id, goal_input("Changed"), version=1, now=now)
    rows = outbox(session)
    assert "Replaced by a newer version" in str(rows[f"goal:{goal.id}:v1:approval:final"].payload)
    assert goal.approval_key == f"goal:{goal.id}:v2:approval"
    # unchanged edit of a pending goal sends nothing new
    edit_goal(session, org.employee, goal.id, goal_input("Changed"), version=2, now=now)
    assert goal.version == 2 and len(outbox(session)) == len(rows)


def test_goal_of_someone_without_a_manager_goes_to_hr(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    result = create_goal(session, org.loner, goal_input(), now=now)
    assert (result.approver, result.via_hr) == (org.hr, True)
    row = outbox(session)[f"goal:{result.goal.id}:v1:approval"]
    assert row.payload["_open_users"] == ["ULONE", "UHR"]
    assert "has no manager recorded" in str(row.payload["blocks"])
    assert pending_approvals_for(session, org.hr) == [result.goal]
    with pytest.raises(GoalNotFound):  # not her report: she cannot even see it
        approve_goal(session, org.manager, result.goal.id, version=1, now=now)
    approve_goal(session, org.hr, result.goal.id, version=1, now=now)
    assert result.goal.status == "active"


def test_nobody_approves_their_own_goal(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    result = create_goal(session, org.hr, goal_input(), now=now)  # HR has no manager
    assert result.approver == org.admin  # the only other person who can agree it
    with pytest.raises(PermissionDenied):
        approve_goal(session, org.hr, result.goal.id, version=1, now=now)
    admin_goal = create_goal(session, org.admin, goal_input(), now=now)
    assert admin_goal.approver == org.hr
    with pytest.raises(PermissionDenied):
        approve_goal(session, org.admin, admin_goal.goal.id, version=1, now=now)


def test_without_anyone_to_approve_the_goal_stays_a_draft(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    for someone in (org.hr, org.admin):
        someone.active = False
    result = create_goal(session, org.loner, goal_input(), now=now)
    assert result.no_approver and result.approver is None
    assert result.goal.status == "draft"
    assert outbox(session) == {}
    org.hr.active = True
    submitted = submit_goal(session, org.loner, result.goal.id, now=now)
    assert submitted.approver == org.hr and result.goal.status == "pending_approval"


def test_company_and_team_goals_are_active_on_save(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    company = company_goal(session, org, now)
    team = team_goal(session, org, now, parent=company)
    assert (company.status, team.status) == ("active", "active")
    assert team.org_team_id == org.sales.id
    assert outbox(session) == {}


def test_complete_abandon_and_reopen(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    goal = personal_goal(session, org.employee, now)
    with pytest.raises(GoalConflict):
        complete_goal(session, org.employee, goal.id, now=now)  # not agreed yet
    abandon_goal(session, org.employee, goal.id, now=now)
    assert "Withdrawn by <@UEMP>" in str(
        outbox(session)[f"goal:{goal.id}:v1:approval:final"].payload
    )
    reopen_goal(session, org.employee, goal.id, now=now)
    assert goal.status == "draft"  # an abandoned personal goal must be agreed again
    submit_goal(session, org.employee, goal.id, now=now)
    approve_goal(session, org.manager, goal.id, version=goal.version, now=now)
    with pytest.raises(PermissionDenied):
        complete_goal(session, org.manager, goal.id, now=now)
    complete_goal(session, org.employee, goal.id, now=now)
    assert goal.status == "completed"
    reopen_goal(session, org.employee, goal.id, now=now)
    assert goal.status == "active"
    actions = [e.action for e in events(session, goal)]
    assert actions[-3:] == ["approved", "completed", "reopened"]
    assert "abandoned" in actions


# ---------------------------------------------------------------- key results


def test_update_key_result_rules_and_history(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    goal = personal_goal(session, org.employee, now, krs=[metric(), check()])
    number, box = goal.key_results
    with pytest.raises(GoalConflict):
        update_key_result(session, org.employee, number.id, value=5, now=now)  # pending
    approve_goal(session, org.manager, goal.id, version=1, now=now)
    with pytest.raises(PermissionDenied):
        update_key_result(session, org.manager, number.id, value=5, now=now)
    with pytest.raises(GoalNotFound):
        update_key_result(session, org.stranger, number.id, value=5, now=now)
    with pytest.raises(ValidationError):
        update_key_result(session, org.employee, number.id, done=True, now=now)
    later = now + timedelta(days=2)
    update_key_result(session, org.employee, number.id, value=40, now=later, source="checkin")
    update_key_result(session, org.employee, box.id, value=1, now=later)
    assert (number.current_value, box.done) == (40, True)
    assert number.updated_at == later
    progress = [e for e in events(session, goal) if e.action == "progress"]
    assert progress[0].detail["value"] == [0.0, 40.0]
    assert progress[0].detail["source"] == "checkin"
    assert progress[1].detail["done"] == [False, True]
    assert progress[1].detail["source"] == "manual"


# ---------------------------------------------------------------- validation


def _errors(session: Session, actor: Employee, now: datetime, **changes: object) -> dict:
    data = goal_input()
    for name, value in changes.items():
        setattr(data, name, value)
    with pytest.raises(ValidationError) as raised:
        create_goal(session, actor, data, now=now)
    return raised.value.errors


def test_validation_reports_every_field(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    before = session.scalar(select(Goal.id).limit(1))
    assert _errors(session, org.employee, now, title="  ") == {
        "title": "planning.error.title_required"
    }
    assert _errors(session, org.employee, now, title="x" * 151) == {
        "title": "planning.error.title_too_long"
    }
    assert _errors(session, org.employee, now, due_date=date(2026, 11, 23)) == {
        "due_date": "planning.error.due_past"
    }
    assert _errors(session, org.employee, now, due_date=None) == {
        "due_date": "planning.error.due_required"
    }
    assert _errors(session, org.employee, now, weight="heavy") == {
        "weight": "planning.error.number"
    }
    assert _errors(session, org.employee, now, weight="0") == {
        "weight": "planning.error.weight_positive"
    }
    krs = [
        KeyResultInput(),  # empty rows are ignored, but keep their index
        KeyResultInput(title="Same", start="5", target="5"),
        KeyResultInput(title="Word", start="one", target="ten"),
        KeyResultInput(start="1", target="2"),
        KeyResultInput(title="No target", start="1"),
    ]
    assert _errors(session, org.employee, now, key_results=krs) == {
        "kr.1.target": "planning.error.target_equals_start",
        "kr.2.start": "planning.error.number",
        "kr.2.target": "planning.error.number",
        "kr.3.title": "planning.error.kr_title_required",
        "kr.4.target": "planning.error.target_required",
    }
    six = [metric(f"KR {n}") for n in range(6)]
    assert _errors(session, org.employee, now, key_results=six) == {
        "key_results": "planning.error.too_many_krs"
    }
    assert _errors(session, org.employee, now, level="company") == {
        "level": "planning.error.level_forbidden"
    }
    assert session.scalar(select(Goal.id).limit(1)) == before  # nothing half-saved
    assert session.scalar(select(KeyResult.id).limit(1)) is None


def test_parent_rules(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    company = company_goal(session, org, now)
    team = team_goal(session, org, now, parent=company)
    private = personal_goal(session, org.stranger, now)
    assert _errors(session, org.employee, now, parent_id=private.id) == {
        "parent": "planning.error.parent_hidden"
    }
    assert _errors(session, org.employee, now, parent_id=999_999) == {
        "parent": "planning.error.parent_hidden"
    }
    mine = personal_goal(session, org.employee, now)
    assert _errors(session, org.employee, now, parent_id=mine.id) == {
        "parent": "planning.error.parent_level_personal"
    }
    data = goal_input("Team 2", level="team", parent=team)
    with pytest.raises(ValidationError) as team_under_team:
        create_goal(session, org.manager, data, now=now)
    assert team_under_team.value.errors == {"parent": "planning.error.parent_level_team"}
    child = create_goal(
        session, org.hr, goal_input("Sub", level="company", parent=company), now=now
    )
    with pytest.raises(ValidationError) as cycle:
        edit_goal(
            session,
            org.hr,
            company.id,
            goal_input("Be #1", level="company", parent=child.goal),
            version=company.version,
            now=now,
        )
    assert cycle.value.errors == {"parent": "planning.error.parent_cycle"}
    abandon_goal(session, org.manager, team.id, now=now)
    assert _errors(session, org.employee, now, parent_id=team.id) == {
        "parent": "planning.error.parent_abandoned"
    }
    found = alignable_parents(session, org.employee)
    assert found == [company, child.goal]
    assert alignable_parents(session, org.employee, "sub") == [child.goal]
    assert alignable_parents(session, org.hr, level="company", goal=company) == []


def test_a_past_due_date_is_kept_when_editing_something_else(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    goal = company_goal(session, org, now)
    clock.set(datetime.combine(DUE + timedelta(days=3), now.timetz()))
    data = goal_input("Be #1 — renamed", level="company")
    edit_goal(session, org.hr, goal.id, data, version=goal.version, now=clock.now())
    assert goal.title == "Be #1 — renamed"


def test_visibility_lists(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    company = company_goal(session, org, now)
    mine = personal_goal(session, org.employee, now)
    theirs = personal_goal(session, org.stranger, now)
    lonely = personal_goal(session, org.loner, now)
    assert set(visible_goals(session, org.employee)) == {company, mine}
    assert set(visible_goals(session, org.manager)) == {company, mine}
    assert set(visible_goals(session, org.other_manager)) == {company, theirs}
    assert set(visible_goals(session, org.hr)) == {company, lonely}
    assert set(visible_goals(session, org.admin)) == {company, mine, theirs, lonely}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        ("3.5", 3.5),
        ("3,5", 3.5),
        ("-2", -2.0),
        ("1.000.000", 1_000_000.0),
        ("1,000.5", 1000.5),
        ("1.000,5", 1000.5),
        (" 7 ", 7.0),
        ("ten", None),
        ("1e5", None),
        ("", None),
        ("nan", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("change", "asks_again"),
    [
        ({"title": "Mine, reworded"}, False),
        ({"kind": "development"}, False),
        ({"due": date(2027, 3, 31)}, True),
        ({"weight": "2"}, True),
        ({"target": "20"}, True),
        ({"krs": "added"}, True),
        ({"parent": "team"}, True),
    ],
    ids=["title", "kind", "due date", "weight", "target", "a key result more", "parent"],
)
def test_an_approved_goal_is_asked_about_again_only_when_what_was_agreed_changes(
    session: Session, org: Org, clock: FixedClock, change: dict[str, object], asks_again: bool
) -> None:
    now = clock.now()
    goal = personal_goal(session, org.employee, now)
    approve_goal(session, org.manager, goal.id, version=1, now=now)
    kr = goal.key_results[0]
    row = KeyResultInput(title=kr.title, start="0", target=str(change.get("target", "10")))
    row.unit, row.id = kr.unit, kr.id
    krs = [row] + ([KeyResultInput(title="Demos", target="5")] if "krs" in change else [])
    data = goal_input(
        str(change.get("title", "Mine")),
        krs=krs,
        due=change.get("due", goal.due_date),  # type: ignore[arg-type]
        weight=str(change.get("weight", "")),
        kind=str(change.get("kind", "performance")),
        parent=team_goal(session, org, now) if "parent" in change else None,
    )
    before = len(outbox(session))
    result = edit_goal(session, org.employee, goal.id, data, version=1, now=now)
    assert goal.version == 2 and result.changed
    rows = list(outbox(session))
    if asks_again:
        assert goal.status == "pending_approval" and result.approver == org.manager
        request = outbox(session)[f"goal:{goal.id}:v2:approval"].payload
        assert request["_thread_of"] == f"goal:{goal.id}:v1:approval"  # the same conversation
        assert "changed" in str(request["blocks"]) and "<@UMGR>" in str(request["blocks"])
    else:
        assert goal.status == "active" and result.reworded and result.approver is None
        assert rows[before:] == [f"goal:{goal.id}:v2:reworded"]
        note = outbox(session)[f"goal:{goal.id}:v2:reworded"].payload
        assert note["_thread_of"] == f"goal:{goal.id}:v1:approval"
