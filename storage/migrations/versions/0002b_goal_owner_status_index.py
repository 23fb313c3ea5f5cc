"""planning: index goals by owner and status, and by level and status

`active_goals_of` (every check-in) asks for one person's goals in one state. With only
(team_id, owner_id) and (team_id, status) to choose from, SQLite — which keeps no statistics
unless told to — took the second and read every active goal of the workspace: 2 ms a query
with 30,000 goals (bench/ack_latency.py). (team_id, owner_id, status) serves that query and
every query the old (team_id, owner_id) index served. Likewise `team_goals` (every App Home)
reads the company's and one team's goals: (team_id, level, status) finds them without reading
the personal goals of everybody.

Revision ID: 0002b
Revises: 0002
Create Date: 2026-11-24 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002b"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_goals_team_owner_status", ["team_id", "owner_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_goals_team_level_status", ["team_id", "level", "status"], unique=False
        )
        batch_op.drop_index("ix_goals_team_owner")


def downgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index("ix_goals_team_owner", ["team_id", "owner_id"], unique=False)
        batch_op.drop_index("ix_goals_team_level_status")
        batch_op.drop_index("ix_goals_team_owner_status")
