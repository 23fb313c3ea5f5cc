"""nominations: reward nominations after an approved review, decided by HR

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("reward_type", sa.String(length=32), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("announced_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'declined', 'announced')",
            name=op.f("ck_nominations_status"),
        ),
        sa.CheckConstraint("manager_id <> employee_id", name=op.f("ck_nominations_not_self")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["employees.id"], name=op.f("fk_nominations_decided_by_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_nominations_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["employees.id"], name=op.f("fk_nominations_manager_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_nominations_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_nominations_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
        sa.UniqueConstraint(
            "review_id", "reward_type", name=op.f("uq_nominations_review_id_reward_type")
        ),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index("ix_nominations_employee_id", ["employee_id"], unique=False)
        batch_op.create_index("ix_nominations_manager_id", ["manager_id"], unique=False)
        batch_op.create_index("ix_nominations_team_status", ["team_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_nominations_team_status")
        batch_op.drop_index("ix_nominations_manager_id")
        batch_op.drop_index("ix_nominations_employee_id")

    op.drop_table("nominations")
