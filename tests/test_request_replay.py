"""A signed command or interaction sent again within the 5-minute window is acknowledged and
not run again, by the same instance or another one sharing the database; what is remembered
for that is forgotten by the tick once no replay could pass the timestamp check any more."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.slack.replay import REMEMBER_FOR
from storage.db import Database
from storage.kudos import Kudos
from storage.models import HandledRequest
from tests.appserver import RunningApp, settings_for, start_app
from tests.fakeslack import FakeSlack
from tests.reward_fixtures import CHANNEL, configure, drain, person
from tests.ticking import tick
from tests.waiting import wait_for

PEOPLE = {"UANI": "en-US", "UBUDI": "en-US", "UCITRA": "id-ID"}


@pytest.fixture
def app(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> Iterator[RunningApp]:
    for slack_id, locale in PEOPLE.items():
        fake_slack.add_user(id=slack_id, name=slack_id.lower(), locale=locale)
        with db.session() as session:
            person(session, slack_id, clock.now(), locale=locale)
    with db.session() as session:
        configure(session, clock.now())
    yield running_app


def kudos_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Kudos)) or 0


def test_a_replayed_kudos_command_makes_one_kudos_and_one_post(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    stamp = int(time.time())
    response_url = fake_slack.response_url()
    sent = [
        app.slack.command("kudos <@UBUDI|budi> thanks for the demo!", "UANI",
                          trigger_id="T.same", response_url=response_url, timestamp=stamp)
        for _ in range(3)
    ]  # fmt: skip
    assert [r.status_code for r in sent] == [200, 200, 200]
    assert [r.text for r in sent[1:]] == ["", ""]  # acknowledged, nothing to show
    wait_for(lambda: fake_slack.responses)
    assert drain(db, fake_slack, clock).sent == 2  # the channel post and Budi's DM
    assert kudos_count(db) == 1
    assert len(fake_slack.messages_in(CHANNEL)) == 1
    assert len(fake_slack.messages_in("UBUDI")) == 1
    assert len(fake_slack.responses) == 1  # one "thank you" to Ani
    replays = [r for r in caplog.records if "replayed" in r.getMessage()]
    assert len(replays) == 2 and all(r.levelno == logging.WARNING for r in replays)


def test_two_real_kudos_in_the_same_second_both_count(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    """Slack gives each command its own trigger id: same words, same second, two kudos."""
    stamp = int(time.time())
    for _ in range(2):
        answer = app.slack.command("kudos <@UBUDI|budi> thanks!", "UANI", timestamp=stamp,
                                   response_url=fake_slack.response_url())  # fmt: skip
        assert answer.status_code == 200
    wait_for(lambda: len(fake_slack.responses) == 2)
    assert kudos_count(db) == 2


def kudos_submission(fake_slack: FakeSlack, app: RunningApp) -> dict[str, object]:
    from tests.test_reward_flow import opened, submitted

    trigger = fake_slack.new_trigger_id("UBUDI")
    app.slack.block_action("UBUDI", "reward_give_open", "home", trigger_id=trigger)
    view = opened(fake_slack)
    return {
        "type": "view_submission",
        "user": {"id": "UBUDI", "team_id": "T0001"},
        "trigger_id": "T.submission",
        "view": submitted(view, ["UANI"], "Great review, thank you"),
    }


def test_a_replayed_modal_submission_runs_once_on_any_instance(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, database_url: str
) -> None:
    """The second instance shares the database (as several instances on PostgreSQL do): the
    replay sent to it is recognised too."""
    payload = kudos_submission(fake_slack, app)
    other = start_app(settings_for(database_url, fake_slack.api_url), db, clock)
    try:
        stamp = int(time.time())
        first = app.slack.interaction(dict(payload), timestamp=stamp)
        assert json.loads(first.text)["response_action"] == "update"
        again = other.slack.interaction(dict(payload), timestamp=stamp)
        assert (again.status_code, again.text) == (200, "")
        assert app.slack.interaction(dict(payload), timestamp=stamp).text == ""
    finally:
        other.stop()
    assert kudos_count(db) == 1
    assert drain(db, fake_slack, clock).sent == 2
    assert len(fake_slack.messages_in(CHANNEL)) == 1


def test_a_replayed_read_only_command_gets_no_answer_either(
    app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    """Replaying someone's `/kinerja me` must not hand their profile to whoever replays it.
    On SQLite (one process) the process remembers it without taking the write lock; a shared
    PostgreSQL database records it for every instance."""
    stamp = int(time.time())
    first = app.slack.command("me", "UANI", trigger_id="T.me", timestamp=stamp)
    assert first.json()["response_type"] == "ephemeral"
    again = app.slack.command("me", "UANI", trigger_id="T.me", timestamp=stamp)
    assert (again.status_code, again.text) == (200, "")
    with db.session() as session:
        recorded = session.scalar(select(func.count()).select_from(HandledRequest))
    assert recorded == (0 if db.engine.dialect.name == "sqlite" else 1)


def test_the_tick_forgets_what_can_no_longer_be_replayed(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, database_url: str
) -> None:
    app.slack.block_action("UANI", "reward_give_open", "home")
    app.slack.block_action("UBUDI", "reward_give_open", "home")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(HandledRequest)) == 2
    settings = settings_for(database_url, fake_slack.api_url)
    report = tick(db, settings, clock.now() + REMEMBER_FOR - timedelta(seconds=1))
    assert report.done.get("forget_handled_requests") == 0
    report = tick(db, settings, clock.now() + REMEMBER_FOR + timedelta(seconds=1))
    assert report.done["forget_handled_requests"] == 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(HandledRequest)) == 0
