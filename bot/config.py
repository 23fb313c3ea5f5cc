"""Typed settings, read once at start-up from the environment and `.env`.

Every setting is validated here so that a typo stops the process with one line naming the
setting, instead of surfacing later as a Slack error or a stack trace in the middle of a request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

SUPPORTED_LOCALES = ("en", "id")
# What KINERJA_SLACK_BUDGETS may pace (bot/slack/budgets.py); chat.postMessage has its own
# setting, KINERJA_SLACK_RATE_PER_SECOND, and "channel" is the pace of posts into one channel.
BUDGET_CHANNEL = "channel"
BUDGET_NAMES = frozenset(
    {
        "views.publish",
        "chat.update",
        "chat.postEphemeral",
        "conversations.open",
        "conversations.history",
        "conversations.replies",
        BUDGET_CHANNEL,
    }
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""

    def __init__(self, setting: str, expected: str, got: str | None = None) -> None:
        self.setting = setting
        detail = f"{setting}: expected {expected}"
        if got is not None:
            detail += f", got {got!r}"
        super().__init__(detail)


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str | None
    slack_api_url: str | None
    database_url: str
    port: int
    default_tz: str
    default_locale: str
    holiday_country: str
    hr_channel: str | None
    sender_concurrency: int
    outbox_max_attempts: int
    slack_rate_per_second: float
    log_level: str
    # Calls per second per Slack method (and "channel"), over the built-in tiers.
    slack_budgets: Mapping[str, float] = field(default_factory=dict)
    # HTTP mode: the largest request body accepted (bot/slack/request_guard.py).
    max_request_bytes: int = 1024 * 1024
    # Feedback: a request for feedback expires after this many days, and an anonymous upward
    # round shows a manager's results only when at least this many reports answered (HR may
    # ask for more in a round, never fewer; never below 3).
    feedback_request_days: int = 14
    upward_min_answers: int = 3

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


def _environment(env: Mapping[str, str] | None, env_file: str | Path | None) -> dict[str, str]:
    """Real environment wins over `.env`, as python-dotenv does by default."""
    merged: dict[str, str] = {}
    path = Path(env_file) if env_file is not None else Path(".env")
    if path.is_file():
        merged.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    merged.update(os.environ if env is None else env)
    return merged


def _optional(values: Mapping[str, str], name: str) -> str | None:
    value = values.get(name, "").strip()
    return value or None


def _int(values: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _optional(values, name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ConfigError(name, f"a whole number from {low} to {high}", raw) from None
    if not low <= number <= high:
        raise ConfigError(name, f"a whole number from {low} to {high}", raw)
    return number


def _float(values: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = _optional(values, name)
    if raw is None:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ConfigError(name, f"a number from {low:g} to {high:g}", raw) from None
    if not low <= number <= high:
        raise ConfigError(name, f"a number from {low:g} to {high:g}", raw)
    return number


def parse_budgets(raw: str) -> dict[str, float]:
    """`views.publish=1.6,chat.update=0.8` → {"views.publish": 1.6, "chat.update": 0.8}.

    ValueError says what is wrong; `_budgets` names the setting around it.
    """
    rates: dict[str, float] = {}
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"{part!r} is not method=calls_per_second")
        if name == "chat.postMessage":
            raise ValueError("chat.postMessage is paced by KINERJA_SLACK_RATE_PER_SECOND")
        if name not in BUDGET_NAMES:
            raise ValueError(f"unknown name {name!r} (known: {', '.join(sorted(BUDGET_NAMES))})")
        try:
            rate = float(value)
        except ValueError:
            raise ValueError(f"{name}: {value.strip()!r} is not a number") from None
        if not 0 <= rate <= 1000:
            raise ValueError(f"{name}: {rate:g} is not from 0 to 1000")
        rates[name] = rate
    return rates


def _budgets(values: Mapping[str, str]) -> dict[str, float]:
    raw = _optional(values, "KINERJA_SLACK_BUDGETS")
    if raw is None:
        return {}
    try:
        return parse_budgets(raw)
    except ValueError as error:
        raise ConfigError(
            "KINERJA_SLACK_BUDGETS",
            f"method=calls_per_second pairs separated by commas ({error})",
            raw,
        ) from None


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (`postgres://`, `postgresql://`) and pin the psycopg driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(values: Mapping[str, str]) -> str:
    url = normalise_database_url(_optional(values, "DATABASE_URL") or "sqlite:///kinerja.db")
    if not re.match(r"^(sqlite|postgresql\+psycopg)://", url):
        raise ConfigError(
            "DATABASE_URL",
            "sqlite:///path.db or postgresql+psycopg://user@host/db",
            url.split("@")[-1],  # never echo a password
        )
    return url


def _slack_api_url(values: Mapping[str, str]) -> str | None:
    url = _optional(values, "SLACK_API_URL")
    if url is None:
        return None
    if not re.match(r"^https?://[^/\s]+", url):
        raise ConfigError("SLACK_API_URL", "an http(s) URL such as https://slack.com/api/", url)
    return url if url.endswith("/") else url + "/"


def _timezone(values: Mapping[str, str]) -> str:
    name = _optional(values, "KINERJA_DEFAULT_TZ") or "Asia/Jakarta"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            "KINERJA_DEFAULT_TZ", "an IANA time zone such as Asia/Jakarta", name
        ) from None
    return name


def _holiday_country(values: Mapping[str, str]) -> str:
    import holidays

    code = (_optional(values, "KINERJA_HOLIDAY_COUNTRY") or "ID").upper()
    if code not in holidays.list_supported_countries():
        raise ConfigError(
            "KINERJA_HOLIDAY_COUNTRY", "an ISO 3166 country code the holidays package knows", code
        )
    return code


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = None,
    require_slack: bool = True,
) -> Settings:
    """Build and validate the settings; raise ConfigError on the first bad one.

    `require_slack=False` serves commands that only touch the database (`migrate`, `org show`).
    """
    values = _environment(env, env_file)
    bot_token = _optional(values, "SLACK_BOT_TOKEN")
    app_token = _optional(values, "SLACK_APP_TOKEN")
    signing_secret = _optional(values, "SLACK_SIGNING_SECRET")
    if require_slack:
        if bot_token is None or not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN", "a bot token starting with xoxb-", bot_token)
        if signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET", "the app's signing secret (Basic Information)"
            )
    if app_token is not None and not app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN", "an app-level token starting with xapp-", app_token[:5]
        )
    locale = (_optional(values, "KINERJA_DEFAULT_LOCALE") or "id").lower()
    if locale not in SUPPORTED_LOCALES:
        raise ConfigError("KINERJA_DEFAULT_LOCALE", "id or en", locale)
    hr_channel = _optional(values, "KINERJA_HR_CHANNEL")
    if hr_channel is not None and not re.fullmatch(r"[CG][A-Z0-9]{2,}", hr_channel):
        raise ConfigError("KINERJA_HR_CHANNEL", "a channel id such as C0123ABCD", hr_channel)
    log_level = (_optional(values, "KINERJA_LOG_LEVEL") or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("KINERJA_LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR", log_level)
    return Settings(
        slack_bot_token=bot_token or "",
        slack_signing_secret=signing_secret or "",
        slack_app_token=app_token,
        slack_api_url=_slack_api_url(values),
        database_url=_database_url(values),
        port=_int(values, "PORT", 3000, 1, 65535),
        default_tz=_timezone(values),
        default_locale=locale,
        holiday_country=_holiday_country(values),
        hr_channel=hr_channel,
        sender_concurrency=_int(values, "KINERJA_SENDER_CONCURRENCY", 8, 1, 64),
        outbox_max_attempts=_int(values, "KINERJA_OUTBOX_MAX_ATTEMPTS", 8, 1, 100),
        slack_rate_per_second=_float(values, "KINERJA_SLACK_RATE_PER_SECOND", 5.0, 0.0, 1000.0),
        log_level=log_level,
        slack_budgets=_budgets(values),
        max_request_bytes=_int(
            values, "KINERJA_MAX_REQUEST_BYTES", 1024 * 1024, 64 * 1024, 64 * 1024 * 1024
        ),
        feedback_request_days=_int(values, "KINERJA_FEEDBACK_REQUEST_DAYS", 14, 1, 90),
        upward_min_answers=_int(values, "KINERJA_UPWARD_MIN_ANSWERS", 3, 3, 50),
    )
