"""Messages of the reporting cycle: HR's weekly digest and report, and the helpers a manager's
digest shares with it (bot/blocks/reporting_team.py).

Names are written out (escaped), never as `<@U…>` mentions: a digest is read by HR or by a
manager and must not notify the people it counts. Long lists are packed into as many sections
as Slack allows and end with "…and N more", so a 10,000-person organisation still fits in one
message. The HR renderer receives DigestFigures, which hold no review or check-in text at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache, lru_cache, partial
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.blocks.feedback_digest import feedback_digest
from bot.blocks.monitoring import period_label
from bot.blocks.oneonone_report import hr_one_on_ones
from bot.blocks.text import (
    SECTION_TEXT_LIMIT,
    context,
    divider,
    escape,
    header,
    section,
    truncate,
)
from bot.i18n import Translator
from bot.reporting.figures import AGE_BUCKETS, DigestFigures, TeamTrend
from bot.reporting.goals import GoalAtRisk
from bot.reporting.periods import KUDOS_DAYS, ONE_ON_ONE_DAYS
from storage.reviews import ReviewStatus

SPARKS = "▁▂▃▄▅▆▇█"
MAX_SECTIONS_PER_LIST = 4  # keeps the whole digest well under Slack's 50 blocks
MAX_GOALS = 15
MAX_ESCALATED = 15
MAX_NAMES = 40
OBSTACLE_TEXT = 150


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=1024)
def _whole_percent(code: str, hundredths: int) -> str:
    return format_percent(hundredths / 100, locale=_locale(code))


def percent(tr: Translator, value: float | None) -> str:
    """Whole percents in the reader's format; thousands of goal lines share a few values."""
    if value is None:
        return tr("reporting.none_yet")
    return _whole_percent(tr.locale, round(value * 100))


def decimal(tr: Translator, value: float | None) -> str:
    if value is None:
        return tr("reporting.none_yet")
    return format_decimal(value, format="0.0", locale=_locale(tr.locale))


def day(tr: Translator, value: date, pattern: str = "d MMM yyyy") -> str:
    return format_date(value, pattern, locale=_locale(tr.locale))


def spark(values: Sequence[float | None], low: float = 0.0, high: float = 1.0) -> str:
    """A one-line trend: ▁ low … █ high, · where there was nothing to measure."""
    out = []
    for value in values:
        if value is None:
            out.append("·")
            continue
        share = 0.0 if high == low else (value - low) / (high - low)
        out.append(SPARKS[round(max(0.0, min(1.0, share)) * (len(SPARKS) - 1))])
    return "".join(out)


def person(name: str | None, slack_id: str) -> str:
    return escape(name or slack_id)


def packed(
    tr: Translator, title: str, lines: Sequence[str], empty: str | None = None
) -> list[dict[str, Any]]:
    """`title` and `lines` as section blocks of at most 3000 characters each, at most
    MAX_SECTIONS_PER_LIST of them; what does not fit is counted in a last line."""
    if not lines:
        return [section(f"{title}\n{empty}" if empty else title)]
    chunks: list[list[str]] = [[title]]
    size = len(title)
    shown = 0
    reserve = 40  # room for the "…and N more" line
    for line in lines:
        line = truncate(line, SECTION_TEXT_LIMIT - reserve)
        if size + 1 + len(line) > SECTION_TEXT_LIMIT - reserve:
            if len(chunks) == MAX_SECTIONS_PER_LIST:
                break
            chunks.append([])
            size = -1
        chunks[-1].append(line)
        size += 1 + len(line)
        shown += 1
    if shown < len(lines):
        chunks[-1].append(tr("reporting.more", count=len(lines) - shown))
    return [section("\n".join(chunk)) for chunk in chunks]


def limited(tr: Translator, lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], tr("reporting.more", count=len(lines) - limit)]


# ------------------------------------------------------------------------------- HR digest


def team_label(tr: Translator, trend: TeamTrend, organisation: bool = False) -> str:
    if organisation:
        return tr("reporting.organisation")
    return escape(trend.name) if trend.name is not None else tr("reporting.no_team")


def participation_line(tr: Translator, trend: TeamTrend, organisation: bool = False) -> str:
    """ "3/4 checked in (75%) · trend … · mood 3.5"; a period nobody was asked in says so, and
    the mood is left out when nobody gave one."""
    current = trend.current
    team = team_label(tr, trend, organisation)
    sparkline = spark([p.participation for p in trend.points])
    if not current.expected:
        line = tr("reporting.participation.nobody", team=team, spark=sparkline)
    else:
        line = tr(
            "reporting.participation.line",
            team=team,
            answered=current.answered,
            expected=current.expected,
            percent=percent(tr, current.participation),
            spark=sparkline,
        )
    if current.mood is not None:
        line += " · " + tr("reporting.participation.mood", mood=decimal(tr, current.mood))
    return line


def trend_text(
    tr: Translator, values: Sequence[float | None], shown: Callable[[float], str], **scale: float
) -> str:
    """ "trend ▂▅▇ (2.0 → 3.5)", or "trend ▅▅, steady at 2.0" when it did not move."""
    known = [v for v in values if v is not None]
    first, last = shown(known[0]), shown(known[-1])
    sparkline = spark(values, **scale)
    if first == last:
        return tr("reporting.trend.steady", spark=sparkline, value=last)
    return tr("reporting.trend.change", spark=sparkline, first=first, last=last)


def goal_line(tr: Translator, goal: GoalAtRisk, with_team: bool = True) -> str:
    confidence = ""
    if goal.confidence in ("at_risk", "off_track"):
        confidence = tr(f"reporting.goals.{goal.confidence}")
    team = ""
    if with_team and goal.team_name:
        team = tr("reporting.goals.team", team=escape(goal.team_name))
    return tr(
        "reporting.goals.line",
        title=escape(truncate(goal.title, 150)),
        owner=person(goal.owner_name, goal.owner_slack_id),
        team=team,
        progress=percent(tr, goal.progress),
        expected=percent(tr, goal.expected),
        confidence=confidence,
    )


def goal_blocks(
    tr: Translator, goals: Sequence[GoalAtRisk], with_team: bool = True
) -> list[dict[str, Any]]:
    """The worst MAX_GOALS goals, then how many more (only the shown ones are formatted)."""
    lines = [goal_line(tr, goal, with_team) for goal in goals[:MAX_GOALS]]
    if len(goals) > MAX_GOALS:
        lines.append(tr("reporting.more", count=len(goals) - MAX_GOALS))
    title = tr("reporting.goals.title", count=len(goals))
    return packed(tr, title, lines, tr("reporting.goals.none"))


def _mood_and_confidence(tr: Translator, figures: DigestFigures) -> list[str]:
    moods = [p.mood for p in figures.organisation.points]
    lines = []
    if any(m is not None for m in moods):
        current = figures.organisation.current.mood
        mood = (
            tr("reporting.mood.no_answers")
            if current is None
            else tr("reporting.mood.line", mood=decimal(tr, current))
        )
        shown = partial(decimal, tr)
        lines.append(f"{mood} · {trend_text(tr, moods, shown, low=1.0, high=5.0)}")
    now = figures.confidence[-1]
    lines.append(
        tr(
            "reporting.confidence.line",
            on_track=now.on_track,
            at_risk=now.at_risk,
            off_track=now.off_track,
        )
    )
    shares = [c.on_track_share for c in figures.confidence]
    known_shares = [s for s in shares if s is not None]
    if known_shares:
        trend = trend_text(tr, shares, partial(percent, tr))
        lines.append(tr("reporting.confidence.trend", trend=trend))
    return lines


def _obstacles(tr: Translator, figures: DigestFigures) -> list[dict[str, Any]]:
    summary = figures.obstacles
    title = tr("reporting.obstacles.title", count=summary.open_total)
    if not summary.open_total:
        return [section(f"{title}\n{tr('reporting.obstacles.none')}")]
    ages = tr("reporting.obstacles.ages", **{k: summary.by_age[k] for k, _ in AGE_BUCKETS})
    blocks = [section(f"{title}\n{ages}")]
    if summary.escalated:
        lines = [
            tr.n(
                "reporting.obstacles.escalated_line",
                o.days_open,
                employee=person(o.employee_name, o.employee_slack_id),
                manager=person(o.manager_name, o.manager_slack_id)
                if o.manager_slack_id
                else tr("reporting.obstacles.no_manager"),
                helping=tr("reporting.obstacles.helping") if o.status == "helping" else "",
            )
            for o in summary.escalated[:MAX_ESCALATED]
        ]
        if len(summary.escalated) > MAX_ESCALATED:
            lines.append(tr("reporting.more", count=len(summary.escalated) - MAX_ESCALATED))
        escalated = tr("reporting.obstacles.escalated", count=len(summary.escalated))
        blocks += packed(tr, escalated, lines)
    return blocks


def _reviews(tr: Translator, figures: DigestFigures) -> list[str]:
    lines = []
    for cycle in figures.cycles:
        counts = " · ".join(
            f"{tr(f'reporting.review_status.{s.value}')} {cycle.counts.get(s.value, 0)}"
            for s in ReviewStatus
        )
        lines.append(
            tr.n("reporting.reviews.line", cycle.total, cycle=escape(cycle.name), counts=counts)
        )
        if cycle.overdue_self or cycle.overdue_manager:
            lines.append(
                tr(
                    "reporting.reviews.overdue",
                    self=tr.n(
                        "reporting.count.self_reviews_overdue",
                        cycle.overdue_self,
                        date=day(tr, cycle.self_due),
                    ),
                    manager=tr.n(
                        "reporting.count.manager_reviews_overdue",
                        cycle.overdue_manager,
                        date=day(tr, cycle.manager_due),
                    ),
                )
            )
    return lines


def _recognition(tr: Translator, figures: DigestFigures) -> list[str]:
    rec = figures.recognition
    if not rec.kudos:
        return [tr.n("reporting.kudos.none", KUDOS_DAYS)]
    lines = [
        tr(
            "reporting.kudos.line",
            kudos=tr.n("reporting.count.kudos", rec.kudos),
            givers=tr.n("reporting.count.colleagues", rec.givers),
            recipients=tr.n("reporting.count.people", rec.recipients),
            days=tr.n("reporting.count.days", KUDOS_DAYS),
        )
    ]
    values = []
    for key, name_en, name_id, emoji, count in rec.by_value[:6]:
        name = (name_id if tr.locale == "id" else name_en) if key else None
        label = f"{emoji} {escape(name)}".strip() if name else tr("reporting.kudos.no_value")
        values.append(f"{label} {count}")
    lines.append(tr("reporting.kudos.values", values=" · ".join(values)))
    if rec.top:
        people = ", ".join(f"{person(n, s)} ({c})" for s, n, c in rec.top)
        lines.append(tr("reporting.kudos.top", people=people))
    return lines


def hr_digest_message(
    tr: Translator, figures: DigestFigures, *, report: bool = False
) -> dict[str, Any]:
    """The weekly digest (chat.postMessage arguments without `channel`), or with `report`
    the same figures as `/kinerja report` answers them."""
    period = period_label(tr, figures.period)
    count = len(figures.window.org_trend)
    title = (
        tr("reporting.hr.report_title", date=day(tr, figures.window.today))
        if report
        else tr("reporting.hr.title", period=period)
    )
    blocks: list[dict[str, Any]] = [
        header(title),
        context(tr.n("reporting.hr.intro", count, period=period)),
    ]
    participation_title = tr("reporting.participation.title")
    if figures.teams:
        lines = [participation_line(tr, figures.organisation, organisation=True)]
        lines += [participation_line(tr, team) for team in figures.teams]
        blocks += packed(tr, participation_title, lines)
    else:
        blocks.append(
            section(f"{participation_title}\n{tr.n('reporting.participation.none', count)}")
        )
    blocks.append(
        section("\n".join([tr("reporting.mood.title"), *_mood_and_confidence(tr, figures)]))
    )
    blocks.append(divider())
    blocks += goal_blocks(tr, figures.goals_at_risk)
    blocks += _obstacles(tr, figures)
    blocks += packed(
        tr, tr("reporting.reviews.title"), _reviews(tr, figures), tr("reporting.reviews.none")
    )
    blocks += hr_one_on_ones(tr, figures.one_on_ones, ONE_ON_ONE_DAYS)
    blocks.append(section("\n".join([tr("reporting.kudos.title"), *_recognition(tr, figures)])))
    if figures.nominations_waiting is not None:
        line = tr("reporting.nominations.line", count=figures.nominations_waiting)
        blocks.append(section(f"{tr('reporting.nominations.title')}\n{line}"))
    if figures.feedback is not None:  # counts only: bot/blocks/feedback_digest.py
        title, lines = feedback_digest(tr, figures.feedback)
        blocks += packed(tr, title, lines)
    blocks.append(context(tr("reporting.hr.report_footer" if report else "reporting.hr.footer")))
    current = figures.organisation.current
    checked_in = (
        tr("reporting.fallback.checked_in", percent=percent(tr, current.participation))
        if current.expected
        else tr("reporting.fallback.nobody_asked")
    )
    fallback = tr(
        "reporting.hr.fallback",
        period=period,
        participation=checked_in,
        goals=tr.n("reporting.count.goals_at_risk", len(figures.goals_at_risk)),
        obstacles=tr.n("reporting.count.open_obstacles", figures.obstacles.open_total),
    )
    return {"text": fallback, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def ephemeral(message: dict[str, Any]) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": message["text"], "blocks": message["blocks"]}


def as_plain_text(message: dict[str, Any]) -> str:
    """A message's blocks as terminal text (`kinerja digest --dry-run`)."""
    out: list[str] = []
    for block in message.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            out += [title, "=" * len(title)]
        elif kind == "section":
            out += [block["text"]["text"], ""]
        elif kind == "context":
            out += [*(e.get("text", "") for e in block.get("elements", [])), ""]
        elif kind == "divider":
            out.append("-" * 40)
    return "\n".join(out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
