"""planning: goals, key results and their history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:45:01.589620
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("org_team_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        sa.Column("approval_key", sa.String(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('performance', 'development')", name=op.f("ck_goals_kind")),
        sa.CheckConstraint("level IN ('company', 'team', 'personal')", name=op.f("ck_goals_level")),
        sa.CheckConstraint(
            "status IN ('draft', 'pending_approval', 'active', 'completed', 'abandoned')",
            name=op.f("ck_goals_status"),
        ),
        sa.CheckConstraint("weight > 0", name=op.f("ck_goals_weight_positive")),
        sa.ForeignKeyConstraint(
            ["approver_id"],
            ["employees.id"],
            name=op.f("fk_goals_approver_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_team_id"],
            ["teams.id"],
            name=op.f("fk_goals_org_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["employees.id"], name=op.f("fk_goals_owner_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["goals.id"], name=op.f("fk_goals_parent_id_goals"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_goals_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_goals_team_owner", ["team_id", "owner_id"], unique=False)
        batch_op.create_index("ix_goals_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "goal_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["employees.id"],
            name=op.f("fk_goal_events_actor_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_events_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_goal_events_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_events")),
    )
    with op.batch_alter_table("goal_events", schema=None) as batch_op:
        batch_op.create_index("ix_goal_events_goal_at", ["goal_id", "at"], unique=False)

    op.create_table(
        "key_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start_value", sa.Float(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("current_value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('metric', 'check')", name=op.f("ck_key_results_kind")),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_key_results_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_key_results_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_results")),
    )
    with op.batch_alter_table("key_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_results_goal_id"), ["goal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("key_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_results_goal_id"))

    op.drop_table("key_results")
    with op.batch_alter_table("goal_events", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_events_goal_at")

    op.drop_table("goal_events")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index("ix_goals_team_status")
        batch_op.drop_index("ix_goals_team_owner")
        batch_op.drop_index(batch_op.f("ix_goals_parent_id"))

    op.drop_table("goals")
