"""kudos: company values, kudos and their recipients

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-24 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("name_id", sa.String(length=60), nullable=False),
        sa.Column("emoji", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_company_values_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_values")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_company_values_team_id_key")),
    )
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("value_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('command', 'shortcut', 'modal')", name=op.f("ck_kudos_source")
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["employees.id"], name=op.f("fk_kudos_giver_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_kudos_team_id_workspaces")
        ),
        sa.ForeignKeyConstraint(
            ["value_id"],
            ["company_values.id"],
            name=op.f("fk_kudos_value_id_company_values"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index("ix_kudos_team_created", ["team_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_kudos_team_giver_created", ["team_id", "giver_id", "created_at"], unique=False
        )

    op.create_table(
        "kudos_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_kudos_recipients_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["kudos_id"],
            ["kudos.id"],
            name=op.f("fk_kudos_recipients_kudos_id_kudos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_kudos_recipients_team_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos_recipients")),
        sa.UniqueConstraint(
            "kudos_id", "employee_id", name=op.f("uq_kudos_recipients_kudos_id_employee_id")
        ),
    )
    with op.batch_alter_table("kudos_recipients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_recipients_employee", ["employee_id", "kudos_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kudos_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_recipients_employee")
    op.drop_table("kudos_recipients")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_team_giver_created")
        batch_op.drop_index("ix_kudos_team_created")
    op.drop_table("kudos")
    op.drop_table("company_values")
