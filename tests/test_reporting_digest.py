"""The weekly digests end to end: the tick, the outbox, the sender and the fake Slack.

The organisation is tests/reporting_fixtures.py's; the digest is due on Monday 2026-11-30 at
09:00 in Jakarta (the organisation's zone, "HR's time zone").
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.reporting import as_plain_text
from bot.clock import FixedClock
from bot.config import Settings
from bot.reporting.digest import CHART_JOB
from bot.reporting.tasks import set_digest_schedule
from bot.slack.sender import OutboxSender
from storage.db import Database
from storage.models import AuditLog, Employee, JobRun, OutboxMessage
from tests import ticking
from tests.appserver import settings_for
from tests.fakeslack import FakeSlack, Message
from tests.reporting_fixtures import (
    DIGEST_AT,
    JAKARTA,
    OBSTACLE_TEXT,
    SECRET_REVIEW,
    SECRET_WIN,
    TEAM_ID,
    Seeded,
    seed,
)

HR_CHANNEL = "C0HRDIGEST"
WEEK = "2026-W49"


@pytest.fixture
def seeded(db: Database, workspace: str, fake_slack: FakeSlack) -> Seeded:
    with db.session() as session:
        people = seed(session)
    for person in people.people.values():
        fake_slack.add_user(id=person.slack_id, name=person.name, locale=person.locale or "en-US")
    return people


@pytest.fixture(autouse=True)
def only_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ticking, "ONLY", ticking.only("weekly_digests"))


def settings(
    database_url: str, fake_slack: FakeSlack, channel: str | None = HR_CHANNEL
) -> Settings:
    extra = {"KINERJA_HR_CHANNEL": channel} if channel else {}
    return settings_for(
        database_url, fake_slack.api_url, KINERJA_DEFAULT_TZ="Asia/Jakarta", **extra
    )


def tick(db: Database, config: Settings, at: datetime) -> int:
    report = ticking.tick(db, config, at)
    assert report.failed == [], report.failed
    return report.total


def drain(db: Database, fake_slack: FakeSlack, at: datetime) -> int:
    client = WebClient(token="xoxb-test", base_url=fake_slack.api_url)
    return OutboxSender(db, client, FixedClock(at)).drain().sent


def keys(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(session.scalars(select(OutboxMessage.idempotency_key)))


def shown(message: Message) -> str:
    return message.text + "\n" + as_plain_text({"blocks": message.blocks})


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


@pytest.fixture
def hr_channel(database_url: str, fake_slack: FakeSlack) -> Settings:
    return settings(database_url, fake_slack)


def test_the_hr_digest_and_its_chart_go_to_the_hr_channel_once(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, hr_channel: Settings
) -> None:
    assert tick(db, hr_channel, DIGEST_AT) == 1 + 2 + 1  # HR digest, two managers, one chart
    assert f"digest:hr:{WEEK}" in keys(db)
    assert drain(db, fake_slack, DIGEST_AT + timedelta(hours=8)) == 3
    [post] = fake_slack.messages_in(HR_CHANNEL)
    text = shown(post)
    assert "Weekly HR digest · week of 23 Nov – 29 Nov" in text
    assert "*Whole organisation*: 4/6 checked in (67%)" in text
    [chart] = fake_slack.files
    assert chart["channel_id"] == HR_CHANNEL
    assert chart["filename"] == "kinerja-digest-2026-W48.png"
    assert chart["title"] == "Kinerja digest chart, week of 23 Nov – 29 Nov"
    assert "Participation and mood by team over the last 8 periods" in chart["initial_comment"]
    width, height = png_size(chart["content"])
    assert width >= 1000 and height >= 700
    with db.session() as session:
        [uploaded] = session.scalars(
            select(AuditLog).where(AuditLog.action == "digest.chart_uploaded")
        ).all()
        assert uploaded.detail["file_id"] == chart["file_id"]
    # Later ticks that day, or a restart, send nothing more.
    for later in (DIGEST_AT + timedelta(minutes=1), DIGEST_AT + timedelta(hours=5)):
        assert tick(db, hr_channel, later) == 0
    assert drain(db, fake_slack, DIGEST_AT + timedelta(hours=9)) == 0
    assert len(fake_slack.files) == 1 and len(fake_slack.messages_in(HR_CHANNEL)) == 1


def test_hr_never_reads_review_text_or_check_in_answers(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, hr_channel: Settings
) -> None:
    tick(db, hr_channel, DIGEST_AT)
    drain(db, fake_slack, DIGEST_AT + timedelta(hours=8))
    [post] = fake_slack.messages_in(HR_CHANNEL)
    text = shown(post) + str(post.blocks)
    for secret in (SECRET_REVIEW, SECRET_WIN, OBSTACLE_TEXT, "Budget freeze", "No laptop"):
        assert secret not in text


def test_without_a_channel_each_hr_person_gets_a_dm_in_their_language(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, database_url: str, clock: FixedClock
) -> None:
    with db.session() as session:
        indah = Employee(
            team_id=TEAM_ID, slack_id="UINDAH", name="Indah", role="hr", locale="id-ID",
            tz="Asia/Jakarta", active=True, created_at=clock.now(), updated_at=clock.now(),
        )  # fmt: skip
        session.add(indah)
        session.flush()
        indah_id = indah.id
    fake_slack.add_user(id="UINDAH", name="Indah", locale="id-ID")
    config = settings(database_url, fake_slack, channel=None)
    tick(db, config, DIGEST_AT)
    hana_id = seeded["Hana"].id
    assert {f"digest:hr:{WEEK}:{hana_id}", f"digest:hr:{WEEK}:{indah_id}"} <= set(keys(db))
    drain(db, fake_slack, DIGEST_AT + timedelta(hours=8))
    [to_hana] = fake_slack.messages_in("UHANA")
    [to_indah] = fake_slack.messages_in("UINDAH")
    assert "Weekly HR digest · week of 23 Nov – 29 Nov" in shown(to_hana)
    assert "Ringkasan mingguan HR · minggu 23 Nov – 29 Nov" in shown(to_indah)
    files = {f["channel_id"]: f for f in fake_slack.files}
    assert set(files) == {"DUHANA", "DUINDAH"}  # DMs opened first: files need a channel id
    assert files["DUINDAH"]["title"] == "Grafik ringkasan Kinerja, minggu 23 Nov – 29 Nov"
    assert len(fake_slack.calls_to("conversations.open")) == 2


def test_each_manager_gets_their_own_team_only_in_their_language(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, hr_channel: Settings
) -> None:
    tick(db, hr_channel, DIGEST_AT)
    maya, omar = seeded["Maya"], seeded["Omar"]
    assert {f"digest:manager:{maya.id}:{WEEK}", f"digest:manager:{omar.id}:{WEEK}"} <= set(keys(db))
    drain(db, fake_slack, DIGEST_AT + timedelta(hours=8))
    [to_maya] = fake_slack.messages_in("UMAYA")
    [to_omar] = fake_slack.messages_in("UOMAR")
    maya_text, omar_text = shown(to_maya), shown(to_omar)
    assert "Your team · week of 23 Nov – 29 Nov" in maya_text
    assert ":white_check_mark: Checked in (2): Edi, Eko" in maya_text
    assert OBSTACLE_TEXT in maya_text  # the manager reads their own report's obstacle
    assert "Tim Anda · minggu 23 Nov – 29 Nov" in omar_text  # Omar reads Indonesian
    assert "Sari" in omar_text and "Sule" in omar_text
    for other_team in ("Sari", "Sule", "Budget freeze", "No laptop", "Cut cloud costs"):
        assert other_team not in maya_text
    for other_team in ("Eko", "Edi", "Esti", "Lina", OBSTACLE_TEXT, "Close ten deals"):
        assert other_team not in omar_text
    assert not fake_slack.messages_in("ULINA") and not fake_slack.messages_in("UEKO")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JAKARTA).astimezone(UTC)


def test_due_on_the_configured_day_from_the_configured_time_in_the_org_zone(
    seeded: Seeded, db: Database, hr_channel: Settings
) -> None:
    assert tick(db, hr_channel, local(29, 23, 59)) == 0  # Sunday night
    assert tick(db, hr_channel, local(30, 8, 59)) == 0  # Monday, a minute early
    assert tick(db, hr_channel, local(30, 9, 0)) > 0
    assert tick(db, hr_channel, datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)) == 0  # Tuesday
    with db.session() as session:
        set_digest_schedule(
            session, TEAM_ID, weekday="fri", at="16:30", actor="UHANA", now=DIGEST_AT
        )
    friday = datetime(2026, 12, 4, 16, 30, tzinfo=JAKARTA)
    assert tick(db, hr_channel, friday - timedelta(minutes=1)) == 0
    assert tick(db, hr_channel, friday) == 0  # W49 was already sent on Monday
    next_friday = datetime(2026, 12, 11, 16, 30, tzinfo=JAKARTA)
    assert tick(db, hr_channel, next_friday) > 0
    assert "digest:hr:2026-W50" in keys(db)


def test_a_failed_upload_is_retried_and_an_interrupted_one_never_repeated(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, hr_channel: Settings
) -> None:
    fake_slack.fail_next("files.getUploadURLExternal", status=500, retry_after=None)
    tick(db, hr_channel, DIGEST_AT)
    assert fake_slack.files == []
    with db.session() as session:
        failed = session.scalars(select(AuditLog).where(AuditLog.action == "digest.chart_failed"))
        assert [a.detail["attempt"] for a in failed] == [1]
    tick(db, hr_channel, DIGEST_AT + timedelta(minutes=1))
    assert len(fake_slack.files) == 1
    tick(db, hr_channel, DIGEST_AT + timedelta(minutes=2))
    assert len(fake_slack.files) == 1

    # A process that died during an upload leaves a claim without an outcome: never again.
    with db.session() as session:
        key = f"digest:hr:{WEEK}:lost"
        session.add(AuditLog(team_id=TEAM_ID, action="digest.chart_pending", subject=key,
                             detail=_pending_detail(session), at=DIGEST_AT))  # fmt: skip
        session.add(JobRun(team_id=TEAM_ID, job=CHART_JOB, period=f"{key}#1", at=DIGEST_AT))
    tick(db, hr_channel, DIGEST_AT + timedelta(minutes=3))
    assert len(fake_slack.files) == 1


def _pending_detail(session: Any) -> dict[str, Any]:
    row = session.scalars(select(AuditLog).where(AuditLog.action == "digest.chart_pending")).first()
    return dict(row.detail)


def test_kinerja_digest_dry_run_prints_and_send_posts(
    seeded: Seeded,
    db: Database,
    fake_slack: FakeSlack,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KINERJA_DEFAULT_LOCALE", "id")
    chart = tmp_path / "chart.png"
    assert main(["digest", "--dry-run", "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "Ringkasan mingguan HR" in out and "Partisipasi check-in" in out
    assert png_size(chart.read_bytes())[0] >= 1000
    assert keys(db) == []  # a dry run sends nothing

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("KINERJA_HR_CHANNEL", HR_CHANNEL)
    assert main(["digest"]) == 0
    assert "1 message queued, 1 sent, 1 chart uploaded" in capsys.readouterr().out
    assert len(fake_slack.messages_in(HR_CHANNEL)) == 1 and len(fake_slack.files) == 1

    assert main(["digest", "schedule", "--weekday", "thursday", "--time", "8:15"]) == 0
    assert "weekly digest: thu 08:15 (Asia/Jakarta)" in capsys.readouterr().out
    assert main(["digest", "schedule", "--weekday", "someday"]) == 1
