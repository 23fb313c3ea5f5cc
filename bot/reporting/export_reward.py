"""The reward cycle's export files: kudos (public, as the recognition channel shows them) and
reward nominations (hidden from the person they are about until announced)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.reporting.export_rows import stream
from bot.reporting.export_scope import ExportScope
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee
from storage.nominations import Nomination
from storage.reviews import Review, ReviewCycle


def kudos(session: Session, scope: ExportScope) -> Iterable[list[Any]]:
    team_id = scope.team_id
    recipients: dict[int, list[str]] = defaultdict(list)
    for kudos_id, slack_id in session.execute(
        select(KudosRecipient.kudos_id, Employee.slack_id)
        .join(Employee, Employee.id == KudosRecipient.employee_id)
        .where(KudosRecipient.team_id == team_id)
        .order_by(KudosRecipient.kudos_id, KudosRecipient.id)
    ):
        recipients[kudos_id].append(slack_id)
    giver = aliased(Employee)
    query = (
        select(
            Kudos.id,
            Kudos.created_at,
            giver.slack_id,
            giver.name,
            CompanyValue.key,
            Kudos.message,
            Kudos.source,
        )
        .join(giver, giver.id == Kudos.giver_id)
        .outerjoin(CompanyValue, CompanyValue.id == Kudos.value_id)
        .where(Kudos.team_id == team_id)
        .order_by(Kudos.id)
    )
    for row in stream(session, query):
        yield [*row[:4], ";".join(recipients.get(row[0], [])), *row[4:]]


KUDOS = [
    "id", "created_at", "giver_slack_id", "giver_name", "recipient_slack_ids", "value",
    "message", "source",
]  # fmt: skip


def nominations(session: Session, scope: ExportScope) -> Iterable[Any]:
    employee, manager, decider = aliased(Employee), aliased(Employee), aliased(Employee)
    return stream(
        session,
        select(
            Nomination.id,
            Nomination.review_id,
            ReviewCycle.name,
            employee.slack_id,
            employee.name,
            manager.slack_id,
            manager.name,
            Nomination.reward_type,
            Nomination.justification,
            Nomination.status,
            decider.slack_id,
            decider.name,
            Nomination.decision_reason,
            Nomination.decided_at,
            Nomination.announced_at,
            Nomination.created_at,
        )
        .join(Review, Review.id == Nomination.review_id)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(employee, employee.id == Nomination.employee_id)
        .join(manager, manager.id == Nomination.manager_id)
        .outerjoin(decider, decider.id == Nomination.decided_by_id)
        .where(scope.nominations())
        .order_by(Nomination.id),
    )


NOMINATIONS = [
    "id", "review_id", "cycle_name", "employee_slack_id", "employee_name", "manager_slack_id",
    "manager_name", "reward_type", "justification", "status", "decided_by_slack_id",
    "decided_by_name", "decision_reason", "decided_at", "announced_at", "created_at",
]  # fmt: skip
