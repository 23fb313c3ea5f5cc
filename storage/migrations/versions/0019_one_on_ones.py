"""1:1 meetings: series, meetings, talking points, shared and private notes, action items

Revision ID: 0019
Revises: 0001
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0019"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oneonone_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=True),
        sa.Column("proposed_time", sa.String(length=5), nullable=True),
        sa.Column("proposal_note", sa.Text(), nullable=False),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'biweekly', 'monthly')", name=op.f("ck_oneonone_series_cadence")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'ended')", name=op.f("ck_oneonone_series_status")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_series_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_series_manager_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_oneonone_series_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone_series")),
        sa.UniqueConstraint(
            "manager_id",
            "employee_id",
            "current",
            name=op.f("uq_oneonone_series_manager_id_employee_id_current"),
        ),
    )
    with op.batch_alter_table("oneonone_series", schema=None) as batch_op:
        batch_op.create_index("ix_oneonone_series_employee", ["employee_id"], unique=False)
        batch_op.create_index("ix_oneonone_series_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "oneonone_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("scheduled_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agenda_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("skipped_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("skipped_by_id", sa.Integer(), nullable=True),
        sa.Column("skip_reason", sa.String(length=16), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'open', 'held', 'skipped', 'lapsed', 'cancelled')",
            name=op.f("ck_oneonone_meetings_status"),
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_meetings_done_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_meetings_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_meetings_manager_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["oneonone_series.id"],
            name=op.f("fk_oneonone_meetings_series_id_oneonone_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skipped_by_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_meetings_skipped_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_oneonone_meetings_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone_meetings")),
        sa.UniqueConstraint(
            "series_id", "occurs_on", name=op.f("uq_oneonone_meetings_series_id_occurs_on")
        ),
    )
    with op.batch_alter_table("oneonone_meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oneonone_meetings_due", ["team_id", "status", "agenda_at"], unique=False
        )
        batch_op.create_index(
            "ix_oneonone_meetings_employee", ["employee_id", "scheduled_at"], unique=False
        )
        batch_op.create_index(
            "ix_oneonone_meetings_manager", ["manager_id", "scheduled_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oneonone_meetings_series_id"), ["series_id"], unique=False
        )

    op.create_table(
        "oneonone_action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name=op.f("ck_oneonone_action_items_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_action_items_created_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_action_items_done_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["oneonone_meetings.id"],
            name=op.f("fk_oneonone_action_items_meeting_id_oneonone_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_action_items_owner_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["oneonone_series.id"],
            name=op.f("fk_oneonone_action_items_series_id_oneonone_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_oneonone_action_items_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone_action_items")),
    )
    with op.batch_alter_table("oneonone_action_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oneonone_action_items_due", ["team_id", "status", "due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oneonone_action_items_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            "ix_oneonone_action_items_owner", ["owner_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_oneonone_action_items_series", ["series_id", "status"], unique=False
        )

    op.create_table(
        "oneonone_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_notes_author_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["oneonone_meetings.id"],
            name=op.f("fk_oneonone_notes_meeting_id_oneonone_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_oneonone_notes_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone_notes")),
        sa.UniqueConstraint(
            "meeting_id", "author_id", name=op.f("uq_oneonone_notes_meeting_id_author_id")
        ),
    )
    op.create_table(
        "oneonone_private_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_private_notes_author_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["oneonone_meetings.id"],
            name=op.f("fk_oneonone_private_notes_meeting_id_oneonone_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_oneonone_private_notes_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone_private_notes")),
        sa.UniqueConstraint(
            "meeting_id", "author_id", name=op.f("uq_oneonone_private_notes_meeting_id_author_id")
        ),
    )
    op.create_table(
        "oneonone_talking_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["employees.id"],
            name=op.f("fk_oneonone_talking_points_author_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["oneonone_meetings.id"],
            name=op.f("fk_oneonone_talking_points_meeting_id_oneonone_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_oneonone_talking_points_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oneonone_talking_points")),
    )
    with op.batch_alter_table("oneonone_talking_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oneonone_talking_points_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oneonone_talking_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oneonone_talking_points_meeting_id"))

    op.drop_table("oneonone_talking_points")
    op.drop_table("oneonone_private_notes")
    op.drop_table("oneonone_notes")
    with op.batch_alter_table("oneonone_action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_oneonone_action_items_series")
        batch_op.drop_index("ix_oneonone_action_items_owner")
        batch_op.drop_index(batch_op.f("ix_oneonone_action_items_meeting_id"))
        batch_op.drop_index("ix_oneonone_action_items_due")

    op.drop_table("oneonone_action_items")
    with op.batch_alter_table("oneonone_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oneonone_meetings_series_id"))
        batch_op.drop_index("ix_oneonone_meetings_manager")
        batch_op.drop_index("ix_oneonone_meetings_employee")
        batch_op.drop_index("ix_oneonone_meetings_due")

    op.drop_table("oneonone_meetings")
    with op.batch_alter_table("oneonone_series", schema=None) as batch_op:
        batch_op.drop_index("ix_oneonone_series_team_status")
        batch_op.drop_index("ix_oneonone_series_employee")

    op.drop_table("oneonone_series")
