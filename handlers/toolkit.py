"""Finding the person behind a request, shared by every listener."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.org.directory import ensure_employee
from bot.slack.services import Services
from storage.models import Employee


def acting_employee(
    session: Session, services: Services, team_id: str, user_id: str
) -> Employee | None:
    """The employee row for the Slack user; fetched from Slack if the daily sync missed them."""
    return ensure_employee(session, services.directory, team_id, user_id, services.clock.now())
