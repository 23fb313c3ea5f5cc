"""Replays of signed commands and interactions: handled once, whoever sends them again.

A signed request stays valid for five minutes either side of its timestamp, so anyone who saw
one (a proxy's log, a captured request) could send it again and have a kudos given, a goal
approved or a modal submitted a second time, or read the answer to someone else's command.
Slack itself never sends a command or an interaction twice, and every real one differs from the
last (its trigger id, its action time), so its signature, an HMAC over timestamp and body,
identifies it. The first sighting runs the request; a second one is acknowledged without
running. Events have their own, longer-lived de-duplication by event id (processed_events),
since Slack does retry those.

Where a sighting is remembered:

- in this process, always (a dictionary that forgets after REMEMBER_FOR);
- in the database too (handled_requests, unique per signature), so that every instance sharing
  it sees the sighting and a restart forgets nothing — for every request that can change
  something, and for every request at all when the database is shared between instances
  (PostgreSQL). A read-only command on SQLite, whose one process the memory covers, is not
  written down: it would take SQLite's write lock for a request that otherwise writes nothing.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.slack.request_guard import MAX_CLOCK_SKEW
from bot.ticks import TickContext, TickTask
from storage.db import Database
from storage.models import HandledRequest

# A request is accepted while |now - timestamp| <= 5 minutes, so one received at R (with
# R - 5 min <= timestamp <= R + 5 min) can pass again until at most R + 10 minutes. Kept one
# minute longer, for clocks of instances that disagree a little.
REMEMBER_FOR = timedelta(seconds=2 * MAX_CLOCK_SKEW + 60)


class ReplayMemory:
    """What this process and, where it matters, the database remember having handled."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.shared = db.engine.dialect.name != "sqlite"
        self._seen: dict[str, float] = {}  # signature -> when to forget it (monotonic)
        self._lock = threading.Lock()
        self._next_purge = 0.0

    def first_sighting(
        self, team_id: str, signature: str, now: datetime, *, changes_nothing: bool = False
    ) -> bool:
        """True for the first request with this signature, False for a replay of it."""
        key = f"{team_id}:{signature}"
        clock = time.monotonic()
        with self._lock:
            if clock >= self._next_purge:
                self._seen = {k: until for k, until in self._seen.items() if until > clock}
                self._next_purge = clock + 60
            if self._seen.get(key, 0.0) > clock:
                return False
            self._seen[key] = clock + REMEMBER_FOR.total_seconds()
        if changes_nothing and not self.shared:
            return True
        try:
            with self.db.session() as session:
                session.add(HandledRequest(team_id=team_id, signature=signature, received_at=now))
        except IntegrityError:
            return False
        return True


def forget_handled_requests(ctx: TickContext) -> int:
    """Drop what no request can replay any more; the table stays a few minutes' traffic."""
    result = ctx.session.execute(
        delete(HandledRequest).where(
            HandledRequest.team_id == ctx.workspace.team_id,
            HandledRequest.received_at < ctx.now - REMEMBER_FOR,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


TICK_TASKS = (TickTask("forget_handled_requests", forget_handled_requests),)
