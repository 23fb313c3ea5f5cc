"""Channels Kinerja posts to (KINERJA_HR_CHANNEL, the recognition channel), and what happens
when it cannot post there.

A private channel needs the bot invited; an archived one takes no posts; a deleted one is
gone. Nothing posted there may be lost without a word, so:

1. **Checked before it matters** — at start (`kinerja run`), when the HR digest or the monthly
   recognition summary is due, and by `kinerja digest` — with a `ChannelChecker` (the Slack
   side is bot/slack/channel_check.py: `conversations.info`). A channel that cannot be used is not
   used: the digest goes to HR people by DM (chart included), the summary too.
2. **Caught at send time** — a post the outbox sends with `_reroute` in its payload that fails
   with `not_in_channel`, `channel_not_found` or `is_archived` is rerouted by `reroute`, in the
   transaction that marks it failed: HR people get the same message by DM (for the digest, its
   chart follows), or — for a kudos, whose recipients have their own DM already — nobody.
3. **HR is told exactly what to do** — "invite @Kinerja: open #channel and type
   `/invite @Kinerja`", by DM, in each person's language; at most once per channel per day
   (the outbox key carries the channel and the organisation's date, so a repeat is a no-op,
   across restarts and instances).

No Slack here: the checker and the file sender are passed in.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.blocks.channels import channel_warning
from bot.clock import zone_of
from bot.i18n import translators
from bot.outbox import enqueue
from bot.ports import About, ChannelState
from storage.models import AuditLog, Employee, Role, Workspace

log = logging.getLogger(__name__)


# The digest's chart waits in the audit log under CHART_PENDING until uploaded
# (bot/reporting/digest.py); a digest rerouted from its channel takes its chart along.
CHART_PENDING = "digest.chart_pending"
CHART_REROUTED = "digest.chart_rerouted"


class ChannelUnreachable(Exception):
    """Raised by a file sender when the channel refused the file for one of CHANNEL_ERRORS."""

    def __init__(self, channel: str, problem: str) -> None:
        super().__init__(f"{channel}: {problem}")
        self.channel = channel
        self.problem = problem


def hr_people(session: Session, team_id: str) -> list[Employee]:
    """Active HR people; the admins when there is none (as for HR's digest)."""
    people = list(
        session.scalars(
            select(Employee)
            .where(
                Employee.team_id == team_id,
                Employee.active.is_(True),
                Employee.role.in_((Role.HR.value, Role.ADMIN.value)),
            )
            .order_by(Employee.id)
        )
    )
    return [p for p in people if p.role == Role.HR.value] or people


def _default_locale(session: Session, team_id: str, fallback: str) -> str:
    stored = session.scalar(select(Workspace.default_locale).where(Workspace.team_id == team_id))
    return str(stored or fallback)


def warn_unreachable(
    session: Session,
    team_id: str,
    state: ChannelState,
    about: About,
    *,
    default_locale: str,
    org_tz: str,
    now: datetime,
) -> int:
    """DM each HR person what to do about `state.channel`; at most once per channel and day.
    Returns how many warnings were newly queued (0 on a repeat the same day)."""
    if state.ok:
        return 0
    day = now.astimezone(zone_of(None, org_tz)).date()
    queued = 0
    people = hr_people(session, team_id)
    for person in people:
        tr = translators(default_locale)(person)
        queued += enqueue(
            session,
            team_id=team_id,
            key=f"channel:warning:{state.channel}:{day.isoformat()}:{person.id}",
            method="chat.postMessage",
            payload={"channel": person.slack_id, **channel_warning(tr, state, about)},
            now=now,
        )
    if queued:
        audit.record(
            session,
            team_id=team_id,
            actor=None,
            action="channel.unreachable",
            subject=state.channel,
            detail={"problem": state.problem, "about": about, "told": len(people)},
            at=now,
        )
    elif not people:
        log.warning("channel %s: %s, and nobody in HR to tell", state.channel, state.problem)
    return queued


def reroute_marker(about: About, *, locale: str, tz: str) -> dict[str, Any]:
    """The `_reroute` instruction a channel post carries for the sender (never sent to Slack)."""
    return {"_reroute": {"about": about, "locale": locale, "tz": tz}}


def reroute(
    session: Session,
    team_id: str,
    key: str,
    payload: dict[str, Any],
    problem: str,
    now: datetime,
) -> None:
    """A channel post failed for `problem` at send time: deliver it another way and tell HR.

    The digest and HR notices go to each HR person's DM (the digest's chart too); a kudos post
    is not repeated (its recipients have their DM). Called by the sender in the transaction
    that marks the row failed, so a crash neither loses nor doubles the fallback.
    """
    marker = payload.get("_reroute") or {}
    about: About = marker.get("about") or "hr"
    warn_about: About = "recognition" if about == "kudos" else about
    locale = _default_locale(session, team_id, str(marker.get("locale") or "en"))
    tz = str(marker.get("tz") or "UTC")
    channel = str(payload.get("channel") or "")
    message = {
        name: value
        for name, value in payload.items()
        if not name.startswith("_") and name not in ("channel", "thread_ts", "metadata")
    }
    if about != "kudos":
        for person in hr_people(session, team_id):
            enqueue(
                session,
                team_id=team_id,
                key=f"{key}:dm:{person.id}",
                method="chat.postMessage",
                payload={"channel": person.slack_id, **message},
                now=now,
            )
            if about == "hr_digest":
                _reroute_chart(session, team_id, key, person, now)
    log.warning("outbox %s: %s refused the post (%s); rerouted", key, channel, problem)
    warn_unreachable(
        session,
        team_id,
        ChannelState(channel, problem),
        warn_about,
        default_locale=locale,
        org_tz=tz,
        now=now,
    )


def _reroute_chart(
    session: Session, team_id: str, key: str, person: Employee, now: datetime
) -> None:
    """The chart meant for the channel goes with each DM copy of the digest instead."""
    pending = session.scalar(
        select(AuditLog.detail)
        .where(
            AuditLog.team_id == team_id,
            AuditLog.action == CHART_PENDING,
            AuditLog.subject == key,
        )
        .limit(1)
    )
    if not pending:
        return
    audit.record(
        session,
        team_id=team_id,
        actor=None,
        action=CHART_PENDING,
        subject=f"{key}:dm:{person.id}",
        detail={**pending, "channel": None, "user": person.slack_id},
        at=now,
    )
    already = session.scalar(
        select(AuditLog.id).where(
            AuditLog.team_id == team_id,
            AuditLog.action == CHART_REROUTED,
            AuditLog.subject == key,
        )
    )
    if already is None:
        audit.record(
            session,
            team_id=team_id,
            actor=None,
            action=CHART_REROUTED,
            subject=key,
            detail={},
            at=now,
        )
