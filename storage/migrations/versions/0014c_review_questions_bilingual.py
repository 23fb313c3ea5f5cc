"""reviews: a cycle's questions in both languages

Questions were plain strings in one language, so an Indonesian cycle asked English readers in
Indonesian. They are now stored as competencies are, {"label_en": …, "label_id": …}; a question
written before this has no known language, so it becomes the same text in both (what every
reader saw until now).

Revision ID: 0014c_questions
Revises: 0006
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014c_questions"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

cycles = sa.table("review_cycles", sa.column("id", sa.Integer), sa.column("questions", sa.JSON))


def _convert(to_pairs: bool) -> None:
    connection = op.get_bind()
    for cycle_id, questions in connection.execute(sa.select(cycles.c.id, cycles.c.questions)):
        converted: list[Any] = []
        for question in questions or []:
            if to_pairs:
                pair = question if isinstance(question, dict) else {}
                text = "" if isinstance(question, dict) else str(question)
                converted.append(
                    {
                        "label_en": str(pair.get("label_en") or text),
                        "label_id": str(pair.get("label_id") or text),
                    }
                )
            elif isinstance(question, dict):
                converted.append(str(question.get("label_en") or question.get("label_id") or ""))
            else:
                converted.append(str(question))
        if converted != questions:
            connection.execute(
                cycles.update().where(cycles.c.id == cycle_id).values(questions=converted)
            )


def upgrade() -> None:
    _convert(to_pairs=True)


def downgrade() -> None:
    _convert(to_pairs=False)
