"""Whose App Home is worth republishing after a change.

Slack shows a Home only while its owner has the tab open, and tells the app each time they open
it (`app_home_opened`), when Kinerja builds it fresh anyway. Republishing after every change is
therefore only useful to someone who may be looking at it right now. Building a Home for a large
organisation costs about 15 ms of CPU and a `views.publish` call (a rate-limited method); doing
it for everyone a change touches — a review cycle opened for the whole company, every check-in
of the day — spends both on Homes nobody will see before they are rebuilt on opening.

So the open is remembered, and a change republishes only the Homes opened in the last
`WATCH_FOR`. Someone who leaves the tab open longer than that sees the change the next time they
come back to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from storage.models import Employee

WATCH_FOR = timedelta(hours=1)
# An open is written at most this often per person: Slack sends one each time the tab is
# clicked, and each would otherwise be a write.
NOTE_EVERY = timedelta(minutes=5)


def watching_home(employee: Employee, now: datetime) -> bool:
    """True if a change should republish this person's Home now."""
    opened = employee.home_opened_at
    return opened is not None and now - opened < WATCH_FOR


def open_worth_noting(employee: Employee, now: datetime) -> bool:
    opened = employee.home_opened_at
    return opened is None or now - opened >= NOTE_EVERY


def note_home_opened(session: Session, employee_id: int, now: datetime) -> None:
    """Remember the opening; an open noted less than `NOTE_EVERY` ago is left as it is, so two
    web processes noting the same open do not both write."""
    session.execute(
        update(Employee)
        .where(
            Employee.id == employee_id,
            or_(Employee.home_opened_at.is_(None), Employee.home_opened_at <= now - NOTE_EVERY),
        )
        .values(home_opened_at=now)
        .execution_options(synchronize_session=False)
    )
