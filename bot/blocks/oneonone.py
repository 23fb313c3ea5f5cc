"""Messages of the 1:1 cycle about the series: the message that tells the pair about it (in
their group DM, updated in place), what is said in its thread (a change, a pause, a proposal
of another time and its answer), the note about a meeting nobody will hold, and an action
item's reminder. The agenda and the summary are in bot/blocks/oneonone_agenda.py.

Times are Slack date tokens, so each of the two reads them in their own zone; the fallback
after `|` is the time in the series' zone. Everything a person typed is escaped and cut here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, get_day_names

from bot.blocks.text import button, context, escape, section, truncate
from bot.i18n import Translator
from bot.oneonone.cadence import week_ordinal, zone
from bot.oneonone.views import ItemLine, Proposal, SeriesView

SETUP = "oneonone_setup"  # value: the report's employee id
MANAGE = "oneonone_manage"  # value: series id (the rest likewise, or a meeting/item id)
PAUSE = "oneonone_pause"
RESUME = "oneonone_resume"
END = "oneonone_end"
SKIP_NEXT = "oneonone_skip_next"
PROPOSE = "oneonone_propose"
ACCEPT = "oneonone_accept"  # value: "series id:proposal number"
DECLINE = "oneonone_decline"
POINT = "oneonone_point"  # value: meeting id
POINT_NEXT = "oneonone_point_next"  # value: series id
NOTES = "oneonone_notes"
ITEM = "oneonone_item"
DONE = "oneonone_done"
SKIP = "oneonone_skip"
ITEM_DONE = "oneonone_item_done"  # value: action item id

TEXT_LIMIT = 500  # a talking point, a proposal's note, an action item's title as stored
QUOTE_LIMIT = 1500


def mention(slack_id: str) -> str:
    return f"<@{slack_id}>" if slack_id else "–"


def clean_line(text: str, limit: int) -> str:
    """A person's text on one line, cut and escaped."""
    return escape(truncate(" ".join(text.split()), limit))


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    lines = escape(truncate(text.strip(), limit)).splitlines() or [""]
    return "\n".join(f">{line}" for line in lines)


def local_text(tr: Translator, at: datetime, tz: str) -> str:
    return format_datetime(at, "EEE d MMM, HH:mm", tzinfo=zone(tz), locale=tr.locale)


def when(tr: Translator, at: datetime, tz: str) -> str:
    """A moment each reader sees in their own zone (Slack renders the token)."""
    fallback = local_text(tr, at, tz)
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def day(tr: Translator, value: date) -> str:
    return format_date(value, "EEE d MMM", locale=tr.locale)


def weekday_name(tr: Translator, value: date) -> str:
    return str(get_day_names("wide", locale=tr.locale)[value.weekday()])


def cadence_text(tr: Translator, cadence: str, starts_on: date, local_time: str, tz: str) -> str:
    """ "every week on Tuesday at 10:00 (Asia/Jakarta)"; monthly: "on the second Tuesday"."""
    weekday = weekday_name(tr, starts_on)
    if cadence == "monthly":
        ordinal = tr(f"oneonone.ordinal.{week_ordinal(starts_on)}")
        return tr(
            "oneonone.cadence.monthly", ordinal=ordinal, weekday=weekday, time=local_time, tz=tz
        )
    return tr(f"oneonone.cadence.{cadence}", weekday=weekday, time=local_time, tz=tz)


def _series_lines(tr: Translator, series: SeriesView) -> list[str]:
    rhythm = cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz)
    lines = [
        tr(
            "oneonone.series.title",
            manager=mention(series.manager_slack_id),
            report=mention(series.employee_slack_id),
        ),
        tr("oneonone.series.rhythm", rhythm=rhythm),
    ]
    if series.status == "ended":
        lines.append(tr("oneonone.series.ended"))
    elif series.status == "paused":
        lines.append(tr("oneonone.series.paused"))
    elif series.next_at is not None:
        lines.append(tr("oneonone.series.next", when=when(tr, series.next_at, series.tz)))
    return lines


def series_message(tr: Translator, series: SeriesView) -> dict[str, Any]:
    """The pair's message about their series: what it is, what comes next, and a button for
    each thing either of them may want (a click that is not theirs to make is told why)."""
    lines = _series_lines(tr, series)
    blocks: list[dict[str, Any]] = [section("\n".join(lines))]
    if series.status != "ended":
        blocks.append(context(tr("oneonone.series.how")))
        elements = [
            button(tr("oneonone.button.add_point"), POINT_NEXT, str(series.series_id), "primary"),
            button(tr("oneonone.button.skip_next"), SKIP_NEXT, str(series.series_id)),
            button(tr("oneonone.button.propose"), PROPOSE, str(series.series_id)),
            button(tr("oneonone.button.manage"), MANAGE, str(series.series_id)),
        ]
        blocks.append({"type": "actions", "block_id": "oneonone_series", "elements": elements})
    fallback = tr(
        "oneonone.series.fallback",
        rhythm=cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz),
    )
    return {"text": fallback, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def series_note(
    tr: Translator, kind: str, series: SeriesView, actor_slack_id: str | None
) -> dict[str, Any]:
    """A change to the series, said in its thread: changed, paused, resumed, ended (by the
    manager), or ended because the reporting line changed (`pair_changed`)."""
    values: dict[str, object] = {
        "actor": mention(actor_slack_id or ""),
        "manager": mention(series.manager_slack_id),
        "report": mention(series.employee_slack_id),
        "rhythm": cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz),
    }
    text = tr(f"oneonone.note.{kind}", **values)
    if kind in ("changed", "resumed") and series.next_at is not None:
        text += " " + tr("oneonone.series.next", when=when(tr, series.next_at, series.tz))
    return {"text": text, "blocks": [section(text)], "unfurl_links": False}


def skipped_note(
    tr: Translator,
    *,
    scheduled_at: datetime,
    tz: str,
    by_slack_id: str | None,
    away: list[str],
    next_at: datetime | None,
) -> dict[str, Any]:
    """A meeting that will not be held: skipped by one of the pair, or because one of them is
    away; its talking points move to the next one."""
    moment = when(tr, scheduled_at, tz)
    if away:
        text = tr("oneonone.skipped.away", when=moment, people=", ".join(map(mention, away)))
    else:
        text = tr("oneonone.skipped.asked", when=moment, actor=mention(by_slack_id or ""))
    if next_at is not None:
        text += " " + tr("oneonone.skipped.next", when=when(tr, next_at, tz))
    return {"text": text, "blocks": [section(text)], "unfurl_links": False}


def proposal_message(
    tr: Translator, series: SeriesView, proposal: Proposal, *, outcome: str | None = None
) -> dict[str, Any]:
    """The report's proposal, in the series' thread, with the manager's two buttons; once
    answered (`outcome`: accepted, declined, superseded) it shows the answer instead."""
    rhythm = cadence_text(tr, series.cadence, proposal.starts_on, proposal.local_time, series.tz)
    text = tr(
        "oneonone.proposal.text",
        manager=mention(series.manager_slack_id),
        report=mention(series.employee_slack_id),
        rhythm=rhythm,
        date=day(tr, proposal.starts_on),
    )
    blocks: list[dict[str, Any]] = [section(text)]
    if proposal.note.strip():
        blocks.append(section(quote(proposal.note, TEXT_LIMIT)))
    if outcome is None:
        value = f"{series.series_id}:{proposal.number}"
        blocks.append(
            {
                "type": "actions",
                "block_id": "oneonone_proposal",
                "elements": [
                    button(tr("oneonone.button.accept"), ACCEPT, value, "primary"),
                    button(tr("oneonone.button.decline"), DECLINE, value),
                ],
            }
        )
    else:
        blocks.append(context(tr(f"oneonone.proposal.{outcome}")))
    return {"text": text, "blocks": blocks, "unfurl_links": False}


def proposal_answer(tr: Translator, series: SeriesView, *, accepted: bool) -> dict[str, Any]:
    """What the report is told in the thread when the manager answers."""
    values = {
        "manager": mention(series.manager_slack_id),
        "report": mention(series.employee_slack_id),
        "rhythm": cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz),
    }
    text = tr("oneonone.proposal.accepted_note" if accepted else "oneonone.proposal.declined_note",
              **values)  # fmt: skip
    if accepted and series.next_at is not None:
        text += " " + tr("oneonone.series.next", when=when(tr, series.next_at, series.tz))
    return {"text": text, "blocks": [section(text)], "unfurl_links": False}


def item_text(tr: Translator, item: ItemLine, *, owner: bool = True) -> str:
    """ "• Send the plan — @eko, due Thu 3 Dec (overdue)"; a done one struck through."""
    title = clean_line(item.title, 200)
    if item.done:
        return tr("oneonone.item.done_line", title=title, owner=mention(item.owner_slack_id))
    key = "oneonone.item.overdue" if item.overdue else "oneonone.item.due"
    line = tr(key, title=title, due=day(tr, item.due_on))
    return (
        tr("oneonone.item.owned", line=line, owner=mention(item.owner_slack_id)) if owner else line
    )


def reminder_message(tr: Translator, item: ItemLine, other_slack_id: str) -> dict[str, Any]:
    """One reminder before an action item is due, to its owner."""
    text = tr(
        "oneonone.reminder.text",
        title=clean_line(item.title, 200),
        due=day(tr, item.due_on),
        other=mention(other_slack_id),
    )
    blocks = [
        section(
            text,
            accessory=button(tr("oneonone.button.item_done"), ITEM_DONE, str(item.item_id)),
        ),
        context(tr("oneonone.reminder.hint")),
    ]
    return {"text": text, "blocks": blocks, "unfurl_links": False}
