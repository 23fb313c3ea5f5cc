"""The messages of anonymous upward rounds: the invitation to each report, one reminder, and
each manager's results (or why there are none) when the round closes.

Answering sends nothing (bot/feedback/upward.py says why), so no message's time or key can
tell when someone answered.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.blocks import feedback_upward as blocks
from bot.feedback.notify import TranslatorFor, dm
from bot.feedback.upward_results import UpwardResults
from storage.models import Employee
from storage.upward import UpwardInvitation, UpwardRound


def invite(
    session: Session,
    invitation: UpwardInvitation,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> None:
    person = invitation.employee
    message = blocks.invite(tr_for(person), invitation)
    dm(
        session,
        person,
        f"upward:{invitation.round_id}:invite:{invitation.id}",
        message,
        now,
        org_tz,
    )


def remind(
    session: Session,
    invitation: UpwardInvitation,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> None:
    person = invitation.employee
    message = blocks.reminder(tr_for(person), invitation)
    dm(
        session,
        person,
        f"upward:{invitation.round_id}:remind:{invitation.id}",
        message,
        now,
        org_tz,
    )


def results(
    session: Session,
    round_: UpwardRound,
    manager: Employee,
    found: UpwardResults,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> None:
    message = blocks.results_dm(tr_for(manager), found)
    dm(session, manager, f"upward:{round_.id}:results:{manager.id}", message, now, org_tz)
