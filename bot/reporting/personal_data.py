"""Personal-data rights (Indonesia's UU PDP No. 27/2022 and the GDPR): access and erasure.

`export_person` returns everything stored about one person as JSON: their employee row; every
row of every table with a column referring to them (found by walking the schema's foreign keys
to `employees.id`, so a table added later is covered without touching this file); the rows
hanging off what they own (key results of their goals, updates and replies of their
check-ins, recipients of their kudos, events of their reviews); and every row whose text or
JSON mentions their Slack id or e-mail (audit log, outbox, settings).

The export also lists, readably, the kudos they received (`kudos_received`): the message, its
value, when, and who gave it (and with whom they were recognised), as the product shows them to
the recipient — the kudos rows themselves are the giver's.

Anonymous upward answers are nobody's: no export holds them, and a manager's does not say which
reports answered about them; it lists the released results of the rounds about them
(`upward_feedback_about_them`), as they were shown (bot/feedback/privacy.py).

`erase_person` keeps the rows that aggregates count (check-ins, kudos, goals, reviews stay,
under the same internal id and team, so participation and kudos counts do not change) and
removes what identifies the person or what they wrote:

- their employee row: name, e-mail, zone, language, leave and manager cleared, Slack id
  replaced by `ERASED-<id>`, deactivated; a keyed hash of their Slack id keeps the directory
  sync from adding them again (bot/org/erasure_marks.py);
- text they wrote or that is about them: check-in answers, obstacles, replies in any check-in
  thread, kudos messages they gave, their personal goals and key results, their reviews (self
  and manager parts) and comments, nominations about them (justification and decision), goal
  and review history details;
- anywhere else in the workspace (other people's text, audit details, outbox keys): their
  Slack id, e-mail and full name, replaced; their first name too in text addressed to them
  (kudos they received, replies to their check-ins) — elsewhere a first name cannot be told
  apart from a namesake's;
- outbox rows that mentioned them or quoted their text: payload and result purged, pending
  ones cancelled (marked failed) so nothing about them is sent any more.

What they wrote that belongs to someone else's record is kept, without their identifiers: the
manager part of reviews of other people, nominations they made or decided for others, and the
team and company goals they owned (bot/reporting/erase.py says why).

The audit log gets a `person.erased` row naming only the internal id and the counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, String, Table, Text, cast, or_, select
from sqlalchemy.orm import Session

from bot.blocks.text import escape
from bot.feedback.privacy import EXPORT_RULES, upward_about
from bot.reward.kudos import kudos_received
from storage.models import Employee
from storage.schema import metadata

MARKER = "[erased]"
FORMAT = "kinerja.person/1"
# Columns by which a row belongs to the person (rather than merely naming them as manager,
# helper or approver): rows hanging off these are theirs too.
OWNER_COLUMNS = frozenset({"owner_id", "employee_id", "giver_id", "author_id"})
NEEDLE_CHUNK = 40
SNIPPET = 60
SNIPPET_MIN = 16  # shorter lines ("Good week") are too common to say who wrote them


class PersonNotFound(LookupError):
    pass


def find_person(session: Session, team_id: str, slack_id: str) -> Employee:
    person = session.scalar(
        select(Employee).where(Employee.team_id == team_id, Employee.slack_id == slack_id)
    )
    if person is None:
        raise PersonNotFound(slack_id)
    return person


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_dict(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: _jsonable(row._mapping[c]) for c in table.columns}


def _referring(table: Table) -> list[Any]:
    """The table's columns that are foreign keys to employees.id."""
    return [
        c
        for c in table.columns
        if any(fk.column.table.name == "employees" for fk in c.foreign_keys)
    ]


# Not about anyone in particular: the erasure marks and their key (bot/org/erasure_marks.py) are
# neither exported nor rewritten.
NOT_PERSONAL = frozenset({"employees", "erased_people", "erasure_keys"})


def workspace_tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in NOT_PERSONAL and "team_id" in t.c]


def _owned_rows(
    session: Session, team_id: str, person_id: int
) -> dict[str, dict[Any, tuple[dict[str, Any], set[str]]]]:
    """table → primary key → (row, how it refers to the person): foreign keys to them, then
    rows with a foreign key to what they own."""
    found: dict[str, dict[Any, tuple[dict[str, Any], set[str]]]] = {}
    owned: dict[str, set[Any]] = {}
    for table in workspace_tables():
        columns = _referring(table)
        if not columns:
            continue
        rows = session.execute(
            select(table).where(table.c.team_id == team_id, or_(*(c == person_id for c in columns)))
        )
        for row in rows:
            data = as_dict(table, row)
            how = {c.name for c in columns if data[c.name] == person_id}
            found.setdefault(table.name, {})[primary_key(table, data)] = (data, how)
            if how & OWNER_COLUMNS and "id" in table.c:
                owned.setdefault(table.name, set()).add(data["id"])
    for table in workspace_tables():
        links = [
            (c, fk.column.table.name)
            for c in table.columns
            for fk in c.foreign_keys
            if fk.column.table.name in owned and fk.column.table is not table
        ]
        for column, parent in links:
            ids = sorted(owned[parent])
            for start in range(0, len(ids), 500):
                for row in session.execute(
                    select(table).where(column.in_(ids[start : start + 500]))
                ):
                    data = as_dict(table, row)
                    entry = found.setdefault(table.name, {}).setdefault(
                        primary_key(table, data), (data, set())
                    )
                    entry[1].add(f"{column.name}→{parent}")
    return found


def primary_key(table: Table, data: dict[str, Any]) -> Any:
    return tuple(data[c.name] for c in table.primary_key.columns)


def text_columns(table: Table) -> list[Any]:
    return [
        c
        for c in table.columns
        if isinstance(c.type, String | Text | JSON) and c.name != "team_id" and not c.primary_key
    ]


def mentions(table: Table, team_id: str, needles: Iterable[str]) -> Any:
    """Rows of the workspace whose text or JSON contains any needle (a broad SQL prefilter;
    the exact replacement is done in Python)."""
    patterns = set()
    for needle in needles:
        patterns.add(needle)
        patterns.add(json.dumps(needle)[1:-1])  # as JSON stores it (\\u escapes, \\n)
    conditions = []
    for column in text_columns(table):
        text = cast(column, Text) if isinstance(column.type, JSON) else column
        for pattern in sorted(patterns):
            escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(text.ilike(f"%{escaped}%", escape="\\"))
    if not conditions:
        return None
    return select(table).where(table.c.team_id == team_id, or_(*conditions))


def mentioning(session: Session, team_id: str, needles: list[str]) -> Iterable[tuple[Table, Any]]:
    for table in workspace_tables():
        for start in range(0, len(needles), NEEDLE_CHUNK):
            query = mentions(table, team_id, needles[start : start + NEEDLE_CHUNK])
            if query is not None:
                for row in session.execute(query):
                    yield table, row


def export_person(
    session: Session, team_id: str, slack_id: str, *, now: datetime
) -> dict[str, Any]:
    """Everything stored about the person, JSON-ready (see the module docstring)."""
    person = find_person(session, team_id, slack_id)
    employees = metadata.tables["employees"]
    own = session.execute(select(employees).where(employees.c.id == person.id)).one()
    found = _owned_rows(session, team_id, person.id)
    for table, row in mentioning(session, team_id, identifiers(person)):
        data = as_dict(table, row)
        entry = found.setdefault(table.name, {}).setdefault(primary_key(table, data), (data, set()))
        entry[1].add("mentions")
    _only_their_own_writing(found, person.id)
    records = {
        name: [
            {**data, "_refers_as": sorted(how)}
            for _, (data, how) in sorted(rows.items())
            if EXPORT_RULES.get(name, "") == "" or EXPORT_RULES[name] in how
        ]
        for name, rows in sorted(found.items())
        if name not in EXPORT_RULES or EXPORT_RULES[name] is not None
    }
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "workspace": team_id,
        "person": as_dict(employees, own),
        "records": records,
        "kudos_received": _kudos_received(session, person),
        "upward_feedback_about_them": upward_about(session, person),
    }


def _only_their_own_writing(
    found: dict[str, dict[Any, tuple[dict[str, Any], set[str]]]], person_id: int
) -> None:
    """Rows of a table marked `writer_only` (1:1 private notes, storage/oneonones.py) are
    their writer's alone: another person's never join this person's export, however they
    are linked to them (their meeting, a mention)."""
    for name, rows in found.items():
        column = metadata.tables[name].info.get("writer_only")
        if column:
            found[name] = {k: row for k, row in rows.items() if row[0].get(column) == person_id}


def _kudos_received(session: Session, person: Employee) -> list[dict[str, Any]]:
    """Oldest first, each as the recipient's DM shows it: from whom, with whom, for which
    value, and the message."""

    def who(employee: Employee) -> dict[str, str]:
        return {"slack_id": employee.slack_id, "name": employee.name}

    received = []
    for kudos in reversed(kudos_received(session, person)):
        value = kudos.value
        received.append(
            {
                "kudos_id": kudos.id,
                "given_at": kudos.created_at.isoformat(),
                "from": who(kudos.giver),
                "with": [who(r.employee) for r in kudos.recipients if r.employee_id != person.id],
                "value": None
                if value is None
                else {"key": value.key, "name_en": value.name_en, "name_id": value.name_id},
                "message": kudos.message,
            }
        )
    return received


def identifiers(person: Employee) -> list[str]:
    return [n for n in (person.slack_id, person.email) if n]


Scrub = Callable[[Any], Any]


def scrubber(replacements: list[tuple[str, str, bool]]) -> Scrub:
    """(needle, replacement, whole words only) → a function cleaning strings, dict keys and
    nested JSON alike, case-insensitively."""
    patterns = [
        (re.compile((r"(?<!\w)" + re.escape(n) + r"(?!\w)") if words else re.escape(n), re.I), r)
        for n, r, words in replacements
        if n
    ]

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for pattern, replacement in patterns:
                value = pattern.sub(replacement, value)
            return value
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean


def authored_snippets(texts: Iterable[str]) -> list[str]:
    """Distinctive pieces of what the person wrote, as they may appear in a Slack payload."""
    found = set()
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if len(line) >= SNIPPET_MIN and line != MARKER:
                found.add(line[:SNIPPET])
                found.add(escape(line)[:SNIPPET])
    return sorted(found)
