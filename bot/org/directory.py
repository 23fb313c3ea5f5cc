"""Who works here, according to Slack: the employees table kept in step with the directory.

Slack owns names, e-mail addresses, time zones, locales and who has left; Kinerja owns roles,
reporting lines and teams (bot/org/csv_import.py). The sync therefore writes only the first group
and never touches the second, so a daily sync can never undo an org import.

People who were erased (`kinerja person erase`) are never added again by any path here — the
sync, a request of theirs, an org import — until an admin re-adds them (bot/org/erasure_marks.py).

Slack's directory reaches these rules through a `MemberSource` (bot/slack/directory.py reads
it from the Web API); everything else is plain rows, so the rules (bots, leavers, returners, odd
time zones) are tested without Slack and through the fake Web API alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from bot.audit import record
from bot.org.erasure_marks import erased_matcher, is_marked_erased
from storage.models import Employee, Role

Member = Mapping[str, Any]

SLACKBOT_ID = "USLACKBOT"
_NAME_MAX = 255
_EMAIL_MAX = 320
_TZ_MAX = 64
_LOCALE_MAX = 16


@dataclass(frozen=True)
class SyncReport:
    """What one sync did. Each person counts in at most one of the first four."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    reactivated: int = 0
    skipped_bots: int = 0
    unknown_timezones: int = 0
    skipped_erased: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in asdict(self).items())


class MemberSource(Protocol):
    """Slack's directory as the rules here read it. The app passes bot.slack.directory's
    SlackDirectory; the core never talks to Slack itself, so it imports no Slack module."""

    def members(self) -> Iterable[Member]:
        """Every member of the workspace (all pages)."""
        ...

    def member(self, value: str, by_email: bool = False) -> Member | None:
        """One member by Slack id or e-mail; None when Slack knows nobody by that. An outage
        raises: it does not mean "nobody"."""
        ...


def is_bot(member: Member) -> bool:
    return bool(member.get("is_bot")) or member.get("id") == SLACKBOT_ID


def belongs_to(member: Member, team_id: str) -> bool:
    """Shared channels and Enterprise Grid show people of other workspaces; they are not ours."""
    home = member.get("team_id")
    return not home or home == team_id


def why_not_a_person(member: Member, team_id: str) -> str | None:
    """Why a Slack member cannot be an employee here, in words for an admin; None if they can."""
    if not belongs_to(member, team_id):
        return "is not a member of this workspace"
    if is_bot(member):
        return "is a bot, not a person"
    if member.get("deleted"):
        return "has left Slack (deactivated account)"
    return None


def is_person(member: Member, team_id: str) -> bool:
    """A human of this workspace who has not left: the only kind of member we create rows for."""
    return why_not_a_person(member, team_id) is None


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_timezone(tz: object) -> bool:
    """Slack sometimes reports zones this machine's tz database does not have; the scheduler
    would fail on them, so they are never stored."""
    return isinstance(tz, str) and 0 < len(tz) <= _TZ_MAX and tz in _known_zones()


def display_name(member: Member) -> str:
    """profile.real_name, else real_name, else the handle: what people call each other."""
    profile = member.get("profile") or {}
    for candidate in (profile.get("real_name"), member.get("real_name"), member.get("name")):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:_NAME_MAX]
    return str(member.get("id", ""))[:_NAME_MAX]


def member_email(member: Member) -> str | None:
    """None when absent, e.g. without the users:read.email scope; callers keep what they had."""
    email = (member.get("profile") or {}).get("email")
    if isinstance(email, str) and email.strip():
        return email.strip()[:_EMAIL_MAX]
    return None


def _locale(member: Member) -> str | None:
    locale = member.get("locale")
    if isinstance(locale, str) and 0 < len(locale) <= _LOCALE_MAX:
        return locale
    return None


def new_employee(team_id: str, member: Member, now: datetime) -> Employee:
    """An unsaved row for a Slack member; role and reporting line are left for the org import."""
    tz = member.get("tz")
    return Employee(
        team_id=team_id,
        slack_id=str(member["id"]),
        name=display_name(member),
        email=member_email(member),
        tz=tz if valid_timezone(tz) else None,
        locale=_locale(member),
        role=Role.EMPLOYEE.value,
        active=True,
        created_at=now,
        updated_at=now,
    )


def _apply_profile(employee: Employee, member: Member) -> tuple[bool, bool]:
    """Copy Slack-owned fields; returns (changed, timezone_unknown). Missing fields keep
    the stored value, because a missing scope or an odd zone is not a change of facts."""
    changed = False
    tz = member.get("tz")
    unknown_tz = bool(tz) and not valid_timezone(tz)
    wanted: dict[str, Any] = {"name": display_name(member)}
    if (email := member_email(member)) is not None:
        wanted["email"] = email
    if tz and not unknown_tz:
        wanted["tz"] = tz
    if (locale := _locale(member)) is not None:
        wanted["locale"] = locale
    for field, value in wanted.items():
        if getattr(employee, field) != value:
            setattr(employee, field, value)
            changed = True
    return changed, unknown_tz


def sync_directory(
    session: Session, source: MemberSource, team_id: str, now: datetime
) -> SyncReport:
    """Bring the workspace's employees in line with `users.list`.

    All pages are read before the first query, so a Slack failure half-way changes nothing
    and the database is not kept waiting on the network. Leavers are deactivated, never
    deleted, because their goals, check-ins and reviews stay part of the record.
    """
    members = list(source.members())
    existing = {
        employee.slack_id: employee
        for employee in session.scalars(
            select(Employee)
            .where(Employee.team_id == team_id)
            .options(lazyload(Employee.manager), lazyload(Employee.org_team))
        )
    }
    counts = dict.fromkeys(
        ("created", "updated", "deactivated", "reactivated", "skipped_bots", "unknown_timezones"),
        0,
    )
    counts["skipped_erased"] = 0
    erased = erased_matcher(session, team_id)
    seen: set[str] = set()
    for member in members:
        slack_id = member.get("id")
        if not isinstance(slack_id, str) or slack_id in seen or not belongs_to(member, team_id):
            continue
        seen.add(slack_id)
        if erased(slack_id):
            counts["skipped_erased"] += 1
            continue
        employee = existing.get(slack_id)
        if is_bot(member) or member.get("deleted"):
            if is_bot(member):
                counts["skipped_bots"] += 1
            if employee is not None and employee.active:
                employee.active = False
                employee.updated_at = now
                counts["deactivated"] += 1
            continue
        if employee is None:
            employee = new_employee(team_id, member, now)
            session.add(employee)
            existing[slack_id] = employee
            counts["created"] += 1
            if member.get("tz") and employee.tz is None:
                counts["unknown_timezones"] += 1
            continue
        changed, unknown_tz = _apply_profile(employee, member)
        counts["unknown_timezones"] += unknown_tz
        if not employee.active:
            employee.active = True
            counts["reactivated"] += 1
        elif changed:
            counts["updated"] += 1
        else:
            continue
        employee.updated_at = now
    report = SyncReport(**counts)
    record(
        session,
        team_id=team_id,
        actor=None,
        action="directory.sync",
        at=now,
        subject=team_id,
        detail={**asdict(report), "members": len(members)},
    )
    session.flush()
    return report


def employee_by_slack_id(session: Session, team_id: str, slack_id: str) -> Employee | None:
    return session.scalar(
        select(Employee).where(Employee.team_id == team_id, Employee.slack_id == slack_id)
    )


def ensure_employee(
    session: Session, source: MemberSource, team_id: str, slack_id: str, now: datetime
) -> Employee | None:
    """The person behind a request, even if they used the app before the daily sync.

    An existing row is returned as it is, inactive or not (the caller tells an inactive
    person so). A missing one is created from `users.info`; bots, leavers, people of other
    workspaces, erased people and ids Slack does not know give None. Slack outages raise
    (`SlackApiError` from the app's source).
    """
    employee = employee_by_slack_id(session, team_id, slack_id)
    if employee is not None:
        return employee
    if is_marked_erased(session, team_id, slack_id):
        return None
    member = source.member(slack_id)
    if member is None or member.get("id") != slack_id or not is_person(member, team_id):
        return None
    employee = new_employee(team_id, member, now)
    try:
        # A savepoint, so losing a race with the sync (or a second request) for the same
        # person leaves the caller's transaction usable and returns the winner's row.
        with session.begin_nested():
            session.add(employee)
    except IntegrityError:
        return employee_by_slack_id(session, team_id, slack_id)
    record(
        session,
        team_id=team_id,
        actor=slack_id,
        action="directory.add",
        at=now,
        subject=slack_id,
        detail={"source": "users.info"},
    )
    return employee


def reports_of(session: Session, employee: Employee) -> list[Employee]:
    """Direct reports who are still here, by name; leavers keep their line but are not shown."""
    return list(
        session.scalars(
            select(Employee)
            .where(
                Employee.team_id == employee.team_id,
                Employee.manager_id == employee.id,
                Employee.active.is_(True),
            )
            .order_by(Employee.name, Employee.slack_id)
        )
    )
