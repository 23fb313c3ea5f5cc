"""A manager's weekly digest and `/kinerja report` answer: their direct reports only.

Their reports' obstacles are quoted (escaped, cut to OBSTACLE_TEXT characters): the manager
already received them with the check-in. Names are written out, never mentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.monitoring import period_label
from bot.blocks.oneonone_report import manager_one_on_ones
from bot.blocks.reporting import (
    MAX_NAMES,
    OBSTACLE_TEXT,
    day,
    goal_blocks,
    limited,
    packed,
    person,
)
from bot.blocks.text import context, escape, header, truncate
from bot.i18n import Translator
from bot.reporting.periods import ONE_ON_ONE_DAYS
from bot.reporting.team import ManagerFigures


def _names(tr: Translator, people: Sequence[Any]) -> str:
    names = [person(p.name, p.slack_id) for p in people]
    return ", ".join(limited(tr, names, MAX_NAMES))


def _checkin_lines(tr: Translator, figures: ManagerFigures) -> list[str]:
    lines = []
    for status in ("answered", "late", "waiting", "not_prompted", "away"):
        people = figures.with_status(status)
        if people:
            lines.append(
                tr(f"reporting.manager.{status}", count=len(people), names=_names(tr, people))
            )
    return lines


def _review_line(tr: Translator, due: Any) -> str:
    return tr(
        f"reporting.manager.review_{due.stage}",
        employee=person(due.employee_name, due.employee_slack_id),
        due=day(tr, due.due),
        overdue=tr("reporting.manager.overdue") if due.overdue else "",
    )


def manager_digest_message(
    tr: Translator, figures: ManagerFigures, *, report: bool = False
) -> dict[str, Any]:
    """A manager's weekly DM (or `/kinerja report` answer): their direct reports only, for the
    same period the HR digest reports on (the latest whose check-in day has come)."""
    period = period_label(tr, figures.window.org_trend[-1])
    title = (
        tr("reporting.manager.report_title", date=day(tr, figures.window.today))
        if report
        else tr("reporting.manager.title", period=period)
    )
    blocks: list[dict[str, Any]] = [
        header(title),
        context(tr.n("reporting.manager.intro", len(figures.people), period=period)),
    ]
    blocks += packed(tr, tr("reporting.manager.checkins"), _checkin_lines(tr, figures))
    obstacles = [
        tr.n(
            "reporting.manager.obstacle",
            o.days_open,
            employee=person(o.employee_name, o.employee_slack_id),
            text=escape(truncate(" ".join(o.text.split()), OBSTACLE_TEXT)),
            state=(tr("reporting.manager.obstacle_escalated") if o.escalated else "")
            + (tr("reporting.manager.obstacle_helping") if o.status == "helping" else ""),
        )
        for o in figures.obstacles
    ]
    blocks += packed(
        tr,
        tr("reporting.obstacles.title", count=len(obstacles)),
        obstacles,
        tr("reporting.obstacles.none"),
    )
    blocks += goal_blocks(tr, figures.goals_at_risk, with_team=False)
    reviews = [_review_line(tr, due) for due in figures.reviews_due]
    blocks += packed(
        tr, tr("reporting.manager.reviews"), reviews, tr("reporting.manager.reviews_none")
    )
    without = [person(p.name, p.slack_id) for p in figures.without_one_on_one]
    blocks += manager_one_on_ones(tr, figures.one_on_ones, without, ONE_ON_ONE_DAYS)
    blocks.append(context(tr("reporting.manager.footer")))
    answered = tr(
        "reporting.fallback.answered",
        answered=len(figures.with_status("answered")),
        total=len(figures.people),
    )
    fallback = tr(
        "reporting.manager.fallback",
        period=period,
        answered=answered,
        obstacles=tr.n("reporting.count.open_obstacles", len(figures.obstacles)),
        goals=tr.n("reporting.count.goals_at_risk", len(figures.goals_at_risk)),
        reviews=tr.n("reporting.count.reviews_due", len(figures.reviews_due)),
    )
    return {"text": fallback, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}
