"""A channel Kinerja cannot post in (private and not invited, archived) loses nothing: the HR
digest and the monthly recognition summary go to HR people by DM, a kudos still reaches its
recipient, and HR is told exactly what to do — at most once per channel and day.

Through the scheduler's tick, the outbox sender, `kinerja digest`, `kinerja run`'s start-up
check and a signed `/kinerja kudos` request, against the fake Slack, whose declared channels
refuse posts as Slack does (tests/fakeslack/api_channels.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.reporting import as_plain_text
from bot.clock import FixedClock
from bot.config import Settings
from bot.reward.kudos import give_kudos
from bot.shell.runtime import check_channels
from bot.slack.sender import OutboxSender
from bot.slack.services import Services
from storage.db import Database
from storage.kudos import KudosSource
from storage.models import AuditLog, Employee, OutboxMessage
from tests import ticking
from tests.appserver import RunningApp, settings_for
from tests.fakeslack import FakeSlack, Message
from tests.reporting_fixtures import DIGEST_AT, JAKARTA, Seeded, seed
from tests.reward_fixtures import configure, person
from tests.waiting import wait_for

HR_CHANNEL = "C0HRPRIV"
WEEK = "2026-W49"
INVITE = "open <#C0HRPRIV> and type `/invite @Kinerja`"


@pytest.fixture
def seeded(db: Database, workspace: str, fake_slack: FakeSlack) -> Seeded:
    with db.session() as session:
        people = seed(session)
    for one in people.people.values():
        fake_slack.add_user(id=one.slack_id, name=one.name, locale=one.locale or "en-US")
    return people


@pytest.fixture
def only(monkeypatch: pytest.MonkeyPatch) -> Any:
    def pick(*names: str) -> None:
        monkeypatch.setattr(ticking, "ONLY", ticking.only(*names))

    return pick


def config(database_url: str, fake: FakeSlack, **extra: str) -> Settings:
    return settings_for(
        database_url,
        fake.api_url,
        KINERJA_DEFAULT_TZ="Asia/Jakarta",
        KINERJA_HR_CHANNEL=HR_CHANNEL,
        **extra,
    )


def tick(db: Database, settings: Settings, at: datetime) -> None:
    report = ticking.tick(db, settings, at)
    assert report.failed == [], report.failed


def drain(db: Database, fake: FakeSlack, at: datetime) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    OutboxSender(db, client, FixedClock(at)).drain()


def shown(message: Message) -> str:
    return message.text + "\n" + as_plain_text({"blocks": message.blocks})


def warnings(fake: FakeSlack, user: str) -> list[Message]:
    return [m for m in fake.messages_in(user) if "/invite @Kinerja" in shown(m)]


def test_a_digest_due_for_a_private_channel_goes_to_hr_by_dm_and_hr_learns_what_to_do(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, database_url: str, only: Any
) -> None:
    only("weekly_digests")
    fake_slack.add_channel(HR_CHANNEL, "hr-private", private=True, member=False)
    settings = config(database_url, fake_slack)
    tick(db, settings, DIGEST_AT)
    drain(db, fake_slack, DIGEST_AT + timedelta(hours=8))

    assert fake_slack.messages_in(HR_CHANNEL) == []
    [digest] = [m for m in fake_slack.messages_in("UHANA") if "Weekly HR digest" in m.text]
    [chart] = fake_slack.files
    assert chart["channel_id"] == "DUHANA" and chart["filename"].endswith(".png")
    [warning] = warnings(fake_slack, "UHANA")
    text = shown(warning)
    # private and not invited: Slack hides it from the bot, so no name is known; <#C…> renders
    # as #hr-private for Hana, who is in it
    assert "Kinerja cannot see the channel <#C0HRPRIV>" in text
    assert "open it and type `/invite @Kinerja`" in text
    assert "the weekly HR digest comes to HR people by direct message, chart included" in text
    assert digest.channel == warning.channel == "DUHANA"

    # Checked again the same day (`kinerja run` restarted): no second warning.
    services = Services(
        settings, db, FixedClock(DIGEST_AT + timedelta(hours=2)), _client(fake_slack)
    )
    check_channels(services)
    drain(db, fake_slack, DIGEST_AT + timedelta(hours=9))
    assert len(warnings(fake_slack, "UHANA")) == 1
    # The next day, once more; after the bot is invited, never again.
    check_channels(
        Services(settings, db, FixedClock(DIGEST_AT + timedelta(days=1)), _client(fake_slack))
    )
    drain(db, fake_slack, DIGEST_AT + timedelta(days=1, hours=1))
    assert len(warnings(fake_slack, "UHANA")) == 2
    fake_slack.add_channel(HR_CHANNEL, "hr-private", private=True, member=True)
    check_channels(
        Services(settings, db, FixedClock(DIGEST_AT + timedelta(days=2)), _client(fake_slack))
    )
    drain(db, fake_slack, DIGEST_AT + timedelta(days=2, hours=1))
    assert len(warnings(fake_slack, "UHANA")) == 2


def _client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def test_a_post_the_channel_refuses_at_send_time_is_rerouted_not_lost(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, database_url: str, only: Any
) -> None:
    """The check could not be made (an old install without `groups:read`), so the digest was
    queued for the channel; Slack refuses it there, and HR gets it by DM with its chart."""
    only("weekly_digests")
    fake_slack.add_channel(HR_CHANNEL, "hr-private", private=True, member=False)
    fake_slack.fail_next("conversations.info", status=200, error="missing_scope")
    settings = config(database_url, fake_slack)
    tick(db, settings, DIGEST_AT)
    drain(db, fake_slack, DIGEST_AT + timedelta(hours=8))
    with db.session() as session:
        row = session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == f"digest:hr:{WEEK}")
        )
        assert row is not None and (row.status, row.last_error) == ("failed", "not_in_channel")
    assert fake_slack.messages_in(HR_CHANNEL) == []
    [copy] = [m for m in fake_slack.messages_in("UHANA") if "Weekly HR digest" in m.text]
    assert "Kinerja cannot post in <#C0HRPRIV>: it is not a member" in shown(
        warnings(fake_slack, "UHANA")[0]
    )
    tick(db, settings, DIGEST_AT + timedelta(minutes=1))  # the chart follows the DM copy
    assert [f["channel_id"] for f in fake_slack.files] == ["DUHANA"]
    with db.session() as session:
        told = session.scalars(
            select(AuditLog).where(AuditLog.action == "channel.unreachable")
        ).all()
        assert [(a.subject, a.detail["problem"]) for a in told] == [(HR_CHANNEL, "not_in_channel")]
    assert copy.text


def test_kinerja_digest_prints_the_advice_and_delivers_by_dm(
    seeded: Seeded,
    db: Database,
    fake_slack: FakeSlack,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.shell.cli import main

    fake_slack.add_channel(HR_CHANNEL, "hr-private", private=True, member=False)
    for name, value in {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake_slack.api_url,
        "KINERJA_HR_CHANNEL": HR_CHANNEL,
        "KINERJA_DEFAULT_LOCALE": "en",
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["digest"]) == 0
    out = capsys.readouterr().out
    assert "Kinerja cannot see the channel C0HRPRIV" in out
    assert "open it and type /invite @Kinerja" in out
    assert "the weekly HR digest comes to HR people by direct message" in out
    assert "1 message queued, 2 sent, 1 chart uploaded" in out  # the digest + the warning
    assert fake_slack.messages_in(HR_CHANNEL) == []
    assert [f["channel_id"] for f in fake_slack.files] == ["DUHANA"]


def test_an_archived_channel_is_named_in_the_advice_in_indonesian(
    seeded: Seeded, db: Database, fake_slack: FakeSlack, database_url: str
) -> None:
    fake_slack.add_channel(HR_CHANNEL, "hr-lama", archived=True)
    with db.session() as session:
        hana = session.get(type(seeded["Hana"]), seeded["Hana"].id)
        assert hana is not None
        hana.locale = "id-ID"
    settings = config(database_url, fake_slack)
    check_channels(Services(settings, db, FixedClock(DIGEST_AT), _client(fake_slack)))
    drain(db, fake_slack, DIGEST_AT)
    [warning] = [m for m in fake_slack.messages_in("UHANA") if "diarsipkan" in shown(m)]
    assert "Kanal <#C0HRPRIV|hr-lama> sudah diarsipkan" in shown(warning)


# ----------------------------------------------------------------------------- recognition


KUDOS_CHANNEL = "C0KUDOSPRIV"


@pytest.fixture
def people(running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock) -> None:
    for slack_id, locale, role in (
        ("UANI", "id-ID", "employee"),
        ("UBUDI", "en-US", "employee"),
        ("UHR", "en-US", "hr"),
    ):
        fake_slack.add_user(id=slack_id, name=slack_id.lower(), locale=locale)
        with db.session() as session:
            person(session, slack_id, clock.now(), locale=locale, role=role)
    with db.session() as session:
        configure(session, clock.now(), channel=KUDOS_CHANNEL, monthly=True)
    fake_slack.add_channel(KUDOS_CHANNEL, "kudos", private=True, member=False)


def test_kudos_in_a_private_channel_still_reach_the_recipient_and_hr_is_told(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, people: None
) -> None:
    app = running_app
    for text in ("kudos <@UBUDI|budi> thanks for the demo", "kudos <@UBUDI|budi> and the docs"):
        before = len(fake_slack.responses)
        app.slack.command(text, "UANI", response_url=fake_slack.response_url())
        wait_for(lambda: fake_slack.responses[before:])  # noqa: B023
    drain(db, fake_slack, clock.now() + timedelta(days=1))
    drain(db, fake_slack, clock.now() + timedelta(days=1))
    assert fake_slack.messages_in(KUDOS_CHANNEL) == []
    to_budi = [m for m in fake_slack.messages_in("UBUDI") if "gave you kudos" in m.text]
    assert len(to_budi) == 2
    [warning] = warnings(fake_slack, "UHR")  # two refused posts, one warning
    text = shown(warning)
    assert "Kinerja cannot post in <#C0KUDOSPRIV>: it is not a member" in text
    assert "kudos still reach the people recognised by direct message" in text
    assert "`/kinerja kudos settings`" in text or "/kinerja kudos settings" in text
    assert not [m for m in fake_slack.messages_in("UHR") if "gave" in m.text]


def test_the_monthly_summary_goes_to_hr_by_dm_when_the_channel_is_private(
    running_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    clock: FixedClock,
    people: None,
    database_url: str,
    only: Any,
) -> None:
    only("kudos_monthly_summary")
    november = datetime(2026, 11, 10, 10, 0, tzinfo=JAKARTA)
    with db.session() as session:
        ani, budi = (
            session.scalars(select(Employee).where(Employee.slack_id == s)).one()
            for s in ("UANI", "UBUDI")
        )
        give_kudos(session, ani, [budi], "Thanks!", None, KudosSource.COMMAND, november)
    due = datetime(2026, 12, 1, 9, 30, tzinfo=JAKARTA)  # first working day of December
    settings = settings_for(database_url, fake_slack.api_url, KINERJA_DEFAULT_TZ="Asia/Jakarta")
    tick(db, settings, due)
    drain(db, fake_slack, due)
    assert fake_slack.messages_in(KUDOS_CHANNEL) == []
    summary = [m for m in fake_slack.messages_in("UHR") if _key(m).startswith("kudos:summary:")]
    assert [_key(m) for m in summary] == [f"kudos:summary:2026-11:dm:{_id(db, 'UHR')}"]
    assert len(warnings(fake_slack, "UHR")) == 1  # the refused kudos and the summary: one day


def _key(message: Message) -> str:
    return str((message.metadata or {}).get("event_payload", {}).get("key", ""))


def _id(db: Database, slack_id: str) -> int:
    with db.session() as session:
        return int(session.scalars(select(Employee.id).where(Employee.slack_id == slack_id)).one())
