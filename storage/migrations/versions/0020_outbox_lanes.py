"""Outbox lanes: interactive rows are claimed before scheduled ones, scheduled before bulk

Revision ID: 0020
Revises: 0001
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(
            sa.Column("lane", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_outbox_lane_due", ["status", "lane", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_lane_due")
        batch_op.drop_column("lane")
