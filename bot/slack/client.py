"""The one place a WebClient is built, so every client honours SLACK_API_URL and retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings

DEFAULT_API_URL = "https://slack.com/api/"


def make_web_client(settings: Settings, *, retries: bool = True, timeout: int = 30) -> WebClient:
    """A client for interactive work (opening modals, reading the directory).

    It retries connection errors and a 429 once or twice itself; the outbox sender makes its
    own client with `retries=False` because it reschedules failed rows durably instead of
    sleeping inside a worker.
    """
    handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        timeout=timeout,
        retry_handlers=handlers,
    )
