"""reviews: review cycles, one review per participant, and their history

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-24 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("self_due", sa.Date(), nullable=False),
        sa.Column("manager_due", sa.Date(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("scale", sa.JSON(), nullable=False),
        sa.Column("everyone", sa.Boolean(), nullable=False),
        sa.Column("team_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'open', 'closed')", name=op.f("ck_review_cycles_status")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_review_cycles_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycles")),
    )
    with op.batch_alter_table("review_cycles", schema=None) as batch_op:
        batch_op.create_index("ix_review_cycles_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("self_answers", sa.JSON(), nullable=False),
        sa.Column("self_ratings", sa.JSON(), nullable=False),
        sa.Column("self_draft_saved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("self_submitted_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("manager_answers", sa.JSON(), nullable=False),
        sa.Column("manager_ratings", sa.JSON(), nullable=False),
        sa.Column("overall_rating", sa.Integer(), nullable=True),
        sa.Column("manager_submitted_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("discussion_count", sa.Integer(), nullable=False),
        sa.Column("self_reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("manager_reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("conversation_key", sa.String(length=255), nullable=True),
        sa.Column("live_key", sa.String(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'self_submitted', 'manager_submitted', 'approved', "
            "'acknowledged')",
            name=op.f("ck_reviews_status"),
        ),
        sa.CheckConstraint(
            "manager_id IS NULL OR manager_id <> employee_id",
            name=op.f("ck_reviews_not_own_manager"),
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["review_cycles.id"],
            name=op.f("fk_reviews_cycle_id_review_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_reviews_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["employees.id"],
            name=op.f("fk_reviews_manager_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_reviews_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "cycle_id", "employee_id", name=op.f("uq_reviews_cycle_id_employee_id")
        ),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_employee_id", ["employee_id"], unique=False)
        batch_op.create_index("ix_reviews_manager_id", ["manager_id"], unique=False)
        batch_op.create_index("ix_reviews_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["employees.id"],
            name=op.f("fk_review_events_actor_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["review_cycles.id"],
            name=op.f("fk_review_events_cycle_id_review_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_events_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_review_events_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.create_index("ix_review_events_cycle_id", ["cycle_id"], unique=False)
        batch_op.create_index("ix_review_events_review_at", ["review_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.drop_index("ix_review_events_review_at")
        batch_op.drop_index("ix_review_events_cycle_id")

    op.drop_table("review_events")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_team_status")
        batch_op.drop_index("ix_reviews_manager_id")
        batch_op.drop_index("ix_reviews_employee_id")

    op.drop_table("reviews")
    with op.batch_alter_table("review_cycles", schema=None) as batch_op:
        batch_op.drop_index("ix_review_cycles_team_status")

    op.drop_table("review_cycles")
