"""The Slack messages a nomination causes, written to the outbox in the caller's transaction.

HR hears in the HR channel (`hr:` root, key `nomination:{id}:hr`) or, without one, in a DM to
each person who may decide (`nomination:{id}:hr:{employee id}`). The decision is posted in the
thread of each of those messages and each loses its buttons; the manager gets a DM
(`nomination:{id}:manager`) that carries **Announce** while the reward is approved. The
employee's DM (`nomination:{id}:employee`) exists only after the manager announces. Every key is
per nomination and event, so a retried request never doubles a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import nominations as blocks
from bot.i18n import Translator, resolve_locale
from bot.org.channels import reroute_marker
from bot.outbox import enqueue
from bot.reward.notify import working_moment
from bot.reward.reward_types import reward_types, type_name
from bot.reward.settings import FALLBACK_LOCALE, FALLBACK_TZ
from storage.models import Employee, OutboxMessage
from storage.nominations import Nomination


@dataclass(frozen=True)
class Audience:
    """Where HR hears about nominations, and the organisation's defaults for the HR channel's
    language and for people whose Slack locale or zone is unknown (bot.config.Settings)."""

    hr_channel: str | None = None
    locale: str = FALLBACK_LOCALE
    tz: str = FALLBACK_TZ

    def tr(self, person: Employee | None) -> Translator:
        return Translator(resolve_locale(person.locale if person else None, self.locale))


def hr_key(nomination_id: int, hr_id: int | None = None) -> str:
    base = f"nomination:{nomination_id}:hr"
    return base if hr_id is None else f"{base}:{hr_id}"


def manager_key(nomination_id: int) -> str:
    return f"nomination:{nomination_id}:manager"


def employee_key(nomination_id: int) -> str:
    return f"nomination:{nomination_id}:employee"


def _post(
    session: Session,
    nomination: Nomination,
    key: str,
    message: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    **where: Any,
) -> None:
    enqueue(
        session,
        team_id=nomination.team_id,
        key=key,
        method="chat.postMessage",
        payload={**message, **where},
        now=now,
        not_before=not_before,
    )


def _update(
    session: Session, nomination: Nomination, target: str, message: dict[str, Any], now: datetime
) -> None:
    payload = {k: v for k, v in message.items() if not k.startswith("unfurl_")}
    enqueue(
        session,
        team_id=nomination.team_id,
        key=f"{target}:v{nomination.version}",
        method="chat.update",
        payload={**payload, "_update_of": target},
        now=now,
    )


def _labels(session: Session, nomination: Nomination) -> Callable[[Translator], str]:
    types = reward_types(session, nomination.team_id)
    return lambda tr: type_name(types, nomination.reward_type, tr.locale)


def _cycle(nomination: Nomination) -> str:
    return nomination.review.cycle.name


def nominated(
    session: Session,
    nomination: Nomination,
    deciders: Sequence[Employee],
    audience: Audience,
    now: datetime,
) -> None:
    """HR's message with Approve / Decline: in the HR channel, else to each decider's DM."""
    name = _labels(session, nomination)
    if audience.hr_channel:
        tr = Translator(audience.locale)
        message = blocks.hr_message(tr, nomination, name(tr), _cycle(nomination))
        fallback = reroute_marker("hr", locale=audience.locale, tz=audience.tz)
        _post(
            session,
            nomination,
            hr_key(nomination.id),
            message,
            now,
            channel=audience.hr_channel,
            **fallback,
        )
        return
    for person in deciders:
        tr = audience.tr(person)
        message = blocks.hr_message(tr, nomination, name(tr), _cycle(nomination))
        _post(
            session,
            nomination,
            hr_key(nomination.id, person.id),
            message,
            now,
            channel=person.slack_id,
        )


def _hr_roots(
    session: Session, nomination: Nomination, audience: Audience
) -> list[tuple[str, Translator]]:
    """HR's messages about this nomination (their outbox keys) and the language of each."""
    base = hr_key(nomination.id)
    rows = session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.team_id == nomination.team_id,
            OutboxMessage.method == "chat.postMessage",
            OutboxMessage.idempotency_key.startswith(base, autoescape=True),
        )
    ).all()
    roots: list[tuple[str, Translator]] = []
    for key in sorted(rows):
        rest = key[len(base) :]
        if rest == "":
            roots.append((key, Translator(audience.locale)))
        elif rest[:1] == ":" and rest[1:].isdigit():
            person = session.get(Employee, int(rest[1:]))
            roots.append((key, audience.tr(person)))
    return roots


def decided(session: Session, nomination: Nomination, audience: Audience, now: datetime) -> None:
    """The decision and its reason in each HR thread, HR's messages without buttons, and the
    manager told (with Announce when approved). The employee hears nothing yet."""
    name = _labels(session, nomination)
    for key, tr in _hr_roots(session, nomination, audience):
        _update(
            session,
            nomination,
            key,
            blocks.hr_message(tr, nomination, name(tr), _cycle(nomination)),
            now,
        )
        _post(
            session,
            nomination,
            f"{key}:decision",
            blocks.decision_reply(tr, nomination),
            now,
            _thread_of=key,
        )
    tr = audience.tr(nomination.manager)
    _post(
        session,
        nomination,
        manager_key(nomination.id),
        blocks.manager_message(tr, nomination, name(tr)),
        now,
        channel=nomination.manager.slack_id,
    )


def announced(session: Session, nomination: Nomination, audience: Audience, now: datetime) -> None:
    """The employee's DM (in their working hours), the manager's DM without its button, and a
    line in HR's threads so HR knows the employee has been told."""
    name = _labels(session, nomination)
    employee = nomination.employee
    tr = audience.tr(employee)
    _post(
        session,
        nomination,
        employee_key(nomination.id),
        blocks.employee_message(tr, nomination, name(tr)),
        now,
        working_moment(employee.tz, audience.tz, now),
        channel=employee.slack_id,
    )
    tr = audience.tr(nomination.manager)
    _update(
        session,
        nomination,
        manager_key(nomination.id),
        blocks.manager_message(tr, nomination, name(tr)),
        now,
    )
    for key, tr in _hr_roots(session, nomination, audience):
        _post(
            session,
            nomination,
            f"{key}:announced",
            blocks.announced_reply(tr, nomination),
            now,
            _thread_of=key,
        )
