"""What every export file's rows are read with: a streaming query, so a year of check-ins
goes to the CSV a chunk at a time and memory stays flat."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session

from bot.reporting.export_scope import ExportScope

CHUNK = 2000

# One file's rows: read for what the exporter may see.
Source = Callable[[Session, ExportScope], Iterable[Any]]


def stream(session: Session, query: Executable) -> Iterator[Any]:
    yield from session.execute(query, execution_options={"yield_per": CHUNK})
