"""The directory sync and person lookups, driven through the fake Slack Web API.

Why through the fake: the sync's job is to read Slack's real response shapes (pagination
cursors, `deleted`, `is_bot`, odd time zones) with the real slack_sdk client.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.org.directory import (
    SyncReport,
    employee_by_slack_id,
    ensure_employee,
    reports_of,
    sync_directory,
)
from bot.org.named_people import quote_value
from bot.slack.directory import SlackDirectory
from storage.db import Database
from storage.models import AuditLog, Employee, Team, Workspace
from tests.fakeslack import FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.api_url)


def add_employee(
    session: Session, team_id: str, slack_id: str, clock: FixedClock, **fields: object
) -> Employee:
    """A row as the fake's defaults would sync it, so only what a test changes differs."""
    values: dict[str, object] = {
        "name": slack_id,
        "email": f"{slack_id.lower()}@example.com",
        "tz": "Asia/Jakarta",
        "locale": "en-US",
        "role": "employee",
        "active": True,
    }
    values.update(fields)
    employee = Employee(
        team_id=team_id, slack_id=slack_id, created_at=clock.now(), updated_at=clock.now(), **values
    )
    session.add(employee)
    session.flush()
    return employee


def employees(db: Database, team_id: str = "T0001") -> dict[str, Employee]:
    with db.session() as session:
        rows = session.scalars(select(Employee).where(Employee.team_id == team_id))
        return {row.slack_id: row for row in rows}


def sync(db: Database, client: WebClient, clock: FixedClock, team_id: str = "T0001") -> SyncReport:
    with db.session() as session:
        return sync_directory(session, SlackDirectory(client), team_id, clock.now())


def test_sync_pages_through_the_whole_directory(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    for number in range(1, 451):
        fake_slack.add_user(id=f"U{number:04d}", real_name=f"Person {number}", locale="id-ID")

    report = sync(db, client, clock)

    assert report == SyncReport(created=450)
    calls = fake_slack.calls_to("users.list")
    assert len(calls) == 3
    assert [str(call.args["limit"]) for call in calls] == ["200", "200", "200"]
    assert all(str(call.args["include_locale"]).lower() in ("1", "true") for call in calls)
    assert "cursor" not in calls[0].args
    for previous, call in zip(calls, calls[1:], strict=False):
        assert call.args["cursor"] == previous.response["response_metadata"]["next_cursor"]
    assert calls[-1].response["response_metadata"]["next_cursor"] == ""
    rows = employees(db)
    assert len(rows) == 450
    first = rows["U0001"]
    assert (first.name, first.email, first.tz, first.locale, first.role, first.active) == (
        "Person 1",
        "u0001@example.com",
        "Asia/Jakarta",
        "id-ID",
        "employee",
        True,
    )


def test_bots_and_slackbot_are_skipped_and_a_bot_employee_is_deactivated(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.add_user(id="UB1", name="deploybot", is_bot=True)
    fake_slack.add_user(id="USLACKBOT", name="slackbot")  # Slack reports is_bot false for it
    fake_slack.add_user(id="UB2", name="oldbot", is_bot=True)
    with db.session() as session:
        add_employee(session, workspace, "UB2", clock, name="Old bot")

    report = sync(db, client, clock)

    assert report == SyncReport(created=1, deactivated=1, skipped_bots=3)
    rows = employees(db)
    assert set(rows) == {"U1", "UB2"}
    assert rows["UB2"].active is False


def test_deleted_people_become_inactive_with_their_data_kept(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.add_user(id="U2", real_name="Budi", email="budi@example.com", deleted=True)
    fake_slack.add_user(id="U3", real_name="Never here", deleted=True)
    with db.session() as session:
        ani = add_employee(session, workspace, "U1", clock, name="Ani")
        team = Team(team_id=workspace, name="Sales", created_at=clock.now())
        session.add(team)
        session.flush()
        add_employee(
            session,
            workspace,
            "U2",
            clock,
            name="Budi",
            email="budi@example.com",
            tz="Asia/Makassar",
            role="manager",
            manager_id=ani.id,
            org_team_id=team.id,
        )
    clock.advance(days=1)

    report = sync(db, client, clock)

    assert report == SyncReport(deactivated=1)
    rows = employees(db)
    assert "U3" not in rows
    budi = rows["U2"]
    assert budi.active is False
    assert (budi.name, budi.email, budi.tz, budi.role) == (
        "Budi",
        "budi@example.com",
        "Asia/Makassar",
        "manager",
    )
    assert budi.manager_id == rows["U1"].id and budi.org_team_id is not None
    assert budi.updated_at == clock.now()


def test_a_person_who_is_back_is_reactivated(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani Baru")
    with db.session() as session:
        add_employee(session, workspace, "U1", clock, name="Ani", active=False)

    report = sync(db, client, clock)

    assert report == SyncReport(reactivated=1)
    ani = employees(db)["U1"]
    assert ani.active is True
    assert ani.name == "Ani Baru"


def test_unknown_time_zones_are_counted_and_never_stored(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.add_user(id="U2", real_name="Budi")
    for slack_id in ("U1", "U2"):
        fake_slack.users[slack_id]["tz"] = "Mars/Olympus_Mons"
    with db.session() as session:
        add_employee(session, workspace, "U1", clock, name="Ani", tz="Asia/Jakarta")

    report = sync(db, client, clock)

    assert report == SyncReport(created=1, unknown_timezones=2)
    rows = employees(db)
    assert rows["U1"].tz == "Asia/Jakarta"
    assert rows["U2"].tz is None


def test_sync_updates_slack_fields_but_never_the_org_fields(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.add_user(
        id="U2", real_name="Budi Santoso", email="b@example.com", tz="Asia/Tokyo", locale="ja-JP"
    )
    fake_slack.users["U1"]["profile"]["email"] = ""  # no users:read.email: keep what we had
    with db.session() as session:
        ani = add_employee(session, workspace, "U1", clock, name="Ani", email="ani@corp.example")
        add_employee(
            session,
            workspace,
            "U2",
            clock,
            name="Budi",
            role="hr",
            manager_id=ani.id,
            tz="Asia/Jakarta",
            locale="id-ID",
        )
    clock.advance(hours=1)

    report = sync(db, client, clock)

    assert report == SyncReport(updated=1)
    rows = employees(db)
    assert rows["U1"].email == "ani@corp.example"
    assert rows["U1"].updated_at == clock.now() - timedelta(hours=1)
    budi = rows["U2"]
    assert (budi.name, budi.email, budi.tz, budi.locale) == (
        "Budi Santoso",
        "b@example.com",
        "Asia/Tokyo",
        "ja-JP",
    )
    assert (budi.role, budi.manager_id, budi.updated_at) == ("hr", rows["U1"].id, clock.now())


def test_second_sync_changes_nothing_and_both_are_audited(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.add_user(id="U2", real_name="Budi", deleted=True)
    fake_slack.add_user(id="UB1", name="bot", is_bot=True)
    assert sync(db, client, clock) == SyncReport(created=1, skipped_bots=1)
    before = {key: (row.name, row.updated_at) for key, row in employees(db).items()}
    clock.advance(days=1)

    assert sync(db, client, clock) == SyncReport(skipped_bots=1)

    after = {key: (row.name, row.updated_at) for key, row in employees(db).items()}
    assert after == before
    with db.session() as session:
        audits = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert [(a.action, a.actor, a.detail["created"]) for a in audits] == [
            ("directory.sync", None, 1),
            ("directory.sync", None, 0),
        ]


def test_members_of_other_workspaces_are_ignored(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.add_user(id="U9", real_name="Guest from elsewhere")
    fake_slack.users["U9"]["team_id"] = "T0002"
    with db.session() as session:
        session.add(Workspace(team_id="T0002", name="Other", created_at=clock.now()))
        session.flush()
        add_employee(session, "T0002", "U1", clock, name="Other Ani", active=False)

    assert sync(db, client, clock) == SyncReport(created=1)

    assert set(employees(db)) == {"U1"}
    assert employees(db, "T0002")["U1"].name == "Other Ani"
    assert employees(db, "T0002")["U1"].active is False


def test_a_slack_failure_changes_nothing(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U1", real_name="Ani")
    fake_slack.fail_next("users.list", status=200, error="invalid_auth")

    with pytest.raises(SlackApiError):
        sync(db, client, clock)

    assert employees(db) == {}


def test_ensure_employee_uses_the_row_it_has(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    with db.session() as session:
        add_employee(session, workspace, "U1", clock, name="Ani", active=False)
        found = ensure_employee(session, SlackDirectory(client), workspace, "U1", clock.now())
        assert found is not None and found.name == "Ani" and found.active is False
    assert fake_slack.calls_to("users.info") == []


def test_ensure_employee_creates_a_person_before_the_first_sync(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(
        id="U1", real_name="Ani", email="ani@example.com", tz="Asia/Makassar", locale="id-ID"
    )
    with db.session() as session:
        created = ensure_employee(session, SlackDirectory(client), workspace, "U1", clock.now())
        assert created is not None
        again = ensure_employee(session, SlackDirectory(client), workspace, "U1", clock.now())
        assert again is created
    ani = employees(db)["U1"]
    assert (ani.name, ani.email, ani.tz, ani.locale, ani.role, ani.active) == (
        "Ani",
        "ani@example.com",
        "Asia/Makassar",
        "id-ID",
        "employee",
        True,
    )
    calls = fake_slack.calls_to("users.info")
    assert len(calls) == 1
    assert str(calls[0].args["include_locale"]).lower() in ("1", "true")


@pytest.mark.parametrize(
    ("slack_id", "setup"),
    [
        ("UB1", {"is_bot": True}),
        ("USLACKBOT", {}),
        ("U2", {"deleted": True}),
        ("U9", None),
    ],
)
def test_ensure_employee_refuses_bots_leavers_and_strangers(
    db: Database,
    workspace: str,
    clock: FixedClock,
    fake_slack: FakeSlack,
    client: WebClient,
    slack_id: str,
    setup: dict[str, bool] | None,
) -> None:
    if setup is not None:
        fake_slack.add_user(id=slack_id, **setup)
    with db.session() as session:
        directory = SlackDirectory(client)
        assert ensure_employee(session, directory, workspace, slack_id, clock.now()) is None
    assert employees(db) == {}


def test_ensure_employee_ignores_people_of_another_workspace(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.add_user(id="U9")
    fake_slack.users["U9"]["team_id"] = "T0002"
    with db.session() as session:
        directory = SlackDirectory(client)
        assert ensure_employee(session, directory, workspace, "U9", clock.now()) is None


def test_lookups_and_direct_reports(db: Database, workspace: str, clock: FixedClock) -> None:
    with db.session() as session:
        session.add(Workspace(team_id="T0002", name="Other", created_at=clock.now()))
        boss = add_employee(session, workspace, "U1", clock, name="Boss")
        add_employee(session, workspace, "U3", clock, name="Zed", manager_id=boss.id)
        add_employee(session, workspace, "U2", clock, name="Ani", manager_id=boss.id)
        add_employee(session, workspace, "U4", clock, name="Left", manager_id=boss.id, active=False)
        add_employee(session, workspace, "U5", clock, name="Not a report")
        add_employee(session, "T0002", "U1", clock, name="Other boss")

        found = employee_by_slack_id(session, workspace, "U1")
        assert found is not None and found.name == "Boss"
        assert employee_by_slack_id(session, workspace, "U404") is None
        assert [e.slack_id for e in reports_of(session, boss)] == ["U2", "U3"]
        other = employee_by_slack_id(session, "T0002", "U1")
        assert other is not None and reports_of(session, other) == []


def test_ensure_employee_losing_a_race_returns_the_winners_row(
    db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack
) -> None:
    """Another instance inserts the person while we ask Slack; the savepoint keeps our
    transaction usable. (SQLite's BEGIN IMMEDIATE serialises writers, so no race there.)"""
    if not db.is_postgres:
        pytest.skip("writers cannot interleave on SQLite")
    fake_slack.add_user(id="U1", real_name="Ani")

    class RacingClient(WebClient):
        def users_info(self, **kwargs: Any) -> Any:
            with db.session() as other:
                add_employee(other, workspace, "U1", clock, name="Winner")
            return super().users_info(**kwargs)

    racing = RacingClient(token="xoxb-test", base_url=fake_slack.api_url)
    with db.session() as session:
        found = ensure_employee(session, SlackDirectory(racing), workspace, "U1", clock.now())
        assert found is not None and found.name == "Winner"
    assert len(employees(db)) == 1


def test_values_echoed_in_errors_are_cut_as_shown_escapes_included() -> None:
    """A name of characters Python shows escaped (ten characters each) once made an import
    error of 307 characters; the cut now counts what is shown."""
    assert quote_value("Eko") == "'Eko'"
    assert quote_value("x" * 50) == "'" + "x" * 39 + "…'"
    odd = quote_value("\U000105bd" * 29)
    assert len(odd) <= 42 and odd.endswith("…'") and odd.startswith("'\\U000105bd")
