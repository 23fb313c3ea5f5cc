"""foundation: marks of erased people, so the directory sync never adds them again

A keyed hash of (workspace, Slack id) per erased person and the workspace's random key
(storage/erasures.py, bot/org/erasure_marks.py).

Revision ID: 0014a
Revises: 0001b
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0014a"
down_revision: str | None = "0001b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_keys",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_erasure_keys_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_erasure_keys")),
    )
    op.create_table(
        "erased_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("erased_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_erased_people_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_people")),
        sa.UniqueConstraint(
            "team_id", "fingerprint", name=op.f("uq_erased_people_team_id_fingerprint")
        ),
    )


def downgrade() -> None:
    op.drop_table("erased_people")
    op.drop_table("erasure_keys")
