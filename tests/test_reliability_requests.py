"""Issue 8, reliability over HTTP: a double click and a retried event act once; a forged button
value is refused, changes nothing and is logged without secrets; people who leave Slack, a
manager who leaves and a time zone Slack cannot name leave the bot working and saying what it
did. (Signatures, stale timestamps and foreign workspaces: tests/test_reliability_outbox.py;
a simple event retry: tests/test_http.py.)"""

from __future__ import annotations

import copy
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, text

from bot.clock import FixedClock
from bot.monitoring import CheckinAnswers, submit_checkin
from bot.org.directory import SyncReport, employee_by_slack_id, sync_directory
from bot.planning import create_goal
from bot.slack.directory import SlackDirectory
from storage.checkins import Checkin
from storage.db import Database
from storage.goals import Goal
from storage.models import AuditLog, Employee, ProcessedEvent
from storage.schema import metadata
from tests.appserver import RunningApp
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM_ID
from tests.fakeslack import FakeSlack, Message, validate_view
from tests.monitoring_fixtures import only_monitoring_tasks
from tests.monitoring_slack import (
    buttons,
    drain,
    keys,
    opened_after,
    pair_dm,
    submit,
    texts,
    unsent,
)
from tests.planning_fixtures import Org, goal_input, make_org
from tests.planning_slack import submit as submit_goal
from tests.ticking import tick
from tests.waiting import wait_for

TEAM = {"id": TEAM_ID, "domain": "acme"}
FRIDAY_1500_JAKARTA = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PEOPLE = ("UADMIN", "UHR", "UMGR", "UEMP", "UPEER", "UOMGR", "USTR", "ULONE")


@pytest.fixture
def app(
    caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest, fake_slack: FakeSlack
) -> RunningApp:
    """The app, logging at INFO from its start (Bolt copies the root level when created)."""
    caplog.set_level(logging.INFO)
    for slack_id in PEOPLE:
        fake_slack.add_user(id=slack_id, name=slack_id.lower(), tz="Asia/Jakarta")
    running: RunningApp = request.getfixturevalue("running_app")
    return running


@pytest.fixture
def org(app: RunningApp, db: Database, clock: FixedClock) -> Org:
    """Maya manages Eko and Edi (Sales), Omar manages Sari (Ops); Hana is HR."""
    with db.session() as session:
        return make_org(session, TEAM_ID, clock.now())


def row_counts(db: Database) -> dict[str, int]:
    """Every table's rows, but the record that a signed request was handled (replays)."""
    with db.session() as session:
        return {
            table.name: int(session.scalar(text(f'SELECT COUNT(*) FROM "{table.name}"')) or 0)
            for table in metadata.sorted_tables
            if table.name != "handled_requests"
        }


def check_in(app: RunningApp, db: Database, slack_id: str, now: datetime, period: str) -> int:
    """A check-in saved through the core, as the modal would."""
    with db.session() as session:
        person = employee_by_slack_id(session, TEAM_ID, slack_id)
        assert person is not None
        answers = CheckinAnswers(period=period, mood="4", wins="Shipped it <!here>")
        result = submit_checkin(session, person, answers, settings=app.services.settings, now=now)
        return result.checkin.id


def summary_for(fake: FakeSlack, manager: str, checkin_id: int) -> Message:
    """The check-in's summary, in the group DM of its employee and `manager`."""
    return next(
        m
        for m in fake.messages
        if m.channel.startswith("G") and ("monitoring_ack", str(checkin_id)) in buttons(m.blocks)
    )


def button_payload(
    fake: FakeSlack, user: str, action_id: str, value: str, message: Message
) -> dict[str, Any]:
    """A click under a message, exactly as Slack sends it (one action_ts per click)."""
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM_ID},
        "team": TEAM,
        "trigger_id": fake.new_trigger_id(user),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": "button",
                "value": value,
                "action_ts": "1764205200.000100",
            }
        ],
        "container": {"type": "message", "channel_id": message.channel, "message_ts": message.ts},
        "channel": {"id": message.channel},
        "message": {"ts": message.ts, "text": message.text, "blocks": message.blocks},
        "response_url": fake.response_url(),
    }


def sync(app: RunningApp, db: Database, fake: FakeSlack, clock: FixedClock) -> SyncReport:
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
    with db.session() as session:
        return sync_directory(session, SlackDirectory(client), TEAM_ID, clock.now())


def leaves_slack(fake: FakeSlack, slack_id: str) -> None:
    fake.add_user(id=slack_id, name=slack_id.lower(), deleted=True)


def audit(db: Database, action: str) -> list[AuditLog]:
    with db.session() as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


# ------------------------------------------------------------------ double clicks and retries


def test_a_double_click_on_acknowledge_acts_once(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    checkin_id = check_in(app, db, "UEMP", clock.now(), "2026-W48")
    drain(db, fake_slack, clock)
    summary = summary_for(fake_slack, "UMGR", checkin_id)
    payload = button_payload(fake_slack, "UMGR", "monitoring_ack", str(checkin_id), summary)
    first_at = clock.now()
    assert app.slack.interaction(copy.deepcopy(payload)).status_code == 200
    wait_for(lambda: keys(db, "checkin:ack:"))
    clock.advance(seconds=1)
    assert app.slack.interaction(copy.deepcopy(payload)).status_code == 200
    time.sleep(0.3)  # whatever the second click would do after its ack is done by now

    assert keys(db, "checkin:ack:") == [f"checkin:ack:{checkin_id}"]
    assert keys(db, f"checkin:summary:{checkin_id}:") == [f"checkin:summary:{checkin_id}:v1"]
    assert len(audit(db, "checkin.acknowledged")) == 1
    with db.session() as session:
        checkin = session.get(Checkin, checkin_id)
        assert checkin is not None and checkin.acknowledged_at == first_at
    drain(db, fake_slack, clock)
    read = [m for m in fake_slack.messages if "read your check-in" in m.text]
    assert len(read) == 1 and read[0].thread_ts == summary.ts
    assert fake_slack.responses == []  # the second click is not an error either


def test_an_event_and_its_retries_arriving_together_are_processed_once(
    app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    """Slack retries when the first delivery seems slow, so a retry can arrive while the first
    is still being handled: whichever records the event id first wins, the rest are acked."""
    fake_slack.add_user(id="U1", name="ani", locale="id-ID")
    event = {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}

    def deliver(retry: int) -> int:
        response = app.slack.event(event, event_id="EvSAME", retry_num=retry or None)
        return response.status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(deliver, range(4))) == [200, 200, 200, 200]
    wait_for(lambda: fake_slack.views_published.get("U1"))
    time.sleep(0.3)
    assert len(fake_slack.calls_to("views.publish")) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
        assert session.scalar(select(func.count()).select_from(Employee)) == 1

    # The dedupe is per event, not per person: the next time Ani opens the tab, it is new work.
    assert app.slack.event(event, event_id="EvNEXT").status_code == 200
    wait_for(lambda: len(fake_slack.calls_to("views.publish")) == 2)


# ------------------------------------------------------------------ forged button values


def _forged_approve(
    app: RunningApp, fake: FakeSlack, db: Database, org: Org, now: datetime
) -> tuple[dict[str, Any], int]:
    """Omar manages another team; he presses Approve with the id of Eko's pending goal."""
    with db.session() as session:
        goal = create_goal(session, session.merge(org.employee), goal_input("Deals"), now=now).goal
        assert (goal.status, goal.version) == ("pending_approval", 1)
        goal_id = goal.id
    drain(db, fake, FixedClock(now))
    request = fake.messages[-1]
    return button_payload(fake, "UOMGR", "planning_approve", f"{goal_id}:1", request), goal_id


def _forged_acknowledge(
    app: RunningApp, fake: FakeSlack, db: Database, org: Org, now: datetime
) -> tuple[dict[str, Any], int]:
    """Edi is Eko's peer, not his manager; he presses Acknowledge under Eko's check-in."""
    checkin_id = check_in(app, db, "UEMP", now, "2026-W48")
    drain(db, fake, FixedClock(now))
    summary = summary_for(fake, "UMGR", checkin_id)
    return button_payload(fake, "UPEER", "monitoring_ack", str(checkin_id), summary), checkin_id


def _state(db: Database) -> tuple[dict[str, int], tuple[Any, ...]]:
    """Every table's row count, and each goal's status and version and each check-in's
    acknowledgement."""
    with db.session() as session:
        goals = session.execute(select(Goal.id, Goal.status, Goal.version)).all()
        checkins = session.execute(select(Checkin.id, Checkin.acknowledged_at)).all()
    return row_counts(db), (tuple(goals), tuple(checkins))


@pytest.mark.parametrize(
    ("forge", "answer", "logged"),
    [
        (_forged_approve, "I can't find that goal", "refused planning_approve '{id}:1' by UOMGR"),
        (_forged_acknowledge, "Only the manager this", "refused monitoring_ack '{id}' by UPEER"),
    ],
)
def test_a_forged_button_value_is_refused_changes_nothing_and_is_logged_without_secrets(
    app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    clock: FixedClock,
    org: Org,
    caplog: pytest.LogCaptureFixture,
    forge: Any,
    answer: str,
    logged: str,
) -> None:
    payload, subject = forge(app, fake_slack, db, org, clock.now())
    before = _state(db)
    caplog.clear()

    assert app.slack.interaction(payload).status_code == 200
    wait_for(lambda: fake_slack.responses)
    time.sleep(0.3)  # anything the listener would do after its ack is done by now

    told = fake_slack.responses[-1]
    assert answer in told["text"] and told["response_type"] == "ephemeral"
    assert _state(db) == before
    log = caplog.text + "\n".join(str(record.__dict__) for record in caplog.records)
    assert logged.format(id=subject) in log
    for secret in (BOT_TOKEN, SIGNING_SECRET, payload["response_url"], "response_url"):
        assert secret not in log


# ------------------------------------------------------------------ people who leave


def test_a_person_deleted_from_slack_mid_cycle(
    app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    clock: FixedClock,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_monitoring_tasks(monkeypatch)
    checkin_id = check_in(app, db, "UEMP", clock.now(), "2026-W47")  # last week's, late
    drain(db, fake_slack, clock)

    leaves_slack(fake_slack, "UEMP")
    report = sync(app, db, fake_slack, clock)
    assert (report.deactivated, report.created) == (1, 0)
    assert "deactivated 1" in str(report)
    assert audit(db, "directory.sync")[-1].detail["deactivated"] == 1
    org_summary = texts(app.slack.command("org", "UHR").json()["blocks"])
    assert "*Inactive (left Slack):* 1" in org_summary

    # Friday 15:00: everyone still here is asked for this week; Eko is not.
    clock.set(FRIDAY_1500_JAKARTA)
    done = tick(db, app.services.settings, FRIDAY_1500_JAKARTA)
    assert done.failed == []
    with db.session() as session:
        eko = employee_by_slack_id(session, TEAM_ID, "UEMP")
        assert eko is not None and not eko.active
        eko_id = eko.id
    prompted = keys(db, "checkin:prompt:")
    assert len(prompted) == len(PEOPLE) - 1
    assert f"checkin:prompt:{eko_id}:2026-W48" not in prompted

    # His manager's views still work: her Home, and acknowledging his last check-in.
    assert app.slack.event(
        {"type": "app_home_opened", "user": "UMGR", "channel": "DUMGR", "tab": "home"},
        event_id="EvMAYA",
    ).ok
    assert validate_view(wait_for(lambda: fake_slack.views_published.get("UMGR"))) == []
    summary = summary_for(fake_slack, "UMGR", checkin_id)
    payload = button_payload(fake_slack, "UMGR", "monitoring_ack", str(checkin_id), summary)
    assert app.slack.interaction(payload).status_code == 200
    wait_for(lambda: audit(db, "checkin.acknowledged"))
    assert keys(db, "checkin:ack:") == []  # nobody to tell: he has left
    drain(db, fake_slack, clock)
    assert unsent(db) == []

    # And Eko, should a request of his still arrive, is told why nothing happens.
    assert (
        app.slack.command("help", "UEMP")
        .json()["text"]
        .startswith(":no_entry: Your Kinerja account is inactive")
    )


def test_a_manager_who_leaves(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    now = clock.now()
    with db.session() as session:
        waiting = create_goal(session, session.merge(org.employee), goal_input("Old"), now=now)
        assert waiting.approver is not None and waiting.approver.slack_id == "UMGR"
        waiting_id = waiting.goal.id
    drain(db, fake_slack, clock)

    leaves_slack(fake_slack, "UMGR")
    assert sync(app, db, fake_slack, clock).deactivated == 1

    # A new goal of Eko's goes to HR for approval, and he is told so.
    trigger = fake_slack.new_trigger_id("UEMP")
    app.slack.command("goal", "UEMP", trigger_id=trigger)
    modal = opened_after(fake_slack, trigger)
    typed = {"title": "New", "due": "2026-12-31", "kr_n1_title": "Deals", "kr_n1_target": "5"}
    saved = texts(submit_goal(app, "UEMP", modal, typed)["view"]["blocks"])
    assert "went to <@UHR> in HR for approval" in saved
    with db.session() as session:
        new = session.scalars(select(Goal).where(Goal.title == "New")).one()
        assert new.approver is not None and new.approver.slack_id == "UHR"

    # The goal that waited for Maya can now be agreed by HR.
    drain(db, fake_slack, clock)
    request = next(m for m in fake_slack.messages if f"{waiting_id}:1" in str(m.blocks))
    click = button_payload(fake_slack, "UHR", "planning_approve", f"{waiting_id}:1", request)
    assert app.slack.interaction(click).status_code == 200
    wait_for(lambda: _status(db, waiting_id) == "active")

    # Eko's check-in is saved and, like his goals, goes to HR: never to the manager who left.
    posted_to_maya = len(fake_slack.messages_in("UMGR"))
    trigger = fake_slack.new_trigger_id("UEMP")
    app.slack.command("checkin", "UEMP", trigger_id=trigger)
    checkin_view = opened_after(fake_slack, trigger)
    assert submit(app, "UEMP", checkin_view, {"mood": "3"}, fake=fake_slack) == {}
    with db.session() as session:
        checkin = session.scalars(select(Checkin)).one()
        assert checkin.manager is not None and checkin.manager.slack_id == "UHR"
    drain(db, fake_slack, clock)
    assert unsent(db) == []
    assert len(fake_slack.messages_in("UMGR")) == posted_to_maya
    summary = summary_for(fake_slack, "UHR", checkin.id)
    assert summary.channel == pair_dm(fake_slack, "UEMP", "UHR")
    assert "in a manager's place" in texts(summary.blocks)


def _status(db: Database, goal_id: int) -> str:
    with db.session() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        return goal.status


def test_a_time_zone_slack_reports_as_unknown(
    app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_monitoring_tasks(monkeypatch)
    fake_slack.add_user(id="UMARS", name="mars")
    fake_slack.users["UMARS"]["tz"] = "Mars/Olympus"  # no tz database knows it
    fake_slack.add_user(id="UNYC", name="nyc", tz="America/New_York")
    report = sync(app, db, fake_slack, clock)
    assert report.unknown_timezones == 1  # the sync says so (and `kinerja sync` prints it)

    me = texts(app.slack.command("me", "UMARS").json()["blocks"])
    assert "*Time zone:* unknown (the organisation's default is used)" in me
    with db.session() as session:
        mars = employee_by_slack_id(session, TEAM_ID, "UMARS")
        assert mars is not None and mars.tz is None
        mars_id = mars.id

    # Prompted at 15:00 in the organisation's zone (Asia/Jakarta), not before.
    settings = app.services.settings
    assert settings.default_tz == "Asia/Jakarta"
    before = FRIDAY_1500_JAKARTA.replace(minute=0, hour=7, second=0)
    assert tick(db, settings, before).failed == []
    assert not any(k.startswith(f"checkin:prompt:{mars_id}:") for k in keys(db))
    assert tick(db, settings, FRIDAY_1500_JAKARTA).failed == []
    prompted = keys(db, "checkin:prompt:")
    assert f"checkin:prompt:{mars_id}:2026-W48" in prompted
    with db.session() as session:
        nyc = employee_by_slack_id(session, TEAM_ID, "UNYC")
        assert nyc is not None and nyc.tz == "America/New_York"
        assert f"checkin:prompt:{nyc.id}:2026-W48" not in prompted  # 03:00 in New York
    clock.set(FRIDAY_1500_JAKARTA)
    drain(db, fake_slack, clock)
    prompt = fake_slack.messages_in("UMARS")[-1].text
    assert "Time for your check-in for week of 23 Nov – 29 Nov" in prompt
