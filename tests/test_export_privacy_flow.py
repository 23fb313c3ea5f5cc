"""`/kinerja export` through the app over HTTP: the ZIP that reaches HR's DM in the fake Slack
holds no check-in answer, no obstacle text that was not escalated and no draft, and says what
it holds. (Managers and employees are refused: tests/test_reporting_report.py.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import FixedClock
from storage.db import Database
from tests.appserver import RunningApp
from tests.export_privacy_fixtures import ESCALATED, PRIVATE, add_secrets, read_zip, whole_text
from tests.fakeslack import FakeSlack
from tests.reporting_fixtures import DIGEST_AT, seed
from tests.waiting import wait_for


@pytest.fixture
def app(
    running_app: RunningApp, db: Database, fake_slack: FakeSlack, clock: FixedClock
) -> Iterator[RunningApp]:
    clock.set(DIGEST_AT)
    with db.session() as session:
        people = seed(session)
        add_secrets(session, people)
        everyone = [(p.slack_id, p.name, p.locale) for p in people.people.values()]
    for slack_id, name, locale in everyone:
        fake_slack.add_user(id=slack_id, name=name, locale=locale or "en-US")
    yield running_app


@pytest.mark.parametrize("exporter", ["UHANA", "UADI"])
def test_the_zip_sent_to_hr_holds_no_private_answer_and_no_draft(
    app: RunningApp, fake_slack: FakeSlack, exporter: str
) -> None:
    answer = app.slack.command("export", exporter, response_url=fake_slack.response_url())
    assert answer.status_code == 200
    wait_for(lambda: [r for r in fake_slack.responses if "Export sent" in r.get("text", "")])
    [upload] = fake_slack.files
    files = read_zip(upload["content"])
    assert set(files) == {"goals", "key_results", "checkins", "obstacles", "reviews", "kudos",
                          "nominations", "feedback", "feedback_requests",
                          "upward_rounds", "one_on_ones", "action_items"}  # fmt: skip
    text = whole_text(files)
    for secret in PRIVATE:
        assert secret not in text, secret
    for escalated in ESCALATED:
        assert escalated in text
    assert len(files["checkins"]) == 32 and "wins" not in files["checkins"][0]
    comment = upload["initial_comment"]
    assert "no check-in answers, review answers or drafts" in comment
    assert "personal data" in comment

