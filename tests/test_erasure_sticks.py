"""An erased person stays erased: the directory sync, their own requests and the org import
never add them back (they are still in Slack's directory), and `kinerja person restore` is
the one way back. The mark that remembers them is not their Slack id."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from slack_sdk import WebClient
from sqlalchemy import JSON, String, Text, cast, select
from sqlalchemy.orm import Session

from bot.blocks.reporting import as_plain_text, hr_digest_message
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.org.csv_import import import_org, render_org_tree
from bot.org.directory import ensure_employee, sync_directory
from bot.org.erasure_marks import is_marked_erased, unmark_erased
from bot.reporting import PersonNotFound, erase_person, export_person, hr_figures
from bot.reward.summary import monthly_summary
from bot.slack.directory import SlackDirectory
from storage.db import Database
from storage.erasures import ErasedPerson, ErasureKey
from storage.models import Employee
from storage.schema import metadata
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack
from tests.reporting_fixtures import DIGEST_AT, TEAM_ID, Seeded, seed


@pytest.fixture
def seeded(db: Database, workspace: str, clock: FixedClock, fake_slack: FakeSlack) -> Seeded:
    """The reporting organisation, everyone also in Slack's directory (as after a sync)."""
    clock.set(DIGEST_AT)
    with db.session() as session:
        people = seed(session)
    for person in people.people.values():
        fake_slack.add_user(
            id=person.slack_id,
            name=person.name.lower(),
            real_name=person.name,
            email=person.email,
            locale=person.locale or "en-US",
        )
    return people


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.api_url)


def rows_with(session: Session, slack_id: str) -> list[Employee]:
    return list(
        session.scalars(
            select(Employee).where(Employee.team_id == TEAM_ID, Employee.slack_id == slack_id)
        )
    )


def mentions_anywhere(session: Session, needle: str) -> list[str]:
    """Every text or JSON value of every table that contains `needle` (case-insensitive)."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                value = cast(column, Text) if isinstance(column.type, JSON) else column
                for (text,) in session.execute(select(value).where(value.is_not(None))):
                    if needle.lower() in text.lower():
                        found.append(f"{table.name}.{column.name}")
    return found


def test_sync_after_erase_does_not_bring_them_back(
    seeded: Seeded, db: Database, clock: FixedClock, client: WebClient, fake_slack: FakeSlack
) -> None:
    with db.session() as session:
        erase_person(session, TEAM_ID, "UEKO", actor="cli", now=clock.now())
    for _ in range(2):  # on start, then daily
        with db.session() as session:
            report = sync_directory(session, SlackDirectory(client), TEAM_ID, clock.now())
        assert report.created == 0 and report.skipped_erased == 1
    with db.session() as session:
        assert rows_with(session, "UEKO") == []
        assert session.scalar(select(Employee).where(Employee.email == "eko@acme.example")) is None
        with pytest.raises(PersonNotFound):
            export_person(session, TEAM_ID, "UEKO", now=clock.now())
        assert "Eko" not in render_org_tree(session, TEAM_ID)
        assert "erased" not in render_org_tree(session, TEAM_ID).lower()
        # Their own request (a click, a command) does not add them either, nor ask Slack.
        before = len(fake_slack.calls_to("users.info"))
        directory = SlackDirectory(client)
        assert ensure_employee(session, directory, TEAM_ID, "UEKO", clock.now()) is None
        assert len(fake_slack.calls_to("users.info")) == before
        # Nor does an org import, by Slack id or by e-mail (resolved through Slack).
        by_id = import_org(session, directory, TEAM_ID, "slack_id,manager_slack_id,role,team\n"
                           "UEKO,UMAYA,employee,Sales\n", clock.now(), actor=None)  # fmt: skip
        by_email = import_org(session, directory, TEAM_ID, "email,manager_email,role,team\n"
                              "eko@acme.example,,employee,\n", clock.now(), actor=None)  # fmt: skip
        session.rollback()
    assert [p.message for p in by_id.problems] == [
        "UEKO was erased from Kinerja; to add them again, run `kinerja person restore UEKO` first"
    ]
    assert [p.message for p in by_email.problems] == [
        "'eko@acme.example' (UEKO) was erased from Kinerja; to add them again, run "
        "`kinerja person restore UEKO` first"
    ]


def test_the_mark_is_not_their_slack_id_and_restore_lets_them_back(
    seeded: Seeded, db: Database, clock: FixedClock, client: WebClient
) -> None:
    with db.session() as session:
        erase_person(session, TEAM_ID, "UEKO", actor="cli", now=clock.now())
    with db.session() as session:
        assert mentions_anywhere(session, "UEKO") == []
        [mark] = session.scalars(select(ErasedPerson))
        key = session.get_one(ErasureKey, TEAM_ID)
        assert re.fullmatch(r"[0-9a-f]{64}", mark.fingerprint)
        assert re.fullmatch(r"[0-9a-f]{64}", key.key)
        assert is_marked_erased(session, TEAM_ID, "UEKO")
        assert not is_marked_erased(session, TEAM_ID, "UEDI")
        assert not is_marked_erased(session, "T0002", "UEKO")  # marks are per workspace
        assert unmark_erased(session, TEAM_ID, "UEKO")
        assert not unmark_erased(session, TEAM_ID, "UEKO")
    with db.session() as session:
        report = sync_directory(session, SlackDirectory(client), TEAM_ID, clock.now())
        [eko] = rows_with(session, "UEKO")
    assert report.created == 1 and report.skipped_erased == 0
    assert (eko.name, eko.email, eko.active, eko.role) == ("Eko", "eko@acme.example", True,
                                                          "employee")  # fmt: skip


@pytest.fixture
def cli_env(
    seeded: Seeded, database_url: str, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret")  # `kinerja sync` needs it
    yield


def test_kinerja_person_erase_warns_keeps_them_out_and_restore_re_adds(
    cli_env: None, capsys: pytest.CaptureFixture[str], db: Database
) -> None:
    from bot.shell.cli import main

    assert main(["person", "erase", "UEKO"]) == 2
    out, err = capsys.readouterr()
    assert "warning: UEKO is still active in Slack" in out
    assert "until an admin re-adds them with `kinerja person restore UEKO`" in out
    assert (
        "no longer waiting for them: 1 open obstacle closed, 1 unfinished personal goal "
        "abandoned, 1 unfinished review of a cycle not yet closed withdrawn\n"
        "nothing they wrote is kept\n"
    ) in out
    assert "add --yes to confirm" in err
    with db.session() as session:  # without --yes nothing changed
        assert len(rows_with(session, "UEKO")) == 1
        assert not is_marked_erased(session, TEAM_ID, "UEKO")
    assert main(["person", "erase", "UEKO", "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.index("warning: UEKO is still active in Slack") < out.index("erased UEKO")

    assert main(["sync"]) == 0
    assert "created 0" in (out := capsys.readouterr().out) and "skipped erased 1" in out
    assert main(["org", "show"]) == 0
    tree = capsys.readouterr().out
    assert "Eko" not in tree and "UEKO" not in tree and "erased" not in tree.lower()
    assert "Maya @UMAYA" in tree
    assert main(["person", "export", "UEKO"]) == 1
    assert "UEKO was erased on" in capsys.readouterr().err
    assert main(["person", "erase", "UEKO"]) == 2  # again: says so, changes nothing
    assert "UEKO was erased on" in capsys.readouterr().out

    assert main(["person", "restore", "UEKO"]) == 0
    out = capsys.readouterr().out
    assert "UEKO may use Kinerja again; what was erased stays erased" in out
    assert re.search(r"added Eko \(UEKO\) as employee:\d+", out)
    assert main(["org", "show"]) == 0
    assert "Eko @UEKO (employee)" in capsys.readouterr().out
    assert main(["person", "restore", "UEKO"]) == 1
    assert "UEKO was not erased in T0001: nothing to restore" in capsys.readouterr().err


def test_erasing_someone_who_left_slack_says_so(
    cli_env: None, capsys: pytest.CaptureFixture[str], fake_slack: FakeSlack
) -> None:
    from bot.shell.cli import main

    fake_slack.add_user(id="UEKO", name="eko", real_name="Eko", deleted=True)
    assert main(["person", "erase", "UEKO", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "UEKO is no longer an active member of the Slack workspace" in out
    assert "still active" not in out
    assert main(["person", "restore", "UEKO"]) == 0
    assert "the directory sync adds them if they come back" in capsys.readouterr().out


def test_restore_without_slack_waits_for_the_sync(
    seeded: Seeded, db: Database, clock: FixedClock, database_url: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["person", "erase", "UEKO", "--yes"]) == 0
    assert "Slack was not asked whether UEKO is still there" in capsys.readouterr().out
    assert main(["person", "restore", "UEKO"]) == 0
    assert "added by the next directory sync" in capsys.readouterr().out
    with db.session() as session:
        assert not is_marked_erased(session, TEAM_ID, "UEKO") and rows_with(session, "UEKO") == []


def test_an_erased_person_is_told_so_and_not_added(
    seeded: Seeded, db: Database, running_app: RunningApp, fake_slack: FakeSlack,
    clock: FixedClock,
) -> None:  # fmt: skip
    with db.session() as session:
        erase_person(session, TEAM_ID, "UEKO", actor="cli", now=clock.now())
    response = running_app.slack.command("help", "UEKO", response_url=fake_slack.response_url())
    assert response.status_code == 200
    assert response.json()["text"] == (
        ":no_entry: Your data in Kinerja was erased, and Kinerja no longer knows you. To use "
        "Kinerja again, ask your HR team or an admin to add you back."
    )
    running_app.slack.event(
        {"type": "app_home_opened", "user": "UEKO", "tab": "home", "channel": "DUEKO"},
        event_id="EvHomeErased",
    )
    open_home(running_app, fake_slack, "UEDI")  # after UEKO's: the queue has run past it
    assert "UEKO" not in fake_slack.views_published  # no Home is built for them
    with db.session() as session:
        assert rows_with(session, "UEKO") == []


def test_an_erased_person_is_listed_nowhere(
    seeded: Seeded, db: Database, running_app: RunningApp, fake_slack: FakeSlack,
    clock: FixedClock,
) -> None:  # fmt: skip
    """Eko had a goal at risk, an open obstacle, a review not started in the open cycle and
    the most kudos of the week: after erasure no Home, digest or summary lists an anonymous
    "[erased]" in his place (what was waiting for him ended; his kudos still count)."""
    with db.session() as session:
        erase_person(session, TEAM_ID, "UEKO", actor="cli", now=clock.now())
    shown = {who: json.dumps(open_home(running_app, fake_slack, who)) for who in
             ("UHANA", "UMAYA", "UEDI", "USARI")}  # fmt: skip
    with db.session() as session:
        figures = hr_figures(session, TEAM_ID, now=clock.now(), org_tz="Asia/Jakarta")
        shown["digest"] = as_plain_text(hr_digest_message(Translator("en"), figures))
        summary = monthly_summary(session, TEAM_ID, date(2026, 11, 1), tz="Asia/Jakarta")
    assert figures.recognition.kudos == 3  # counted still
    assert [slack_id for slack_id, _ in summary.top] == ["UEDI", "USULE"]
    for where, text in shown.items():
        assert not re.search(r"\[erased\]|ERASED-", text), where
