"""Anonymous upward rounds end to end: the app over HTTP, the fake Slack, the outbox drained by
the real sender, the scheduler ticked by hand.

Hana opens a round about managers from Slack; Maya's three reports are invited by DM, Omar
(one report) is left out. In the first round two answer: when it closes Maya hears there were
too few answers and sees nothing. In the second all three answer: Maya gets averages and
comments without a name, in her DM and from her App Home; no log line names who answered.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.blocks.feedback_upward import ANSWER, ANSWER_MODAL, NEW_ROUND, RESULTS, ROUND_MODAL
from bot.clock import FixedClock
from handlers.feedback import home_section as feedback_section
from handlers.home import AppHome
from storage.db import Database
from tests import ticking
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack, Message
from tests.feedback_fixtures import Org, make_org
from tests.review_slack import button, click, drain, opened_after, submit, texts
from tests.waiting import wait_for

FRIDAY_NIGHT = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # Saturday 00:00 in Jakarta
REPORTS = ("UEKO", "UEDI", "UEVA")


@pytest.fixture(autouse=True)
def _feedback_only(monkeypatch: pytest.MonkeyPatch, running_app: RunningApp) -> None:
    monkeypatch.setattr(running_app.services, "home", AppHome([feedback_section]))
    monkeypatch.setattr(ticking, "ONLY", ticking.only("feedback_upward"))


@pytest.fixture(autouse=True)
def _let_listeners_finish(running_app: RunningApp) -> Iterator[None]:
    yield
    assert running_app.services.after_ack.wait_idle(5)
    time.sleep(0.05)


@pytest.fixture
def org(db: Database, running_app: RunningApp, fake_slack: FakeSlack, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, clock.now())
        for person in org.everyone():
            fake_slack.add_user(
                id=person.slack_id,
                name=person.name.lower(),
                real_name=person.name,
                locale=person.locale or "en-US",
            )
        session.flush()
        session.expunge_all()
    return org


def open_round(
    app: RunningApp, fake: FakeSlack, name: str, *, home: bool = False, last_day: str = "2026-11-27"
) -> dict:
    if home:
        trigger = click(app, fake, "UHR", NEW_ROUND, "home", home=True)
    else:
        trigger = fake.new_trigger_id("UHR")
        app.slack.command("feedback upward open", "UHR", trigger_id=trigger)
    modal = opened_after(fake, trigger)
    assert modal["callback_id"] == ROUND_MODAL
    questions = "Clear goals | Sasaran jelas\nUseful feedback | Umpan balik berguna"
    return submit(app, "UHR", modal, {"name": name, "questions": questions, "closes_on": last_day})


def invitation(fake: FakeSlack, user: str) -> Message:
    return [m for m in fake.messages_in(user) if ANSWER in texts(m.blocks)][-1]


def answer(
    app: RunningApp, fake: FakeSlack, user: str, scores: tuple[str, str], comment: str
) -> None:
    invite = invitation(fake, user)
    trigger = click(app, fake, user, ANSWER, button(invite, ANSWER), message=invite)
    modal = opened_after(fake, trigger)
    assert modal["callback_id"] == ANSWER_MODAL
    done = submit(app, user, modal, {"q0": scores[0], "q1": scores[1], "comment": comment})
    assert done["response_action"] == "update", done


def test_two_answers_show_nothing_and_three_show_results_without_names(
    running_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    clock: FixedClock,
    org: Org,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, fake = running_app, fake_slack
    opened = open_round(app, fake, "Q4 <managers>")
    shown = texts(opened["view"]["blocks"])
    assert "is open until" in shown and "3 people were asked" in shown
    assert "1 manager has fewer than 3 reports and was left out" in shown
    assert "Q4 &lt;managers&gt;" in shown
    drain(db, fake, clock)
    assert all(invitation(fake, user) for user in REPORTS)
    assert fake.messages_in("USARI") == []  # Omar's only report: he could never see results
    assert "Saya bisa" not in texts(invitation(fake, "UEVA").blocks)
    assert "Umpan balik anonim Anda tentang atasan Anda <@UMGR>" in invitation(fake, "UEVA").text

    # a form without every score is refused inline; then two answer
    invite = invitation(fake, "UEKO")
    trigger = click(app, fake, "UEKO", ANSWER, button(invite, ANSWER), message=invite)
    refused = submit(app, "UEKO", opened_after(fake, trigger), {"q0": "4"})
    assert refused["errors"] == {"q1": "Choose a number from 1 to 5."}
    caplog.set_level(logging.INFO)
    answer(app, fake, "UEKO", ("5", "4"), "Great 1:1s")
    answer(app, fake, "UEDI", ("2", "1"), "Never <!here> on time")
    assert app.services.after_ack.wait_idle(5)
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "UEKO" not in logged and "UEDI" not in logged
    # a second answer from Eko is refused
    trigger = click(app, fake, "UEKO", ANSWER, button(invite, ANSWER), message=invite)
    wait_for(lambda: any("already" in str(r.get("text")) for r in fake.responses))

    # the round closes after its last day: Maya sees nothing
    clock.set(FRIDAY_NIGHT)
    assert ticking.tick(db, app.services.settings, clock.now()).done["feedback_upward"] == 1
    drain(db, fake, clock)
    assert fake.messages_in("UMGR") == []  # Saturday: it waits for her working hours
    clock.set(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # Monday, 10:00 in Jakarta
    drain(db, fake, clock)
    [nothing] = fake.messages_in("UMGR")
    shown = texts(nothing.blocks)
    assert "Fewer than 3 of your reports answered, so no results are shown" in shown
    for leaked in ("Great 1:1s", "on time", "UEKO", "UEDI", "answers*"):
        assert leaked not in shown
    home = open_home(app, fake, "UMGR")
    assert "too few answers to show results" in texts(home["blocks"])
    assert RESULTS not in texts(home["blocks"])

    # a second round, from HR's App Home: all three answer
    second = open_round(app, fake, "Q1", home=True, last_day="2026-12-04")
    assert "is open until" in texts(second["view"]["blocks"])
    drain(db, fake, clock)
    for user, scores, comment in (
        ("UEVA", ("4", "4"), "Saya bisa bicara terbuka"),
        ("UEKO", ("5", "3"), ""),
        ("UEDI", ("3", "2"), "More <@UHR> time"),
    ):
        answer(app, fake, user, scores, comment)
    hr_home = open_home(app, fake, "UHR")
    assert "3 of 3 answered" in texts(hr_home["blocks"])  # HR sees counts only
    assert "Saya bisa" not in texts(hr_home["blocks"])
    closed = app.slack.command("feedback upward close 2", "UHR").json()
    assert closed["text"].startswith("Round _Q1_ is closed")
    drain(db, fake, clock)
    results = fake.messages_in("UMGR")[-1]
    shown = texts(results.blocks)
    assert "*3 answers*" in shown
    assert "Clear goals: *4.0* / 5" in shown and "Useful feedback: *3.0* / 5" in shown
    assert "Saya bisa bicara terbuka" in shown and "More &lt;@UHR&gt; time" in shown
    for name in ("UEKO", "UEDI", "UEVA", "Eko", "Edi", "Eva"):
        assert name not in json.dumps(results.blocks)
    home = open_home(app, fake, "UMGR")
    trigger = click(app, fake, "UMGR", RESULTS, button_value(home, RESULTS), home=True)
    modal = opened_after(fake, trigger)
    assert "*3 answers*" in texts(modal["blocks"])
    assert "UEVA" not in json.dumps(modal)


def button_value(view: dict, action_id: str) -> str:
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return str(accessory["value"])
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} in the view")


def test_only_hr_runs_rounds_and_help_says_who_may_do_what(
    running_app: RunningApp, org: Org
) -> None:
    app = running_app
    employee_help = app.slack.command("help", "UEKO").json()
    assert "feedback request @a @b" in employee_help["text"]
    assert "feedback upward" not in employee_help["text"]
    hr_help = app.slack.command("bantuan", "UHR").json()
    assert "feedback upward [open | close N]" in hr_help["text"]
    refused = app.slack.command("umpan-balik-atasan buka", "UEKO").json()
    assert refused["text"] == "Only HR and admins run anonymous upward rounds."
    listing = app.slack.command("feedback upward", "UHR").json()
    assert "No rounds yet." in listing["text"]
