"""The App Home's 1:1 section: each series the person is in (with the next meeting and a way
to add a talking point to it), a manager's reports without one yet, and the person's own open
action items with **Mark done**. A pure function of what bot/oneonone/home.py loaded."""

from __future__ import annotations

from typing import Any

from bot.blocks.oneonone import (
    ITEM_DONE,
    MANAGE,
    POINT_NEXT,
    PROPOSE,
    SETUP,
    cadence_text,
    clean_line,
    day,
    mention,
    when,
)
from bot.blocks.text import button, context, header, section
from bot.i18n import Translator
from bot.oneonone.views import HomeSeries, OneOnOneHome

SERIES_SHOWN = 6  # the section stays small: the Home holds 100 blocks for every cycle
REPORTS_SHOWN = 3
ITEMS_SHOWN = 5


def _series_line(tr: Translator, series: HomeSeries) -> str:
    rhythm = cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz)
    line = tr("oneonone.home.with", other=mention(series.other_slack_id), rhythm=rhythm)
    if series.status == "paused":
        line += "\n" + tr("oneonone.series.paused")
    elif series.next_at is not None:
        line += "\n" + tr("oneonone.series.next", when=when(tr, series.next_at, series.tz))
    if series.proposal:
        key = (
            "oneonone.home.proposal_manager"
            if series.side == "manager"
            else "oneonone.home.proposal_report"
        )
        line += "\n_" + tr(key) + "_"
    return line


def home_blocks(tr: Translator, home: OneOnOneHome) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [header(tr("oneonone.home.title"))]
    if home.empty:
        key = "oneonone.home.empty_report" if home.has_manager else "oneonone.home.empty"
        blocks.append(context(tr(key)))
        return blocks
    for series in home.series[:SERIES_SHOWN]:
        value = str(series.series_id)
        if series.status == "active":
            action = button(tr("oneonone.button.add_point"), POINT_NEXT, value)
        elif series.side == "manager":
            action = button(tr("oneonone.button.manage"), MANAGE, value)
        else:
            action = button(tr("oneonone.button.propose"), PROPOSE, value)
        blocks.append(section(_series_line(tr, series), accessory=action))
    if len(home.series) > SERIES_SHOWN:
        blocks.append(context(tr("oneonone.more", count=len(home.series) - SERIES_SHOWN)))
    for report in home.without_series[:REPORTS_SHOWN]:
        text = tr("oneonone.home.no_series", report=mention(report.slack_id))
        setup = button(tr("oneonone.button.setup"), SETUP, str(report.employee_id), "primary")
        blocks.append(section(text, accessory=setup))
    if len(home.without_series) > REPORTS_SHOWN:
        hidden = len(home.without_series) - REPORTS_SHOWN
        blocks.append(context(tr("oneonone.home.more_reports", count=hidden)))
    if home.items:
        blocks.append(section(f"*{tr('oneonone.home.items')}*"))
        for item in home.items[:ITEMS_SHOWN]:
            key = "oneonone.home.item_overdue" if item.overdue else "oneonone.home.item"
            text = tr(
                key,
                title=clean_line(item.title, 200),
                other=mention(item.other_slack_id),
                due=day(tr, item.due_on),
            )
            done = button(tr("oneonone.button.item_done"), ITEM_DONE, str(item.item_id))
            blocks.append(section(text, accessory=done))
        hidden = home.more_items + max(0, len(home.items) - ITEMS_SHOWN)
        if hidden:
            blocks.append(context(tr("oneonone.more", count=hidden)))
    blocks.append(context(tr("oneonone.home.hint")))
    return blocks
