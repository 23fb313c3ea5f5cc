"""Giving kudos and reading them back: the rules, the daily cap and the counts.

Every path (the slash command, the message shortcut, the modal from the App Home) ends in
`give_kudos`, which checks everything before it writes and enqueues the recognition post and the
recipients' DMs in the same transaction, so a kudos is never saved without its messages nor
announced without being saved. Kudos are public by nature (they are posted in the open), so the
read functions need no actor; callers that show them in private places check their own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from bot.clock import zone_of
from bot.org.erasure_marks import not_erased
from bot.permissions import Action, PermissionDenied, require
from bot.reward.errors import KudosRejected
from bot.reward.notify import announce_kudos
from bot.reward.settings import FALLBACK_LOCALE, FALLBACK_TZ, recognition_settings
from bot.reward.values import active_values, find_value
from bot.sanitize import clean_text
from storage.kudos import CompanyValue, Kudos, KudosRecipient, KudosSource
from storage.models import Employee

MAX_MESSAGE = 1000
MAX_RECIPIENTS = 10
# Slack's own users: never people, whatever the directory says.
SLACK_SYSTEM_USERS = frozenset({"USLACKBOT"})


def resolve_recipients(
    slack_ids: Iterable[str],
    *,
    find: Callable[[str], Employee | None],
    is_bot: Callable[[str], bool],
) -> list[Employee]:
    """Slack ids (from a mention, a users select or a message author) to employees.

    `find` is the directory look-up (it may ask Slack about someone not synced yet; bots and
    strangers give None) and `is_bot`, asked only then, tells a bot or app from a person we
    do not know, so the giver learns which it was.
    """
    people: list[Employee] = []
    for slack_id in dict.fromkeys(slack_ids):
        if slack_id in SLACK_SYSTEM_USERS:
            raise KudosRejected("recipients", "reward.error.bot")
        employee = find(slack_id)
        if employee is None:
            key = "reward.error.bot" if is_bot(slack_id) else "reward.error.unknown"
            raise KudosRejected("recipients", key)
        people.append(employee)
    return people


def give_kudos(
    session: Session,
    giver: Employee,
    recipients: Sequence[Employee],
    message: str,
    value_key: str | None,
    source: KudosSource | str,
    now: datetime,
    *,
    org_tz: str = FALLBACK_TZ,
    org_locale: str = FALLBACK_LOCALE,
) -> Kudos:
    """Record one kudos and enqueue its post and DMs; raise KudosRejected before any write.

    `org_tz` is the zone of a giver whose Slack zone is unknown (for the daily cap);
    `org_locale` is the language of the channel post.
    """
    require(giver, Action.GIVE_KUDOS)
    if not giver.active:  # someone who left keeps the employee role but gives nothing
        raise PermissionDenied(Action.GIVE_KUDOS)
    source = KudosSource(source)
    people = _check_recipients(giver, recipients)
    text = clean_message(message)
    if not text:
        raise KudosRejected("message", "reward.error.empty")
    if len(text) > MAX_MESSAGE:
        raise KudosRejected("message", "reward.error.too_long", max=MAX_MESSAGE, length=len(text))
    value = _value(session, giver.team_id, value_key)
    settings = recognition_settings(session, giver.team_id)
    _lock_giver(session, giver)
    if given_today(session, giver, now, org_tz) >= settings.daily_cap:
        raise KudosRejected("message", "reward.error.daily_cap", cap=settings.daily_cap)
    kudos = Kudos(
        team_id=giver.team_id,
        giver_id=giver.id,
        value_id=value.id if value is not None else None,
        message=text,
        source=source.value,
        created_at=now,
    )
    kudos.giver = giver
    kudos.value = value
    kudos.recipients = [
        KudosRecipient(team_id=giver.team_id, employee_id=person.id, employee=person)
        for person in people
    ]
    session.add(kudos)
    session.flush()
    announce_kudos(
        session,
        kudos,
        channel=settings.channel,
        org_locale=org_locale,
        org_tz=org_tz,
        now=now,
    )
    return kudos


def clean_message(message: str) -> str:
    """Trimmed, with control characters removed (PostgreSQL refuses NUL in text, and no
    person means to send a bell); newlines and tabs stay, a stray carriage return does not."""
    return clean_text(message).replace("\r", "")


def _check_recipients(giver: Employee, recipients: Sequence[Employee]) -> list[Employee]:
    people = list({person.id: person for person in recipients}.values())
    if not people:
        raise KudosRejected("recipients", "reward.error.no_recipients")
    if any(person.id == giver.id for person in people):
        raise KudosRejected("recipients", "reward.error.self")
    if len(people) > MAX_RECIPIENTS:
        raise KudosRejected("recipients", "reward.error.too_many", max=MAX_RECIPIENTS)
    for person in people:
        if person.team_id != giver.team_id:
            raise KudosRejected("recipients", "reward.error.unknown")
        if not person.active:
            raise KudosRejected("recipients", "reward.error.inactive", name=person.name)
    return people


def _value(session: Session, team_id: str, value_key: str | None) -> CompanyValue | None:
    if value_key is None or not value_key.strip():
        return None
    values = active_values(session, team_id)
    value = find_value(values, value_key)
    if value is None:
        raise KudosRejected(
            "value",
            "reward.error.unknown_value",
            value=value_key.strip()[:40],
            values=", ".join(f"#{v.key}" for v in values),
        )
    return value


def _lock_giver(session: Session, giver: Employee) -> None:
    """Two kudos sent at once by one person must not both slip under the cap (PostgreSQL;
    SQLite already serialises writers with BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Employee.id).where(Employee.id == giver.id).with_for_update())


def local_midnight(employee: Employee, now: datetime, org_tz: str = FALLBACK_TZ) -> datetime:
    """The start of the employee's current day in their own zone, as an aware datetime."""
    zone = zone_of(employee.tz, org_tz)
    return datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)


def given_today(session: Session, giver: Employee, now: datetime, org_tz: str = FALLBACK_TZ) -> int:
    """Kudos given by `giver` since midnight in their zone (the daily cap counts these)."""
    count = session.scalar(
        select(func.count())
        .select_from(Kudos)
        .where(
            Kudos.team_id == giver.team_id,
            Kudos.giver_id == giver.id,
            Kudos.created_at >= local_midnight(giver, now, org_tz),
        )
    )
    return count or 0


def kudos_left_today(
    session: Session, giver: Employee, now: datetime, org_tz: str = FALLBACK_TZ
) -> int:
    cap = recognition_settings(session, giver.team_id).daily_cap
    return max(0, cap - given_today(session, giver, now, org_tz))


def kudos_received(
    session: Session,
    employee: Employee,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    limit: int | None = None,
) -> list[Kudos]:
    """Kudos the employee received in [since, until), newest first (review evidence, Home).

    Givers, values and all recipients are loaded with the rows (a fixed number of queries,
    whatever the count), so callers can render them without touching the database again.
    """
    giver = aliased(Employee)
    query = (
        select(Kudos)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(giver, giver.id == Kudos.giver_id)
        .where(KudosRecipient.employee_id == employee.id, Kudos.team_id == employee.team_id)
        .where(not_erased(giver.slack_id))  # their message is gone; not shown as "[erased]"
        .options(
            selectinload(Kudos.giver),
            selectinload(Kudos.value),
            selectinload(Kudos.recipients).selectinload(KudosRecipient.employee),
        )
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
    )
    if since is not None:
        query = query.where(Kudos.created_at >= since)
    if until is not None:
        query = query.where(Kudos.created_at < until)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def kudos_counts_by_value(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[tuple[int, str | None, int]]:
    """(employee_id, value key or None, kudos received) for [since, until), in one query.

    Each kudos counts once per recipient; a kudos given without a value has the key None.
    Retired values keep their key, so last year's counts do not change when values do.
    """
    rows = session.execute(
        select(KudosRecipient.employee_id, CompanyValue.key, func.count(Kudos.id))
        .join(Kudos, Kudos.id == KudosRecipient.kudos_id)
        .outerjoin(CompanyValue, CompanyValue.id == Kudos.value_id)
        .where(Kudos.team_id == team_id, Kudos.created_at >= since, Kudos.created_at < until)
        .group_by(KudosRecipient.employee_id, CompanyValue.key)
    ).all()
    # Sorted here: SQLite and PostgreSQL put NULL keys at opposite ends.
    counts = [(employee_id, key, count) for employee_id, key, count in rows]
    return sorted(counts, key=lambda row: (row[0], row[1] is None, row[1] or ""))


def received_by_value(
    session: Session, employee: Employee, since: datetime, until: datetime | None = None
) -> list[tuple[CompanyValue | None, int]]:
    """One person's kudos received per value in [since, until), most first (App Home, reviews)."""
    query = (
        select(Kudos.value_id, func.count(Kudos.id))
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(KudosRecipient.employee_id == employee.id, Kudos.created_at >= since)
        .group_by(Kudos.value_id)
    )
    if until is not None:
        query = query.where(Kudos.created_at < until)
    rows = session.execute(query).all()
    return by_value_order(session, employee.team_id, [(value_id, n) for value_id, n in rows])


def by_value_order(
    session: Session, team_id: str, counts: Iterable[tuple[int | None, int]]
) -> list[tuple[CompanyValue | None, int]]:
    """(value id, count) pairs as (value, count): most first, then in the values' order."""
    values = {
        value.id: value
        for value in session.scalars(select(CompanyValue).where(CompanyValue.team_id == team_id))
    }
    pairs = [(values.get(value_id) if value_id is not None else None, n) for value_id, n in counts]
    return sorted(
        pairs, key=lambda pair: (-pair[1], pair[0] is None, pair[0].position if pair[0] else 0)
    )
