"""Exports: the records of a workspace as CSV files, one per kind, in one of two scopes.

What each scope holds (HR's, and everything stored for the server operator) is decided in
bot/reporting/export_scope.py by the rules the screens follow; README's privacy section lists
every file and column. UTF-8, a header row, ISO 8601 dates and times (UTC), `true`/`false`,
JSON for structured fields (review answers and ratings), and one row per record in id order.
Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) is prefixed with `'` — the usual defence against CSV injection; strip it when
reading back. People are named by Slack id and name, never by internal ids.

Files: goals, key_results, checkins, obstacles, reviews, kudos, nominations, the feedback
cycle's feedback, feedback_requests and upward_rounds (bot/reporting/export_feedback.py), and
the 1:1s' one_on_ones and action_items (bot/reporting/export_oneonone.py). Each is written by a
streaming query, so memory stays flat for a year of check-ins.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot import audit
from bot.reporting import export_oneonone, export_reward
from bot.reporting.export_feedback import FEEDBACK_KINDS, FEEDBACK_PRIVATE
from bot.reporting.export_rows import Source, stream
from bot.reporting.export_scope import ExportScope
from bot.reporting.goals import GoalRow, progress_of
from storage.checkins import Checkin, Obstacle
from storage.goals import Goal, GoalStatus, KeyResult
from storage.models import Employee, Team
from storage.reviews import Review, ReviewCycle

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text



def _goals(session: Session, scope: ExportScope) -> Iterable[list[Any]]:
    team_id = scope.team_id
    owner, approver, team = aliased(Employee), aliased(Employee), aliased(Team)
    live = session.execute(
        select(Goal.id, Goal.parent_id, Goal.status, Goal.weight).where(
            Goal.team_id == team_id, Goal.status != GoalStatus.ABANDONED.value
        )
    ).all()
    progress = progress_of(session, team_id, [GoalRow(*row) for row in live])
    shown = scope.goal_text()
    query = (
        select(
            Goal.id,
            Goal.level,
            Goal.kind,
            scope.only(shown, Goal.title),
            scope.only(shown, Goal.description),
            Goal.status,
            owner.slack_id,
            owner.name,
            team.name,
            Goal.parent_id,
            Goal.weight,
            Goal.due_date,
            approver.slack_id,
            Goal.created_at,
            Goal.updated_at,
        )
        .join(owner, owner.id == Goal.owner_id)
        .outerjoin(approver, approver.id == Goal.approver_id)
        .outerjoin(team, team.id == func.coalesce(Goal.org_team_id, owner.org_team_id))
        .where(Goal.team_id == team_id)
        .order_by(Goal.id)
    )
    for row in stream(session, query):
        value = None if row[5] == GoalStatus.ABANDONED.value else round(progress.of(row[0]), 4)
        yield [*row, value]


GOALS = [
    "id", "level", "kind", "title", "description", "status", "owner_slack_id", "owner_name",
    "team", "parent_id", "weight", "due_date", "approver_slack_id", "created_at", "updated_at",
    "progress",
]  # fmt: skip


def _key_results(session: Session, scope: ExportScope) -> Iterable[Any]:
    return stream(
        session,
        select(
            KeyResult.id,
            KeyResult.goal_id,
            KeyResult.position,
            scope.only(scope.goal_text(), KeyResult.title),
            KeyResult.kind,
            KeyResult.start_value,
            KeyResult.target_value,
            KeyResult.current_value,
            KeyResult.unit,
            KeyResult.done,
            KeyResult.updated_at,
        )
        .join(Goal, Goal.id == KeyResult.goal_id)
        .where(KeyResult.team_id == scope.team_id)
        .order_by(KeyResult.id),
    )


KEY_RESULTS = [
    "id", "goal_id", "position", "title", "kind", "start_value", "target_value",
    "current_value", "unit", "done", "updated_at",
]  # fmt: skip


# Check-in answers: the person's and their manager's (never in HR's export).
CHECKIN_ANSWERS = ("mood", "wins", "support", "plans")


def _checkins(session: Session, scope: ExportScope) -> Iterable[Any]:
    employee, manager, team = aliased(Employee), aliased(Employee), aliased(Team)
    answers = [Checkin.mood, Checkin.wins, Checkin.support, Checkin.plans]
    return stream(
        session,
        select(
            Checkin.id,
            Checkin.period,
            employee.slack_id,
            employee.name,
            team.name,
            manager.slack_id,
            *(answers if scope.private_text else []),
            Checkin.submitted_at,
            Checkin.updated_at,
            Checkin.edits,
            Checkin.acknowledged_at,
        )
        .join(employee, employee.id == Checkin.employee_id)
        .outerjoin(manager, manager.id == Checkin.manager_id)
        .outerjoin(team, team.id == employee.org_team_id)
        .where(Checkin.team_id == scope.team_id)
        .order_by(Checkin.id),
    )


CHECKINS = [
    "id", "period", "employee_slack_id", "employee_name", "team", "manager_slack_id", "mood",
    "wins", "support", "plans", "submitted_at", "updated_at", "edits", "acknowledged_at",
]  # fmt: skip


def _obstacles(session: Session, scope: ExportScope) -> Iterable[Any]:
    employee, manager, helper = aliased(Employee), aliased(Employee), aliased(Employee)
    return stream(
        session,
        select(
            Obstacle.id,
            Obstacle.checkin_id,
            employee.slack_id,
            employee.name,
            manager.slack_id,
            helper.slack_id,
            Obstacle.status,
            scope.only(scope.obstacle_text(), Obstacle.text),
            Obstacle.opened_at,
            Obstacle.helping_at,
            Obstacle.resolved_at,
            Obstacle.escalated_at,
        )
        .join(employee, employee.id == Obstacle.employee_id)
        .outerjoin(manager, manager.id == Obstacle.manager_id)
        .outerjoin(helper, helper.id == Obstacle.helper_id)
        .where(Obstacle.team_id == scope.team_id)
        .order_by(Obstacle.id),
    )


OBSTACLES = [
    "id", "checkin_id", "employee_slack_id", "employee_name", "manager_slack_id",
    "helper_slack_id", "status", "text", "opened_at", "helping_at", "resolved_at", "escalated_at",
]  # fmt: skip


# Review answers: read in Slack one review at a time, never in HR's export.
REVIEW_ANSWERS = ("self_answers", "manager_answers")


def _reviews(session: Session, scope: ExportScope) -> Iterable[Any]:
    employee, manager = aliased(Employee), aliased(Employee)
    by_self, by_manager = scope.self_review_submitted(), scope.manager_review_submitted()
    return stream(
        session,
        select(
            Review.id,
            Review.cycle_id,
            ReviewCycle.name,
            employee.slack_id,
            employee.name,
            manager.slack_id,
            Review.status,
            *([Review.self_answers] if scope.private_text else []),
            scope.only(by_self, Review.self_ratings),
            *([Review.manager_answers] if scope.private_text else []),
            scope.only(by_manager, Review.manager_ratings),
            scope.only(by_manager, Review.overall_rating),
            Review.self_submitted_at,
            Review.manager_submitted_at,
            Review.approved_at,
            Review.acknowledged_at,
        )
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(employee, employee.id == Review.employee_id)
        .outerjoin(manager, manager.id == Review.manager_id)
        .where(Review.team_id == scope.team_id)
        .order_by(Review.id),
    )


REVIEWS = [
    "id", "cycle_id", "cycle_name", "employee_slack_id", "employee_name", "manager_slack_id",
    "status", "self_answers", "self_ratings", "manager_answers", "manager_ratings",
    "overall_rating", "self_submitted_at", "manager_submitted_at", "approved_at",
    "acknowledged_at",
]  # fmt: skip


KINDS: tuple[tuple[str, list[str], Source], ...] = (
    ("goals", GOALS, _goals),
    ("key_results", KEY_RESULTS, _key_results),
    ("checkins", CHECKINS, _checkins),
    ("obstacles", OBSTACLES, _obstacles),
    ("reviews", REVIEWS, _reviews),
    ("kudos", export_reward.KUDOS, export_reward.kudos),
    ("nominations", export_reward.NOMINATIONS, export_reward.nominations),
    *FEEDBACK_KINDS,  # feedback, requests, upward rounds: bot/reporting/export_feedback.py
    ("one_on_ones", export_oneonone.ONE_ON_ONES, export_oneonone.one_on_ones),
    ("action_items", export_oneonone.ACTION_ITEMS, export_oneonone.action_items),
)
# Columns only the operator's export of everything stored has.
PRIVATE_COLUMNS = {
    "checkins": CHECKIN_ANSWERS,
    "reviews": REVIEW_ANSWERS,
    **FEEDBACK_PRIVATE,
    "one_on_ones": export_oneonone.MEETING_TEXT,
    "action_items": export_oneonone.ITEM_TEXT,
}


def header_of(name: str, header: list[str], scope: ExportScope) -> list[str]:
    if scope.private_text:
        return header
    private = PRIVATE_COLUMNS.get(name, ())
    return [column for column in header if column not in private]


def tables(
    session: Session, scope: ExportScope
) -> Iterator[tuple[str, list[str], Iterable[Any]]]:
    for name, header, source in KINDS:
        yield name, header_of(name, header, scope), source(session, scope)


def _write(handle: Any, header: list[str], rows: Iterable[Any]) -> int:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
    return count


def write_csv_files(session: Session, scope: ExportScope, out: Path) -> dict[str, int]:
    """`kinerja export --out DIR`: one `<kind>.csv` per kind; returns the rows written."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, header, rows in tables(session, scope):
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            counts[name] = _write(handle, header, rows)
    return counts


def export_zip(session: Session, scope: ExportScope) -> tuple[bytes, dict[str, int]]:
    """The same files in one ZIP archive (what HR receives in Slack)."""
    buffer = io.BytesIO()
    counts = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in tables(session, scope):
            text = io.StringIO(newline="")
            counts[name] = _write(text, header, rows)
            archive.writestr(f"{name}.csv", text.getvalue().encode("utf-8"))
    return buffer.getvalue(), counts


def export_for(session: Session, actor: Employee) -> tuple[bytes, dict[str, int]]:
    """HR's export from Slack (a ZIP of the CSV files); HR and admins only."""
    return export_zip(session, ExportScope.for_person(actor))


def record_export(
    session: Session,
    team_id: str,
    actor: str | None,
    counts: dict[str, int],
    now: datetime,
    scope: str = "hr",
) -> None:
    """Who exported what and when — the scope and the counts, never the data."""
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="data.exported",
        subject="csv",
        detail={"rows": counts, "scope": scope},
        at=now,
    )
