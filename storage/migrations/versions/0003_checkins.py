"""monitoring: check-in schedules, prompts, check-ins, obstacles and replies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("org_team_id", sa.Integer(), nullable=True),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'biweekly', 'monthly')",
            name=op.f("ck_checkin_schedules_cadence"),
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_checkin_schedules_weekday")),
        sa.ForeignKeyConstraint(
            ["org_team_id"],
            ["teams.id"],
            name=op.f("fk_checkin_schedules_org_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_checkin_schedules_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_schedules")),
        sa.UniqueConstraint("team_id", "scope", name=op.f("uq_checkin_schedules_team_id_scope")),
    )
    with op.batch_alter_table("checkin_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkin_schedules_org_team_id"), ["org_team_id"], unique=False
        )

    op.create_table(
        "checkin_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prompted_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminder_due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_checkin_prompts_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_checkin_prompts_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_prompts")),
        sa.UniqueConstraint(
            "employee_id", "period", name=op.f("uq_checkin_prompts_employee_id_period")
        ),
    )
    with op.batch_alter_table("checkin_prompts", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_prompts_team_period", ["team_id", "period"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("mood", sa.Integer(), nullable=True),
        sa.Column("wins", sa.Text(), nullable=False),
        sa.Column("support", sa.Text(), nullable=False),
        sa.Column("plans", sa.Text(), nullable=False),
        sa.Column("submitted_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edits", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("summary_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("mood IS NULL OR mood BETWEEN 1 AND 5", name=op.f("ck_checkins_mood")),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_checkins_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["employees.id"],
            name=op.f("fk_checkins_manager_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_checkins_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("employee_id", "period", name=op.f("uq_checkins_employee_id_period")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index("ix_checkins_team_period", ["team_id", "period"], unique=False)

    op.create_table(
        "checkin_goal_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("progress_before", sa.Float(), nullable=False),
        sa.Column("progress_after", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "confidence IN ('on_track', 'at_risk', 'off_track')",
            name=op.f("ck_checkin_goal_updates_confidence"),
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_checkin_goal_updates_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
            name=op.f("fk_checkin_goal_updates_goal_id_goals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_checkin_goal_updates_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_goal_updates")),
        sa.UniqueConstraint(
            "checkin_id", "goal_id", name=op.f("uq_checkin_goal_updates_checkin_id_goal_id")
        ),
    )
    with op.batch_alter_table("checkin_goal_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkin_goal_updates_goal_id"), ["goal_id"], unique=False
        )

    op.create_table(
        "checkin_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["employees.id"],
            name=op.f("fk_checkin_replies_author_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_checkin_replies_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_checkin_replies_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_replies")),
    )
    with op.batch_alter_table("checkin_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkin_replies_checkin_id"), ["checkin_id"], unique=False
        )

    op.create_table(
        "obstacles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("helper_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("helping_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("manager_reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'helping', 'resolved')", name=op.f("ck_obstacles_status")
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_obstacles_checkin_id_checkins"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_obstacles_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["helper_id"],
            ["employees.id"],
            name=op.f("fk_obstacles_helper_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["employees.id"],
            name=op.f("fk_obstacles_manager_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["employees.id"],
            name=op.f("fk_obstacles_resolved_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_obstacles_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obstacles")),
    )
    with op.batch_alter_table("obstacles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_obstacles_checkin_id"), ["checkin_id"], unique=False)
        batch_op.create_index(
            "ix_obstacles_employee_status", ["employee_id", "status"], unique=False
        )
        batch_op.create_index("ix_obstacles_manager_status", ["manager_id", "status"], unique=False)
        batch_op.create_index("ix_obstacles_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "checkin_kr_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("value_before", sa.Float(), nullable=True),
        sa.Column("value_after", sa.Float(), nullable=True),
        sa.Column("done_before", sa.Boolean(), nullable=False),
        sa.Column("done_after", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_checkin_kr_updates_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key_result_id"],
            ["key_results.id"],
            name=op.f("fk_checkin_kr_updates_key_result_id_key_results"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_checkin_kr_updates_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_kr_updates")),
        sa.UniqueConstraint(
            "checkin_id",
            "key_result_id",
            name=op.f("uq_checkin_kr_updates_checkin_id_key_result_id"),
        ),
    )
    with op.batch_alter_table("checkin_kr_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkin_kr_updates_key_result_id"), ["key_result_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("checkin_kr_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_kr_updates_key_result_id"))

    op.drop_table("checkin_kr_updates")
    with op.batch_alter_table("obstacles", schema=None) as batch_op:
        batch_op.drop_index("ix_obstacles_team_status")
        batch_op.drop_index("ix_obstacles_manager_status")
        batch_op.drop_index("ix_obstacles_employee_status")
        batch_op.drop_index(batch_op.f("ix_obstacles_checkin_id"))

    op.drop_table("obstacles")
    with op.batch_alter_table("checkin_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_replies_checkin_id"))

    op.drop_table("checkin_replies")
    with op.batch_alter_table("checkin_goal_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_goal_updates_goal_id"))

    op.drop_table("checkin_goal_updates")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_team_period")
        batch_op.drop_index(batch_op.f("ix_checkins_manager_id"))

    op.drop_table("checkins")
    with op.batch_alter_table("checkin_prompts", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_prompts_team_period")

    op.drop_table("checkin_prompts")
    with op.batch_alter_table("checkin_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_schedules_org_team_id"))

    op.drop_table("checkin_schedules")
