"""When a series' meetings fall and when their agendas open: weekly, every two weeks, monthly
(the same week of the month), moved past weekends and Indonesian public holidays, in the
manager's zone across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.oneonone import cadence
from bot.oneonone.cadence import Plan, next_slot, occurrence_on_or_after, slot_of

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("kind", "starts_on", "day", "expected"),
    [
        ("weekly", TUESDAY, date(2026, 11, 20), TUESDAY),  # before the first: the first
        ("weekly", TUESDAY, TUESDAY, TUESDAY),
        ("weekly", TUESDAY, date(2026, 12, 2), date(2026, 12, 8)),
        ("biweekly", TUESDAY, date(2026, 12, 2), date(2026, 12, 15)),
        ("biweekly", TUESDAY, date(2026, 12, 16), date(2026, 12, 29)),
        # Monthly: the same week of the month — 1 Dec is the first Tuesday…
        ("monthly", TUESDAY, date(2026, 12, 2), date(2027, 1, 5)),
        # …8 Dec the second, and 29 Dec (a fifth Tuesday) means the month's last.
        ("monthly", date(2026, 12, 8), date(2026, 12, 9), date(2027, 1, 12)),
        ("monthly", date(2026, 12, 29), date(2026, 12, 30), date(2027, 1, 26)),
        ("monthly", date(2026, 12, 29), date(2027, 1, 27), date(2027, 2, 23)),
    ],
)
def test_occurrences(kind: str, starts_on: date, day: date, expected: date) -> None:
    assert occurrence_on_or_after(kind, starts_on, day) == expected


def test_a_meeting_on_a_holiday_moves_to_the_next_working_day_with_its_agenda_before() -> None:
    """Fridays at 10:00 in Jakarta: Christmas (Fri 25 Dec 2026) moves to Monday 28 Dec, and
    its agenda opens the working day before, Thursday 24 Dec at 10:00."""
    plan = Plan("weekly", date(2026, 12, 18), "10:00", "Asia/Jakarta")
    slot = slot_of(plan, date(2026, 12, 25), "ID")
    assert slot is not None
    assert slot.occurs_on == date(2026, 12, 25)
    assert slot.scheduled_at == datetime(2026, 12, 28, 3, 0, tzinfo=UTC)
    assert slot.agenda_at == datetime(2026, 12, 24, 3, 0, tzinfo=UTC)
    # New Year's Day (Fri 1 Jan 2027) moves to Monday 4 Jan; its agenda is on Thursday 31 Dec.
    new_year = next_slot(plan, date(2026, 12, 26), "ID")
    assert new_year is not None
    assert new_year.scheduled_at == datetime(2027, 1, 4, 3, 0, tzinfo=UTC)
    assert new_year.agenda_at == datetime(2026, 12, 31, 3, 0, tzinfo=UTC)


def test_the_agenda_of_a_monday_meeting_opens_on_the_friday_before() -> None:
    plan = Plan("weekly", date(2026, 11, 30), "14:30", "Asia/Jakarta")
    slot = next_slot(plan, date(2026, 12, 1), "ID")
    assert slot is not None
    assert slot.scheduled_at == datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
    assert slot.agenda_at == datetime(2026, 12, 4, 7, 30, tzinfo=UTC)


def test_holidays_that_reach_the_next_occurrence_drop_the_meeting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A week off (28 Dec to 1 Jan, say a company shutdown, besides Christmas): the Friday
    meeting of 25 Dec would move into the next one's week, so the pair meets at the next."""
    off = {date(2026, 12, 25), *(date(2026, 12, d) for d in range(28, 32)), date(2027, 1, 1)}

    def working(day: date, country: str) -> bool:
        return day.weekday() < 5 and day not in off

    def moved(day: date, country: str) -> date:
        while not working(day, country):
            day += timedelta(days=1)
        return day

    monkeypatch.setattr(cadence, "is_working_day", working)
    monkeypatch.setattr(cadence, "next_working_day", moved)
    plan = Plan("weekly", date(2026, 12, 18), "10:00", "Asia/Jakarta")
    assert slot_of(plan, date(2026, 12, 25), "ID") is None
    following = next_slot(plan, date(2026, 12, 19), "ID")
    assert following is not None
    assert following.occurs_on == date(2027, 1, 1)
    assert following.scheduled_at == datetime(2027, 1, 4, 3, 0, tzinfo=UTC)


def test_the_time_stays_local_across_daylight_saving() -> None:
    """New York leaves daylight saving on 1 Nov 2026: 10:00 stays 10:00 there."""
    plan = Plan("weekly", date(2026, 10, 26), "10:00", "America/New_York")
    before = slot_of(plan, date(2026, 10, 26), "US")
    after = slot_of(plan, date(2026, 11, 2), "US")
    assert before is not None and after is not None
    assert before.scheduled_at == datetime(2026, 10, 26, 14, 0, tzinfo=UTC)
    assert after.scheduled_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def test_working_hours_and_the_end_of_the_meeting_day() -> None:
    zone = "Asia/Jakarta"
    assert cadence.in_working_hours(datetime(2026, 11, 30, 2, 0, tzinfo=UTC), zone, "ID")
    assert not cadence.in_working_hours(datetime(2026, 11, 30, 1, 59, tzinfo=UTC), zone, "ID")
    assert not cadence.in_working_hours(datetime(2026, 11, 30, 11, 0, tzinfo=UTC), zone, "ID")
    assert not cadence.in_working_hours(datetime(2026, 11, 28, 3, 0, tzinfo=UTC), zone, "ID")
    meeting = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert not cadence.meeting_day_over(meeting, datetime(2026, 12, 1, 10, 59, tzinfo=UTC), zone)
    assert cadence.meeting_day_over(meeting, datetime(2026, 12, 1, 11, 0, tzinfo=UTC), zone)
