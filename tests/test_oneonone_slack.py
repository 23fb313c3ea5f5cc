"""1:1s in Slack beyond the main flow: the report proposes another time and the manager
answers in the series' thread; the manager pauses from the set-up modal; `/kinerja 1on1` in
its forms and in Indonesian; inline errors; and clicks that are not the clicker's to make,
or that carry a forged value, told only to the clicker and changing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from storage.db import Database
from storage.oneonones import OneOnOneSeries
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack, Message
from tests.monitoring_slack import (
    buttons,
    click,
    drain,
    opened_after,
    pair_dm,
    submit,
    texts,
    with_state,
)
from tests.oneonone_fixtures import make_org, wait_for_key
from tests.slack_payloads import ephemerals
from tests.waiting import wait_for

WEEKLY = {"cadence": "weekly", "starts_on": "2026-12-01", "local_time": "10:00"}


def start(db: Database, fake: FakeSlack, clock: FixedClock, locale: str = "en-US") -> None:
    with db.session() as session:
        org = make_org(session, clock.now(), locale=locale)
        for person in (org.maya, org.eko, org.ida, org.budi, org.tono, org.hana, org.adi):
            fake.add_user(id=person.slack_id, name=person.name, locale=person.locale)


@pytest.fixture
def app(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> Iterator[RunningApp]:
    start(db, fake_slack, clock)
    yield running_app


def command(app: RunningApp, user: str, text: str, trigger: str | None = None) -> dict[str, Any]:
    response = app.slack.command(text, user, trigger_id=trigger)
    assert response.status_code == 200, response.text
    return dict(response.json()) if response.content else {}


def set_up(
    app: RunningApp, fake: FakeSlack, db: Database, clock: FixedClock, report: str = "UEKO"
) -> Message:
    trigger = fake.new_trigger_id("UMAYA")
    command(app, "UMAYA", f"1on1 <@{report}|x>", trigger)
    assert submit(app, "UMAYA", opened_after(fake, trigger), WEEKLY, fake=fake) == {}
    drain(db, fake, clock)
    [series] = fake.messages_in(pair_dm(fake, "UMAYA", report))
    return series


def value(message: Message, action: str) -> str:
    return dict(buttons(message.blocks))[action]


def thread(fake: FakeSlack, parent: Message) -> list[Message]:
    return [m for m in fake.messages_in(parent.channel) if m.thread_ts == parent.ts]


def told(fake: FakeSlack, before: int) -> list[str]:
    return wait_for(lambda: ephemerals(fake)[before:])


def test_the_report_proposes_another_time_and_the_manager_accepts_in_the_thread(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake = fake_slack
    series = set_up(app, fake, db, clock)
    # Maya's click on Propose is not hers to make: she is told, only she.
    before = len(ephemerals(fake))
    click(app, fake, "UMAYA", "oneonone_propose", value(series, "oneonone_propose"), message=series)
    assert "Only the report proposes another time" in told(fake, before)[0]
    trigger = click(
        app, fake, "UEKO", "oneonone_propose", value(series, "oneonone_propose"), message=series
    )
    view = opened_after(fake, trigger)
    assert "Your 1:1s with <@UMAYA>: every week on Tuesday at 10:00" in texts(view["blocks"])
    typed = {"starts_on": "2026-12-03", "local_time": "14:00", "note": "Mornings are <b>busy</b>"}
    assert submit(app, "UEKO", view, typed, fake=fake) == {}
    drain(db, fake, clock)
    [proposal] = thread(fake, series)
    shown = texts(proposal.blocks)
    assert "<@UMAYA>, <@UEKO> proposes another time: every week on Thursday at 14:00" in shown
    assert "Mornings are &lt;b&gt;busy&lt;/b&gt;" in shown
    accept = value(proposal, "oneonone_accept")
    before = len(ephemerals(fake))
    click(app, fake, "UEKO", "oneonone_accept", accept, message=proposal)
    assert "Only the manager changes, pauses or ends the series" in told(fake, before)[0]
    click(app, fake, "UMAYA", "oneonone_accept", accept, message=proposal)
    wait_for_key(db, ":proposal:1:answer")
    drain(db, fake, clock)
    assert proposal.updated and "Accepted." in texts(proposal.blocks)
    assert buttons(proposal.blocks) == []
    answer = thread(fake, series)[-1]
    assert answer.text.startswith("<@UEKO>, <@UMAYA> accepted your proposal")
    assert series.updated and "every week on Thursday at 14:00" in texts(series.blocks)
    # A second click on the old proposal changes nothing.
    before = len(ephemerals(fake))
    click(app, fake, "UMAYA", "oneonone_decline", accept, message=proposal)
    assert "already answered" in told(fake, before)[0]


def test_the_manager_pauses_from_the_modal_and_the_report_cannot(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake = fake_slack
    series = set_up(app, fake, db, clock)
    manage = value(series, "oneonone_manage")
    before = len(ephemerals(fake))
    click(app, fake, "UEKO", "oneonone_manage", manage, message=series)
    assert "Only the manager changes, pauses or ends the series" in told(fake, before)[0]
    view = opened_after(fake, click(app, fake, "UMAYA", "oneonone_manage", manage, message=series))
    assert "Your 1:1s with <@UEKO>: every week on Tuesday at 10:00" in texts(view["blocks"])
    assert ("oneonone_pause", manage) in buttons(view["blocks"])
    click(app, fake, "UMAYA", "oneonone_pause", manage, view=view)
    updated = wait_for(lambda: [c for c in fake.calls_to("views.update")])
    paused = updated[-1].args["view"]
    assert ("oneonone_resume", manage) in buttons(paused["blocks"])
    drain(db, fake, clock)
    assert "Paused: no agenda opens until it is resumed" in texts(series.blocks)
    note = thread(fake, series)[-1]
    assert note.text.startswith(":double_vertical_bar: <@UMAYA> paused your 1:1s")


def test_the_command_in_its_forms(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake = fake_slack
    set_up(app, fake, db, clock)
    overview = command(app, "UMAYA", "1on1")
    shown = texts(overview["blocks"])
    assert "*With <@UEKO>*" in shown and "No 1:1s yet with <@UIDA>" in shown
    assert ("oneonone_setup", str(ida_id(db))) in buttons(overview["blocks"])
    mine = command(app, "UEKO", "satu-satu <@UMAYA|maya>")
    assert "*With <@UMAYA>*" in texts(mine["blocks"])
    assert (
        "<@UMAYA> belum mengatur 1:1 dengan Anda" in command(app, "UIDA", "1on1 <@UMAYA>")["text"]
    )
    assert (
        "<@UTONO> is neither your report nor your manager"
        in command(app, "UMAYA", "1on1 <@UTONO>")["text"]
    )
    assert "Use `/kinerja 1on1 @person`" in command(app, "UMAYA", "1on1 everyone")["text"]
    assert "<@UNOBODY> is not in Kinerja" in command(app, "UMAYA", "1on1 <@UNOBODY>")["text"]
    helped = command(app, "UEKO", "help")["text"]
    assert "/kinerja 1on1 [@person]" in helped


def ida_id(db: Database) -> int:
    from storage.models import Employee

    with db.session() as session:
        return session.scalars(select(Employee.id).where(Employee.slack_id == "UIDA")).one()


def test_bad_input_gets_inline_errors_and_saves_nothing(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake = fake_slack
    trigger = fake.new_trigger_id("UMAYA")
    command(app, "UMAYA", "1on1 <@UEKO>", trigger)
    view = opened_after(fake, trigger)
    answer = submit(
        app, "UMAYA", view, {**WEEKLY, "local_time": "20:00", "starts_on": "2026-11-01"}
    )
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "local_time": "Choose a time between 09:00 and 17:59.",
        "starts_on": "Choose today or a later date.",
    }
    # A forged metadata (someone else's report) is refused under the first input.
    forged = {**view, "private_metadata": '{"r": 999999}'}
    answer = submit(app, "UMAYA", forged, WEEKLY)
    assert answer["response_action"] == "errors"
    assert "not one of yours" in next(iter(answer["errors"].values()))
    with db.session() as session:
        assert session.scalars(select(OneOnOneSeries)).all() == []


@pytest.mark.parametrize("forged", ["abc", "1e30", "-1", "999999"])
def test_a_forged_or_foreign_button_is_refused_and_changes_nothing(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, forged: str
) -> None:
    fake = fake_slack
    series = set_up(app, fake, db, clock)
    before = len(ephemerals(fake))
    click(
        app,
        fake,
        "UTONO",
        "oneonone_skip_next",
        value(series, "oneonone_skip_next"),
        message=series,
    )
    click(app, fake, "UHANA", "oneonone_done", forged, message=series)
    for text in told(fake, before)[:2]:
        assert "This 1:1 is not one of yours, or it no longer exists." in text
    with db.session() as session:
        assert [s.version for s in session.scalars(select(OneOnOneSeries))] == [1]


def test_messages_for_the_pair_are_in_the_managers_language(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    start(db, fake_slack, clock, locale="id-ID")
    series = set_up(running_app, fake_slack, db, clock)
    shown = texts(series.blocks)
    assert "1:1 <@UMAYA> dan <@UEKO>" in shown
    assert "setiap minggu pada hari Selasa pukul 10:00 (Asia/Jakarta)" in shown
    assert "Usulkan waktu lain" in shown
    trigger = fake_slack.new_trigger_id("UMAYA")
    running_app.slack.command("satu-satu <@UIDA>", "UMAYA", trigger_id=trigger)
    view = opened_after(fake_slack, trigger)
    assert "Atur 1:1 rutin dengan <@UIDA>" in texts(view["blocks"])
    assert with_state(view)["callback_id"] == "oneonone_series_modal"


def test_skip_next_and_set_up_from_the_home(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake = fake_slack
    series = set_up(app, fake, db, clock)
    before = len(ephemerals(fake))
    click(
        app, fake, "UEKO", "oneonone_skip_next", value(series, "oneonone_skip_next"), message=series
    )
    assert told(fake, before)[0] == "Skipped the 1:1 on Tue 1 Dec, 10:00."
    drain(db, fake, clock)
    note = thread(fake, series)[-1]
    assert note.text.startswith(":fast_forward: <@UEKO> skipped the 1:1 on")
    assert "Talking points move to the next one" in note.text
    assert "Tue 8 Dec, 10:00" in texts(series.blocks)  # the series' next meeting moved on
    trigger = click(app, fake, "UMAYA", "oneonone_setup", str(ida_id(db)), home=True)
    assert "Set up regular 1:1s with <@UIDA>" in texts(opened_after(fake, trigger)["blocks"])
