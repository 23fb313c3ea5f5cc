"""Replays of signed commands and interactions: handled once, whoever sends them again.

A signed request stays valid for five minutes either side of its timestamp, so anyone who saw
one (a proxy's log, a captured request) could send it again and have a kudos given, a goal
approved or a modal submitted a second time. Slack itself never sends a command or an
interaction twice, and every real one differs from the last (its trigger id, its action time),
so its signature, an HMAC over timestamp and body, identifies it. The first instance to record
a signature runs the request; a second sighting, on any instance sharing the database, is
acknowledged without running. Events have their own, longer-lived de-duplication by event id
(processed_events), since Slack does retry those.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.request_guard import MAX_CLOCK_SKEW
from bot.scheduler import TICK_TASKS, TickContext
from storage.db import Database
from storage.models import HandledRequest

# A request is accepted while |now - timestamp| <= 5 minutes, so one received at R (with
# R - 5 min <= timestamp <= R + 5 min) can pass again until at most R + 10 minutes. Kept one
# minute longer, for clocks of instances that disagree a little.
REMEMBER_FOR = timedelta(seconds=2 * MAX_CLOCK_SKEW + 60)


def first_sighting(db: Database, team_id: str, signature: str, now: datetime) -> bool:
    """True for the first request with this signature, False for a replay of it."""
    try:
        with db.session() as session:
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


TICK_TASKS["forget_handled_requests"] = forget_handled_requests
