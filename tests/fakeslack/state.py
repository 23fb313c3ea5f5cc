"""The fake workspace's state and the test-facing helpers that shape it.

Why apart from the HTTP server: the per-method handlers only need this state, so they can be
read (and reasoned about) without any socket code, and tests can inspect the same objects.
Every mutation happens under `self._lock`; the server holds it for a whole API call.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from .api_users import make_user
from .models import ApiError, Call, Fault, Flaky, JsonDict, Message


@dataclass
class Trigger:
    """A `trigger_id`: valid for `trigger_ttl` seconds and for one views.open/views.push."""

    created: float
    user_id: str | None
    view_id: str | None
    used: bool = False
    expired: bool = False


class TokenBucket:
    """Workspace-wide cap on chat.postMessage; burst equals the per-second rate (at least 1)."""

    def __init__(self, per_second: float) -> None:
        self.rate = per_second
        self.capacity = max(per_second, 1.0)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> int:
        """0 when a token was available, else the Retry-After seconds (an integer, >= 1)."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - self.tokens) / self.rate))


class SlackState:
    """Users, messages, views, files and the recorded calls of one fake workspace."""

    def __init__(
        self,
        token: str = "xoxb-test",
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        bot_name: str = "kinerja",
        app_id: str = "AKINERJA",
    ) -> None:
        self.token = token
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.latency = 0.0
        self.trigger_ttl = 3.0
        self.root_url = ""  # "http://127.0.0.1:PORT" once started
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._buckets: dict[str, TokenBucket] = {}
        self.users: dict[str, JsonDict] = {}
        self.channels: dict[str, JsonDict] = {}  # declared with add_channel (api_channels.py)
        self._clear()

    def _clear(self) -> None:
        """Everything but users and configuration (latency, rate limit, ttl)."""
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.ephemerals: list[JsonDict] = []
        self.responses: list[JsonDict] = []
        self.responses_by_url: dict[str, list[JsonDict]] = {}
        self.views_published: dict[str, JsonDict] = {}
        self.opened_views: list[JsonDict] = []
        self.files: list[JsonDict] = []
        self.index: dict[tuple[str, str], Message] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.flaky: dict[str, Flaky] = {}
        self.triggers: dict[str, Trigger] = {}
        self.views: dict[str, JsonDict] = {}
        self.view_stacks: list[list[str]] = []
        self.uploads: dict[str, JsonDict] = {}
        self.response_keys: dict[str, int] = {}
        self._buckets = {method: TokenBucket(b.rate) for method, b in self._buckets.items()}

    # ----------------------------------------------------------------- test-facing helpers

    def reset(self) -> None:
        """Forget calls, messages, views, files and queued faults; keep users and settings."""
        with self._lock:
            self._clear()

    def add_user(
        self,
        id: str,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "Asia/Jakarta",
        locale: str = "en-US",
        is_bot: bool = False,
        deleted: bool = False,
        display_name: str | None = None,
    ) -> JsonDict:
        """Add (or replace) a member; returns the user object as users.info shows it."""
        name = name or id.lower()
        user = make_user(
            id=id,
            team_id=self.team_id,
            name=name,
            real_name=real_name if real_name is not None else name,
            display_name=display_name if display_name is not None else name,
            email=email if email is not None else f"{name}@example.com",
            tz=tz,
            locale=locale,
            is_bot=is_bot,
            deleted=deleted,
        )
        with self._lock:
            self.users[id] = user
        return dict(user)

    def add_channel(
        self,
        id: str,
        name: str,
        *,
        private: bool = False,
        member: bool = True,
        archived: bool = False,
    ) -> None:
        """Declare a channel (or change one: invite the bot with member=True)."""
        with self._lock:
            self.channels[id] = {
                "id": id,
                "name": name,
                "is_private": private,
                "is_member": member,
                "is_archived": archived,
            }

    def new_trigger_id(self, user_id: str | None = None, view_id: str | None = None) -> str:
        """A fresh trigger id; `view_id` ties a later views.push to that modal's stack."""
        trigger_id = f"{next(self._ids)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        with self._lock:
            self.triggers[trigger_id] = Trigger(time.monotonic(), user_id, view_id)
        return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        """Make a trigger id stale now, as if the app had taken longer than 3 seconds."""
        with self._lock:
            if trigger_id in self.triggers:
                self.triggers[trigger_id].expired = True

    def response_url(self) -> str:
        """A fresh response_url on this server; it takes at most 5 posts, like Slack's."""
        if not self.root_url:
            raise RuntimeError("start() the fake before asking for a response_url")
        key = secrets.token_hex(12)
        with self._lock:
            self.response_keys[key] = 0
        return f"{self.root_url}/response/{key}"

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        times: int = 1,
        body: str | None = None,
    ) -> None:
        """Queue `times` consecutive failures of `method` ("*" = any method).

        429 answers `{"ok":false,"error":"ratelimited"}` with Retry-After; 5xx answers a small
        HTML page (or `body`, e.g. "" for an empty one; or JSON when `error` is given); 200
        answers `{"ok":false,"error":error}`.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self.faults.setdefault(method, []).append(
                Fault(
                    status=status, retry_after=retry_after, error=error, body=body, remaining=times
                )
            )

    def fail_fraction(
        self,
        method: str,
        fraction: float,
        *,
        calls: int,
        status: int = 500,
        stored: bool = False,
    ) -> None:
        """Fail `fraction` of the next `calls` calls of `method`, spread evenly (no randomness):
        5xx with a small HTML page, or a 429. `stored=True`: a post is stored before the 5xx,
        as when Slack fails after accepting the message."""
        if not 0 < fraction <= 1 or calls < 1:
            raise ValueError("fraction must be in (0, 1] and calls at least 1")
        with self._lock:
            self.flaky[method] = Flaky(fraction, calls, status, stored)

    def rate_limit(self, per_second: float | None, method: str = "chat.postMessage") -> None:
        """Cap `method` workspace-wide (token bucket, 429 with Retry-After beyond it; Slack's
        tiers, e.g. conversations.open at Tier 3); None removes the cap."""
        if per_second is not None and per_second <= 0:
            raise ValueError("per_second must be positive")
        with self._lock:
            if per_second is None:
                self._buckets.pop(method, None)
            else:
                self._buckets[method] = TokenBucket(per_second)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def messages_in(self, channel: str) -> list[Message]:
        """Messages in a channel, oldest first; a user id means that user's DM with the bot."""
        if channel[:1] in ("U", "W"):
            channel = self.dm_channel(channel)
        with self._lock:
            return [m for m in self.messages if m.channel == channel]

    # ----------------------------------------------------------------- used by the handlers

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010X}"

    def next_ts(self) -> str:
        """A unique, increasing ts ("1700000000.000100"), close to the wall clock like Slack's."""
        now_us = int(time.time() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    @staticmethod
    def dm_channel(user_id: str) -> str:
        return f"D{user_id}"

    def resolve_channel(self, channel: str | None) -> str:
        """Channel ids pass through; a user id becomes that user's DM channel."""
        if not channel:
            raise ApiError("channel_not_found")
        if channel[:1] in ("U", "W"):
            if channel not in self.users:
                raise ApiError("channel_not_found")
            return self.dm_channel(channel)
        if channel[:1] in ("C", "G", "D"):
            return channel
        raise ApiError("channel_not_found")

    def take_fault(self, method: str) -> Fault | None:
        for key in (method, "*"):
            queue = self.faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.pop(0)
                return fault
        flaky = self.flaky.get(method)
        if flaky is not None:
            before = int(flaky.seen * flaky.fraction)
            flaky.seen += 1
            flaky.remaining -= 1
            if flaky.remaining <= 0:
                del self.flaky[method]
            if int(flaky.seen * flaky.fraction) > before:
                return Fault(flaky.status, 1, None, None, 1, stored=flaky.stored)
        return None

    def take_rate_token(self, method: str) -> int:
        bucket = self._buckets.get(method)
        return bucket.take() if bucket is not None else 0

    def bot_profile(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "app_id": self.app_id,
            "name": self.bot_name,
            "deleted": False,
            "team_id": self.team_id,
        }
