"""What each export holds, per role, without Slack: HR's and admins' exports follow the screens'
rules (no check-in answers, no obstacle text unless escalated to HR, ratings only of submitted
reviews, no drafts); managers and employees have none; the operator's CLI gives everything only
when asked by name, and says so."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.permissions import PermissionDenied
from bot.reporting import export_for
from bot.reporting.export_scope import ExportScope
from storage.db import Database
from storage.models import AuditLog
from tests.export_privacy_fixtures import (
    ABOUT_HANA,
    DRAFT_GOAL,
    ESCALATED,
    MANAGER_DRAFT,
    PRIVATE,
    SELF_DRAFT,
    add_secrets,
    read_zip,
    whole_text,
)
from tests.reporting_fixtures import SECRET_WIN, TEAM_ID, Seeded, seed

Files = dict[str, list[dict[str, str]]]


@pytest.fixture
def seeded(db: Database, workspace: str) -> Seeded:
    with db.session() as session:
        people = seed(session)
        add_secrets(session, people)
        return people


def export_of(db: Database, slack_id: str) -> Files:
    from storage.models import Employee

    with db.session() as session:
        actor = session.scalar(select(Employee).where(Employee.slack_id == slack_id))
        assert actor is not None
        content, _ = export_for(session, actor)
    return read_zip(content)


def by(rows: list[dict[str, str]], column: str, value: str) -> dict[str, str]:
    [row] = [r for r in rows if r[column] == value]
    return row


def test_hrs_export_holds_no_checkin_answer_no_private_obstacle_and_no_draft(
    seeded: Seeded, db: Database
) -> None:
    files = export_of(db, "UHANA")
    text = whole_text(files)
    for secret in PRIVATE:
        assert secret not in text, secret
    for escalated in ESCALATED:
        assert escalated in text
    assert len(files["checkins"]) == 32  # every check-in is counted…
    assert set(files["checkins"][0]) == {
        "id", "period", "employee_slack_id", "employee_name", "team", "manager_slack_id",
        "submitted_at", "updated_at", "edits", "acknowledged_at",
    }  # … with no column of answers (mood, wins, support, plans)  # fmt: skip
    obstacles = files["obstacles"]
    assert len(obstacles) == 5
    assert {r["text"] for r in obstacles if not r["escalated_at"]} == {""}


def test_hr_gets_ratings_only_of_what_was_submitted(seeded: Seeded, db: Database) -> None:
    reviews = export_of(db, "UHANA")["reviews"]
    assert "self_answers" not in reviews[0] and "manager_answers" not in reviews[0]
    eko = by(reviews, "employee_slack_id", "UEKO")  # a draft only
    assert (eko["status"], eko["self_ratings"], eko["self_submitted_at"]) == ("not_started", "", "")
    edi = by(reviews, "employee_slack_id", "UEDI")  # self-review in, manager's a draft
    assert (edi["self_ratings"], edi["manager_ratings"]) == ('{"impact": 4}', "")
    sari = by(reviews, "employee_slack_id", "USARI")  # both in
    assert (sari["self_ratings"], sari["manager_ratings"], sari["overall_rating"]) == (
        '{"impact": 5}', '{"impact": 4}', "4",
    )  # fmt: skip


def test_goal_text_follows_what_each_reader_may_open(seeded: Seeded, db: Database) -> None:
    """HR opens company and team goals and those of people without a manager; an admin opens
    every goal; nobody but its writer reads a draft."""
    hr = {r["id"]: r for r in export_of(db, "UHANA")["goals"]}
    admin = {r["id"]: r for r in export_of(db, "UADI")["goals"]}
    goals = seeded.goals
    assert hr[str(goals["G7"].id)]["title"] == "Best place to work"  # company
    assert hr[str(goals["G5"].id)]["title"] == "Sales target"  # team
    eko_goal = str(goals["G1"].id)
    assert (hr[eko_goal]["title"], hr[eko_goal]["status"], hr[eko_goal]["owner_slack_id"]) == (
        "", "active", "UEKO",
    )  # Maya's report: counted, not read  # fmt: skip
    assert admin[eko_goal]["title"] == "Close ten deals"
    draft = str(goals["G6"].id)
    assert hr[draft]["title"] == admin[draft]["title"] == "" and hr[draft]["status"] == "draft"
    hr_key_results = export_of(db, "UHANA")["key_results"]
    assert by(hr_key_results, "goal_id", eko_goal)["title"] == ""
    assert by(hr_key_results, "goal_id", eko_goal)["current_value"] == "7.0"


def test_nominations_name_people_by_slack_id_and_name(seeded: Seeded, db: Database) -> None:
    admin = export_of(db, "UADI")["nominations"]
    assert list(admin[0]) == [
        "id", "review_id", "cycle_name", "employee_slack_id", "employee_name",
        "manager_slack_id", "manager_name", "reward_type", "justification", "status",
        "decided_by_slack_id", "decided_by_name", "decision_reason", "decided_at",
        "announced_at", "created_at",
    ]  # fmt: skip
    esti = by(admin, "reward_type", "promotion")
    assert (esti["employee_slack_id"], esti["employee_name"], esti["cycle_name"]) == (
        "UESTI", "Esti", "H2 2026",
    )  # fmt: skip
    assert (esti["manager_slack_id"], esti["manager_name"]) == ("UMAYA", "Maya")
    assert ABOUT_HANA in whole_text({"n": admin})
    # A nomination about the exporter stays hidden from them until it is announced.
    assert ABOUT_HANA not in whole_text({"n": export_of(db, "UHANA")["nominations"]})


@pytest.mark.parametrize("slack_id", ["UMAYA", "UEKO"])
def test_managers_and_employees_have_no_export(
    seeded: Seeded, db: Database, slack_id: str
) -> None:
    with pytest.raises(PermissionDenied):
        export_of(db, slack_id)


def read_dir(out: Path) -> Files:
    files = {}
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            files[path.stem] = list(csv.DictReader(handle))
    return files


def test_the_cli_exports_what_hr_gets_unless_asked_for_everything(
    seeded: Seeded, database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["export", "--out", str(tmp_path / "hr")]) == 0
    said = capsys.readouterr().out
    assert "what HR may see" in said and "--include-private-text" in said
    hr = whole_text(read_dir(tmp_path / "hr"))
    assert all(secret not in hr for secret in PRIVATE)
    assert "mood" not in read_dir(tmp_path / "hr")["checkins"][0]

    assert main(["export", "--out", str(tmp_path / "all"), "--include-private-text"]) == 0
    said = capsys.readouterr().out
    assert "EVERYTHING STORED, private text included" in said
    assert "check-in answers (mood, wins, support, plans)" in said
    everything = read_dir(tmp_path / "all")
    text = whole_text(everything)
    for secret in (SECRET_WIN, SELF_DRAFT, MANAGER_DRAFT, DRAFT_GOAL, *PRIVATE):
        assert secret in text, secret
    assert by(everything["checkins"], "wins", SECRET_WIN)["mood"] == "4"
    with db.session() as session:
        scopes = [
            row.detail["scope"]
            for row in session.scalars(
                select(AuditLog).where(AuditLog.action == "data.exported").order_by(AuditLog.id)
            )
        ]
    assert scopes == ["hr", "everything"]


def test_the_operator_scope_is_named_by_the_flag(seeded: Seeded) -> None:
    assert ExportScope.for_operator(TEAM_ID, private_text=False).name == "hr"
    assert ExportScope.for_operator(TEAM_ID, private_text=True).name == "everything"
