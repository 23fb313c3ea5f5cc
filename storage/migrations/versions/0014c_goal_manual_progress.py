"""goals: progress set by hand for a goal without key results

A development goal ("learn to lead a retrospective") often has no measurable key result. Such a
goal's owner sets its progress by hand (0–1 here, a percentage in Slack); a goal with key
results, or with goals aligned below it, still computes its progress from them.

Revision ID: 0014c_goal_progress
Revises: 0002b
Create Date: 2026-12-06 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014c_goal_progress"
down_revision: str | None = "0002b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manual_progress", sa.Float(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_goals_manual_progress_range"),
            "manual_progress IS NULL OR (manual_progress >= 0 AND manual_progress <= 1)",
        )


def downgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_goals_manual_progress_range"), type_="check")
        batch_op.drop_column("manual_progress")
