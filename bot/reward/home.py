"""What the Recognition section of a person's App Home shows, read in one go.

The Home is rebuilt for every person who looks at it, so the reading and the rendering are
apart: this loader runs the queries (a fixed number, whatever the number of kudos) and hands
back plain data with the relationships the section shows already loaded, and
bot/blocks/reward_home.py renders it without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.reward.kudos import kudos_received, received_by_value
from bot.reward.settings import FALLBACK_TZ
from storage.kudos import CompanyValue, Kudos
from storage.models import Employee

RECENT = 5


@dataclass(frozen=True)
class RecognitionHome:
    year: int  # the person's current year, in their own zone
    recent: list[Kudos]  # the latest received, newest first; giver and value loaded
    by_value: list[tuple[CompanyValue | None, int]] = field(default_factory=list)  # this year

    @property
    def total(self) -> int:
        """Kudos received this year."""
        return sum(count for _, count in self.by_value)


def recognition_home(session: Session, employee: Employee, now: datetime) -> RecognitionHome:
    """The latest kudos `employee` received and, when there are any, this year's counts by
    value (the year starts at midnight on 1 January in the person's zone)."""
    zone = zone_of(employee.tz, FALLBACK_TZ)
    year = now.astimezone(zone).year
    recent = kudos_received(session, employee, limit=RECENT)
    if not recent:
        return RecognitionHome(year, [])
    since = datetime.combine(date(year, 1, 1), time(0), tzinfo=zone)
    return RecognitionHome(year, recent, received_by_value(session, employee, since))
