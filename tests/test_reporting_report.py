"""`/kinerja report` and `/kinerja export` through the app over HTTP and the fake Slack:
HR sees the organisation, a manager their own team, anyone else is refused politely."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.reporting import as_plain_text
from bot.clock import FixedClock
from storage.db import Database
from storage.models import AuditLog
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack
from tests.reporting_fixtures import (
    DIGEST_AT,
    OBSTACLE_TEXT,
    SECRET_REVIEW,
    SECRET_WIN,
    seed,
)
from tests.waiting import wait_for


@pytest.fixture
def app(
    running_app: RunningApp, db: Database, fake_slack: FakeSlack, clock: FixedClock
) -> Iterator[RunningApp]:
    clock.set(DIGEST_AT)
    with db.session() as session:
        people = seed(session)
    for person in people.people.values():
        fake_slack.add_user(id=person.slack_id, name=person.name, locale=person.locale or "en-US")
    running_app.people = people  # type: ignore[attr-defined]
    yield running_app


def command(app: RunningApp, fake_slack: FakeSlack, text: str, user: str) -> dict[str, Any]:
    """Send `/kinerja <text>`; the ack's body, or else the first answer to the response_url."""
    before = len(fake_slack.responses)
    response = app.slack.command(text, user, response_url=fake_slack.response_url())
    assert response.status_code == 200
    if response.content:
        return dict(response.json())
    answers = wait_for(lambda: fake_slack.responses[before:])
    return dict(answers[0])


def shown(answer: dict[str, Any]) -> str:
    return str(answer.get("text", "")) + "\n" + as_plain_text(answer)


def test_hr_sees_the_whole_organisation(app: RunningApp, fake_slack: FakeSlack) -> None:
    answer = command(app, fake_slack, "report", "UHANA")
    text = shown(answer)
    assert answer["response_type"] == "ephemeral"
    assert "HR report · 30 Nov 2026" in text
    assert "*Whole organisation*: 4/6 checked in (67%)" in text
    assert "*Goals at risk* (4)" in text
    for secret in (SECRET_REVIEW, SECRET_WIN, OBSTACLE_TEXT):
        assert secret not in text


def test_a_manager_sees_their_own_team_in_their_language(
    app: RunningApp, fake_slack: FakeSlack
) -> None:
    maya = shown(command(app, fake_slack, "report", "UMAYA"))
    assert "Your team · 30 Nov 2026" in maya
    assert "Checked in (2): Edi, Eko" in maya
    assert "Sari" not in maya and "Whole organisation" not in maya
    omar = shown(command(app, fake_slack, "laporan", "UOMAR"))
    assert "Tim Anda · 30 Nov 2026" in omar
    assert "Sudah mengisi (2): Sari, Sule" in omar
    assert "Eko" not in omar


def test_an_employee_is_refused_politely(app: RunningApp, fake_slack: FakeSlack) -> None:
    answer = command(app, fake_slack, "report", "UEKO")
    assert "You don't have permission to do that" in answer["text"]
    assert "blocks" not in answer or "Whole organisation" not in shown(answer)


def test_hr_receives_the_export_in_a_dm(
    app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    answer = command(app, fake_slack, "export", "UHANA")
    assert "Preparing the export" in answer["text"]
    done = wait_for(lambda: [r for r in fake_slack.responses if "Export sent" in r.get("text", "")])
    assert "rows in 12 files" in done[0]["text"]
    [upload] = fake_slack.files
    assert upload["channel_id"] == "DUHANA"
    assert upload["filename"].startswith("kinerja-export-") and upload["filename"].endswith(".zip")
    assert "personal data" in upload["initial_comment"]
    archive = zipfile.ZipFile(io.BytesIO(upload["content"]))
    assert sorted(archive.namelist()) == sorted(
        f"{kind}.csv"
        for kind in (
            "goals", "key_results", "checkins", "obstacles", "reviews", "kudos", "nominations",
            "feedback", "feedback_requests", "upward_rounds",
            "one_on_ones", "action_items",
        )
    )  # fmt: skip
    checkins = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode("utf-8"))))
    assert len(checkins) == 7 * 4 + 4
    with db.session() as session:
        [exported] = session.scalars(select(AuditLog).where(AuditLog.action == "data.exported"))
        assert exported.actor == "UHANA" and exported.detail["rows"]["checkins"] == 32


def test_only_hr_may_export(app: RunningApp, fake_slack: FakeSlack) -> None:
    answer = command(app, fake_slack, "ekspor", "UMAYA")
    assert "permission" in answer["text"]
    assert fake_slack.files == []
