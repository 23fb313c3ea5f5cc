"""The monthly recognition summary: the right numbers, on the first working day at 09:00 in the
organisation's zone, once, in the organisation's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.outbox import Lane
from bot.reward.kudos import give_kudos
from bot.reward.summary import first_working_day, monthly_summary
from storage.db import Database
from storage.kudos import KudosSource
from storage.models import Employee, OutboxMessage
from tests.appserver import settings_for
from tests.conftest import TEAM_ID
from tests.fakeslack import FakeSlack, Message
from tests.reward_fixtures import CHANNEL, block_texts, configure, drain, person
from tests.ticking import tick

DECEMBER = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)


def seed(db: Database, *, channel: str | None = CHANNEL, monthly: bool | None = None) -> None:
    """December 2026: Budi 3 kudos, Citra 2, Ani 1; plus kudos either side of the month."""
    with db.session() as session:
        configure(session, DECEMBER, channel=channel, cap=50, monthly=monthly)
        ani, budi, citra = (person(session, s, DECEMBER) for s in ("UANI", "UBUDI", "UCITRA"))

        def give(giver: Employee, people: list[Employee], value: str | None, at: datetime) -> None:
            give_kudos(session, giver, people, "Thanks!", value, KudosSource.COMMAND, at)

        give(ani, [budi, citra], "collaboration", DECEMBER)
        give(ani, [budi], "collaboration", DECEMBER + timedelta(days=1))
        give(citra, [budi], "innovation", DECEMBER + timedelta(days=2))
        give(budi, [ani], None, DECEMBER + timedelta(days=3))
        give(budi, [citra], "innovation", datetime(2026, 11, 30, 17, 30, tzinfo=UTC))  # 1 Dec WIB
        give(ani, [citra], "integrity", datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 30 Nov WIB
        give(ani, [budi], "integrity", datetime(2026, 12, 31, 17, 0, tzinfo=UTC))  # 1 Jan WIB


def summaries(fake_slack: FakeSlack) -> list[Message]:
    """The summary posts in the channel (the seeded kudos were posted there too)."""
    return [
        m
        for m in fake_slack.messages_in(CHANNEL)
        if (m.metadata or {}).get("event_payload", {}).get("key", "").startswith("kudos:summary")
    ]


def test_the_summary_counts_the_month_in_the_organisations_zone(
    db: Database, workspace: str
) -> None:
    seed(db)
    with db.session() as session:
        summary = monthly_summary(session, TEAM_ID, date(2026, 12, 1), tz="Asia/Jakarta")
    assert (summary.total, summary.givers, summary.recipients) == (5, 3, 3)
    assert [(v.key if v else None, n) for v, n in summary.by_value] == [
        ("collaboration", 2),
        ("innovation", 2),
        (None, 1),
    ]
    assert summary.top == [("UBUDI", 3), ("UCITRA", 2), ("UANI", 1)]
    with db.session() as session:
        utc = monthly_summary(session, TEAM_ID, date(2026, 12, 25), tz="UTC")
    assert utc.total == 5  # 1 Dec 00:30 WIB is 30 Nov in UTC; 1 Jan 00:00 WIB is 31 Dec


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2027, 1, date(2027, 1, 4)),  # 1 Jan: New Year, then a weekend
        (2026, 11, date(2026, 11, 2)),  # 1 Nov is a Sunday
        (2026, 12, date(2026, 12, 1)),
    ],
)
def test_first_working_day(year: int, month: int, expected: date) -> None:
    assert first_working_day(year, month, "ID") == expected


def test_posted_on_the_first_working_day_at_nine_and_never_twice(
    db: Database, workspace: str, database_url: str, fake_slack: FakeSlack
) -> None:
    seed(db)
    settings = settings_for(database_url, fake_slack.api_url)  # Asia/Jakarta, ID holidays, en
    not_yet = [
        datetime(2027, 1, 1, 2, 0, tzinfo=UTC),  # New Year's Day, 09:00 WIB
        datetime(2027, 1, 2, 2, 0, tzinfo=UTC),  # Saturday
        datetime(2027, 1, 4, 1, 59, tzinfo=UTC),  # Monday 08:59 WIB
    ]
    for at in not_yet:
        assert tick(db, settings, at).done.get("kudos_monthly_summary") == 0
    assert (
        tick(db, settings, datetime(2027, 1, 4, 2, 0, tzinfo=UTC)).done["kudos_monthly_summary"]
        == 1
    )
    for at in (
        datetime(2027, 1, 4, 2, 1, tzinfo=UTC),
        datetime(2027, 1, 4, 10, 0, tzinfo=UTC),
        datetime(2027, 1, 5, 2, 0, tzinfo=UTC),
    ):
        assert tick(db, settings, at).done.get("kudos_monthly_summary") == 0
    with db.session() as session:
        posted = session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.lane).where(
                OutboxMessage.idempotency_key.startswith("kudos:summary:")
            )
        ).all()
    # Nobody waits for the summary: it must not hold up prompts (bulk lane).
    assert [tuple(row) for row in posted] == [("kudos:summary:2026-12", Lane.BULK)]
    drain(db, fake_slack, FixedClock(datetime(2027, 1, 4, 2, 0, tzinfo=UTC)))
    [post] = summaries(fake_slack)
    shown = post.text + "\n" + block_texts(post.blocks)
    assert "Recognition in December 2026" in shown
    assert "*5* kudos given · *3* people gave · *3* people recognised" in shown
    assert "• :handshake: Collaboration — *2*" in shown
    assert "• No value — *1*" in shown
    assert "1. <@UBUDI> — *3*\n2. <@UCITRA> — *2*\n3. <@UANI> — *1*" in shown


def test_the_summary_speaks_the_organisations_language(
    db: Database, workspace: str, database_url: str, fake_slack: FakeSlack
) -> None:
    seed(db)
    settings = settings_for(database_url, fake_slack.api_url, KINERJA_DEFAULT_LOCALE="id")
    at = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)
    assert tick(db, settings, at).done["kudos_monthly_summary"] == 1
    drain(db, fake_slack, FixedClock(at))
    [post] = summaries(fake_slack)
    shown = block_texts(post.blocks)
    assert "Apresiasi bulan Desember 2026" in shown
    assert "• :bulb: Inovasi — *2*" in shown
    assert "*Paling banyak diapresiasi*" in shown


@pytest.mark.parametrize("case", ["turned_off", "no_channel", "no_kudos"])
def test_no_summary_when_off_without_a_channel_or_without_kudos(
    db: Database, workspace: str, database_url: str, case: str
) -> None:
    if case == "turned_off":
        seed(db, monthly=False)
    elif case == "no_channel":
        seed(db, channel="")
    else:
        with db.session() as session:
            configure(session, DECEMBER)
    settings = settings_for(database_url, "http://127.0.0.1:9/api/")
    assert (
        tick(db, settings, datetime(2027, 1, 4, 2, 0, tzinfo=UTC)).done.get("kudos_monthly_summary")
        == 0
    )
    with db.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("kudos:summary:"))
        )
    assert count == 0
