"""Messages of the Monitoring cycle: prompts, the manager's thread and check-in summaries, and
what the employee is told. Pure functions returning {"text": fallback, "blocks": [...]}.

Everything a person typed (wins, obstacles, replies, goal titles) goes through `escape` and is
cut to Slack's limits here, never in the core.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.blocks.text import button, context, escape, section, truncate
from bot.i18n import Translator
from storage.checkins import Cadence, ObstacleStatus

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.monitoring.periods import Period
    from bot.monitoring.rules import Reader
    from bot.monitoring.summary import CheckinSummary, GoalLine, ObstacleLine

START_CHECKIN = "monitoring_start_checkin"
ACKNOWLEDGE = "monitoring_ack"
REPLY = "monitoring_reply"
OBSTACLE_HELP = "monitoring_obstacle_help"
OBSTACLE_RESOLVE = "monitoring_obstacle_resolve"

CONFIDENCE_EMOJI = {
    "on_track": ":large_green_circle:",
    "at_risk": ":large_yellow_circle:",
    "off_track": ":red_circle:",
}
MOOD_EMOJI = {
    1: ":tired_face:",
    2: ":slightly_frowning_face:",
    3: ":neutral_face:",
    4: ":slightly_smiling_face:",
    5: ":star-struck:",
}
ANSWER_LIMIT = 1200  # of one answer inside a summary section
OBSTACLES_SHOWN = 10


def short_date(tr: Translator, day: date) -> str:
    return format_date(day, "d MMM", locale=tr.locale)


def period_label(tr: Translator, period: Period) -> str:
    """A period as people say it, the one way every message, report and chart names it:
    "week of 30 Nov – 6 Dec" / "minggu 30 Nov – 6 Des", "the two weeks 30 Nov – 13 Dec",
    "November 2026". The year is added when the period spans two years."""
    return _period_label(tr.locale, period)


@lru_cache(maxsize=512)
def _period_label(locale: str, period: Period) -> str:
    """Remembered per language and period: a fan-out names the same period thousands of
    times, and Babel's date formatting is the slow part of a prompt (0.4 ms)."""
    tr = Translator(locale)
    pattern = "d MMM yyyy" if period.start.year != period.end.year else "d MMM"
    start = format_date(period.start, pattern, locale=tr.locale)
    end = format_date(period.end, pattern, locale=tr.locale)
    if period.cadence is Cadence.WEEKLY:
        return tr("monitoring.period.weekly", start=start, end=end)
    if period.cadence is Cadence.BIWEEKLY:
        return tr("monitoring.period.biweekly", start=start, end=end)
    return format_date(period.start, "LLLL yyyy", locale=tr.locale)


def period_key_label(tr: Translator, key: str) -> str:
    """The label of a stored period key ("2026-W49"); a key that names no period (data from
    an older version) is shown as it is rather than lost."""
    # Imported here, not at the top: the package bot.monitoring (its facade) imports the
    # modules that render through this one, so loading it first would be circular at run time.
    from bot.monitoring.periods import parse_period

    try:
        return period_label(tr, parse_period(key))
    except ValueError:
        return escape(key)


def input_number(tr: Translator, value: float | None) -> str:
    """A value as the modal pre-fills it: no grouping, the locale's decimal sign, so that
    planning's parse_number reads it back exactly ("1234,5" in Indonesian)."""
    if value is None:
        return ""
    text = str(int(value)) if float(value).is_integer() else f"{value:.6f}".rstrip("0")
    return text.replace(".", ",") if tr.locale == "id" else text


def show_number(tr: Translator, value: float | None) -> str:
    return "–" if value is None else format_decimal(value, locale=tr.locale)


def percent(progress: float) -> int:
    return round(progress * 100)


def _quote(text: str, limit: int = ANSWER_LIMIT) -> str:
    return "\n".join(f">{line}" for line in escape(truncate(text, limit)).splitlines() or [""])


def reader_hint(tr: Translator, reader: Reader) -> str:
    """Who reads the check-in, truthfully: the manager, HR standing in, or nobody."""
    if reader.slack_id is None:
        return tr("monitoring.prompt.hint_nobody")
    key = "monitoring.prompt.hint_stand_in" if reader.stand_in else "monitoring.prompt.hint"
    return tr(key, reader=f"<@{reader.slack_id}>")


def prompt_message(
    tr: Translator, period: Period, reader: Reader, *, reminder: bool
) -> dict[str, Any]:
    label = period_label(tr, period)
    body = tr("monitoring.reminder.body" if reminder else "monitoring.prompt.body", period=label)
    blocks = [
        section(body),
        context(reader_hint(tr, reader)),
        {
            "type": "actions",
            "block_id": "checkin_prompt",
            "elements": [
                button(tr("monitoring.button.start"), START_CHECKIN, period.key, "primary")
            ],
        },
    ]
    text_key = "monitoring.reminder.text" if reminder else "monitoring.prompt.text"
    return {"text": tr(text_key, period=label), "blocks": blocks}


def prompt_done(
    tr: Translator, period: Period, at: datetime, zone: ZoneInfo, reader: Reader
) -> dict[str, Any]:
    """The prompt once the check-in is in: what was done, when, who has it, and **Edit**."""
    label = period_label(tr, period)
    when = format_datetime(at.astimezone(zone), "EEE d MMM, HH:mm", locale=tr.locale)
    if reader.slack_id is None:
        who = tr("monitoring.done.nobody")
    else:
        who = tr("monitoring.done.reader", reader=f"<@{reader.slack_id}>")
    return {
        "text": tr("monitoring.done.text", period=label),
        "blocks": [
            section(tr("monitoring.done.body", period=label, when=when)),
            context(who),
            {
                "type": "actions",
                "block_id": "checkin_prompt",
                "elements": [button(tr("monitoring.home.edit"), START_CHECKIN, period.key)],
            },
        ],
    }


def _goal_lines(tr: Translator, goal: GoalLine) -> list[str]:
    before, after = percent(goal.progress_before), percent(goal.progress_after)
    confidence = (
        CONFIDENCE_EMOJI.get(goal.confidence, "")
        + " "
        + tr(f"monitoring.confidence.{goal.confidence}")
    )
    title = escape(truncate(goal.title, 150))
    if before == after:
        lines = [
            tr("monitoring.summary.goal_same", title=title, progress=after, confidence=confidence)
        ]
    else:
        lines = [
            tr(
                "monitoring.summary.goal_moved",
                title=title,
                before=before,
                after=after,
                delta=f"{after - before:+d}",
                confidence=confidence,
            )
        ]
    for change in goal.changes:
        kr = escape(truncate(change.title, 150))
        if change.kind == "check":
            key = (
                "monitoring.summary.kr_done" if change.done_after else "monitoring.summary.kr_open"
            )
            lines.append(tr(key, kr=kr))
        else:
            lines.append(
                tr(
                    "monitoring.summary.kr_metric",
                    kr=kr,
                    before=show_number(tr, change.before),
                    after=show_number(tr, change.after),
                    target=show_number(tr, change.target),
                    unit=escape(change.unit),
                ).rstrip()
            )
    return lines


def _obstacle_blocks(tr: Translator, line: ObstacleLine, *, actions: bool) -> list[dict[str, Any]]:
    status = tr(f"monitoring.obstacle.status.{line.status}")
    if line.status == ObstacleStatus.HELPING and line.helper_slack_id:
        status = tr("monitoring.obstacle.helping_by", helper=f"<@{line.helper_slack_id}>")
    text = tr("monitoring.obstacle.line", text=escape(truncate(line.text, 500)), status=status)
    out: list[dict[str, Any]] = [section(text)]
    if actions and line.status != ObstacleStatus.RESOLVED:
        elements = []
        if line.status == ObstacleStatus.OPEN:
            elements.append(
                button(tr("monitoring.button.help"), OBSTACLE_HELP, str(line.id), "primary")
            )
        elements.append(button(tr("monitoring.button.resolved"), OBSTACLE_RESOLVE, str(line.id)))
        out.append({"type": "actions", "block_id": f"obstacle_{line.id}", "elements": elements})
    return out


def summary_message(
    tr: Translator, summary: CheckinSummary, reader_slack_id: str, stand_in: bool = False
) -> dict[str, Any]:
    """One check-in as its reader and the employee both see it in their group DM; obstacles
    stand out, each with its own buttons. The buttons are the reader's (the employee may
    resolve their own obstacle); the thread under it is their conversation."""
    who = f"<@{summary.employee_slack_id}>"
    reader = f"<@{reader_slack_id}>"
    label = period_label(tr, summary.period)
    title = tr("monitoring.summary.title", employee=who, period=label)
    if summary.mood is not None:
        title += "  " + tr(
            "monitoring.summary.mood", mood=summary.mood, emoji=MOOD_EMOJI.get(summary.mood, "")
        )
    blocks: list[dict[str, Any]] = [section(title)]
    if stand_in:
        blocks.append(context(tr("monitoring.summary.stand_in", employee=who, reader=reader)))
    if summary.edits:
        blocks.append(context(tr("monitoring.summary.edited", count=summary.edits)))
    goal_text: list[str] = []
    for goal in summary.goals:
        goal_text.extend(_goal_lines(tr, goal))
    if goal_text:
        blocks.append(section(tr("monitoring.summary.goals") + "\n" + "\n".join(goal_text)))
    for key, answer in (
        ("wins", summary.wins),
        ("support", summary.support),
        ("plans", summary.plans),
    ):
        if answer.strip():
            blocks.append(section(tr(f"monitoring.summary.{key}") + "\n" + _quote(answer)))
    open_count = sum(1 for o in summary.obstacles if o.status != ObstacleStatus.RESOLVED)
    if summary.obstacles:
        blocks.append(section(tr("monitoring.summary.obstacles", count=open_count)))
        for line in summary.obstacles[:OBSTACLES_SHOWN]:
            blocks.extend(_obstacle_blocks(tr, line, actions=True))
    elements = [button(tr("monitoring.button.reply"), REPLY, str(summary.checkin_id))]
    if summary.acknowledged_at is None:
        elements.insert(
            0, button(tr("monitoring.button.acknowledge"), ACKNOWLEDGE, str(summary.checkin_id))
        )
    else:
        blocks.append(context(tr("monitoring.summary.acknowledged", reader=reader)))
    blocks = blocks[:48]
    blocks.append({"type": "actions", "block_id": "checkin_answer", "elements": elements})
    blocks.append(context(tr("monitoring.summary.thread_hint", employee=who, reader=reader)))
    fallback = tr("monitoring.summary.text", employee=who, period=label)
    return {"text": fallback, "blocks": blocks}


def _to_employee(
    tr: Translator, key: str, employee_slack_id: str, manager_slack_id: str, period: Period
) -> str:
    """A line of the pair's thread that names the employee (a thread reply notifies only who
    is mentioned), their manager and the period."""
    return tr(
        key,
        employee=f"<@{employee_slack_id}>",
        manager=f"<@{manager_slack_id}>",
        period=period_label(tr, period),
    )


def ack_to_employee(
    tr: Translator, employee_slack_id: str, manager_slack_id: str, period: Period
) -> dict[str, Any]:
    text = _to_employee(tr, "monitoring.ack.body", employee_slack_id, manager_slack_id, period)
    return {"text": text, "blocks": [section(text)]}


def reply_in_thread(
    tr: Translator, employee_slack_id: str, manager_slack_id: str, period: Period, reply: str
) -> dict[str, Any]:
    head = _to_employee(tr, "monitoring.reply.thread", employee_slack_id, manager_slack_id, period)
    return {"text": head, "blocks": [section(head + "\n" + _quote(reply, 2500))]}


def obstacle_news(
    tr: Translator, employee_slack_id: str, actor_slack_id: str, line: ObstacleLine
) -> dict[str, Any]:
    key = (
        "monitoring.obstacle.news_helping"
        if line.status == ObstacleStatus.HELPING
        else "monitoring.obstacle.news_resolved"
    )
    head = tr(key, employee=f"<@{employee_slack_id}>", person=f"<@{actor_slack_id}>")
    return {"text": head, "blocks": [section(head + "\n" + _quote(line.text, 500))]}


def obstacle_reminder(
    tr: Translator, line: ObstacleLine, now: datetime, manager_slack_id: str
) -> dict[str, Any]:
    """Names the manager: in the pair's thread only a mention notifies them."""
    days = max(0, (now - line.opened_at).days)
    head = f"<@{manager_slack_id}> " + tr.n(
        "monitoring.obstacle.reminder", days, employee=f"<@{line.employee_slack_id}>"
    )
    blocks = [section(head)] + _obstacle_blocks(tr, line, actions=True)
    return {"text": head, "blocks": blocks}
