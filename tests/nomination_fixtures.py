"""Shortcuts for the nomination tests: reviews brought to "approved" through the review core,
and the outbox rows of a nomination.

The organisation is tests/review_fixtures.py's: Maya manages Eko, Edi and Eva (Eva reads
Indonesian), Hana is HR, Ada the admin, Omar a peer manager.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.review import (
    acknowledge_review,
    approve_review,
    submit_self_review,
    write_manager_review,
)
from storage.models import Employee, OutboxMessage
from storage.nominations import Nomination
from storage.reviews import Review
from tests.review_fixtures import answers, manager_answers, review_of

HR_CHANNEL = "C0HRDESK"
JUSTIFICATION = "Closed the ACME deal <!channel> & coached <@UEDI> *twice*"


def me(session: Session, person: Employee) -> Employee:
    found = session.get(Employee, person.id)
    assert found is not None
    return found


def approved(
    session: Session,
    employee: Employee,
    manager: Employee,
    now: datetime,
    *,
    acknowledge: bool = False,
) -> Review:
    """The employee's review of the open cycle, written, approved (and acknowledged)."""
    review = review_of(session, employee)
    submit_self_review(session, me(session, employee), review.id, answers(), now=now)
    write_manager_review(session, me(session, manager), review.id, manager_answers(), now=now)
    approve_review(session, me(session, manager), review.id, now=now)
    if acknowledge:
        acknowledge_review(session, me(session, employee), review.id, now=now)
    return review


def rows(session: Session, nomination_id: int | None = None) -> list[OutboxMessage]:
    prefix = "nomination:" if nomination_id is None else f"nomination:{nomination_id}:"
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
    )


def keys(session: Session, nomination_id: int | None = None) -> list[str]:
    return [row.idempotency_key for row in rows(session, nomination_id)]


def nominations(session: Session) -> list[Nomination]:
    return list(session.scalars(select(Nomination).order_by(Nomination.id)))
