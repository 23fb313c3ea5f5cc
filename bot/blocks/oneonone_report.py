"""1:1s in the digests and `/kinerja report`: how many were held and skipped in the last
days — a manager's own (with the reports who have no series yet), and for HR every
manager's. Counts and names only: nothing a pair wrote is ever passed in here.

Reads plain figures (bot/oneonone/counts.py shapes them), so the reporting messages that use
it do not load the 1:1 core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.blocks.text import SECTION_TEXT_LIMIT, escape, section, truncate
from bot.i18n import Translator

MAX_MANAGERS = 40
MAX_SECTIONS = 2


class Counted(Protocol):
    @property
    def held(self) -> int: ...

    @property
    def skipped(self) -> int: ...

    @property
    def lapsed(self) -> int: ...


class ManagerRow(Protocol):
    @property
    def slack_id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def reports(self) -> int: ...

    @property
    def with_series(self) -> int: ...

    @property
    def counts(self) -> Counted: ...


def _person(name: str | None, slack_id: str) -> str:
    """Names written out, never mentions: a digest must not notify the people it counts."""
    return escape(name or slack_id)


def _sections(title: str, lines: list[str]) -> list[dict[str, Any]]:
    """`title` and `lines` in at most MAX_SECTIONS sections of Slack's 3000 characters."""
    chunks: list[list[str]] = [[title]]
    size = len(title)
    for line in lines:
        line = truncate(line, 500)
        if size + 1 + len(line) > SECTION_TEXT_LIMIT - 100:
            if len(chunks) == MAX_SECTIONS:
                break
            chunks.append([])
            size = -1
        chunks[-1].append(line)
        size += 1 + len(line)
    return [section("\n".join(chunk)) for chunk in chunks]


def counts_text(tr: Translator, counts: Counted) -> str:
    text = tr("oneonone.report.counts", held=counts.held, skipped=counts.skipped)
    if counts.lapsed:
        text += " · " + tr("oneonone.report.lapsed", count=counts.lapsed)
    return text


def manager_one_on_ones(
    tr: Translator, counts: Counted, without: Sequence[str], days: int
) -> list[dict[str, Any]]:
    """`without`: the names (already escaped) of the manager's reports with no series."""
    lines = [counts_text(tr, counts)]
    if without:
        shown = list(without[:MAX_MANAGERS])
        if len(without) > MAX_MANAGERS:
            shown.append(tr("oneonone.more", count=len(without) - MAX_MANAGERS))
        names = ", ".join(shown)
        lines.append(tr("oneonone.report.without", count=len(without), names=names))
    return [section("\n".join([tr("oneonone.report.title", days=days), *lines]))]


def hr_one_on_ones(tr: Translator, rows: Sequence[ManagerRow], days: int) -> list[dict[str, Any]]:
    title = tr("oneonone.report.title", days=days)
    if not rows:
        return [section(f"{title}\n{tr('oneonone.report.no_managers')}")]
    held = sum(r.counts.held for r in rows)
    skipped = sum(r.counts.skipped for r in rows)
    covered = sum(r.with_series for r in rows)
    reports = sum(r.reports for r in rows)
    total = tr(
        "oneonone.report.total", held=held, skipped=skipped, covered=covered, reports=reports
    )
    lines = [
        tr(
            "oneonone.report.manager",
            manager=_person(r.name, r.slack_id),
            counts=counts_text(tr, r.counts),
            covered=r.with_series,
            reports=r.reports,
        )
        for r in rows[:MAX_MANAGERS]
    ]
    if len(rows) > MAX_MANAGERS:
        lines.append(tr("oneonone.more", count=len(rows) - MAX_MANAGERS))
    return _sections(f"{title}\n{total}", lines)
