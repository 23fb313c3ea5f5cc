"""Check-in prompts travel through time: periods, working days, holidays, DST, leave,
reminders capped at one, idempotent ticks and restarts, and obstacle escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import Settings
from bot.monitoring.errors import MonitoringValidationError
from bot.monitoring.periods import (
    is_working_day,
    moments,
    next_working_day,
    parse_period,
    period_containing,
    period_state,
    scheduled_day,
)
from bot.monitoring.schedule import (
    ScheduleSpec,
    load_schedules,
    save_schedule,
    set_schedule,
    validate_schedule,
)
from bot.outbox import Lane
from bot.permissions import PermissionDenied
from storage.checkins import Cadence, Checkin, CheckinPrompt, Obstacle
from storage.db import Database
from storage.models import Employee
from tests.appserver import settings_for
from tests.monitoring_fixtures import TEAM_ID, only_monitoring_tasks, person, rows, team, tick

JAKARTA = ZoneInfo("Asia/Jakarta")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


@pytest.fixture(autouse=True)
def _monitoring_only(monkeypatch: pytest.MonkeyPatch) -> None:
    only_monitoring_tasks(monkeypatch)


# ---------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("cadence", "day", "key", "start", "end"),
    [
        ("weekly", date(2026, 11, 24), "2026-W48", date(2026, 11, 23), date(2026, 11, 29)),
        ("weekly", date(2027, 1, 1), "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        ("biweekly", date(2024, 1, 1), "2024-B01", date(2024, 1, 1), date(2024, 1, 14)),
        ("biweekly", date(2026, 11, 24), "2026-B23", date(2026, 11, 16), date(2026, 11, 29)),
        ("biweekly", date(2026, 1, 11), "2025-B26", date(2025, 12, 29), date(2026, 1, 11)),
        ("biweekly", date(2026, 1, 12), "2026-B01", date(2026, 1, 12), date(2026, 1, 25)),
        ("monthly", date(2026, 2, 14), "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ],
)
def test_period_keys_round_trip(cadence: str, day: date, key: str, start: date, end: date) -> None:
    period = period_containing(cadence, day)
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse_period(key) == period
    assert period.next().previous() == period


@pytest.mark.parametrize("key", ["2026-W54", "2025-W53", "2026-B00", "2026-B28", "2026-13", "x"])
def test_invalid_period_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        parse_period(key)


def test_open_closed_and_future_periods() -> None:
    today = date(2026, 11, 24)  # in 2026-W48
    assert period_state(parse_period("2026-W48"), today) == "open"
    assert period_state(parse_period("2026-W47"), today) == "open"  # the previous one
    assert period_state(parse_period("2026-W46"), today) == "closed"
    assert period_state(parse_period("2026-W49"), today) == "future"
    assert period_state(parse_period("2026-10"), today) == "open"
    assert period_state(parse_period("2026-09"), today) == "closed"


def test_prompt_day_is_the_end_of_the_period_moved_past_holidays() -> None:
    assert scheduled_day(parse_period("2026-W48"), 4) == date(2026, 11, 27)
    assert scheduled_day(parse_period("2026-B23"), 4) == date(2026, 11, 27)  # second week
    assert scheduled_day(parse_period("2026-11"), 4) == date(2026, 11, 27)  # last Friday
    christmas = scheduled_day(parse_period("2026-W52"), 4)
    assert christmas == date(2026, 12, 25)
    assert not is_working_day(christmas, "ID")
    assert next_working_day(christmas, "ID") == date(2026, 12, 28)
    assert next_working_day(date(2027, 1, 1), "ID") == date(2027, 1, 4)
    assert not is_working_day(date(2026, 11, 26), "US")  # Thanksgiving is not Indonesian
    assert is_working_day(date(2026, 11, 26), "ID")


def test_a_reminder_skips_a_holiday_and_the_weekend() -> None:
    at = moments(parse_period("2026-W52"), 3, time(15), JAKARTA, "ID")  # Thursday 24 Dec
    assert at.prompt_day == date(2026, 12, 24)
    assert at.reminder_day == date(2026, 12, 28)


def test_new_york_keeps_15_00_across_the_daylight_saving_change() -> None:
    before = moments(parse_period("2026-W44"), 4, time(15), NEW_YORK, "ID")
    after = moments(parse_period("2026-W45"), 4, time(15), NEW_YORK, "ID")
    assert before.prompt_due == datetime(2026, 10, 30, 19, 0, tzinfo=UTC)  # EDT, UTC-4
    assert after.prompt_due == datetime(2026, 11, 6, 20, 0, tzinfo=UTC)  # EST, UTC-5
    # Never in the evening: the late window closes at 18:00 local.
    assert after.prompt_until == datetime(2026, 11, 6, 23, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------- schedules


def test_schedules_fall_back_team_then_organisation_then_default(
    db: Database, workspace: str, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales, ops = team(session, "Sales", now), team(session, "Ops", now)
        assert load_schedules(session, TEAM_ID).for_team(sales.id) == ScheduleSpec()
        monthly = validate_schedule("monthly", "thu", "10:30", ["wins", "mood"])
        save_schedule(session, TEAM_ID, None, monthly, actor="cli", now=now)
        biweekly = validate_schedule("biweekly", 0, "09:00", ["plans"])
        save_schedule(session, TEAM_ID, sales.id, biweekly, actor="cli", now=now)
    with db.session() as session:
        schedules = load_schedules(session, TEAM_ID)
        assert schedules.for_team(sales.id).cadence is Cadence.BIWEEKLY
        assert schedules.for_team(sales.id).source == "team"
        assert schedules.for_team(ops.id).cadence is Cadence.MONTHLY
        assert schedules.for_team(ops.id).questions == ("mood", "wins")  # in modal order
        assert schedules.for_team(None).weekday == 3


def test_schedule_input_is_validated_and_only_hr_or_admin_may_change_it(
    db: Database, workspace: str, clock: FixedClock
) -> None:
    with pytest.raises(MonitoringValidationError) as refused:
        validate_schedule("daily", "someday", "19:30", ["gossip"])
    assert refused.value.errors == {
        "cadence": "monitoring.error.cadence",
        "weekday": "monitoring.error.weekday",
        "local_time": "monitoring.error.time_outside_hours",
        "questions": "monitoring.error.questions",
    }
    with db.session() as session:
        worker = person(session, "UEMP", now=clock.now())
        with pytest.raises(PermissionDenied):
            set_schedule(session, worker, None, ScheduleSpec(), now=clock.now())
        worker.role = "hr"
        set_schedule(session, worker, None, ScheduleSpec(weekday=2), now=clock.now())
    with db.session() as session:
        assert load_schedules(session, TEAM_ID).org.weekday == 2


# ---------------------------------------------------------------------------- travelling


def _local(row_at: datetime, zone: str) -> datetime:
    return row_at.astimezone(ZoneInfo(zone))


EXPECTED_PROMPT_DAYS = [
    date(2026, 10, 30),
    date(2026, 11, 6),
    date(2026, 11, 13),
    date(2026, 11, 20),
    date(2026, 11, 27),
    date(2026, 12, 4),
    date(2026, 12, 11),
    date(2026, 12, 18),
    date(2026, 12, 28),  # Friday 25 Dec is Christmas: the next working day
    date(2027, 1, 4),  # Friday 1 Jan is New Year's Day; the weekend follows
]
# Its reminder waits for Wednesday 6 Jan: Tuesday 5 Jan 2027 is Isra Mi'raj.
ZONES = {
    "UJKT": "Asia/Jakarta",
    "UMKS": "Asia/Makassar",
    "UJAP": "Asia/Jayapura",
    "UNYC": "America/New_York",
}


def test_two_months_of_ticks_prompt_everyone_at_15_00_local_on_working_days_only(
    db: Database, workspace: str, settings: Settings, database_url: str
) -> None:
    start = datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    ids: dict[str, int] = {}
    with db.session() as session:
        for slack_id, zone in ZONES.items():
            ids[slack_id] = person(session, slack_id, tz=zone, now=start).id
        ids["UAWAY"] = person(
            session, "UAWAY", tz="Asia/Jakarta", away_until=date(2026, 11, 20), now=start
        ).id
        ids["UGONE"] = person(session, "UGONE", tz="Asia/Jakarta", active=False, now=start).id

    at = start
    end = datetime(2027, 1, 7, 0, 0, tzinfo=UTC)
    while at < end:
        tick(db, settings, at)
        if at == datetime(2026, 11, 13, 6, 0, tzinfo=UTC):
            # Jayapura answers its prompt for week 46 right away: no reminder follows.
            with db.session() as session:
                session.add(
                    Checkin(
                        team_id=TEAM_ID,
                        employee_id=ids["UJAP"],
                        period="2026-W46",
                        submitted_at=at,
                        updated_at=at,
                    )
                )
        if at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC):
            # A restart: a fresh process (engine, pool, sessions) ticks the same minute twice.
            before = len(rows(db, "checkin:"))
            fresh = Database(database_url)
            try:
                assert tick(fresh, settings, at).done["checkin_prompts"] == 0
                assert tick(fresh, settings, at).done["checkin_prompts"] == 0
            finally:
                fresh.dispose()
            assert len(rows(db, "checkin:")) == before
        at += timedelta(hours=1)

    prompts = rows(db, "checkin:prompt:")
    reminders = rows(db, "checkin:reminder:")
    for slack_id, zone in ZONES.items():
        mine = [r for r in prompts if r.payload["channel"] == slack_id]
        local = [_local(r.created_at, zone) for r in mine]
        assert [moment.date() for moment in local] == EXPECTED_PROMPT_DAYS, slack_id
        assert all(moment.time() == time(15, 0) for moment in local), slack_id
        assert all(moment.weekday() < 5 for moment in local)
        keys = [r.idempotency_key for r in mine]
        assert len(set(keys)) == len(keys)  # never twice for one period
        assert keys[-2:] == [  # the two holiday-moved prompts keep their own weeks
            f"checkin:prompt:{ids[slack_id]}:2026-W52",
            f"checkin:prompt:{ids[slack_id]}:2026-W53",
        ]
        reminded = [r for r in reminders if r.payload["channel"] == slack_id]
        assert len(reminded) == len(mine) - (1 if slack_id == "UJAP" else 0)
        for row in reminded:
            moment = _local(row.created_at, zone)
            assert moment.time() == time(15, 0) and moment.weekday() < 5
    new_york = [r.created_at for r in prompts if r.payload["channel"] == "UNYC"]
    assert new_york[0] == datetime(2026, 10, 30, 19, 0, tzinfo=UTC)  # EDT
    assert new_york[1] == datetime(2026, 11, 6, 20, 0, tzinfo=UTC)  # EST
    away = [
        _local(r.created_at, "Asia/Jakarta").date()
        for r in prompts
        if r.payload["channel"] == "UAWAY"
    ]
    assert away == EXPECTED_PROMPT_DAYS[4:]  # away through 20 Nov
    assert not [r for r in prompts + reminders if r.payload["channel"] == "UGONE"]
    with db.session() as session:
        prompt_rows = session.scalars(select(CheckinPrompt)).all()
        assert len(prompt_rows) == len(prompts)
        assert all(p.reminded_at is not None for p in prompt_rows if p.employee_id != ids["UJAP"])
    first = prompts[0]
    assert first.method == "chat.postMessage"
    button = first.payload["blocks"][-1]["elements"][0]
    assert button["action_id"] == "monitoring_start_checkin"
    assert button["value"] == "2026-W44"


def test_a_missed_tick_is_caught_up_the_same_afternoon_but_never_in_the_evening(
    db: Database, workspace: str, settings: Settings
) -> None:
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 15:00 in Jakarta
    with db.session() as session:
        person(session, "ULATE", now=friday)
        person(session, "UEVE", tz="Asia/Jayapura", now=friday)  # 15:00 there was 06:00 UTC
    tick(db, settings, friday + timedelta(minutes=40))  # Jakarta 15:40, Jayapura 17:40
    assert [r.payload["channel"] for r in rows(db, "checkin:prompt:")] == ["ULATE", "UEVE"]
    with db.session() as session:
        person(session, "UTOOLATE", tz="Asia/Jayapura", now=friday)
    tick(db, settings, friday + timedelta(hours=1, minutes=5))  # Jayapura 18:05
    assert len(rows(db, "checkin:prompt:")) == 2


def test_one_reminder_at_most_and_none_while_away(
    db: Database, workspace: str, settings: Settings
) -> None:
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    with db.session() as session:
        person(session, "UONE", now=friday)
        holiday_maker = person(session, "UAWAY", now=friday)
    tick(db, settings, friday)
    with db.session() as session:
        session.get(Employee, holiday_maker.id).away_until = date(2026, 11, 30)  # type: ignore[union-attr]
    for minutes in (0, 0, 1, 30, 60 * 3):
        tick(db, settings, monday + timedelta(minutes=minutes))
    tick(db, settings, monday + timedelta(days=1))
    tick(db, settings, monday + timedelta(days=2))
    assert [r.payload["channel"] for r in rows(db, "checkin:reminder:")] == ["UONE"]
    assert "only reminder" in rows(db, "checkin:reminder:")[0].payload["blocks"][0]["text"]["text"]


def test_team_schedules_and_languages_reach_the_prompt(
    db: Database, workspace: str, settings: Settings, clock: FixedClock
) -> None:
    now = clock.now()
    with db.session() as session:
        sales = team(session, "Sales", now)
        save_schedule(
            session,
            TEAM_ID,
            sales.id,
            validate_schedule("monthly", "mon", "10:00", ["mood"]),
            actor="cli",
            now=now,
        )
        person(session, "USALES", team=sales, locale="id-ID", now=now)
        person(session, "UOTHER", now=now)
    tick(db, settings, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # Friday 15:00 Jakarta
    assert [r.payload["channel"] for r in rows(db, "checkin:prompt:")] == ["UOTHER"]
    tick(db, settings, datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # last Monday, 10:00
    sales_prompt = rows(db, "checkin:prompt:")[-1]
    assert sales_prompt.payload["channel"] == "USALES"
    assert sales_prompt.idempotency_key.endswith(":2026-11")
    assert (
        "Saatnya check-in untuk *November 2026*"
        in sales_prompt.payload["blocks"][0]["text"]["text"]
    )


def test_someone_who_already_checked_in_is_not_prompted(
    db: Database, workspace: str, settings: Settings
) -> None:
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    with db.session() as session:
        early = person(session, "UEARLY", now=friday)
        session.add(
            Checkin(
                team_id=TEAM_ID,
                employee_id=early.id,
                period="2026-W48",
                submitted_at=friday - timedelta(days=1),
                updated_at=friday - timedelta(days=1),
            )
        )
    tick(db, settings, friday)
    assert rows(db, "checkin:prompt:") == []


def test_prompts_enqueued_by_the_tick_are_in_the_scheduled_lane(
    db: Database, workspace: str, settings: Settings
) -> None:
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 15:00 in Jakarta
    with db.session() as session:
        person(session, "UANI", now=friday)
    tick(db, settings, friday)
    [prompt] = rows(db, "checkin:prompt:")
    assert prompt.lane == Lane.SCHEDULED


# ---------------------------------------------------------------------------- escalation


def test_an_open_obstacle_reminds_its_manager_once_then_escalates_to_hr(
    db: Database, workspace: str, settings: Settings
) -> None:
    raised = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    with db.session() as session:
        boss = person(session, "UBOSS", tz="America/New_York", now=raised)
        worker = person(session, "UWORK", manager=boss, now=raised)
        session.add(
            Obstacle(
                team_id=TEAM_ID,
                employee_id=worker.id,
                manager_id=boss.id,
                text="Waiting for <!channel> access",
                status="open",
                opened_at=raised,
                updated_at=raised,
            )
        )
    day7_night_ny = raised + timedelta(days=7)  # 22:00 in New York: not working hours
    tick(db, settings, day7_night_ny)
    assert rows(db, "obstacle:") == []
    day7_ny_office = datetime(2026, 11, 9, 15, 0, tzinfo=UTC)  # 10:00 New York, Monday
    tick(db, settings, day7_ny_office)
    tick(db, settings, day7_ny_office + timedelta(hours=1))
    reminders = rows(db, "obstacle:")
    assert [r.idempotency_key for r in reminders] == ["obstacle:1:remind"]
    text = reminders[0].payload["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    with db.session() as session:
        assert session.scalars(select(Obstacle)).one().escalated_at is None
    tick(db, settings, raised + timedelta(days=14, hours=1))
    with db.session() as session:
        obstacle = session.scalars(select(Obstacle)).one()
        assert obstacle.escalated_at == raised + timedelta(days=14, hours=1)
    assert len(rows(db, "obstacle:")) == 1


# ---------------------------------------------------------------------------- command line


def test_cli_shows_and_sets_schedules_and_ticks_in_time(
    db: Database,
    workspace: str,
    database_url: str,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    with db.session() as session:
        sales = team(session, "Sales", clock.now())
        person(session, "USALES", team=sales, now=clock.now())
    assert main(["schedule", "set", "--team", "sales", "--weekday", "mon", "--time", "10:00"]) == 0
    assert capsys.readouterr().out.strip() == (
        "team Sales: weekly on mon at 10:00 (questions: mood, wins, obstacles, support, plans)"
    )
    assert main(["schedule", "set", "--time", "20:00"]) == 1
    assert "local_time: Choose a time between 09:00 and 17:59" in capsys.readouterr().err
    assert main(["schedule", "set", "--team", "Nope", "--cadence", "monthly"]) == 1
    assert "no team called 'Nope' (known: Sales)" in capsys.readouterr().err
    assert main(["schedule", "show"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "organisation: weekly on fri at 15:00 (questions: mood, wins, obstacles, support, "
        "plans) [built-in default]",
        "obstacles: manager reminded after 7 days open, escalated to HR after 14",
        "team Sales: weekly on mon at 10:00 (questions: mood, wins, obstacles, support, plans)",
    ]
    assert main(["tick", "--at", "2026-11-30T10:00:00+07:00", "--no-send"]) == 0
    assert "'checkin_prompts': 1" in capsys.readouterr().out
    assert [r.payload["channel"] for r in rows(db, "checkin:prompt:")] == ["USALES"]
    assert main(["schedule", "clear", "--team", "Sales"]) == 0
    assert capsys.readouterr().out.strip() == "team Sales now follows the organisation's schedule"


def test_which_period_a_checkin_is_filed_under(
    db: Database, workspace: str, settings: Settings
) -> None:
    from bot.monitoring import default_period

    def period_at(at: datetime) -> str:
        with db.session() as session:
            employee = session.scalars(select(Employee)).one()
            return default_period(session, employee, settings, at).key

    with db.session() as session:
        person(session, "UEKO", now=datetime(2026, 11, 1, tzinfo=UTC))
    tick(db, settings, datetime(2026, 11, 20, 8, 0, tzinfo=UTC))  # asked about week 47
    assert period_at(datetime(2026, 11, 24, 3, 0, tzinfo=UTC)) == "2026-W47"  # late answer
    tick(db, settings, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # asked about week 48
    assert period_at(datetime(2026, 11, 27, 8, 5, tzinfo=UTC)) == "2026-W48"
    with db.session() as session:
        employee = session.scalars(select(Employee)).one()
        session.add(
            Checkin(
                team_id=TEAM_ID,
                employee_id=employee.id,
                period="2026-W51",
                submitted_at=datetime(2026, 12, 18, 8, 0, tzinfo=UTC),
                updated_at=datetime(2026, 12, 18, 8, 0, tzinfo=UTC),
            )
        )
    assert period_at(datetime(2026, 12, 22, 3, 0, tzinfo=UTC)) == "2026-W52"  # early
    # Monday 28 Dec, 09:00: week 52's prompt (moved from Christmas) is still to come today.
    assert period_at(datetime(2026, 12, 28, 2, 0, tzinfo=UTC)) == "2026-W52"
