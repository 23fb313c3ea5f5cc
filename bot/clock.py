"""The one source of "now".

Everything time-dependent takes a Clock, so tests and `kinerja tick --at` can travel in time
without patching the standard library.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; used by tests and by `tick --at`."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, **delta: float) -> None:
        self._at = self._at + timedelta(**delta)


def as_utc(at: datetime) -> datetime:
    """Naive datetimes are taken as UTC (that is how they are stored in SQLite)."""
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at.astimezone(UTC)


def zone_of(name: str | None, fallback: str) -> ZoneInfo:
    """A person's zone, or the organisation's when Slack reported none or an unknown one."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")
