"""The seeded organisation of tests/reporting_fixtures.py, plus what an export must not leak:
an unsubmitted self-review draft, a manager's saved draft, submitted reviews with ratings, a
draft goal, an admin, and a nomination about an HR person still waiting for a decision."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.goals import Goal
from storage.models import Employee
from storage.nominations import Nomination
from storage.reviews import Review
from tests.reporting_fixtures import DIGEST_AT, OBSTACLE_TEXT, SECRET_REVIEW, SECRET_WIN, Seeded
from tests.reporting_fixtures import employee as add_employee

SELF_DRAFT = "DRAFT-SELF-REVIEW nobody may read yet"
MANAGER_DRAFT = "DRAFT-MANAGER-REVIEW still being written"
DRAFT_GOAL = "Learn Go"  # Lina's goal G6, a draft
ABOUT_HANA = "NOMINATION-ABOUT-HANA"
# What HR's export never holds: check-in answers, obstacles not escalated, review answers and
# drafts of every kind.
PRIVATE = [
    SECRET_WIN, "Good week", "More of the same",  # check-in answers
    OBSTACLE_TEXT, "CRM access", "Old one",  # obstacles not escalated to HR
    SECRET_REVIEW, SELF_DRAFT, MANAGER_DRAFT, DRAFT_GOAL,
]  # fmt: skip
ESCALATED = ["Budget freeze", "No laptop"]


def review_of(session: Session, person: Employee) -> Review:
    review = session.scalar(select(Review).where(Review.employee_id == person.id))
    assert review is not None
    return review


def add_secrets(session: Session, s: Seeded) -> None:
    """Drafts and submitted parts, as the review cycle leaves them."""
    eko = review_of(session, s["Eko"])  # not started: a draft of the self-review
    eko.self_answers, eko.self_ratings = {"q0": SELF_DRAFT}, {"impact": 2}
    edi = review_of(session, s["Edi"])  # self-review in; the manager saved a draft
    edi.self_ratings, edi.self_submitted_at = {"impact": 4}, DIGEST_AT - timedelta(days=5)
    edi.manager_answers, edi.manager_ratings = {"q0": MANAGER_DRAFT}, {"impact": 3}
    sari = review_of(session, s["Sari"])  # both parts in
    sari.self_ratings, sari.self_submitted_at = {"impact": 5}, DIGEST_AT - timedelta(days=6)
    sari.manager_ratings, sari.manager_submitted_at = {"impact": 4}, DIGEST_AT - timedelta(days=1)
    sari.overall_rating = 4
    add_employee(session, s, "Adi", "admin", now=DIGEST_AT)
    hana = s["Hana"]
    hana_review = Review(
        team_id=hana.team_id, cycle_id=eko.cycle_id, employee_id=hana.id,
        manager_id=s["Omar"].id, status="approved", self_answers={}, manager_answers={},
        self_submitted_at=DIGEST_AT, manager_submitted_at=DIGEST_AT, approved_at=DIGEST_AT,
        created_at=DIGEST_AT, updated_at=DIGEST_AT,
    )  # fmt: skip
    session.add(hana_review)
    session.flush()
    session.add(
        Nomination(
            team_id=hana.team_id, review_id=hana_review.id, employee_id=hana.id,
            manager_id=s["Omar"].id, reward_type="bonus", justification=ABOUT_HANA,
            status="pending", created_at=DIGEST_AT, version=1,
        )
    )  # fmt: skip
    draft = session.scalar(select(Goal).where(Goal.title == DRAFT_GOAL))
    assert draft is not None and draft.status == "draft"
    session.flush()


def read_zip(content: bytes) -> dict[str, list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {
        name.removesuffix(".csv"): list(
            csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))
        )
        for name in archive.namelist()
    }


def whole_text(files: dict[str, list[dict[str, str]]]) -> str:
    return "\n".join(
        f"{name}: {', '.join(row)} | {' | '.join(row.values())}"
        for name, rows in files.items()
        for row in rows
    )
