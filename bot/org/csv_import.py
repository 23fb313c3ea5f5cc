"""Who reports to whom, in which team, with which role: the organisation HR keeps in a CSV.

Slack has no manager field outside Enterprise directories, so reporting lines come from a file
(`kinerja org import FILE.csv`). The import is all-or-nothing: the whole file is checked
first and every problem is reported with its line number, because a half-applied org chart
(some people moved, their new managers not) would send goals and reviews to the wrong people.
Only then is anything written. The directory sync (bot/org/directory.py) never touches what this
module sets, and this module never touches what the sync sets.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from bot.audit import record
from bot.org.directory import MemberSource
from bot.org.erasure_marks import is_erased_row
from bot.org.named_people import People, Person, quote_value, show_value
from storage.models import Employee, Role, Team

ROLES = tuple(role.value for role in Role)
TEAM_NAME_MAX = 80
# Each required column and the alternative that may replace it.
COLUMNS = {"slack_id": "email", "manager_slack_id": "manager_email", "role": None, "team": None}
_KNOWN = {name for pair in COLUMNS.items() for name in pair if name}
_HEADER_HINT = "slack_id,manager_slack_id,role,team"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file, at its line (the header is line 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    ok: bool
    problems: list[ImportProblem] = field(default_factory=list)
    changed: int = 0
    teams_created: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    person: str
    manager: str
    role: str
    team: str


@dataclass(frozen=True)
class _Plan:
    line: int
    person: Person
    manager: Person | None
    role: str
    team: str


def _parse(text: str, problems: list[ImportProblem]) -> tuple[list[_Row], bool, bool]:
    """Rows with their line numbers, and whether people and managers are named by e-mail.

    Line numbers are physical lines (a quoted value may span several), as an editor shows them.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(ImportProblem(start, f"this is not readable CSV ({error})"))
        return [], False, False
    if not records:
        problems.append(ImportProblem(1, f"the file is empty; start with {_HEADER_HINT}"))
        return [], False, False
    header_line, header = records[0]
    names = [cell.strip().lower() for cell in header]
    found: list[str] = []
    if not _KNOWN.intersection(names):
        found.append(f"the first line must be the header {_HEADER_HINT}")
    for index, name in enumerate(names if not found else []):
        if not name:
            found.append("a column has no name (a trailing comma?)")
        elif name not in _KNOWN:
            found.append(f"unknown column {quote_value(header[index].strip())}")
        elif names.index(name) != index:
            found.append(f"column {name} appears twice")
    position: dict[str, int] = {}
    for required, alternative in COLUMNS.items() if not found else ():
        present = [name for name in (required, alternative) if name and name in names]
        if not present:
            either = f" (or {alternative})" if alternative else ""
            found.append(f"missing column {required}{either}")
        elif len(present) == 2:
            found.append(f"use either {required} or {alternative}, not both")
        else:
            position[required] = names.index(present[0])
    problems.extend(ImportProblem(header_line, message) for message in found)
    if found:
        return [], False, False
    rows: list[_Row] = []
    for line, cells in records[1:]:
        if len(cells) != len(names):
            message = f"{len(cells)} values, but the header has {len(names)} columns"
            problems.append(ImportProblem(line, message))
            continue
        value = {key: cells[index].strip() for key, index in position.items()}
        person, manager = value["slack_id"], value["manager_slack_id"]
        rows.append(_Row(line, person, manager, value["role"], value["team"]))
    return rows, "email" in names, "manager_email" in names


class _Checker:
    """Checks the rows one by one against the directory and the rest of the file."""

    def __init__(self, directory: People, by_email: bool, manager_by_email: bool) -> None:
        self.directory = directory
        self.by_email = by_email
        self.manager_by_email = manager_by_email
        self.problems: list[ImportProblem] = []
        self.people: dict[int, Person] = {}  # by line
        self.in_file: dict[str, Person] = {}  # by lower-case id and e-mail
        # Values that named nobody usable: a manager column naming them was already reported.
        self.failed: set[str] = set()

    def resolve_people(self, rows: list[_Row]) -> None:
        for row in rows:
            if not row.person:
                column = "email" if self.by_email else "slack_id"
                self.problems.append(ImportProblem(row.line, f"{column} is empty"))
                continue
            value = row.person if self.by_email else row.person.upper()
            found = self.directory.resolve(value, self.by_email)
            if isinstance(found, str) or not found.active:
                message = found if isinstance(found, str) else f"{found.label} is inactive"
                self.problems.append(ImportProblem(row.line, message))
                self.failed.add(value.lower())
                continue
            self.people[row.line] = found
            self.in_file[found.slack_id.lower()] = found
            if found.email:
                self.in_file.setdefault(found.email.lower(), found)

    def manager(self, row: _Row, person: Person | None) -> tuple[Person | None, str | None]:
        """The manager a row names (None: top of the tree), or what is wrong with that."""
        if not row.manager:
            return None, None
        by_email = self.manager_by_email
        value = row.manager.lower() if by_email else row.manager.upper()
        manager = self.in_file.get(value.lower())
        if manager is None:
            if value.lower() in self.failed:
                return None, None
            directory = self.directory
            known = directory.known_by_email(value) if by_email else directory.by_slack.get(value)
            if isinstance(known, str):
                return None, f"manager: {known}"
            if known is None:
                shown = show_value(row.manager if by_email else value, by_email)
                return None, f"manager {shown} is neither in the file nor an employee"
            if not known.active:
                return None, f"manager {known.label} is inactive"
            manager = known
        if person is not None and manager.slack_id == person.slack_id:
            return None, f"{person.label} cannot be their own manager"
        return manager, None

    def check(self, rows: list[_Row]) -> list[_Plan]:
        self.resolve_people(rows)
        first_line: dict[str, int] = {}
        plans: list[_Plan] = []
        for row in rows:
            person = self.people.get(row.line)
            messages: list[str] = []
            if person is not None and person.slack_id in first_line:
                lines = f"lines {first_line[person.slack_id]} and {row.line}"
                messages.append(f"{person.label} is listed twice ({lines})")
            elif person is not None:
                first_line[person.slack_id] = row.line
            manager, wrong = self.manager(row, person)
            messages.extend([wrong] if wrong else [])
            role = row.role.lower()
            if role not in ROLES:
                what = f"role {quote_value(row.role)} is not" if role else "role is empty; use"
                messages.append(f"{what} one of {', '.join(ROLES)}")
            if len(row.team) > TEAM_NAME_MAX:
                size = len(row.team)
                messages.append(
                    f"team name is {size} characters long; the limit is {TEAM_NAME_MAX}"
                )
            elif _CONTROL.search(row.team):  # PostgreSQL refuses NUL; nobody means any of them
                messages.append(f"team name {quote_value(row.team)} has a control character")
            self.problems.extend(ImportProblem(row.line, message) for message in messages)
            if person is not None and not messages:
                plans.append(_Plan(row.line, person, manager, role, row.team))
        self.problems.extend(_loops(plans, self.directory))
        self.problems.sort(key=lambda problem: problem.line)
        return plans


def _loops(plans: list[_Plan], directory: People) -> list[ImportProblem]:
    """Reporting loops once the file is applied: its lines, plus everyone else's current ones.

    Each person has at most one manager, so following managers from each listed person either
    ends at the top of the tree or walks into a loop; each loop is reported once, at the line
    of its earliest listed member.
    """
    manager_of = dict(directory.manager_of)
    line_of: dict[str, int] = {}
    for plan in plans:
        manager_of[plan.person.slack_id] = plan.manager.slack_id if plan.manager else None
        line_of[plan.person.slack_id] = plan.line
    problems: list[ImportProblem] = []
    done: set[str] = set()
    for plan in plans:
        path: list[str] = []
        node: str | None = plan.person.slack_id
        while node is not None and node not in done and node not in path:
            path.append(node)
            node = manager_of.get(node)
        if node is not None and node in path:
            loop = path[path.index(node) :]
            listed = [member for member in loop if member in line_of]
            if listed:
                head = min(listed, key=line_of.__getitem__)
                at = loop.index(head)
                loop = loop[at:] + loop[:at] + [head]
                names = " → ".join(directory.by_slack[member].label for member in loop)
                problems.append(ImportProblem(line_of[head], f"reporting loop: {names}"))
        done.update(path)
    return problems


def import_org(
    session: Session,
    source: MemberSource | None,
    team_id: str,
    csv_text: str,
    now: datetime,
    actor: str | None,
) -> ImportResult:
    """Check the whole file, then apply it, or change nothing and say what is wrong.

    People the file names who are in Slack but not yet in the database (the daily sync has
    not run) are looked up through `source` and created only if the import succeeds.
    """
    problems: list[ImportProblem] = []
    rows, by_email, manager_by_email = _parse(csv_text, problems)
    if problems:
        return ImportResult(ok=False, problems=problems)
    directory = People(session, source, team_id)
    checker = _Checker(directory, by_email, manager_by_email)
    plans = checker.check(rows)
    if checker.problems:
        return ImportResult(ok=False, problems=checker.problems)

    created = directory.create_missing(session, now)
    teams = {
        team.name.casefold(): team
        for team in session.scalars(select(Team).where(Team.team_id == team_id))
    }
    teams_created = 0
    for plan in plans:
        if plan.team and plan.team.casefold() not in teams:
            teams[plan.team.casefold()] = Team(team_id=team_id, name=plan.team, created_at=now)
            session.add(teams[plan.team.casefold()])
            teams_created += 1
    session.flush()

    changed = 0
    for plan in plans:
        employee = plan.person.employee
        assert employee is not None  # every planned person exists after the flush above
        manager = plan.manager.employee if plan.manager else None
        team = teams[plan.team.casefold()] if plan.team else None
        wanted = (manager.id if manager else None, plan.role, team.id if team else None)
        if (employee.manager_id, employee.role, employee.org_team_id) != wanted:
            employee.manager_id, employee.role, employee.org_team_id = wanted
            employee.updated_at = now
            changed += 1
    counts = {"rows": len(plans), "changed": changed, "teams_created": teams_created}
    detail = {**counts, "people_created": created}
    record(session, team_id=team_id, actor=actor, action="org.import", at=now, detail=detail)
    session.flush()
    for plan in plans:  # relationships loaded before the import would still show old values
        if plan.person.employee is not None:
            session.expire(plan.person.employee, ["manager", "org_team"])
    return ImportResult(ok=True, problems=[], changed=changed, teams_created=teams_created)


def render_org_tree(session: Session, team_id: str, *, only_team: int | None = None) -> str:
    """The organisation as an indented tree for `kinerja org show`.

    Roots are people without a manager (or whose manager is not shown, or not in `only_team`
    when the tree is one team's); everyone is sorted by name then id, so the output is stable
    and can be diffed between imports. Erased people's anonymised rows are nobody any more and
    are not shown (bot/org/erasure_marks.py).
    """
    query = select(Employee).where(Employee.team_id == team_id)
    if only_team is not None:
        query = query.where(Employee.org_team_id == only_team)
    employees = [
        employee
        for employee in session.scalars(
            query.options(lazyload(Employee.manager), lazyload(Employee.org_team))
        )
        if not is_erased_row(employee)
    ]
    if not employees:
        return "(no people yet)"
    team_names = {
        team.id: team.name for team in session.scalars(select(Team).where(Team.team_id == team_id))
    }
    by_id = {employee.id: employee for employee in employees}
    children: dict[int | None, list[Employee]] = {}
    for employee in employees:
        parent = employee.manager_id if employee.manager_id in by_id else None
        children.setdefault(parent, []).append(employee)
    for group in children.values():
        group.sort(key=lambda e: (e.name.casefold(), e.slack_id))

    lines: list[str] = []
    shown: set[int] = set()

    def describe(employee: Employee) -> str:
        facts = [employee.role]
        if employee.org_team_id in team_names:
            facts.append(team_names[employee.org_team_id])
        text = f"{employee.name or employee.slack_id} @{employee.slack_id} ({', '.join(facts)})"
        return text if employee.active else f"{text} [inactive]"

    def walk(root: Employee, marker: str = "") -> None:
        """Depth first without recursion: a deep (or broken) chain cannot overflow the stack."""
        stack = [(root, 0)]
        while stack:
            employee, depth = stack.pop()
            if employee.id in shown:
                continue
            shown.add(employee.id)
            lines.append("  " * depth + (marker if depth == 0 else "") + describe(employee))
            below = children.get(employee.id, [])
            stack.extend((child, depth + 1) for child in reversed(below))

    for root in children.get(None, []):
        walk(root)
    # Only a reporting loop written outside the import can leave people unreached.
    for employee in sorted(employees, key=lambda e: (e.name.casefold(), e.slack_id)):
        if employee.id not in shown:
            walk(employee, "(in a reporting loop) ")
    return "\n".join(lines)
