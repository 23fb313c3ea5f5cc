"""feedback: feedback given and requested, peer feedback (360) in review cycles, and
anonymous upward rounds

Its own branch from the reviews (0005), since requests and peer sets point at reviews; it also
needs the goals (0002), which feedback may be about.

`upward_answers` has random ids and, on SQLite, no hidden rowid (WITHOUT ROWID): nothing in
it grows with the order answers came in (storage/upward.py).

Revision ID: 0018
Revises: 0005
Create Date: 2026-12-06 14:24:33.404160
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0018"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0002"


def upgrade() -> None:
    op.create_table(
        "upward_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("min_answers", sa.Integer(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_upward_rounds_status")),
        sa.CheckConstraint("min_answers >= 3", name=op.f("ck_upward_rounds_min_answers")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_upward_rounds_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upward_rounds")),
    )
    with op.batch_alter_table("upward_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_upward_rounds_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "review_peer_setups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("peers", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("share_with_employee", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["review_cycles.id"],
            name=op.f("fk_review_peer_setups_cycle_id_review_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_review_peer_setups_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_peer_setups")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_review_peer_setups_cycle_id")),
    )
    op.create_table(
        "upward_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["employees.id"], name=op.f("fk_upward_answers_manager_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["upward_rounds.id"],
            name=op.f("fk_upward_answers_round_id_upward_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_upward_answers_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upward_answers")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("upward_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_upward_answers_round_manager", ["round_id", "manager_id"], unique=False
        )

    op.create_table(
        "upward_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_upward_invitations_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["employees.id"],
            name=op.f("fk_upward_invitations_manager_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["upward_rounds.id"],
            name=op.f("fk_upward_invitations_round_id_upward_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_upward_invitations_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upward_invitations")),
        sa.UniqueConstraint(
            "round_id", "employee_id", name=op.f("uq_upward_invitations_round_id_employee_id")
        ),
    )
    with op.batch_alter_table("upward_invitations", schema=None) as batch_op:
        batch_op.create_index("ix_upward_invitations_employee_id", ["employee_id"], unique=False)
        batch_op.create_index(
            "ix_upward_invitations_round_manager", ["round_id", "manager_id"], unique=False
        )

    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('self', 'report', 'peer')", name=op.f("ck_feedback_requests_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'closed')", name=op.f("ck_feedback_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["employees.id"],
            name=op.f("fk_feedback_requests_requester_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_feedback_requests_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["employees.id"], name=op.f("fk_feedback_requests_subject_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_feedback_requests_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_requests")),
    )
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_requests_requester_id", ["requester_id"], unique=False)
        batch_op.create_index("ix_feedback_requests_review_id", ["review_id"], unique=False)
        batch_op.create_index("ix_feedback_requests_subject_id", ["subject_id"], unique=False)
        batch_op.create_index(
            "ix_feedback_requests_team_status", ["team_id", "status"], unique=False
        )

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("could_be_better", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("shared_with_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('command', 'shortcut', 'home', 'request')", name=op.f("ck_feedback_source")
        ),
        sa.CheckConstraint(
            "visibility IN ('person', 'person_manager', 'requester', 'review')",
            name=op.f("ck_feedback_visibility"),
        ),
        sa.CheckConstraint("giver_id <> subject_id", name=op.f("ck_feedback_not_self")),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["employees.id"], name=op.f("fk_feedback_giver_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_feedback_goal_id_goals"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedback_requests.id"],
            name=op.f("fk_feedback_request_id_feedback_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shared_with_id"],
            ["employees.id"],
            name=op.f("fk_feedback_shared_with_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["employees.id"], name=op.f("fk_feedback_subject_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_feedback_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_request_id", ["request_id"], unique=False)
        batch_op.create_index(
            "ix_feedback_team_giver_created", ["team_id", "giver_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_team_subject_created",
            ["team_id", "subject_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "review_peer_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("thread_key", sa.String(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("invited_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("proposed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('invited', 'proposed', 'approved')", name=op.f("ck_review_peer_sets_status")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedback_requests.id"],
            name=op.f("fk_review_peer_sets_request_id_feedback_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_peer_sets_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_review_peer_sets_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_peer_sets")),
        sa.UniqueConstraint("review_id", name=op.f("uq_review_peer_sets_review_id")),
    )
    with op.batch_alter_table("review_peer_sets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_peer_sets_team_status", ["team_id", "status"], unique=False
        )

    op.create_table(
        "feedback_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("asked_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'answered', 'declined', 'expired')",
            name=op.f("ck_feedback_asks_status"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_id"], ["employees.id"], name=op.f("fk_feedback_asks_asked_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_asks_feedback_id_feedback"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedback_requests.id"],
            name=op.f("fk_feedback_asks_request_id_feedback_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_feedback_asks_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_asks")),
        sa.UniqueConstraint(
            "request_id", "asked_id", name=op.f("uq_feedback_asks_request_id_asked_id")
        ),
    )
    with op.batch_alter_table("feedback_asks", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_asks_asked_status", ["asked_id", "status"], unique=False)
        batch_op.create_index("ix_feedback_asks_team_status", ["team_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback_asks", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_asks_team_status")
        batch_op.drop_index("ix_feedback_asks_asked_status")

    op.drop_table("feedback_asks")
    with op.batch_alter_table("review_peer_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_review_peer_sets_team_status")

    op.drop_table("review_peer_sets")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_team_subject_created")
        batch_op.drop_index("ix_feedback_team_giver_created")
        batch_op.drop_index("ix_feedback_request_id")

    op.drop_table("feedback")
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_requests_team_status")
        batch_op.drop_index("ix_feedback_requests_subject_id")
        batch_op.drop_index("ix_feedback_requests_review_id")
        batch_op.drop_index("ix_feedback_requests_requester_id")

    op.drop_table("feedback_requests")
    with op.batch_alter_table("upward_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_upward_invitations_round_manager")
        batch_op.drop_index("ix_upward_invitations_employee_id")

    op.drop_table("upward_invitations")
    with op.batch_alter_table("upward_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_upward_answers_round_manager")

    op.drop_table("upward_answers")
    op.drop_table("review_peer_setups")
    with op.batch_alter_table("upward_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_upward_rounds_team_status")

    op.drop_table("upward_rounds")
