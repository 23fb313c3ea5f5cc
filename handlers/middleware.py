"""Request-wide guards: one workspace per install, each Slack event processed once, and each
signed command or interaction run once (a replay is acknowledged, not run)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.slack.replay import ReplayMemory
from bot.slack.services import Services
from handlers.commands import Catalog
from storage.models import ProcessedEvent, Workspace

log = logging.getLogger(__name__)


def register(app: App, services: Services, catalog: Catalog) -> None:
    installed: set[str] = set()  # workspaces found once; nothing uninstalls one while we run

    def known_workspace(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """A signed request for a workspace this install does not serve is refused.

        Slack ids in a payload are trustworthy only for the workspace that sent them; data of
        one workspace must never be read or written on behalf of another.
        """
        team_id = req.context.team_id
        if team_id and team_id not in installed and not _is_installed(services, team_id):
            log.warning("refused a request for unknown workspace %s", team_id)
            return BoltResponse(status=403, body="unknown workspace")
        if team_id:
            # Every request asked the database before; on SQLite that was a write-locked
            # transaction per request, queueing behind every save (bench/ack_latency.py).
            installed.add(team_id)
        return next()

    def once_per_event(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Slack retries an event it thinks we missed; the first delivery wins."""
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        team_id = req.context.team_id or body.get("team_id") or ""
        try:
            with services.db.session() as session:
                session.add(
                    ProcessedEvent(
                        team_id=team_id, event_id=str(event_id), received_at=services.clock.now()
                    )
                )
        except IntegrityError:
            log.info(
                "event %s already processed; retry %s ignored",
                event_id,
                req.headers.get("x-slack-retry-num", ["?"])[0],
            )
            return BoltResponse(status=200, body="")
        return next()

    replays = ReplayMemory(services.db)

    def once_per_request(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """A signed command or interaction sent again is a replay: answered, not run.

        Runs after Bolt verified the signature, so only a request that really came from Slack
        (or a copy of one) is remembered. Socket Mode requests carry no signature and arrive
        over the app's own authenticated connection: nothing to replay there.
        """
        body = req.body
        if body.get("type") in ("event_callback", "block_suggestion"):
            return next()  # events: once_per_event, by id; option lists change nothing
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        if not signature.startswith("v0="):
            return next()
        team_id = req.context.team_id or ""
        now = services.clock.now()
        reads = _reads(body, catalog)
        if replays.first_sighting(team_id, signature[3:], now, changes_nothing=reads):
            return next()
        log.warning(
            "replayed %s request ignored (timestamp %s)",
            body.get("type") or body.get("command") or "slack",
            (req.headers.get("x-slack-request-timestamp") or ["?"])[0],
        )
        return BoltResponse(status=200, body="")

    app.middleware(known_workspace)
    app.middleware(once_per_event)
    app.middleware(once_per_request)


def _is_installed(services: Services, team_id: str) -> bool:
    with services.db.session() as session:
        return (
            session.scalar(select(Workspace.team_id).where(Workspace.team_id == team_id))
            is not None
        )


def _reads(body: dict[str, object], catalog: Catalog) -> bool:
    """A slash command whose subcommand only reads."""
    if "command" not in body or "type" in body:
        return False
    return catalog.reads_only(str(body.get("text") or ""))
