"""Who was erased, kept without their identifier: the marks that make an erasure stick.

`erase_person` anonymises a person's row (bot/reporting/erase.py), so nothing stored says who
they were — which alone would let the next directory sync create them again from Slack. An
`ErasedPerson` row therefore keeps a keyed hash of (workspace, Slack id) that the sync, request
handling and the org import check before adding anyone; bot/org/erasure_marks.py explains the key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ErasureKey(Base):
    """One random key per workspace (hex), made when its first person is erased."""

    __tablename__ = "erasure_keys"

    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ErasedPerson(Base):
    """HMAC-SHA256(workspace key, "team_id:slack_id") of an erased person, in hex."""

    __tablename__ = "erased_people"
    __table_args__ = (UniqueConstraint("team_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime]
