"""The check-in tick at scale: a due minute costs the same statements for 50 people as for 500,
an idle minute reads no people, two instances ticking at once send nothing twice, and a large
fan-out is spread around the prompt moment (bot/monitoring/spread.py)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select, update

from bot.config import Settings
from bot.monitoring.prompts import send_due_prompts
from bot.monitoring.spread import MAX_LEAD, TICK, spread_for
from storage.checkins import CheckinPrompt
from storage.db import Database
from storage.models import Employee, OutboxMessage, Workspace
from tests.appserver import settings_for
from tests.monitoring_fixtures import TEAM_ID, only_monitoring_tasks, rows, tick

FRIDAY_1500_JAKARTA = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
MONDAY_1500_JAKARTA = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WEDNESDAY_1000_JAKARTA = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
SEEDED = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


@pytest.fixture(autouse=True)
def _monitoring_only(monkeypatch: pytest.MonkeyPatch) -> None:
    only_monitoring_tasks(monkeypatch)


def seed(db: Database, team_id: str, people: int) -> list[int]:
    """A workspace of `people`: most in Jakarta, every seventh in New York (not due at
    Jakarta's moment), managers of ten, two HR people, a few without a manager (HR stands in),
    a few who left or are away; two languages. The ids of the people due at 15:00 Jakarta."""
    with db.session() as session:
        if session.get(Workspace, team_id) is None:
            session.add(Workspace(team_id=team_id, name=team_id, created_at=SEEDED))
            session.flush()
        values: list[dict[str, Any]] = [
            {
                "team_id": team_id,
                "slack_id": f"U{team_id}{i:05d}",
                "name": f"p{i:05d}",
                "tz": "America/New_York" if i % 7 == 6 else "Asia/Jakarta",
                "locale": "id-ID" if i % 3 == 0 else "en-US",
                "role": "hr" if i in (1, 2) else ("manager" if i % 10 == 0 else "employee"),
                "active": i % 11 != 5,
                "away_until": datetime(2026, 11, 30).date() if i % 13 == 4 else None,
                "created_at": SEEDED,
                "updated_at": SEEDED,
            }
            for i in range(people)
        ]
        session.execute(insert(Employee), values)
        ids: dict[str, int] = {
            slack_id: id_
            for slack_id, id_ in session.execute(
                select(Employee.slack_id, Employee.id).where(Employee.team_id == team_id)
            )
        }
        for i in range(people):
            if i % 10 != 0 and i % 17 != 3:
                session.execute(
                    update(Employee)
                    .where(Employee.id == ids[values[i]["slack_id"]])
                    .values(manager_id=ids[values[(i // 10) * 10]["slack_id"]])
                )
    return sorted(
        ids[v["slack_id"]]
        for v in values
        if v["tz"] == "Asia/Jakarta" and v["active"] and v["away_until"] is None
    )


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE (storage/db.py)
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _pass(db: Database, settings: Settings, team_id: str, now: datetime) -> tuple[int, list[str]]:
    with statements(db) as seen, db.session() as session:
        sent = send_due_prompts(session, team_id, settings, now)
    return sent, seen


def test_a_due_minute_costs_the_same_statements_for_50_and_500_people(
    db: Database, workspace: str, settings: Settings
) -> None:
    small = seed(db, "TSMALL", 50)
    large = seed(db, "TLARGE", 500)
    sent_small, small_statements = _pass(db, settings, "TSMALL", FRIDAY_1500_JAKARTA)
    sent_large, large_statements = _pass(db, settings, "TLARGE", FRIDAY_1500_JAKARTA)
    assert (sent_small, sent_large) == (len(small), len(large))
    assert len(small_statements) == len(large_statements) <= 12, large_statements
    # Every due person once, nobody else; the readers named as one by one would.
    prompts = rows(db, "checkin:prompt:")
    assert Counter(r.idempotency_key for r in prompts).most_common(1)[0][1] == 1
    by_team = Counter(r.team_id for r in prompts)
    assert by_team == {"TSMALL": len(small), "TLARGE": len(large)}
    keyed = {r.idempotency_key: r for r in prompts}
    assert sorted(int(k.split(":")[2]) for k in keyed if keyed[k].team_id == "TLARGE") == large
    hints = {r.payload["blocks"][1]["elements"][0]["text"] for r in prompts}
    assert len(hints) >= 20  # each manager, HR standing in, in both languages

    # The reminder minute: one set-based claim, the same statements again.
    sent_small, small_statements = _pass(db, settings, "TSMALL", MONDAY_1500_JAKARTA)
    sent_large, large_statements = _pass(db, settings, "TLARGE", MONDAY_1500_JAKARTA)
    assert (sent_small, sent_large) == (len(small), len(large))  # nobody answered
    assert len(small_statements) == len(large_statements) <= 12, large_statements


def test_the_readers_are_the_ones_a_person_by_person_look_up_names(
    db: Database, workspace: str, settings: Settings
) -> None:
    from bot.blocks.monitoring import prompt_message
    from bot.monitoring.notify import prompt_reader, translator
    from bot.monitoring.periods import parse_period

    seed(db, "TREAD", 120)
    _pass(db, settings, "TREAD", FRIDAY_1500_JAKARTA)
    week = parse_period("2026-W48")
    with db.session() as session:
        for row in session.scalars(
            select(OutboxMessage).where(OutboxMessage.team_id == "TREAD")
        ):
            person = session.get(Employee, int(row.idempotency_key.split(":")[2]))
            assert person is not None
            expected = prompt_message(
                translator(person, settings), week, prompt_reader(session, person), reminder=False
            )
            assert row.payload == {"channel": person.slack_id, **expected}


def test_an_idle_minute_reads_no_people(
    db: Database, workspace: str, settings: Settings
) -> None:
    seed(db, "TSMALL", 50)
    seed(db, "TLARGE", 500)
    for at in (WEDNESDAY_1000_JAKARTA, FRIDAY_1500_JAKARTA - timedelta(minutes=5)):
        sent_small, small_statements = _pass(db, settings, "TSMALL", at)
        sent_large, large_statements = _pass(db, settings, "TLARGE", at)
        assert sent_small == sent_large == 0
        assert len(small_statements) == len(large_statements) == 2, large_statements
        # Only the aggregate of zones and teams touches the people.
        reading = [s for s in large_statements if "FROM employees" in s]
        assert len(reading) == 1 and "GROUP BY" in reading[0], reading


def test_two_instances_ticking_the_same_minute_prompt_and_remind_once(
    db: Database, workspace: str, settings: Settings, database_url: str
) -> None:
    due = seed(db, TEAM_ID, 200)
    other = Database(database_url)
    try:
        for at in (FRIDAY_1500_JAKARTA, MONDAY_1500_JAKARTA):
            counts: list[int] = []
            barrier = threading.Barrier(2)

            def run(
                database: Database, at: datetime, barrier: threading.Barrier, counts: list[int]
            ) -> None:
                barrier.wait()
                counts.append(tick(database, settings, at).done["checkin_prompts"])

            threads = [
                threading.Thread(target=run, args=(d, at, barrier, counts)) for d in (db, other)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert sorted(counts)[1] > 0 and sum(counts) == len(due), counts
            assert tick(other, settings, at).done["checkin_prompts"] == 0  # and once more
    finally:
        other.dispose()
    for prefix in ("checkin:prompt:", "checkin:reminder:"):
        keys = [r.idempotency_key for r in rows(db, prefix)]
        assert len(keys) == len(set(keys)) == len(due), prefix
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckinPrompt)) == len(due)
        assert session.scalar(
            select(func.count()).where(CheckinPrompt.reminded_at.is_(None))
        ) == 0


# ---------------------------------------------------------------------------- the spread


def test_a_spread_is_centred_on_the_moment_within_its_bounds() -> None:
    moment = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    day_start, day_end = moment - timedelta(hours=6), moment + timedelta(hours=3)
    assert spread_for(moment, 500, 5.0, day_start, day_end) is None  # 50 s of lead: none
    assert spread_for(moment, 10_000, 0.0, day_start, day_end) is None  # nothing paces
    spread = spread_for(moment, 10_000, 5.0, day_start, day_end)
    assert spread is not None
    assert spread.start == moment - timedelta(seconds=1000)
    assert spread.slot(0) == spread.start
    assert spread.slot(5000) == moment and spread.slot(9999) < moment + timedelta(seconds=1000)
    huge = spread_for(moment, 100_000, 5.0, day_start, day_end)
    assert huge is not None and huge.start == moment - MAX_LEAD
    nine = spread_for(moment, 10_000, 5.0, moment, day_end)  # a 09:00 moment
    assert nine is not None and nine.start == moment
    end = moment + timedelta(minutes=10)  # a moment late in the afternoon: finish by 18:00
    late = spread_for(moment, 10_000, 5.0, day_start, end)
    assert late is not None and late.start == end - timedelta(seconds=2000)


def test_a_large_fan_out_starts_early_each_person_in_their_own_slot(
    db: Database, workspace: str, database_url: str
) -> None:
    slow = settings_for(
        database_url, "http://127.0.0.1:9/api/", KINERJA_SLACK_RATE_PER_SECOND="1"
    )
    due = seed(db, TEAM_ID, 400)
    lead = timedelta(seconds=len(seed_heads(db)) / 2)  # N / (2 * rate), N = heads at 15:00
    start = FRIDAY_1500_JAKARTA - lead
    ahead = start - TICK  # the tick before the first slot enqueues (ticks are a minute apart)
    assert tick(db, slow, ahead - timedelta(seconds=1)).done["checkin_prompts"] == 0
    assert tick(db, slow, ahead).done["checkin_prompts"] == len(due)
    assert tick(db, slow, start).done["checkin_prompts"] == 0
    assert tick(db, slow, FRIDAY_1500_JAKARTA).done["checkin_prompts"] == 0
    prompts = rows(db, "checkin:prompt:")
    ordered = sorted(prompts, key=lambda r: int(r.idempotency_key.split(":")[2]))
    slots = [r.next_attempt_at.replace(tzinfo=UTC) for r in ordered]
    # Nobody before the start of the spread; by employee id, one a second (rate 1/s).
    assert slots == [start + timedelta(seconds=i) for i in range(len(due))]
    assert all(r.created_at.replace(tzinfo=UTC) == ahead for r in prompts)
    with db.session() as session:
        prompted = sorted(
            (p.employee_id, p.prompted_at.replace(tzinfo=UTC))
            for p in session.scalars(select(CheckinPrompt))
        )
    assert [at for _, at in prompted] == slots  # when each was asked, not when it was queued


def seed_heads(db: Database) -> list[int]:
    """Everyone active whose moment is 15:00 Jakarta: what sizes the spread (away included)."""
    with db.session() as session:
        return list(
            session.scalars(
                select(Employee.id).where(
                    Employee.active.is_(True), Employee.tz == "Asia/Jakarta"
                )
            )
        )


def test_a_small_fan_out_is_enqueued_at_the_moment_as_always(
    db: Database, workspace: str, settings: Settings
) -> None:
    due = seed(db, TEAM_ID, 100)
    assert tick(db, settings, FRIDAY_1500_JAKARTA - timedelta(minutes=1)).done[
        "checkin_prompts"
    ] == 0
    assert tick(db, settings, FRIDAY_1500_JAKARTA).done["checkin_prompts"] == len(due)
    assert {
        (r.created_at.replace(tzinfo=UTC), r.next_attempt_at.replace(tzinfo=UTC))
        for r in rows(db, "checkin:prompt:")
    } == {(FRIDAY_1500_JAKARTA, FRIDAY_1500_JAKARTA)}
