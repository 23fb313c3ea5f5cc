"""Who reads a check-in, and what the prompt says once it is in — through the app over HTTP
and the fake Slack.

- Someone without a manager (the admin at the top) is told who reads their check-in, and it
  reaches exactly that person: the HR person standing in (as for their goals), in their group
  DM; or, when there is nobody, the prompt says so and nothing is sent anywhere.
- After a check-in the prompt (and the reminder) is updated in place to "done", with **Edit**,
  in the person's language — whether the modal was opened from the prompt, the Home or
  `/kinerja checkin`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from storage.checkins import Checkin
from storage.db import Database
from storage.models import Employee
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
    pair_dm,
    submit,
    texts,
)
from tests.ticking import tick
from tests.waiting import wait_for

FRIDAY_1500_JAKARTA = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
SATURDAY_1500_JAKARTA = FRIDAY_1500_JAKARTA + timedelta(days=1)
MONDAY_1500_JAKARTA = FRIDAY_1500_JAKARTA + timedelta(days=3)


@pytest.fixture(autouse=True)
def _monitoring_only(monkeypatch: pytest.MonkeyPatch) -> None:
    only_monitoring_tasks(monkeypatch)


def _people(db: Database, fake: FakeSlack, *people: tuple[str, str, str, str | None]) -> None:
    """(slack id, role, locale, manager's slack id) each, managers first."""
    now = FRIDAY_1500_JAKARTA - timedelta(days=10)
    with db.session() as session:
        made: dict[str, Employee] = {}
        for slack_id, role, locale, manager in people:
            fake.add_user(id=slack_id, name=slack_id.lower(), tz="Asia/Jakarta", locale=locale)
            made[slack_id] = person(
                session,
                slack_id,
                role=role,
                locale=locale,
                manager=made[manager] if manager else None,
                now=now,
            )


def _prompts(app: RunningApp, db: Database, fake: FakeSlack, clock: FixedClock) -> None:
    clock.set(FRIDAY_1500_JAKARTA)
    tick(db, app.services.settings, FRIDAY_1500_JAKARTA)
    drain(db, fake, clock)
    clock.advance(minutes=5)


def _prompt(fake: FakeSlack, slack_id: str) -> Message:
    found = [m for m in fake.messages_in(slack_id) if m.thread_ts is None]
    assert len(found) == 1, [m.text for m in found]
    return found[0]


def _check_in_from(app: RunningApp, fake: FakeSlack, slack_id: str, prompt: Message) -> None:
    trigger = click(app, fake, slack_id, "monitoring_start_checkin", "2026-W48", message=prompt)
    view = opened_after(fake, trigger)
    assert submit(app, slack_id, view, {"mood": "4", "wins": "Shipped"}, fake=fake) == {}


def test_the_admin_without_a_manager_is_read_by_hr_as_the_prompt_says(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    """Ada (admin) has no manager; Hana (HR) reports to her. Ada's prompt names Hana, and her
    check-in reaches Hana in their group DM, where Hana's buttons work."""
    app, fake = running_app, fake_slack
    _people(db, fake, ("UADA", "admin", "en-US", None), ("UHANA", "hr", "id-ID", "UADA"))
    _prompts(app, db, fake, clock)

    ada_prompt = _prompt(fake, "UADA")
    assert "You have no manager in Kinerja, so <@UHANA> reads it in a manager's place" in texts(
        ada_prompt.blocks
    )
    assert "Your manager reads it" not in texts(ada_prompt.blocks)
    hana_prompt = _prompt(fake, "UHANA")  # Hana has a manager: Ada
    assert "Atasan Anda, <@UADA>, membacanya" in texts(hana_prompt.blocks)

    _check_in_from(app, fake, "UADA", ada_prompt)
    drain(db, fake, clock)
    with db.session() as session:
        checkin = session.scalars(select(Checkin)).one()
        assert checkin.manager is not None and checkin.manager.slack_id == "UHANA"
    summary, thread = conversation(fake, "UADA", "UHANA")
    assert thread == []
    shown = texts(summary.blocks)
    assert "<@UADA> mengisi check-in" in shown  # in Hana's language: the buttons are hers
    assert "<@UADA> tidak memiliki atasan di Kinerja, jadi <@UHANA> membaca" in shown
    assert ("monitoring_ack", str(checkin.id)) in buttons(summary.blocks)
    done = texts(ada_prompt.blocks)
    assert "<@UHANA> reads it in your group DM with them" in done

    click(app, fake, "UHANA", "monitoring_ack", str(checkin.id), message=summary)
    wait_for(lambda: keys(db, "checkin:ack:") == [f"checkin:ack:{checkin.id}"])
    drain(db, fake, clock)
    _, thread = conversation(fake, "UADA", "UHANA")
    assert thread[-1].text.startswith(":eyes: <@UADA>, <@UHANA> read your check-in")


def test_with_nobody_to_read_it_the_prompt_says_so_and_nothing_is_sent(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    """Ada is the only admin and there is no HR: nobody else reads her check-in, and neither
    the prompt nor the confirmation pretends otherwise."""
    app, fake = running_app, fake_slack
    _people(db, fake, ("UADA", "admin", "en-US", None), ("UEKO", "employee", "en-US", "UADA"))
    _prompts(app, db, fake, clock)
    ada_prompt = _prompt(fake, "UADA")
    hint = texts(ada_prompt.blocks)
    assert "You have no manager in Kinerja and nobody else is set up to read it" in hint
    assert "reads it" not in hint

    _check_in_from(app, fake, "UADA", ada_prompt)
    drain(db, fake, clock)
    assert keys(db, "checkin:summary:") == []
    assert [m for m in fake.messages if m.channel.startswith("G")] == []
    assert fake.messages_in("UEKO") == [_prompt(fake, "UEKO")]
    assert "Nobody else reads it: you have no manager in Kinerja." in texts(ada_prompt.blocks)


@pytest.fixture
def pair(running_app: RunningApp, fake_slack: FakeSlack, db: Database) -> None:
    """Maya (Indonesian) manages Eko (English)."""
    _people(
        db,
        fake_slack,
        ("UMGR", "manager", "id-ID", None),
        ("UEMP", "employee", "en-US", "UMGR"),
        ("UIDA", "employee", "id-ID", "UMGR"),
    )


def test_the_prompt_turns_into_done_with_edit_after_a_checkin(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, pair: None
) -> None:
    app, fake = running_app, fake_slack
    _prompts(app, db, fake, clock)
    prompt = _prompt(fake, "UEMP")
    assert prompt.text.startswith("Time for your check-in")
    _check_in_from(app, fake, "UEMP", prompt)
    drain(db, fake, clock)

    assert prompt.updated
    assert prompt.text == "Done: your check-in for week of 23 Nov – 29 Nov is in."
    shown = texts(prompt.blocks)
    assert ":white_check_mark: Done: your check-in for *week of 23 Nov – 29 Nov* is in" in shown
    assert "Fri 27 Nov, 15:05" in shown  # when, in his own zone
    assert "Time for your check-in" not in shown and "Start check-in" not in shown
    assert buttons(prompt.blocks) == [("monitoring_start_checkin", "2026-W48")]
    assert "Edit check-in" in shown

    # **Edit** opens the same check-in; saving again updates the prompt's time, once.
    clock.advance(minutes=20)
    trigger = click(app, fake, "UEMP", "monitoring_start_checkin", "2026-W48", message=prompt)
    view = opened_after(fake, trigger)
    assert "You already checked in on 27 Nov" in texts(view["blocks"])
    assert submit(app, "UEMP", view, {"mood": "5"}, fake=fake) == {}
    drain(db, fake, clock)
    assert "Fri 27 Nov, 15:25" in texts(prompt.blocks)
    assert len([m for m in fake.messages_in("UEMP") if m.thread_ts is None]) == 1


def test_done_also_when_started_from_the_command_or_the_home_in_indonesian(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, pair: None
) -> None:
    app, fake = running_app, fake_slack
    _prompts(app, db, fake, clock)

    # Ida checks in with /kinerja checkin rather than the prompt's button.
    trigger = fake.new_trigger_id("UIDA")
    assert app.slack.command("lapor", "UIDA", trigger_id=trigger).status_code == 200
    view = opened_after(fake, trigger)
    assert submit(app, "UIDA", view, {"mood": "3"}, fake=fake) == {}
    # Eko checks in from his App Home.
    home = open_home(app, fake, "UEMP")
    trigger = click(app, fake, "UEMP", "monitoring_start_checkin", "2026-W48", home=True)
    assert home is not None
    view = opened_after(fake, trigger)
    assert submit(app, "UEMP", view, {"mood": "4"}, fake=fake) == {}
    drain(db, fake, clock)

    ida = _prompt(fake, "UIDA")
    assert ida.updated
    assert ida.text == "Selesai: check-in Anda untuk minggu 23 Nov – 29 Nov sudah terkirim."
    assert "Ubah check-in" in texts(ida.blocks)
    assert "<@UMGR> membacanya di DM grup Anda berdua" in texts(ida.blocks)
    eko = _prompt(fake, "UEMP")
    assert eko.updated and eko.text.startswith("Done: your check-in for week of 23 Nov")


def test_the_reminder_too_is_updated_and_a_checkin_without_a_prompt_updates_nothing(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, pair: None
) -> None:
    """Eko was prompted on Friday and reminded on Monday: both messages say "done". A check-in
    for a period nobody was prompted for (no message to update) sends no update at all."""
    app, fake = running_app, fake_slack
    _prompts(app, db, fake, clock)
    clock.set(MONDAY_1500_JAKARTA)
    tick(db, app.services.settings, MONDAY_1500_JAKARTA)
    drain(db, fake, clock)
    clock.advance(minutes=5)
    prompt, reminder = [m for m in fake.messages_in("UEMP") if m.thread_ts is None]
    assert reminder.text.startswith("Reminder: your check-in for week of 23 Nov")
    trigger = click(app, fake, "UEMP", "monitoring_start_checkin", "2026-W48", message=reminder)
    assert submit(app, "UEMP", opened_after(fake, trigger), {"mood": "4"}, fake=fake) == {}
    drain(db, fake, clock)
    assert prompt.updated and reminder.updated
    done = "Done: your check-in for week of 23 Nov – 29 Nov is in."
    assert prompt.text == reminder.text == done
    updates = [k for k in keys(db, "checkin:") if ":done:" in k]
    assert len(updates) == 2

    with db.session() as session:
        session.add(
            Employee(
                team_id=TEAM_ID,
                slack_id="UNEW",
                name="New",
                tz="Asia/Jakarta",
                locale="en-US",
                role="employee",
                manager_id=session.scalar(select(Employee.id).where(Employee.slack_id == "UMGR")),
                active=True,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    fake.add_user(id="UNEW", name="new", tz="Asia/Jakarta")
    trigger = fake.new_trigger_id("UNEW")
    app.slack.command("checkin", "UNEW", trigger_id=trigger)
    assert submit(app, "UNEW", opened_after(fake, trigger), {"mood": "4"}, fake=fake) == {}
    drain(db, fake, clock)
    assert [k for k in keys(db, "checkin:") if ":done:" in k] == updates
    assert fake.messages_in("UNEW") == []
    assert pair_dm(fake, "UNEW", "UMGR") in {m.channel for m in fake.messages}
