"""One option name, one meaning, in every `kinerja` verb: `--workspace T…` picks the workspace,
`--team NAME` an organisation team; the old spelling gets a pointer, not a wrong answer.
`org show` reads the database only (no Slack call, even with a token), and no verb prints
Alembic's INFO lines unless `-v` asks for them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.shell.cli import main
from storage.db import Database
from tests.fakeslack import FakeSlack
from tests.review_fixtures import TEAM_ID, make_org

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, db: Database, workspace: str,
        clock: FixedClock) -> None:  # fmt: skip
    """The review fixtures' organisation (Sales: Maya, Eko, Edi, Eva, Lina) on the CLI's DB."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    with db.session() as session:
        make_org(session, clock.now())


def test_org_show_team_names_a_team(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org", "show", "--team", "sales"]) == 0
    tree = capsys.readouterr().out
    assert "Maya @UMGR (manager, Sales)" in tree and "Eko @UEKO (employee, Sales)" in tree
    assert "Hana" not in tree and "Omar" not in tree
    assert main(["org", "show", "--workspace", TEAM_ID]) == 0
    assert "Hana @UHR (hr, People)" in capsys.readouterr().out
    assert main(["org", "show", "--team", "Nowhere"]) == 1
    assert "no team called 'Nowhere' (known: Ops, People, Sales)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["org", "show", "--team", TEAM_ID],
        ["org", "import", "org.csv", "--team", TEAM_ID],
        ["digest", "--dry-run", "--team", TEAM_ID],
        ["export", "--out", "out", "--team", TEAM_ID],
        ["person", "export", "UEKO", "--team", TEAM_ID],
    ],
)
def test_the_old_meaning_of_team_is_pointed_to_workspace(
    cli: None, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) in (1, 2)
    error = capsys.readouterr().err
    assert "--team names an organisation team" in error and "--workspace" in error
    assert "is not installed" not in error


def test_org_show_asks_slack_nothing(
    cli: None,
    monkeypatch: pytest.MonkeyPatch,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    before = len(fake_slack.calls)
    assert main(["org", "show"]) == 0
    assert "Ada @UADMIN (admin, Ops)" in capsys.readouterr().out
    assert main(["review", "list"]) == 0 and main(["schedule", "show"]) == 0
    assert len(fake_slack.calls) == before


def test_org_show_without_a_workspace_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    assert main(["org", "show"]) == 2
    assert "no workspace yet: run `kinerja run` or `kinerja sync` once" in capsys.readouterr().err
    assert fake_slack.calls == []


def _kinerja(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_alembic_lines_unless_asked(tmp_path: Path) -> None:
    quiet = _kinerja(tmp_path, "migrate")
    assert quiet.returncode == 0 and quiet.stdout.startswith("database at revision ")
    assert quiet.stderr == ""
    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    with db.session() as session:
        from storage.models import Workspace

        session.add(Workspace(team_id=TEAM_ID, name="Acme", bot_user_id="UBOT",
                              created_at=datetime(2026, 11, 24, tzinfo=UTC)))  # fmt: skip
    db.dispose()
    shown = _kinerja(tmp_path, "org", "show")
    assert (shown.returncode, shown.stdout.strip(), shown.stderr) == (0, "(no people yet)", "")
    loud = _kinerja(tmp_path, "org", "show", "-v")
    assert loud.returncode == 0 and "INFO alembic" in loud.stderr
