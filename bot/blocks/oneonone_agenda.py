"""A meeting's agenda (posted in the pair's group DM, updated in place as talking points and
action items are added, and when it is held or skipped) and the summary Done posts in its
thread. Pure functions of bot/oneonone/views.py values.

A message holds at most 50 blocks: the lists from the check-ins are already cut by the core
(with their full counts, shown as "and N more"), talking points are packed into a few
sections, and at most ITEM_BUTTONS action items get their own **Mark done** button.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.monitoring import CONFIDENCE_EMOJI, period_key_label
from bot.blocks.oneonone import (
    DONE,
    ITEM,
    ITEM_DONE,
    NOTES,
    POINT,
    SKIP,
    clean_line,
    item_text,
    local_text,
    mention,
    quote,
    when,
)
from bot.blocks.text import SECTION_TEXT_LIMIT, button, context, divider, header, section, truncate
from bot.i18n import Translator
from bot.oneonone.views import AgendaView, KudosLine, PointLine, SummaryView

ITEM_BUTTONS = 10
POINT_LIMIT = 500
MAX_POINT_SECTIONS = 4
NOTE_LIMIT = 1200


def _more(tr: Translator, lines: list[str], total: int) -> list[str]:
    if total > len(lines):
        return [*lines, "_" + tr("oneonone.more", count=total - len(lines)) + "_"]
    return lines


def _kudos_line(tr: Translator, kudos: KudosLine) -> str:
    name = kudos.value_id if tr.locale == "id" else kudos.value_en
    value = f" ({kudos.emoji} {clean_line(name, 60)})".replace("( ", "(") if name else ""
    return tr(
        "oneonone.agenda.kudos_line",
        giver=mention(kudos.giver_slack_id),
        value=value,
        message=clean_line(kudos.message, 150),
    )


def packed_sections(
    title: str, lines: list[str], limit: int = MAX_POINT_SECTIONS
) -> list[dict[str, Any]]:
    """`title` and `lines` as a few sections of at most Slack's 3000 characters each."""
    chunks: list[list[str]] = [[title]]
    size = len(title)
    for line in lines:
        line = truncate(line, SECTION_TEXT_LIMIT - 100)
        if size + 1 + len(line) > SECTION_TEXT_LIMIT - 100:
            if len(chunks) == limit:
                break
            chunks.append([])
            size = -1
        chunks[-1].append(line)
        size += 1 + len(line)
    return [section("\n".join(chunk)) for chunk in chunks]


def point_lines(points: tuple[PointLine, ...]) -> list[str]:
    return [f"• {mention(p.author_slack_id)}: {clean_line(p.text, POINT_LIMIT)}" for p in points]


def _from_checkins(tr: Translator, agenda: AgendaView) -> list[dict[str, Any]]:
    counts = agenda.counts
    found: list[dict[str, Any]] = []
    obstacles = []
    for o in agenda.obstacles:
        text, helping = clean_line(o.text, 200), tr("oneonone.agenda.helping") if o.helping else ""
        if o.days_open:
            obstacles.append(
                tr.n("oneonone.agenda.obstacle_line", o.days_open, text=text, helping=helping)
            )
        else:
            obstacles.append(tr("oneonone.agenda.obstacle_today", text=text, helping=helping))
    support = [
        f"• _{period_key_label(tr, s.period)}_: {clean_line(s.text, 300)}" for s in agenda.support
    ]
    goals = [
        tr(
            "oneonone.agenda.goal_line",
            emoji=CONFIDENCE_EMOJI.get(g.confidence, ""),
            title=clean_line(g.title, 150),
            confidence=tr(f"oneonone.confidence.{g.confidence}"),
            percent=round(g.progress * 100),
        )
        for g in agenda.goals
    ]
    kudos = [_kudos_line(tr, k) for k in agenda.kudos]
    for name, lines in (
        ("obstacles", obstacles),
        ("support", support),
        ("goals", goals),
        ("kudos", kudos),
    ):
        if lines:
            body = "\n".join(_more(tr, lines, counts.get(name, len(lines))))
            found.append(section(truncate(f"*{tr(f'oneonone.agenda.{name}')}*\n{body}", 3000)))
    return found


def _items(tr: Translator, agenda: AgendaView, live: bool) -> list[dict[str, Any]]:
    if not agenda.items:
        return []
    title = f"*{tr('oneonone.agenda.items')}*"
    if not live:
        lines = _more(tr, [item_text(tr, i) for i in agenda.items], agenda.counts.get("items", 0))
        return [section(truncate(title + "\n" + "\n".join(lines), 3000))]
    blocks: list[dict[str, Any]] = [section(title)]
    for item in agenda.items[:ITEM_BUTTONS]:
        done = button(tr("oneonone.button.item_done"), ITEM_DONE, str(item.item_id))
        blocks.append(section(item_text(tr, item), accessory=done))
    hidden = agenda.counts.get("items", len(agenda.items)) - min(len(agenda.items), ITEM_BUTTONS)
    if hidden > 0:
        blocks.append(context(tr("oneonone.agenda.items_more", count=hidden)))
    return blocks


def _status(tr: Translator, agenda: AgendaView) -> str:
    if agenda.status == "held":
        return tr("oneonone.agenda.held", actor=mention(agenda.done_by_slack_id or ""))
    if agenda.status == "skipped":
        return tr("oneonone.agenda.skipped", actor=mention(agenda.skipped_by_slack_id or ""))
    if agenda.status == "lapsed":
        return tr("oneonone.agenda.lapsed")
    return tr("oneonone.agenda.open")


def agenda_message(tr: Translator, agenda: AgendaView) -> dict[str, Any]:
    moment = when(tr, agenda.scheduled_at, agenda.tz)
    blocks: list[dict[str, Any]] = [
        header(tr("oneonone.agenda.header", when=local_text(tr, agenda.scheduled_at, agenda.tz))),
        section(
            tr(
                "oneonone.agenda.intro",
                manager=mention(agenda.manager_slack_id),
                report=mention(agenda.employee_slack_id),
                when=moment,
            )
        ),
    ]
    if agenda.since is not None:
        blocks.append(context(tr("oneonone.agenda.since", when=when(tr, agenda.since, agenda.tz))))
    else:
        blocks.append(context(tr("oneonone.agenda.first")))
    found = _from_checkins(tr, agenda)
    blocks += found or [context(tr("oneonone.agenda.nothing"))]
    live = agenda.status == "open"
    blocks += _items(tr, agenda, live)
    points_title = f"*{tr('oneonone.agenda.points')}*"
    if agenda.points:
        blocks += packed_sections(points_title, point_lines(agenda.points))
    else:
        empty = tr("oneonone.agenda.no_points" if live else "oneonone.agenda.no_points_closed")
        blocks.append(section(f"{points_title}\n_{empty}_"))
    elements = []
    if live:
        elements = [
            button(tr("oneonone.button.add_point"), POINT, str(agenda.meeting_id)),
            button(tr("oneonone.button.notes"), NOTES, str(agenda.meeting_id)),
            button(tr("oneonone.button.add_item"), ITEM, str(agenda.meeting_id)),
            button(tr("oneonone.button.done"), DONE, str(agenda.meeting_id), "primary"),
            {
                **button(tr("oneonone.button.skip"), SKIP, str(agenda.meeting_id)),
                "confirm": {
                    "title": {"type": "plain_text", "text": tr("oneonone.confirm.skip_title")},
                    "text": {"type": "plain_text", "text": tr("oneonone.confirm.skip_text")},
                    "confirm": {"type": "plain_text", "text": tr("oneonone.button.skip")},
                    "deny": {"type": "plain_text", "text": tr("oneonone.confirm.deny")},
                },
            },
        ]
    elif agenda.status == "held":
        elements = [
            button(tr("oneonone.button.notes"), NOTES, str(agenda.meeting_id)),
            button(tr("oneonone.button.add_item"), ITEM, str(agenda.meeting_id)),
        ]
    blocks.append(divider())
    if elements:
        blocks.append({"type": "actions", "block_id": "oneonone_agenda", "elements": elements})
    blocks.append(context(_status(tr, agenda), tr("oneonone.agenda.private_hint")))
    fallback = tr(
        "oneonone.agenda.fallback",
        manager=mention(agenda.manager_slack_id),
        report=mention(agenda.employee_slack_id),
        when=local_text(tr, agenda.scheduled_at, agenda.tz),
    )
    return {"text": fallback, "blocks": blocks[:50], "unfurl_links": False, "unfurl_media": False}


def summary_message(tr: Translator, summary: SummaryView) -> dict[str, Any]:
    """Done's reply in the agenda's thread: talking points, shared notes, action items."""
    title = tr(
        "oneonone.summary.title",
        when=when(tr, summary.scheduled_at, summary.tz),
        actor=mention(summary.done_by_slack_id),
    )
    blocks: list[dict[str, Any]] = [section(title)]
    if summary.points:
        blocks += packed_sections(
            f"*{tr('oneonone.agenda.points')}*", point_lines(summary.points), 2
        )
    for note in summary.notes:
        label = tr("oneonone.summary.notes_by", author=mention(note.author_slack_id))
        blocks.append(section(f"{label}\n{quote(note.text, NOTE_LIMIT)}"))
    if summary.new_items:
        lines = [item_text(tr, i) for i in summary.new_items]
        blocks.append(
            section(truncate(f"*{tr('oneonone.summary.items')}*\n" + "\n".join(lines), 3000))
        )
    if summary.completed_items:
        lines = [item_text(tr, i) for i in summary.completed_items]
        blocks.append(
            section(truncate(f"*{tr('oneonone.summary.completed')}*\n" + "\n".join(lines), 3000))
        )
    if not (summary.points or summary.notes or summary.new_items or summary.completed_items):
        blocks.append(context(tr("oneonone.summary.empty")))
    hints = []
    if summary.next_at is not None:
        hints.append(tr("oneonone.summary.next", when=when(tr, summary.next_at, summary.tz)))
    hints.append(tr("oneonone.summary.private"))
    blocks.append(context(*hints))
    fallback = tr(
        "oneonone.summary.fallback", when=local_text(tr, summary.scheduled_at, summary.tz)
    )
    return {"text": fallback, "blocks": blocks[:50], "unfurl_links": False, "unfurl_media": False}
