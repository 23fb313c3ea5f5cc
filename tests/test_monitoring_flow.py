"""The whole check-in flow through the app over HTTP and the fake Slack: prompt → Start
check-in → modal pre-filled with goals → submit → goal progress and history move → manager's
thread → Reply → I'll help → Resolved; edits, inline errors, leave, schedules, Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.config import Settings
from bot.planning import goal_progress
from storage.checkins import Checkin, CheckinKeyResultUpdate, CheckinSchedule, Obstacle
from storage.db import Database
from storage.goals import Goal, GoalEvent, KeyResult
from storage.models import Employee, OutboxMessage
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack, Message
from tests.monitoring_fixtures import TEAM_ID, only_monitoring_tasks, person
from tests.monitoring_slack import (
    buttons,
    click,
    conversation,
    drain,
    keys,
    opened_after,
    submit,
    texts,
    with_state,
)
from tests.ticking import tick
from tests.waiting import wait_for

FRIDAY_1500_JAKARTA = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@dataclass
class Team:
    manager_id: int
    employee_id: int
    peer_id: int
    goal_id: int
    metric_id: int
    check_id: int


@pytest.fixture(autouse=True)
def _monitoring_only(monkeypatch: pytest.MonkeyPatch) -> None:
    only_monitoring_tasks(monkeypatch)


@pytest.fixture
def team(db: Database, fake_slack: FakeSlack, running_app: RunningApp) -> Team:
    """Maya (Indonesian) manages Eko (English) and Edi; Eko has one active goal."""
    now = FRIDAY_1500_JAKARTA - timedelta(days=10)
    fake_slack.add_user(id="UMGR", name="maya", tz="Asia/Jakarta", locale="id-ID")
    fake_slack.add_user(id="UEMP", name="eko", tz="Asia/Jakarta", locale="en-US")
    fake_slack.add_user(id="UPEER", name="edi", tz="Asia/Jakarta", locale="en-US")
    with db.session() as session:
        manager = person(session, "UMGR", name="Maya", role="manager", locale="id-ID", now=now)
        employee = person(session, "UEMP", name="Eko", manager=manager, now=now)
        peer = person(session, "UPEER", name="Edi", manager=manager, now=now)
        goal = Goal(
            team_id=TEAM_ID,
            owner_id=employee.id,
            level="personal",
            kind="performance",
            title="Grow revenue <b>",
            description="",
            weight=1.0,
            due_date=date(2026, 12, 31),
            status="active",
            version=1,
            created_at=now,
            updated_at=now,
        )
        session.add(goal)
        session.flush()
        metric = KeyResult(
            team_id=TEAM_ID,
            goal_id=goal.id,
            position=0,
            title="New customers",
            kind="metric",
            start_value=0.0,
            target_value=10.0,
            current_value=2.0,
            unit="customers",
            updated_at=now,
        )
        check = KeyResult(
            team_id=TEAM_ID,
            goal_id=goal.id,
            position=1,
            title="Launch the webinar",
            kind="check",
            done=False,
            updated_at=now,
        )
        session.add_all([metric, check])
        session.flush()
        return Team(manager.id, employee.id, peer.id, goal.id, metric.id, check.id)


def _settings(app: RunningApp) -> Settings:
    return app.services.settings


def _prompted(db: Database, app: RunningApp, fake: FakeSlack, clock: FixedClock) -> Message:
    clock.set(FRIDAY_1500_JAKARTA)
    report = tick(db, _settings(app), FRIDAY_1500_JAKARTA)
    assert report.done["checkin_prompts"] == 3  # Maya, Eko and Edi
    drain(db, fake, clock)
    clock.advance(minutes=5)
    return fake.messages_in("UEMP")[-1]


def _open_checkin(app: RunningApp, fake: FakeSlack, prompt: Message) -> dict:
    trigger = click(app, fake, "UEMP", "monitoring_start_checkin", "2026-W48", message=prompt)
    view = opened_after(fake, trigger)
    assert view["callback_id"] == "monitoring_checkin"
    return view


def _element(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def _kr(db: Database, kr_id: int) -> KeyResult:
    with db.session() as session:
        found = session.get(KeyResult, kr_id)
        assert found is not None
        return found


def _obstacles(db: Database) -> list[Obstacle]:
    with db.session() as session:
        return list(session.scalars(select(Obstacle).order_by(Obstacle.id)))


def _conversation(fake: FakeSlack) -> tuple[Message, list[Message]]:
    """Eko's check-in summary in his group DM with Maya, and its thread."""
    return conversation(fake, "UEMP", "UMGR")


def test_prompt_checkin_manager_thread_reply_and_obstacles(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    assert prompt.text == "Time for your check-in for week of 23 Nov – 29 Nov."
    assert buttons(prompt.blocks) == [("monitoring_start_checkin", "2026-W48")]

    view = _open_checkin(app, fake, prompt)
    shown = texts(view["blocks"])
    sections = texts([b for b in view["blocks"] if b["type"] == "section"])  # mrkdwn
    assert "Grow revenue &lt;b&gt;" in sections and "<b>" not in sections
    assert "Confidence: Grow revenue <b>" in shown  # a plain_text label shows it literally
    assert "10% done" in shown  # (2/10 + not done) / 2
    assert _element(view, f"kr_{team.metric_id}")["initial_value"] == "2"
    assert "initial_options" not in _element(view, f"done_{team.check_id}")
    assert _element(view, f"conf_{team.goal_id}")["initial_option"]["value"] == "on_track"

    answer = submit(
        app,
        "UEMP",
        view,
        {
            f"kr_{team.metric_id}": "7",
            f"done_{team.check_id}": ["done"],
            f"conf_{team.goal_id}": "at_risk",
            "mood": "4",
            "wins": "Closed the <!channel> deal & more",
            "obstacles": "- Need CRM access\n• Budget approval <@U999>\n",
            "support": "Unblock the budget",
            "plans": "Run the webinar",
        },
        fake=fake,
    )
    assert answer == {}
    assert _kr(db, team.metric_id).current_value == 7.0
    assert _kr(db, team.check_id).done is True
    with db.session() as session:
        goal = session.get(Goal, team.goal_id)
        assert goal is not None and goal_progress(goal) == pytest.approx(0.85)
        history = session.scalars(
            select(GoalEvent).where(
                GoalEvent.goal_id == team.goal_id, GoalEvent.action == "progress"
            )
        ).all()
        assert len(history) == 2 and {e.detail["source"] for e in history} == {"checkin"}
        checkin = session.scalars(select(Checkin)).one()
        assert (checkin.period, checkin.mood, checkin.manager_id) == (
            "2026-W48",
            4,
            team.manager_id,
        )
    assert [o.text for o in _obstacles(db)] == ["Need CRM access", "Budget approval <@U999>"]

    drain(db, fake, clock)
    # The summary is in the group DM of Eko, Maya and the bot (in Maya's language: the
    # buttons are hers); the 1:1 DMs get no copy that a typed reply could be lost under.
    root, thread = _conversation(fake)
    assert thread == []
    assert [m.metadata["event_payload"]["key"] for m in fake.messages_in("UMGR")] == [
        f"checkin:prompt:{team.manager_id}:2026-W48"  # her own prompt, nothing else
    ]
    assert fake.messages_in("UEMP") == [prompt]
    replies = [root]
    summary = texts(replies[0].blocks)
    assert "<@UEMP> mengisi check-in untuk *minggu 23 Nov – 29 Nov" in summary
    assert "Bicarakan di utas ini: <@UEMP> dan <@UMGR> sama-sama membacanya." in summary
    assert "10% → 85% (+75 poin) · :large_yellow_circle: berisiko" in summary
    assert "New customers: 2 → 7 dari 10 customers" in summary
    assert "&lt;!channel&gt; deal &amp; more" in summary and "<!channel>" not in summary
    assert "Budget approval &lt;@U999&gt;" in summary and "<@U999>" not in summary
    obstacle_ids = [o.id for o in _obstacles(db)]
    assert buttons(replies[0].blocks) == [
        ("monitoring_obstacle_help", str(obstacle_ids[0])),
        ("monitoring_obstacle_resolve", str(obstacle_ids[0])),
        ("monitoring_obstacle_help", str(obstacle_ids[1])),
        ("monitoring_obstacle_resolve", str(obstacle_ids[1])),
        ("monitoring_ack", str(checkin.id)),
        ("monitoring_reply", str(checkin.id)),
    ]

    # Eko sees the buttons too: his click is refused with what he can do instead.
    refusals = len(fake.responses)
    click(app, fake, "UEMP", "monitoring_reply", str(checkin.id), message=root)
    click(app, fake, "UEMP", "monitoring_obstacle_help", str(obstacle_ids[0]), message=root)
    wait_for(lambda: len(fake.responses) == refusals + 2)
    assert all(
        r["text"] == ":no_entry: This button is for the person who reads your check-in. "
        "To talk about it, write in this thread: both of you read it."
        for r in fake.responses[refusals:]
    )
    assert [o.status for o in _obstacles(db)] == ["open", "open"]

    # Reply: a modal, then the reply lands in the check-in's thread, addressed to Eko.
    trigger = click(app, fake, "UMGR", "monitoring_reply", str(checkin.id), message=replies[0])
    reply_view = opened_after(fake, trigger)
    assert reply_view["callback_id"] == "monitoring_reply"
    assert submit(app, "UMGR", reply_view, {"reply": ""}) == {
        "response_action": "errors",
        "errors": {"reply": "Tulis balasan terlebih dahulu."},
    }
    forged = submit(app, "UPEER", reply_view, {"reply": "I am not the manager"})
    assert forged["errors"] == {
        "reply": ":no_entry: Only the manager this check-in was sent to can do that."
    }
    assert submit(app, "UMGR", reply_view, {"reply": "Great work <!here>, I'll call IT"}) == {}
    drain(db, fake, clock)
    _, thread = _conversation(fake)
    told = thread[-1]
    assert told.text == (
        ":speech_balloon: <@UMGR> replied to <@UEMP>'s check-in for week of 23 Nov – 29 Nov:"
    )
    assert "Great work &lt;!here&gt;, I'll call IT" in texts(told.blocks)
    assert fake.messages_in("UEMP") == [prompt]  # no relay: he reads it where Maya wrote it

    # Someone else's button value is refused in the core: nothing changes.
    refusals = len(fake.responses)
    click(app, fake, "UPEER", "monitoring_obstacle_resolve", str(obstacle_ids[0]))
    click(app, fake, "UPEER", "monitoring_ack", str(checkin.id))
    wait_for(lambda: len(fake.responses) == refusals + 2)
    assert all("Only the manager" in r["text"] for r in fake.responses[refusals:])
    assert [o.status for o in _obstacles(db)] == ["open", "open"]
    assert keys(db, "checkin:ack:") == []

    # I'll help, then Resolved: statuses move, the summary is updated, the employee hears.
    click(app, fake, "UMGR", "monitoring_obstacle_help", str(obstacle_ids[0]), message=replies[0])
    wait_for(lambda: _obstacles(db)[0].status == "helping")
    drain(db, fake, clock)
    summary_message, thread = _conversation(fake)
    assert summary_message.updated
    assert "<@UMGR> sedang membantu" in texts(summary_message.blocks)
    assert ("monitoring_obstacle_help", str(obstacle_ids[0])) not in buttons(summary_message.blocks)
    assert "<@UEMP>, <@UMGR> will help you with this obstacle" in thread[-1].text
    click(app, fake, "UMGR", "monitoring_obstacle_resolve", str(obstacle_ids[0]))
    wait_for(lambda: _obstacles(db)[0].status == "resolved")
    obstacle = _obstacles(db)[0]
    assert obstacle.resolved_by_id == team.manager_id and obstacle.resolved_at is not None
    click(app, fake, "UMGR", "monitoring_ack", str(checkin.id))
    wait_for(lambda: keys(db, "checkin:ack:"))
    drain(db, fake, clock)
    final, thread = _conversation(fake)
    assert ("monitoring_ack", str(checkin.id)) not in buttons(final.blocks)
    assert "teratasi" in texts(final.blocks)
    assert "<@UMGR> sudah menandai check-in ini sebagai dibaca" in texts(final.blocks)
    told = [m.text for m in thread]
    assert any("<@UEMP>, <@UMGR> read your check-in" in text for text in told)
    assert any("<@UEMP>, <@UMGR> marked this obstacle as resolved" in text for text in told)
    assert fake.messages_in("UEMP") == [prompt]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Checkin)) == 1
    # The update after "Resolved" was still waiting when "Acknowledge" rendered a newer one:
    # it was dropped, so an old render can never arrive last.
    summary = f"checkin:summary:{checkin.id}"
    assert keys(db, summary) == [summary, f"{summary}:v1", f"{summary}:v3"]


def test_submitting_again_in_the_same_period_edits_the_checkin(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    view = _open_checkin(app, fake, prompt)
    submit(
        app,
        "UEMP",
        view,
        {f"kr_{team.metric_id}": "5", "mood": "3", "obstacles": "A\nB"},
        fake=fake,
    )
    drain(db, fake, clock)

    trigger = fake.new_trigger_id("UEMP")
    assert app.slack.command("checkin", "UEMP", trigger_id=trigger).status_code == 200
    again = opened_after(fake, trigger)
    assert "You already checked in on 27 Nov" in texts(again["blocks"])
    assert _element(again, f"kr_{team.metric_id}")["initial_value"] == "5"
    assert _element(again, "obstacles")["initial_value"] == "A\nB"
    assert _element(again, "mood")["initial_option"]["value"] == "3"
    submit(app, "UEMP", again, {f"kr_{team.metric_id}": "9", "obstacles": "B\nC"}, fake=fake)

    with db.session() as session:
        checkin = session.scalars(select(Checkin)).one()
        assert checkin.edits == 1
        update = session.scalars(select(CheckinKeyResultUpdate)).one()
        assert (update.value_before, update.value_after) == (2.0, 9.0)
    assert [(o.text, o.status) for o in _obstacles(db)] == [
        ("A", "resolved"),
        ("B", "open"),
        ("C", "open"),
    ]
    drain(db, fake, clock)
    root, thread = _conversation(fake)
    assert thread == [] and root.updated
    shown = texts(root.blocks)
    assert "2 → 9 dari 10" in shown and "Diubah 1×" in shown
    assert keys(db, "checkin:summary:") == [
        f"checkin:summary:{checkin.id}",
        f"checkin:summary:{checkin.id}:v1",
    ]


def _no_checkin_saved(db: Database, team: Team) -> None:
    assert _kr(db, team.metric_id).current_value == 2.0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Checkin)) == 0
        assert session.scalar(select(func.count()).select_from(Obstacle)) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.idempotency_key.startswith("checkin:summary"))
            )
            == 0
        )


def test_bad_input_gets_inline_errors_and_nothing_is_half_saved(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    view = _open_checkin(app, fake, prompt)
    answer = submit(
        app,
        "UEMP",
        view,
        {
            f"kr_{team.metric_id}": "seven",
            f"done_{team.check_id}": ["done"],
            "mood": "3",
            "wins": "x" * 1001,
            "obstacles": "ok\n" + "y" * 301,
        },
    )
    assert answer == {
        "response_action": "errors",
        "errors": {
            f"kr_{team.metric_id}": "Enter a number, such as 42 or 3.5.",
            "wins": "Keep it to 1000 characters or fewer.",
            "obstacles": "Keep each obstacle to 300 characters or fewer.",
        },
    }
    _no_checkin_saved(db, team)
    assert _kr(db, team.check_id).done is False

    # Two weeks later the form's period (week 48) is closed.
    clock.advance(days=14)
    answer = submit(app, "UEMP", view, {f"kr_{team.metric_id}": "3", "mood": "3"}, fake=fake)
    first_input = next(b["block_id"] for b in view["blocks"] if b["type"] == "input")
    assert answer == {
        "response_action": "errors",
        "errors": {
            first_input: "This period is closed: check-ins are accepted for the current "
            "and the previous period only."
        },
    }
    _no_checkin_saved(db, team)


def test_errors_in_indonesian_and_a_decimal_comma(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    app, fake = running_app, fake_slack
    with db.session() as session:
        employee = session.get(Employee, team.employee_id)
        assert employee is not None
        employee.locale = "id-ID"
    prompt = _prompted(db, app, fake, clock)
    assert prompt.text == "Saatnya check-in untuk minggu 23 Nov – 29 Nov."
    view = _open_checkin(app, fake, prompt)
    assert "Sasaran Anda" in texts(view["blocks"])
    answer = submit(app, "UEMP", view, {f"kr_{team.metric_id}": "1O", "mood": "5"}, fake=fake)
    assert answer["errors"] == {f"kr_{team.metric_id}": "Masukkan angka, misalnya 42 atau 3,5."}
    assert submit(app, "UEMP", view, {f"kr_{team.metric_id}": "3,5", "mood": "5"}, fake=fake) == {}
    assert _kr(db, team.metric_id).current_value == 3.5


def test_away_until_and_cancel(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    slack = running_app.slack

    def say(text: str) -> str:
        return str(slack.command(text, "UEMP").json()["text"])

    assert say("away").startswith("You are not marked as away.")
    assert "Write the date as YYYY-MM-DD" in say("away until tomorrow")
    assert "That date has passed" in say("away until 2026-11-01")
    assert "at most a year ahead" in say("away until 2027-12-31")
    assert say("away until 2026-12-31").startswith(":palm_tree: Noted: you are away until 31 Dec")
    with db.session() as session:
        employee = session.get(Employee, team.employee_id)
        assert employee is not None and employee.away_until == date(2026, 12, 31)
    clock.set(FRIDAY_1500_JAKARTA)
    tick(db, running_app.services.settings, FRIDAY_1500_JAKARTA)
    assert not [k for k in keys(db, "checkin:prompt:") if k.split(":")[2] == str(team.employee_id)]
    assert say("cuti batal").startswith(":wave: Welcome back")
    assert say("away cancel") == "You were not marked as away."


def test_admin_edits_the_schedule_in_a_modal(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    app, fake = running_app, fake_slack
    refused = app.slack.command("admin", "UEMP").json()
    assert refused["text"].startswith(":no_entry:")
    with db.session() as session:
        manager = session.get(Employee, team.manager_id)
        assert manager is not None
        manager.role = "hr"
    trigger = fake.new_trigger_id("UMGR")
    app.slack.command("jadwal", "UMGR", trigger_id=trigger)
    view = opened_after(fake, trigger)
    assert view["callback_id"] == "monitoring_schedule"
    assert _element(view, "local_time")["initial_time"] == "15:00"
    answer = submit(app, "UMGR", view, {"local_time": "19:00", "escalation_days": "0"})
    assert answer == {
        "response_action": "errors",
        "errors": {
            "local_time": "Pilih waktu antara 09:00 dan 17:59: "
            "tidak ada pengingat di luar jam kerja.",
        },
    }
    answer = submit(app, "UMGR", view, {"local_time": "10:00", "escalation_days": "0"})
    assert answer["errors"] == {
        "escalation_days": "Masukkan jumlah hari berupa bilangan bulat dari 1 sampai 60."
    }
    assert (
        submit(
            app,
            "UMGR",
            view,
            {"cadence": "biweekly", "weekday": "0", "local_time": "10:00", "escalation_days": "5"},
        )
        == {}
    )
    with db.session() as session:
        schedule = session.scalars(select(CheckinSchedule)).one()
        assert (schedule.cadence, schedule.weekday, schedule.local_time) == ("biweekly", 0, "10:00")
    unknown = app.slack.command("admin Nowhere <!here>", "UMGR").json()["text"]
    assert "&lt;!here&gt;" in unknown


def test_home_shows_the_checkin_and_open_obstacles(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    before_checkin = open_home(app, fake, "UEMP")  # Eko checks in with his Home open
    assert "not done yet" in texts(before_checkin["blocks"])
    view = _open_checkin(app, fake, prompt)
    submit(app, "UEMP", view, {"mood": "4", "obstacles": "Laptop <!channel> broken"}, fake=fake)
    home = open_home(app, fake, "UMGR")
    shown = texts(home["blocks"])
    assert "<@UEMP>: Laptop &lt;!channel&gt; broken" in shown
    assert "1 check-in menunggu" in shown
    obstacle = _obstacles(db)[0]
    assert ("monitoring_obstacle_help", str(obstacle.id)) in buttons(home["blocks"])
    employee_home = fake.views_published["UEMP"]  # refreshed on submit: he was looking
    assert employee_home is not before_checkin
    assert ":white_check_mark: Your check-in for *week of 23 Nov – 29 Nov*" in texts(
        employee_home["blocks"]
    )
    assert ("monitoring_obstacle_resolve", str(obstacle.id)) in buttons(employee_home["blocks"])
    before = len(fake.calls_to("views.publish"))
    click(app, fake, "UEMP", "monitoring_obstacle_resolve", str(obstacle.id), home=True)
    wait_for(lambda: len(fake.calls_to("views.publish")) > before)
    assert _obstacles(db)[0].status == "resolved"
    drain(db, fake, clock)
    assert not [m for m in fake.messages_in("UEMP") if "marked this obstacle" in m.text]


def test_a_home_nobody_is_looking_at_is_built_when_opened_not_on_every_change(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    """Eko checks in from the prompt in his DMs: his Home, never opened, is not rebuilt. When he
    opens it, it shows the check-in; a change within the hour republishes it, one after the
    hour does not (he is no longer taken to be looking at it)."""
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    submit(app, "UEMP", _open_checkin(app, fake, prompt), {"mood": "4"}, fake=fake)
    assert "UEMP" not in fake.views_published
    home = open_home(app, fake, "UEMP")
    assert ":white_check_mark: Your check-in for *week of 23 Nov – 29 Nov*" in texts(home["blocks"])
    with db.session() as session:
        eko = session.scalar(select(Employee).where(Employee.slack_id == "UEMP"))
        assert eko is not None and eko.home_opened_at == clock.now()

    def published() -> int:
        return len([c for c in fake.calls_to("views.publish") if c.args["user_id"] == "UEMP"])

    clock.advance(minutes=30)
    count = published()
    submit(app, "UEMP", _open_checkin(app, fake, prompt), {"mood": "2"}, fake=fake)
    assert published() == count + 1

    clock.advance(minutes=31)
    submit(app, "UEMP", _open_checkin(app, fake, prompt), {"mood": "5"}, fake=fake)
    assert published() == count + 1
    with db.session() as session:
        edits = session.scalar(select(Checkin.edits).where(Checkin.period == "2026-W48"))
    assert edits == 2  # both edits were saved all the same


def test_a_click_on_the_home_counts_as_looking_at_it(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    """Eko opened his Home two hours ago and left the tab open (Slack sends no new opening).
    Resolving an obstacle from it must still refresh it: the click shows he is looking."""
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    answers = {"mood": "4", "obstacles": "Laptop broken"}
    submit(app, "UEMP", _open_checkin(app, fake, prompt), answers, fake=fake)
    home = open_home(app, fake, "UEMP")
    obstacle = _obstacles(db)[0]
    assert ("monitoring_obstacle_resolve", str(obstacle.id)) in buttons(home["blocks"])
    clock.advance(hours=2)
    published = len(fake.calls_to("views.publish"))
    click(app, fake, "UEMP", "monitoring_obstacle_resolve", str(obstacle.id), home=True)
    wait_for(lambda: len(fake.calls_to("views.publish")) > published)
    assert app.services.after_ack.wait_idle(5)
    assert _obstacles(db)[0].status == "resolved"
    refreshed = fake.views_published["UEMP"]
    assert ("monitoring_obstacle_resolve", str(obstacle.id)) not in buttons(refreshed["blocks"])
    with db.session() as session:
        eko = session.scalar(select(Employee).where(Employee.slack_id == "UEMP"))
        assert eko is not None and eko.home_opened_at == clock.now()


def test_home_marks_a_checkin_not_done_after_its_day_as_overdue(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    """Due Friday 15:00: that Friday the Home says "not done yet · due …"; on Sunday it says
    the check-in is overdue, and still offers to start it."""
    app, fake = running_app, fake_slack
    _prompted(db, app, fake, clock)
    friday = texts(open_home(app, fake, "UEMP")["blocks"])
    assert "not done yet · due Fri 27 Nov, 15:00" in friday and "overdue" not in friday
    clock.set(datetime(2026, 11, 29, 3, 0, tzinfo=UTC))  # Sunday 10:00 in Jakarta
    sunday = open_home(app, fake, "UEMP")
    shown = texts(sunday["blocks"])
    assert ":warning: Your check-in for *" in shown
    assert "* is *overdue*: it was due Fri 27 Nov, 15:00." in shown
    assert "not done yet" not in shown
    assert ("monitoring_start_checkin", "2026-W48") in buttons(sunday["blocks"])


def test_a_refused_click_on_the_home_is_told_in_a_small_modal(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    """A click on the App Home comes with no response_url: the refusal is shown in a notice
    modal opened with the click's trigger id, and nothing changes."""
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    answers = {"mood": "4", "obstacles": "Laptop broken"}
    submit(app, "UEMP", _open_checkin(app, fake, prompt), answers, fake=fake)
    obstacle = _obstacles(db)[0]
    trigger = click(app, fake, "UPEER", "monitoring_obstacle_resolve", str(obstacle.id), home=True)
    notice = opened_after(fake, trigger)
    assert notice["title"]["text"] == "Check-ins and obstacles"
    assert "Only the manager this check-in was sent to can do that." in texts(notice["blocks"])
    assert not notice.get("submit")
    assert [o.status for o in _obstacles(db)] == ["open"]
    assert app.services.after_ack.wait_idle(5)


def test_the_modal_with_state_helper_keeps_unchanged_values(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    """Submitting the pre-filled form as it is writes no goal history (nothing moved)."""
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    view = _open_checkin(app, fake, prompt)
    assert with_state(view)["state"]["values"][f"kr_{team.metric_id}"]["value"]["value"] == "2"
    assert submit(app, "UEMP", view, {"mood": "2"}, fake=fake) == {}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(GoalEvent)) == 0


def test_an_obstacle_nobody_took_on_is_raised_again_in_the_checkins_thread(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, team: Team
) -> None:
    """A week later the reminder about Eko's open obstacle is a reply in the check-in's
    thread, naming Maya (only a mention notifies in a thread): Eko sees it was not forgotten,
    and its button works there."""
    app, fake = running_app, fake_slack
    prompt = _prompted(db, app, fake, clock)
    answers = {"mood": "3", "obstacles": "Need CRM"}
    assert submit(app, "UEMP", _open_checkin(app, fake, prompt), answers, fake=fake) == {}
    drain(db, fake, clock)
    week_later = FRIDAY_1500_JAKARTA + timedelta(days=7, hours=1)  # 16:00 Jakarta, a Friday
    clock.set(week_later)
    tick(db, _settings(app), week_later)
    drain(db, fake, clock)
    root, thread = _conversation(fake)
    reminder = thread[-1]
    assert reminder.text.startswith("<@UMGR> :hourglass:")
    obstacle = _obstacles(db)[0]
    assert buttons(reminder.blocks) == [
        ("monitoring_obstacle_help", str(obstacle.id)),
        ("monitoring_obstacle_resolve", str(obstacle.id)),
    ]
    assert not [m for m in fake.messages_in("UMGR") if ":hourglass:" in m.text]
    click(app, fake, "UMGR", "monitoring_obstacle_help", str(obstacle.id), message=reminder)
    wait_for(lambda: _obstacles(db)[0].status == "helping")
