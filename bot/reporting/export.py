"""Exports: every record of a workspace as CSV files, one per kind.

UTF-8, a header row, ISO 8601 dates and times (UTC), `true`/`false`, JSON for structured
fields (review answers and ratings), and one row per record in id order. Text that a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
is prefixed with `'` — the usual defence against CSV injection; strip it when reading back.

Files: goals, key_results, checkins, obstacles, reviews, kudos, and nominations once the reward
nominations table exists (issue 6). Each is written by a streaming query, so memory stays flat
for a year of check-ins.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session, aliased

from bot import audit
from bot.permissions import Action, require
from bot.reporting.goals import GoalRow, progress_of
from bot.reporting.queries import NOMINATIONS_TABLE
from storage.checkins import Checkin, Obstacle
from storage.goals import Goal, GoalStatus, KeyResult
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee, Team
from storage.reviews import Review, ReviewCycle
from storage.schema import metadata

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


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


def _stream(session: Session, query: Executable) -> Iterator[Any]:
    yield from session.execute(query, execution_options={"yield_per": CHUNK})


def _goals(session: Session, team_id: str) -> Iterable[list[Any]]:
    owner, approver, team = aliased(Employee), aliased(Employee), aliased(Team)
    live = session.execute(
        select(Goal.id, Goal.parent_id, Goal.status, Goal.weight).where(
            Goal.team_id == team_id, Goal.status != GoalStatus.ABANDONED.value
        )
    ).all()
    progress = progress_of(session, team_id, [GoalRow(*row) for row in live])
    query = (
        select(
            Goal.id,
            Goal.level,
            Goal.kind,
            Goal.title,
            Goal.description,
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
    for row in _stream(session, query):
        value = None if row[5] == GoalStatus.ABANDONED.value else round(progress.of(row[0]), 4)
        yield [*row, value]


GOALS = [
    "id", "level", "kind", "title", "description", "status", "owner_slack_id", "owner_name",
    "team", "parent_id", "weight", "due_date", "approver_slack_id", "created_at", "updated_at",
    "progress",
]  # fmt: skip


def _key_results(session: Session, team_id: str) -> Iterable[Any]:
    return _stream(
        session,
        select(
            KeyResult.id,
            KeyResult.goal_id,
            KeyResult.position,
            KeyResult.title,
            KeyResult.kind,
            KeyResult.start_value,
            KeyResult.target_value,
            KeyResult.current_value,
            KeyResult.unit,
            KeyResult.done,
            KeyResult.updated_at,
        )
        .where(KeyResult.team_id == team_id)
        .order_by(KeyResult.id),
    )


KEY_RESULTS = [
    "id", "goal_id", "position", "title", "kind", "start_value", "target_value",
    "current_value", "unit", "done", "updated_at",
]  # fmt: skip


def _checkins(session: Session, team_id: str) -> Iterable[Any]:
    employee, manager, team = aliased(Employee), aliased(Employee), aliased(Team)
    return _stream(
        session,
        select(
            Checkin.id,
            Checkin.period,
            employee.slack_id,
            employee.name,
            team.name,
            manager.slack_id,
            Checkin.mood,
            Checkin.wins,
            Checkin.support,
            Checkin.plans,
            Checkin.submitted_at,
            Checkin.updated_at,
            Checkin.edits,
            Checkin.acknowledged_at,
        )
        .join(employee, employee.id == Checkin.employee_id)
        .outerjoin(manager, manager.id == Checkin.manager_id)
        .outerjoin(team, team.id == employee.org_team_id)
        .where(Checkin.team_id == team_id)
        .order_by(Checkin.id),
    )


CHECKINS = [
    "id", "period", "employee_slack_id", "employee_name", "team", "manager_slack_id", "mood",
    "wins", "support", "plans", "submitted_at", "updated_at", "edits", "acknowledged_at",
]  # fmt: skip


def _obstacles(session: Session, team_id: str) -> Iterable[Any]:
    employee, manager, helper = aliased(Employee), aliased(Employee), aliased(Employee)
    return _stream(
        session,
        select(
            Obstacle.id,
            Obstacle.checkin_id,
            employee.slack_id,
            employee.name,
            manager.slack_id,
            helper.slack_id,
            Obstacle.status,
            Obstacle.text,
            Obstacle.opened_at,
            Obstacle.helping_at,
            Obstacle.resolved_at,
            Obstacle.escalated_at,
        )
        .join(employee, employee.id == Obstacle.employee_id)
        .outerjoin(manager, manager.id == Obstacle.manager_id)
        .outerjoin(helper, helper.id == Obstacle.helper_id)
        .where(Obstacle.team_id == team_id)
        .order_by(Obstacle.id),
    )


OBSTACLES = [
    "id", "checkin_id", "employee_slack_id", "employee_name", "manager_slack_id",
    "helper_slack_id", "status", "text", "opened_at", "helping_at", "resolved_at", "escalated_at",
]  # fmt: skip


def _reviews(session: Session, team_id: str) -> Iterable[Any]:
    employee, manager = aliased(Employee), aliased(Employee)
    return _stream(
        session,
        select(
            Review.id,
            Review.cycle_id,
            ReviewCycle.name,
            employee.slack_id,
            employee.name,
            manager.slack_id,
            Review.status,
            Review.self_answers,
            Review.self_ratings,
            Review.manager_answers,
            Review.manager_ratings,
            Review.overall_rating,
            Review.self_submitted_at,
            Review.manager_submitted_at,
            Review.approved_at,
            Review.acknowledged_at,
        )
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(employee, employee.id == Review.employee_id)
        .outerjoin(manager, manager.id == Review.manager_id)
        .where(Review.team_id == team_id)
        .order_by(Review.id),
    )


REVIEWS = [
    "id", "cycle_id", "cycle_name", "employee_slack_id", "employee_name", "manager_slack_id",
    "status", "self_answers", "self_ratings", "manager_answers", "manager_ratings",
    "overall_rating", "self_submitted_at", "manager_submitted_at", "approved_at",
    "acknowledged_at",
]  # fmt: skip


def _kudos(session: Session, team_id: str) -> Iterable[list[Any]]:
    recipients: dict[int, list[str]] = defaultdict(list)
    for kudos_id, slack_id in session.execute(
        select(KudosRecipient.kudos_id, Employee.slack_id)
        .join(Employee, Employee.id == KudosRecipient.employee_id)
        .where(KudosRecipient.team_id == team_id)
        .order_by(KudosRecipient.kudos_id, KudosRecipient.id)
    ):
        recipients[kudos_id].append(slack_id)
    giver = aliased(Employee)
    query = (
        select(
            Kudos.id,
            Kudos.created_at,
            giver.slack_id,
            giver.name,
            CompanyValue.key,
            Kudos.message,
            Kudos.source,
        )
        .join(giver, giver.id == Kudos.giver_id)
        .outerjoin(CompanyValue, CompanyValue.id == Kudos.value_id)
        .where(Kudos.team_id == team_id)
        .order_by(Kudos.id)
    )
    for row in _stream(session, query):
        yield [*row[:4], ";".join(recipients.get(row[0], [])), *row[4:]]


KUDOS = [
    "id", "created_at", "giver_slack_id", "giver_name", "recipient_slack_ids", "value",
    "message", "source",
]  # fmt: skip


def _nominations(session: Session, team_id: str) -> tuple[list[str], Iterable[Any]] | None:
    """Every column of the nominations table, with the Slack ids of the people named."""
    table = metadata.tables.get(NOMINATIONS_TABLE)
    if table is None:
        return None
    people = {
        name: aliased(Employee)
        for name in ("employee_id", "manager_id", "decided_by_id")
        if name in table.c
    }
    query = select(table, *(alias.slack_id for alias in people.values())).select_from(table)
    for name, alias in people.items():
        query = query.outerjoin(alias, alias.id == table.c[name])
    query = query.where(table.c.team_id == team_id).order_by(*table.primary_key.columns)
    header = [c.name for c in table.columns]
    header += [name.removesuffix("_id") + "_slack_id" for name in people]
    return header, _stream(session, query)


Source = Callable[[Session, str], Iterable[Any]]
KINDS: tuple[tuple[str, list[str], Source], ...] = (
    ("goals", GOALS, _goals),
    ("key_results", KEY_RESULTS, _key_results),
    ("checkins", CHECKINS, _checkins),
    ("obstacles", OBSTACLES, _obstacles),
    ("reviews", REVIEWS, _reviews),
    ("kudos", KUDOS, _kudos),
)


def tables(session: Session, team_id: str) -> Iterator[tuple[str, list[str], Iterable[Any]]]:
    for name, header, source in KINDS:
        yield name, header, source(session, team_id)
    nominations = _nominations(session, team_id)
    if nominations is not None:
        yield "nominations", *nominations


def _write(handle: Any, header: list[str], rows: Iterable[Any]) -> int:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
    return count


def write_csv_files(session: Session, team_id: str, out: Path) -> dict[str, int]:
    """`kinerja export --out DIR`: one `<kind>.csv` per kind; returns the rows written."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, header, rows in tables(session, team_id):
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            counts[name] = _write(handle, header, rows)
    return counts


def export_zip(session: Session, team_id: str) -> tuple[bytes, dict[str, int]]:
    """The same files in one ZIP archive (what HR receives in Slack)."""
    buffer = io.BytesIO()
    counts = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in tables(session, team_id):
            text = io.StringIO(newline="")
            counts[name] = _write(text, header, rows)
            archive.writestr(f"{name}.csv", text.getvalue().encode("utf-8"))
    return buffer.getvalue(), counts


def export_for(session: Session, actor: Employee) -> tuple[bytes, dict[str, int]]:
    """HR's export from Slack (a ZIP of the CSV files); HR and admins only."""
    require(actor, Action.EXPORT_DATA)
    return export_zip(session, actor.team_id)


def record_export(
    session: Session, team_id: str, actor: str | None, counts: dict[str, int], now: datetime
) -> None:
    """Who exported what and when — the counts, never the data."""
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="data.exported",
        subject="csv",
        detail={"rows": counts},
        at=now,
    )
