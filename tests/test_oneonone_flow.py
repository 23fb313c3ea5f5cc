"""A 1:1 series end to end: signed requests to the app over HTTP, the fake Slack Web API, and
time moved with `kinerja tick --at` (which also delivers the outbox to the fake).

Maya manages Eko. She sets up a weekly 1:1 (Eko is told in their group DM); a working day
before the first meeting its agenda opens there, pre-filled from Eko's check-ins (an open
obstacle, support asked for, a goal at risk) and kudos, with the talking point Eko added
from his App Home. Both add talking points to the same message, updated in place; they take
notes (shared and private), agree an action item, and Maya clicks Done: the summary lands
in the agenda's thread. The item shows on Eko's Home, gets one reminder, and the next
agenda carries it until Eko marks it done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from bot.clock import FixedClock
from storage.db import Database
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack, Message
from tests.monitoring_slack import buttons, click, drain, opened_after, pair_dm, submit, texts
from tests.oneonone_fixtures import (
    GOAL,
    KUDOS,
    OBSTACLE,
    SUPPORT,
    make_org,
    wait_for_key,
    what_the_checkins_said,
    wib,
)

PRIVATE_MAYA = "Maya private: consider Eko for the lead role"
PRIVATE_EKO = "Eko private: ask about the raise next time"


@pytest.fixture
def app(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> Iterator[RunningApp]:
    with db.session() as session:
        org = make_org(session, clock.now())
        what_the_checkins_said(session, org, clock.now())
        people = (org.maya, org.eko, org.ida, org.budi, org.tono, org.hana, org.adi)
        for employee in people:
            fake_slack.add_user(id=employee.slack_id, name=employee.name, locale=employee.locale)
    yield running_app


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, database_url: str, fake_slack: FakeSlack
) -> Iterator[None]:
    """`kinerja tick --at` sees the same database and the fake Slack."""
    for name, value in {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "test-signing-secret",
        "SLACK_API_URL": fake_slack.api_url,
        "KINERJA_DEFAULT_LOCALE": "en",
    }.items():
        monkeypatch.setenv(name, value)
    yield


def kinerja_tick(clock: FixedClock, at: str) -> None:
    """`kinerja tick --at <at>`: one scheduler pass, then the outbox to the fake."""
    from datetime import datetime

    from bot.shell.cli import main

    clock.set(datetime.fromisoformat(at))
    assert main(["tick", "--at", at]) == 0


def everything(message: Message) -> str:
    return message.text + "\n" + texts(message.blocks)


def top_level(fake: FakeSlack, channel: str) -> list[Message]:
    return [m for m in fake.messages_in(channel) if m.thread_ts is None or m.thread_ts == m.ts]


def thread_of(fake: FakeSlack, parent: Message) -> list[Message]:
    return [
        m for m in fake.messages_in(parent.channel) if m.thread_ts == parent.ts and m is not parent
    ]


def command_modal(app: RunningApp, fake: FakeSlack, user: str, text: str) -> dict[str, Any]:
    trigger = fake.new_trigger_id(user)
    response = app.slack.command(text, user, trigger_id=trigger)
    assert response.status_code == 200, response.text
    return opened_after(fake, trigger)


def modal_from(
    app: RunningApp, fake: FakeSlack, user: str, action: str, value: str, **where: Any
) -> dict[str, Any]:
    return opened_after(fake, click(app, fake, user, action, value, **where))


def button_value(message: Message, action: str) -> str:
    found = [value for action_id, value in buttons(message.blocks) if action_id == action]
    assert found, f"no {action} on {message.text}"
    return found[0]


def test_a_series_end_to_end(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, cli: None
) -> None:
    fake = fake_slack
    dm = pair_dm(fake, "UMAYA", "UEKO")

    # 1. Maya sets up a weekly 1:1 with Eko, Tuesdays at 10:00, from 1 December.
    view = command_modal(app, fake, "UMAYA", "1on1 <@UEKO|eko>")
    assert "Set up regular 1:1s with <@UEKO>" in texts(view["blocks"])
    typed = {"cadence": "weekly", "starts_on": "2026-12-01", "local_time": "10:00"}
    assert submit(app, "UMAYA", view, typed, fake=fake) == {}
    drain(db, fake, clock)
    [series] = top_level(fake, dm)
    shown = everything(series)
    assert "1:1s of <@UMAYA> and <@UEKO>" in shown
    assert "every week on Tuesday at 10:00 (Asia/Jakarta)" in shown
    assert ("oneonone_propose", button_value(series, "oneonone_propose")) in buttons(series.blocks)

    # 2. Eko adds a talking point from his App Home before the agenda opens.
    open_home(app, fake, "UEKO")
    home = fake.views_published["UEKO"]
    assert "With <@UMAYA>" in texts(home["blocks"])
    view = modal_from(
        app,
        fake,
        "UEKO",
        "oneonone_point_next",
        button_value(series, "oneonone_point_next"),
        home=True,
    )
    assert (
        submit(app, "UEKO", view, {"text": "Can I <!channel> join the <@UADI> offsite?"}, fake=fake)
        == {}
    )

    # 3. A working day before (Monday 30 Nov, 10:00 in Jakarta) the agenda opens in their DM.
    kinerja_tick(clock, "2026-11-30T09:59:00+07:00")
    assert len(top_level(fake, dm)) == 1
    kinerja_tick(clock, "2026-11-30T10:00:00+07:00")
    agenda = top_level(fake, dm)[-1]
    assert agenda is not series
    shown = everything(agenda)
    for expected in (OBSTACLE, SUPPORT, GOAL, KUDOS, "at risk, 30% done", "open for 10 days"):
        assert expected in shown, expected
    # What Eko typed is shown, escaped: no ping, no fake mention.
    assert "Can I &lt;!channel&gt; join the &lt;@UADI&gt; offsite?" in shown
    assert "<!channel>" not in shown and "<@UADI>" not in shown

    # 4. Both add talking points: the same message is updated, no new one is posted.
    meeting = button_value(agenda, "oneonone_point")
    for user, point in (("UMAYA", "Your growth plan"), ("UEKO", "On-call load")):
        view = modal_from(app, fake, user, "oneonone_point", meeting, message=agenda)
        assert submit(app, user, view, {"text": point}, fake=fake) == {}
    drain(db, fake, clock)
    assert agenda.updated
    shown = everything(agenda)
    assert "<@UMAYA>: Your growth plan" in shown and "<@UEKO>: On-call load" in shown
    assert len(top_level(fake, dm)) == 2  # the series' message and this agenda

    # 5. On the day they meet and take notes: shared ones for both, private ones for each.
    clock.set(wib(date(2026, 12, 1), 10, 30))
    view = modal_from(app, fake, "UMAYA", "oneonone_notes", meeting, message=agenda)
    shared = {"shared": "Agreed: Eko leads the ledger work", "private": PRIVATE_MAYA}
    assert submit(app, "UMAYA", view, shared, fake=fake) == {}
    view = modal_from(app, fake, "UEKO", "oneonone_notes", meeting, message=agenda)
    assert "Agreed: Eko leads the ledger work" in texts(view["blocks"])
    assert PRIVATE_MAYA not in str(view)
    mine = {"shared": "I will draft the plan", "private": PRIVATE_EKO}
    assert submit(app, "UEKO", view, mine, fake=fake) == {}

    # 6. An action item for Eko, due Friday; then Done.
    view = modal_from(app, fake, "UMAYA", "oneonone_item", meeting, message=agenda)
    item = {"title": "Send the migration plan", "owner": "report", "due_on": "2026-12-04"}
    assert submit(app, "UMAYA", view, item, fake=fake) == {}
    click(app, fake, "UMAYA", "oneonone_done", meeting, message=agenda)
    wait_for_key(db, f"1on1:agenda:{meeting}:summary")
    drain(db, fake, clock)
    shown = everything(agenda)
    assert "Held — marked done by <@UMAYA>" in shown
    assert "Send the migration plan — due Fri 4 Dec (<@UEKO>)" in shown
    [summary] = thread_of(fake, agenda)
    said = everything(summary)
    assert "*1:1 held*" in said and "marked done by <@UMAYA>" in said
    assert "*Action items*\n• Send the migration plan — due Fri 4 Dec (<@UEKO>)" in said
    assert "*Notes by <@UMAYA>*\n>Agreed: Eko leads the ledger work" in said
    for expected in ("Your growth plan", "On-call load", "Agreed: Eko leads the ledger work",
                     "I will draft the plan", "Send the migration plan"):  # fmt: skip
        assert expected in said, expected
    assert "private" not in said.split("Private notes are never shared")[0].lower()

    # 7. The item is on Eko's Home, and reminded once, the working day before it is due.
    home = open_home(app, fake, "UEKO")
    assert "Send the migration plan · with <@UMAYA> · due Fri 4 Dec" in texts(home["blocks"])
    kinerja_tick(clock, "2026-12-03T08:59:00+07:00")
    kinerja_tick(clock, "2026-12-03T09:00:00+07:00")
    kinerja_tick(clock, "2026-12-03T11:00:00+07:00")
    reminders = [m for m in fake.messages_in("DUEKO") if "Send the migration plan" in m.text]
    assert len(reminders) == 1
    assert "Due Fri 4 Dec: *Send the migration plan*" in reminders[0].text

    # 8. The next agenda (Monday 7 Dec for Tuesday 8 Dec) carries the open item, not the
    #    last meeting's talking points.
    kinerja_tick(clock, "2026-12-07T10:00:00+07:00")
    following = top_level(fake, dm)[-1]
    assert following is not agenda
    shown = everything(following)
    assert "Open action items" in shown
    assert ":warning: Send the migration plan — was due Fri 4 Dec (<@UEKO>)" in shown
    assert "Your growth plan" not in shown and "On-call load" not in shown
    assert ("oneonone_item_done", button_value(following, "oneonone_item_done")) in buttons(
        following.blocks
    )

    # 9. Eko marks it done on the agenda: it leaves the open items.
    item = button_value(following, "oneonone_item_done")
    click(app, fake, "UEKO", "oneonone_item_done", item, message=following)
    wait_for_key(db, f"1on1:agenda:{button_value(following, 'oneonone_point')}:v1")
    drain(db, fake, clock)
    assert "Send the migration plan" not in everything(following)
