"""The digest's chart: check-in participation and average mood per team over the last periods.

Rendered with matplotlib's Agg canvas on a `Figure` object (no pyplot, so no global state and
safe in the scheduler's threads) to PNG bytes. Every label comes from the i18n catalogue and
dates are written in the reader's language. The organisation's line is drawn thick and black;
at most MAX_TEAMS teams (the largest) get their own coloured line, so the chart stays readable.

`ChartData` is plain JSON, so a chart waiting to be uploaded can be stored and re-rendered
identically after a restart.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_percent

from bot.blocks.monitoring import period_key_label
from bot.i18n import Translator
from bot.reporting.figures import DigestFigures, TeamTrend

MAX_TEAMS = 8
COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
)


@dataclass(frozen=True)
class Series:
    name: str | None  # None with `organisation` False: the people in no team
    organisation: bool
    participation: list[float | None]  # 0..1 per period
    mood: list[float | None]  # 1..5 per period


@dataclass(frozen=True)
class ChartData:
    period: str  # the key of the period the digest reports on ("2026-W48", "2026-11")
    ends: list[str]  # ISO dates: the last day of each period, oldest first
    series: list[Series]

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "ends": self.ends,
            "series": [s.__dict__ for s in self.series],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChartData:
        """Also reads charts queued before the period replaced the sending week ("week")."""
        period = str(data.get("period") or data.get("week") or "")
        return cls(period, list(data["ends"]), [Series(**s) for s in data["series"]])

    @property
    def empty(self) -> bool:
        return all(v is None for s in self.series for v in s.participation)


def _series(trend: TeamTrend, organisation: bool = False) -> Series:
    return Series(
        trend.name,
        organisation,
        [p.participation for p in trend.points],
        [p.mood for p in trend.points],
    )


def chart_data(figures: DigestFigures) -> ChartData:
    """The organisation and its largest teams (by people asked over the window)."""
    largest = sorted(
        figures.teams, key=lambda t: (-sum(p.expected for p in t.points), t.name or "")
    )[:MAX_TEAMS]
    chosen = [t for t in figures.teams if t in largest]
    return ChartData(
        figures.period.key,
        [p.end.isoformat() for p in figures.window.org_trend],
        [_series(figures.organisation, organisation=True), *(_series(t) for t in chosen)],
    )


def _nan(values: list[float | None], scale: float = 1.0) -> list[float]:
    return [math.nan if v is None else v * scale for v in values]


def render_chart(data: ChartData, tr: Translator) -> bytes:
    """PNG bytes, about 1300×900 pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    figure = Figure(figsize=(12, 8.2), dpi=110)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    count = len(data.ends)
    xs = list(range(count))
    figure.suptitle(
        tr.n("reporting.chart.title", count, period=period_key_label(tr, data.period)),
        fontsize=16,
        weight="bold",
    )
    colours = iter(COLOURS)
    for series in data.series:
        if series.organisation:
            label = tr("reporting.organisation")
            style = {"color": "black", "linewidth": 3.2, "zorder": 5}
        else:
            label = series.name if series.name is not None else tr("reporting.no_team")
            style = {"color": next(colours), "linewidth": 1.8, "zorder": 3}
        top.plot(xs, _nan(series.participation, 100), marker="o", label=label, **style)
        bottom.plot(xs, _nan(series.mood), marker="o", **style)
    organisation = data.series[0] if data.series else None
    if organisation is not None and organisation.participation[-1] is not None:
        value = organisation.participation[-1]
        top.annotate(
            format_percent(value, locale=tr.locale),
            (xs[-1], value * 100),
            textcoords="offset points",
            xytext=(8, 6),
            fontsize=12,
            weight="bold",
        )
    top.set_ylim(0, 105)
    top.yaxis.set_major_formatter(PercentFormatter(100))
    top.set_ylabel(tr("reporting.chart.participation"), fontsize=12)
    bottom.set_ylim(1, 5.2)
    bottom.set_yticks([1, 2, 3, 4, 5])
    bottom.set_ylabel(tr("reporting.chart.mood"), fontsize=12)
    bottom.set_xlabel(tr("reporting.chart.period"), fontsize=12)
    bottom.set_xticks(xs)
    bottom.set_xticklabels(
        [format_date(date.fromisoformat(end), "d MMM", locale=tr.locale) for end in data.ends],
        fontsize=11,
    )
    for axes in (top, bottom):
        axes.grid(True, alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(labelsize=11)
    if data.empty:
        top.text(
            0.5,
            0.5,
            tr("reporting.chart.empty"),
            transform=top.transAxes,
            ha="center",
            va="center",
            fontsize=16,
            color="grey",
        )
    else:
        figure.legend(loc="center right", fontsize=11, frameon=False, bbox_to_anchor=(0.99, 0.5))
    figure.tight_layout(rect=(0, 0, 0.77 if not data.empty else 1, 0.95))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
