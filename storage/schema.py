"""Every model module, imported in one place so Alembic and the tests see the whole schema.

Each cycle keeps its tables in its own module (and its migrations on its own branch from 0001);
add the module here when it is created.
"""

from storage import (
    checkins,
    erasures,
    feedback,
    goals,
    kudos,
    models,
    nominations,
    oneonones,
    reviews,
    upward,
)
from storage.models import Base

metadata = Base.metadata

__all__ = [
    "checkins",
    "erasures",
    "feedback",
    "goals",
    "kudos",
    "metadata",
    "models",
    "nominations",
    "oneonones",
    "reviews",
    "upward",
]
