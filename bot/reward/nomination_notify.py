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
from bot.i18n import Translator, TranslatorFor, translators
from bot.org.channels import reroute_marker
from bot.outbox import enqueue, post_message
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

    @property
    def tr_for(self) -> TranslatorFor:
        """Each recipient's language, else the organisation's."""
        return translators(self.locale)


def hr_key(nomination_id: int, hr_id: int | None = None) -> str:
    base = f"nomination:{nomination_id}:hr"
    return base if hr_id is None else f"{base}:{hr_id}"


def manager_key(nomination_id: int) -> str:
    return f"nomination:{nomination_id}:manager"


def employee_key(nomination_id: int) -> str:
    return f"nomination:{nomination_id}:employee"


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
        post_message(
            session,
            team_id=nomination.team_id,
            key=hr_key(nomination.id),
            message={**message, **fallback},
            now=now,
            channel=audience.hr_channel,
        )
        return
    for person in deciders:
        tr = audience.tr_for(person)
        post_message(
            session,
            team_id=nomination.team_id,
            key=hr_key(nomination.id, person.id),
            message=blocks.hr_message(tr, nomination, name(tr), _cycle(nomination)),
            now=now,
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
            roots.append((key, audience.tr_for(person) if person else Translator(audience.locale)))
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
        post_message(
            session,
            team_id=nomination.team_id,
            key=f"{key}:decision",
            message=blocks.decision_reply(tr, nomination),
            now=now,
            thread_of=key,
        )
    manager = nomination.manager
    tr = audience.tr_for(manager)
    post_message(
        session,
        team_id=nomination.team_id,
        key=manager_key(nomination.id),
        message=blocks.manager_message(tr, nomination, name(tr)),
        now=now,
        channel=manager.slack_id,
    )


def announced(session: Session, nomination: Nomination, audience: Audience, now: datetime) -> None:
    """The employee's DM (in their working hours), the manager's DM without its button, and a
    line in HR's threads so HR knows the employee has been told."""
    name = _labels(session, nomination)
    employee = nomination.employee
    tr = audience.tr_for(employee)
    post_message(
        session,
        team_id=nomination.team_id,
        key=employee_key(nomination.id),
        message=blocks.employee_message(tr, nomination, name(tr)),
        now=now,
        channel=employee.slack_id,
        not_before=working_moment(employee.tz, audience.tz, now),
    )
    tr = audience.tr_for(nomination.manager)
    _update(
        session,
        nomination,
        manager_key(nomination.id),
        blocks.manager_message(tr, nomination, name(tr)),
        now,
    )
    for key, tr in _hr_roots(session, nomination, audience):
        post_message(
            session,
            team_id=nomination.team_id,
            key=f"{key}:announced",
            message=blocks.announced_reply(tr, nomination),
            now=now,
            thread_of=key,
        )
