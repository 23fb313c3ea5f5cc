"""Recording a try's outcome on its outbox row: one conditional UPDATE per row.

Why apart from the sender's loop: what each outcome does to a row (attempts given back or used,
when it comes again, whether it must be looked up first, a 429's pause) is the rule of the
outbox, and reads best on its own; bot/slack/sender.py decides what to try and when.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.org.channels import reroute
from bot.ports import CHANNEL_ERRORS
from bot.slack.budgets import Budgets
from bot.slack.claims import Claim
from bot.slack.delivery import Outcome
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, SlackDm

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0
BACKOFF_JITTER = 0.1

PENDING = OutboxStatus.PENDING.value
SENDING = OutboxStatus.SENDING.value
SENT = OutboxStatus.SENT.value
FAILED = OutboxStatus.FAILED.value


@dataclass
class DrainStats:
    """Counts for one drain.

    `sent` includes rows found already posted (also in `duplicates_avoided`); `retried` counts
    rows put back for later: backoff after a failure, a 429, or no budget for now.
    """

    sent: int = 0
    retried: int = 0
    failed: int = 0
    duplicates_avoided: int = 0


class Recorder:
    """The recording half of the sender (mixed into `OutboxSender`)."""

    db: Database
    clock: Clock
    budgets: Budgets
    max_attempts: int
    kept_dms: KeptDms

    def _record(self, claim: Claim, outcome: Outcome) -> str:
        now = self.clock.now()
        kind = outcome.kind
        values: dict[str, Any]
        then: Callable[[Session], None] | None = None
        if kind in ("sent", "found"):
            values = {"status": SENT, "sent_at": now, "result": outcome.result or {}}
            values.update(last_error=None, needs_lookup=False)
            then = _keep_dm(self.kept_dms, claim, outcome.result or {})
        elif kind == "rate_limited":
            until = now + timedelta(seconds=outcome.retry_after or 1.0)
            method = outcome.limited or claim.method
            self.budgets.pause(claim.team_id, method, until)
            log.warning(
                "outbox: Slack rate limit on %s; pausing it until %s", method, until.isoformat()
            )
            values = {"status": PENDING, "next_attempt_at": until, "last_error": outcome.error}
            values["attempts"] = OutboxMessage.attempts - 1  # a 429 is not the row's fault
            values["needs_lookup"] = outcome.needs_lookup
        elif kind == "waiting":
            # The message this row replies to or updates is not in Slack yet.
            wait = outcome.retry_after if outcome.retry_after is not None else 1.0
            values = {"status": PENDING, "next_attempt_at": now + timedelta(seconds=wait)}
            values["attempts"] = OutboxMessage.attempts - 1
        elif kind == "deferred":
            # No call of this row was made (or none that could have posted it): the attempt
            # goes back, and the row returns when its method or channel has budget again.
            until = now + timedelta(seconds=outcome.retry_after or 0.0)
            values = {"status": PENDING, "next_attempt_at": until}
            values["attempts"] = OutboxMessage.attempts - 1
            values["needs_lookup"] = outcome.needs_lookup
        elif kind == "retry" and claim.attempts < self.max_attempts:
            until = now + timedelta(seconds=backoff_seconds(claim.attempts))
            values = {"status": PENDING, "next_attempt_at": until, "last_error": outcome.error}
            values["needs_lookup"] = outcome.needs_lookup
        else:  # "failed", or "retry" with no attempts left
            kind = "failed"
            values = {"status": FAILED, "last_error": outcome.error or "unknown error"}
        if kind == "failed" and outcome.error in CHANNEL_ERRORS and claim.payload.get("_reroute"):
            # A channel that cannot take the post: deliver it another way, in the same
            # transaction as the failure (bot/org/channels.py).
            error = str(outcome.error)

            def fall_back(session: Session) -> None:
                reroute(session, claim.team_id, claim.key, claim.payload, error, now)

            then = fall_back

        if not self._finish(claim, values, then):
            log.warning(
                "outbox row %s (%s): claim lost, outcome %s dropped", claim.id, claim.key, kind
            )
            return "ignored"
        if kind == "failed":
            log.warning(
                "outbox row %s (%s) %s failed: %s", claim.id, claim.key, claim.method, outcome.error
            )
        elif kind in ("retry", "rate_limited"):
            log.info("outbox row %s (%s) rescheduled: %s", claim.id, claim.key, outcome.error)
        elif kind == "found":
            log.info(
                "outbox row %s (%s) was already in Slack; not posted again", claim.id, claim.key
            )
        return kind

    def _finish(
        self,
        claim: Claim,
        values: dict[str, Any],
        then: Callable[[Session], None] | None = None,
    ) -> bool:
        """Apply `values` only if the row is still under this very claim (and then, in the
        same transaction, `then`)."""
        statement = (
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.status == SENDING,
                OutboxMessage.claimed_at == claim.claimed_at,
            )
            .values(**values)
        )
        with self.db.session() as session:
            finished = session.connection().execute(statement).rowcount == 1
            if finished and then is not None:
                try:  # a broken fallback must not keep the row from being recorded
                    with session.begin_nested():
                        then(session)
                except Exception:
                    log.exception("outbox row %s (%s): fallback failed", claim.id, claim.key)
            return finished


MAX_KEPT = 100_000


class KeptDms:
    """The DMs one sender has stored already, so each is written once per sender."""

    def __init__(self) -> None:
        self._kept: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def first_time(self, team_id: str, user: str) -> bool:
        with self._lock:
            if (team_id, user) in self._kept:
                return False
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept.add((team_id, user))
            return True


def _keep_dm(
    kept: KeptDms, claim: Claim, result: dict[str, Any]
) -> Callable[[Session], None] | None:
    """A post to a person's user id answered with their DM id: store it (once per sender),
    in the transaction that records the row, for look-ups after a restart (`recall_dm`)."""
    user = str(claim.payload.get("channel") or "")
    channel = str(result.get("channel") or "")
    if user[:1] not in ("U", "W") or channel[:1] != "D":
        return None
    if not kept.first_time(claim.team_id, user):
        return None

    def keep(session: Session) -> None:
        values = {"team_id": claim.team_id, "user_id": user, "channel_id": channel}
        dialect = session.get_bind().dialect.name
        insert = sqlite_insert if dialect == "sqlite" else postgres_insert
        session.execute(insert(SlackDm).values(**values).on_conflict_do_nothing())

    return keep


def recall_dm(db: Database, team_id: str, user: str) -> str | None:
    """A person's DM id as stored by an earlier post, or None."""
    with db.session() as session:
        return session.scalar(
            select(SlackDm.channel_id).where(SlackDm.team_id == team_id, SlackDm.user_id == user)
        )


def backoff_seconds(attempts: int) -> float:
    """1, 2, 4 … seconds after the 1st, 2nd, 3rd … failed try, capped, with a little jitter."""
    base = min(MAX_BACKOFF_SECONDS, 2.0 ** max(0, attempts - 1))
    return base * (1.0 + random.uniform(0.0, BACKOFF_JITTER))


def count(stats: DrainStats, kind: str) -> None:
    if kind in ("sent", "found"):
        stats.sent += 1
        if kind == "found":
            stats.duplicates_avoided += 1
    elif kind in ("retry", "rate_limited", "deferred"):
        stats.retried += 1
    elif kind == "failed":
        stats.failed += 1
