"""The Bolt app factory, and the start-up that ties database, Slack, sender and scheduler."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.slack.services import Services
from handlers.cycles import CYCLES, TICK_TASKS, Cycle, register_listeners

__all__ = ["TICK_TASKS", "create_app"]

log = logging.getLogger(__name__)


class _WithoutRequestBody(logging.Filter):
    """Bolt logs the whole body of a request whose signature is refused, at INFO. That body
    can be a real person's replayed request (a response_url, typed text, a legacy token), so
    keep the fact and the timestamp and drop the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Invalid request signature detected"):
            timestamp = message.partition("timestamp: ")[2].partition(",")[0]
            record.msg = "refused a request with an invalid or stale signature (timestamp %s)"
            record.args = (timestamp,)
        return True


def create_app(
    services: Services, *, verify_token: bool = True, cycles: tuple[Cycle, ...] = CYCLES
) -> App:
    """A Bolt App whose every Web API call goes to SLACK_API_URL through `services.client`,
    made of `cycles` (all of Kinerja's unless a test picks some)."""
    settings = services.settings
    app = App(
        token=settings.slack_bot_token,
        signing_secret=settings.slack_signing_secret,
        client=services.client,
        token_verification_enabled=verify_token,
        # Acknowledge as soon as a listener calls ack(); the rest runs in Bolt's thread pool.
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    verification_log = logging.getLogger("slack_bolt.RequestVerification")
    if not any(isinstance(f, _WithoutRequestBody) for f in verification_log.filters):
        verification_log.addFilter(_WithoutRequestBody())
    register_listeners(app, services, cycles)
    return app
