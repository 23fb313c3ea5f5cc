"""The people an admin names in an org import (a Slack id or an e-mail address), resolved
against the stored employees and, for strangers, Slack's directory (bot/org/directory.py's
`MemberSource`), without writing anything until the whole import is known to be good."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from bot.org.directory import (
    Member,
    MemberSource,
    display_name,
    member_email,
    new_employee,
    why_not_a_person,
)
from bot.org.erasure_marks import erased_matcher, is_erased_row
from storage.models import Employee

_SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")
ERASED_REASON = (
    "was erased from Kinerja; to add them again, run `kinerja person restore {slack_id}` first"
)


def quote_value(value: str, limit: int = 40) -> str:
    """Typed values echoed in messages are cut, so a garbage file gives readable errors of a
    bounded length: `limit` characters as shown, escapes included (a character Python cannot
    print shows as ten, `\\U000105bd`)."""
    quoted = repr(value)
    if len(quoted) <= limit + 2:
        return quoted
    cut = value[:limit]
    while cut and len(repr(cut + "…")) > limit + 2:
        cut = cut[:-1]
    return repr(cut + "…")


def _plausible(value: str, by_email: bool) -> bool:
    """Whether asking Slack about a value could find anyone; garbage costs no API call."""
    return "@" in value if by_email else bool(_SLACK_ID.fullmatch(value))


def show_value(value: str, by_email: bool) -> str:
    """A Slack id as it is (U123), anything else quoted, so odd values stand out."""
    return value if not by_email and _plausible(value, False) else quote_value(value)


@dataclass
class Person:
    """Someone an admin named: an existing row, or a Slack member to create if they go ahead."""

    slack_id: str
    name: str
    email: str | None
    active: bool
    employee: Employee | None = None
    member: Member | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.slack_id})" if self.name else self.slack_id


class People:
    """A workspace's people, for resolving what an admin typed (a Slack id or an e-mail).

    Strangers are looked up in Slack once each (when a client is given) but not written, so
    a caller that finds a problem elsewhere can still change nothing.
    """

    def __init__(self, session: Session, source: MemberSource | None, team_id: str) -> None:
        self.source = source
        self.team_id = team_id
        self.erased = erased_matcher(session, team_id)
        employees = [
            employee
            for employee in session.scalars(
                select(Employee)
                .where(Employee.team_id == team_id)
                .options(lazyload(Employee.manager), lazyload(Employee.org_team))
            )
            if not is_erased_row(employee)  # anonymised: nobody an admin can name any more
        ]
        slack_ids = {employee.id: employee.slack_id for employee in employees}
        self.manager_of = {e.slack_id: slack_ids.get(e.manager_id or 0) for e in employees}
        self.by_slack: dict[str, Person] = {}
        self.by_email: dict[str, list[Person]] = {}
        for e in employees:
            self._add(Person(e.slack_id, e.name, e.email, e.active, employee=e))
        self._cache: dict[tuple[bool, str], Person | str] = {}

    def _add(self, person: Person) -> Person:
        self.by_slack[person.slack_id] = person
        if person.email:
            self.by_email.setdefault(person.email.lower(), []).append(person)
        return person

    def known_by_email(self, email: str) -> Person | str | None:
        """The stored person with that address (active ones first), or why it is ambiguous."""
        found = self.by_email.get(email.lower(), [])
        active = [person for person in found if person.active] or found
        if len(active) > 1:
            return f"several people have the e-mail {quote_value(email)}"
        return active[0] if active else None

    def resolve(self, value: str, by_email: bool) -> Person | str:
        """The person a value names, or a short reason why nobody usable is named."""
        key = (by_email, value.lower() if by_email else value)
        if key not in self._cache:
            self._cache[key] = self._lookup(value, by_email)
        return self._cache[key]

    def _lookup(self, value: str, by_email: bool) -> Person | str:
        known = self.known_by_email(value) if by_email else self.by_slack.get(value)
        shown = show_value(value, by_email)
        if known is None and not by_email and self.erased(value):
            return f"{shown} {ERASED_REASON.format(slack_id=value)}"
        if known is not None or self.source is None or not _plausible(value, by_email):
            return known or f"unknown person {shown}"
        member = self.source.member(value, by_email)
        if member is None or not isinstance(member.get("id"), str):
            return f"unknown person {shown}"
        if member["id"] in self.by_slack:  # e.g. found by an e-mail we had not stored
            return self.by_slack[member["id"]]
        if self.erased(member["id"]):
            return f"{shown} ({member['id']}) {ERASED_REASON.format(slack_id=member['id'])}"
        if reason := why_not_a_person(member, self.team_id):
            return f"{shown} {reason}"
        return self._add(
            Person(member["id"], display_name(member), member_email(member), True, member=member)
        )

    def create_missing(self, session: Session, now: datetime) -> int:
        """Rows for the people found only in Slack; returns how many were added."""
        created = 0
        for person in self.by_slack.values():
            if person.employee is None and person.member is not None:
                person.employee = new_employee(self.team_id, person.member, now)
                session.add(person.employee)
                created += 1
        return created
