"""What a running Kinerja process holds: settings, database, clock and the Slack client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator, resolve_locale
from bot.slack.after_ack import AfterAck
from bot.slack.directory import SlackDirectory
from storage.db import Database
from storage.models import Employee

HomeBuilder = Callable[["Services", Session, Employee], dict[str, Any]]


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    after_ack: AfterAck = field(default_factory=AfterAck)
    # Builds a person's App Home view; the app factory composes it from the cycles' sections.
    home: HomeBuilder | None = None

    def translator_for(
        self, employee: Employee | None, slack_locale: str | None = None
    ) -> Translator:
        """The person's Slack locale first, then the organisation default."""
        locale = employee.locale if employee is not None and employee.locale else slack_locale
        return Translator(resolve_locale(locale, self.settings.default_locale))

    @property
    def directory(self) -> SlackDirectory:
        """Slack's directory, for the rules that add a person Kinerja has not met yet."""
        return SlackDirectory(self.client)
