"""The 1:1 modals — setting up a series, proposing another time, adding a talking point,
taking notes, adding an action item — and reading what comes back from them.

Every input's action_id is VALUE and its block id is the core's field name, so an error the
core names (bot/oneonone/errors.py `Invalid`) lands under its input. What comes back is
untrusted: each reader returns plain strings ("" when a value is missing or odd) and leaves
judging them to the core.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.blocks.modals import modal
from bot.blocks.oneonone import (
    END,
    PAUSE,
    RESUME,
    TEXT_LIMIT,
    cadence_text,
    local_text,
    mention,
    quote,
)
from bot.blocks.payload import element_state
from bot.blocks.text import button, context, plain, section
from bot.i18n import Translator
from bot.oneonone.cadence import local_day
from bot.oneonone.views import ItemForm, NotesForm, SeriesForm, SeriesView

SERIES_MODAL = "oneonone_series_modal"
PROPOSE_MODAL = "oneonone_propose_modal"
POINT_MODAL = "oneonone_point_modal"
NOTES_MODAL = "oneonone_notes_modal"
ITEM_MODAL = "oneonone_item_modal"
VALUE = "value"
NOTES_LIMIT = 3000
ITEM_TITLE_LIMIT = 200
CADENCES = ("weekly", "biweekly", "monthly")
DEFAULT_TIME = "10:00"


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": VALUE},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text(value: str = "", *, limit: int, multiline: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": limit}
    if multiline:
        element["multiline"] = True
    if value:
        element["initial_value"] = value[:limit]
    return element


def _options(tr: Translator, values: tuple[str, ...], prefix: str) -> list[dict[str, Any]]:
    return [{"text": plain(tr(f"{prefix}.{v}"), 75), "value": v} for v in values]


def _radio(tr: Translator, values: tuple[str, ...], prefix: str, chosen: str) -> dict[str, Any]:
    options = _options(tr, values, prefix)
    element: dict[str, Any] = {"type": "radio_buttons", "options": options}
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def _date(value: date) -> dict[str, Any]:
    return {"type": "datepicker", "initial_date": value.isoformat()}


def _time(value: str) -> dict[str, Any]:
    return {"type": "timepicker", "initial_time": value}


def series_modal(tr: Translator, form: SeriesForm) -> dict[str, Any]:
    series = form.series
    report = mention(form.report_slack_id)
    if series is None:
        intro = tr("oneonone.modal.series_new", report=report)
        cadence, starts_on, at = "weekly", form.today + timedelta(days=1), DEFAULT_TIME
    else:
        rhythm = cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz)
        intro = tr("oneonone.modal.series_current", report=report, rhythm=rhythm)
        if series.status == "paused":
            intro += "\n" + tr("oneonone.series.paused")
        elif series.next_at is not None:
            intro += "\n" + tr(
                "oneonone.modal.series_next", when=local_text(tr, series.next_at, series.tz)
            )
        cadence, at = series.cadence, series.local_time
        starts_on = max(series.starts_on, form.today)
        if series.next_at is not None:
            starts_on = max(starts_on, local_day(series.next_at, series.tz))
    blocks: list[dict[str, Any]] = [
        section(intro),
        _input("cadence", tr("oneonone.modal.cadence"),
               _radio(tr, CADENCES, "oneonone.cadence_name", cadence)),
        _input("starts_on", tr("oneonone.modal.starts_on"), _date(starts_on),
               hint=tr("oneonone.modal.starts_on_hint")),
        _input("local_time", tr("oneonone.modal.time"), _time(at),
               hint=tr("oneonone.modal.time_hint", tz=form.tz)),
        context(tr("oneonone.modal.series_how", report=report)),
    ]  # fmt: skip
    if series is not None:
        value = str(series.series_id)
        pause = (
            button(tr("oneonone.button.resume"), RESUME, value, "primary")
            if series.status == "paused"
            else button(tr("oneonone.button.pause"), PAUSE, value)
        )
        end = {
            **button(tr("oneonone.button.end"), END, value, "danger"),
            "confirm": {
                "title": plain(tr("oneonone.confirm.end_title"), 100),
                "text": plain(tr("oneonone.confirm.end_text"), 300),
                "confirm": plain(tr("oneonone.button.end"), 30),
                "deny": plain(tr("oneonone.confirm.deny"), 30),
                "style": "danger",
            },
        }
        blocks.append({"type": "actions", "block_id": "oneonone_manage", "elements": [pause, end]})
    return modal(
        tr,
        "oneonone.modal.series_title",
        blocks,
        callback_id=SERIES_MODAL,
        submit_key="oneonone.modal.save",
        metadata={"r": form.report_id},
    )


def propose_modal(tr: Translator, series: SeriesView, today: date) -> dict[str, Any]:
    rhythm = cadence_text(tr, series.cadence, series.starts_on, series.local_time, series.tz)
    following = local_day(series.next_at, series.tz) if series.next_at else today
    starts_on = max(today + timedelta(days=1), following)
    blocks = [
        section(tr("oneonone.modal.propose_intro", manager=mention(series.manager_slack_id),
                   rhythm=rhythm)),
        _input("starts_on", tr("oneonone.modal.propose_date"), _date(starts_on),
               hint=tr("oneonone.modal.starts_on_hint")),
        _input("local_time", tr("oneonone.modal.time"), _time(series.local_time),
               hint=tr("oneonone.modal.time_hint", tz=series.tz)),
        _input("note", tr("oneonone.modal.propose_note"), _text(limit=TEXT_LIMIT, multiline=True),
               optional=True),
    ]  # fmt: skip
    return modal(
        tr,
        "oneonone.modal.propose_title",
        blocks,
        callback_id=PROPOSE_MODAL,
        submit_key="oneonone.modal.propose_submit",
        metadata={"s": series.series_id},
    )


def point_modal(
    tr: Translator, other_slack_id: str, *, meeting_id: int | None = None,
    series_id: int | None = None, when_text: str = "",
) -> dict[str, Any]:  # fmt: skip
    """A talking point for one meeting (`meeting_id`), or for the series' next (`series_id`)."""
    intro = tr("oneonone.modal.point_intro", other=mention(other_slack_id), when=when_text)
    blocks = [
        section(intro),
        _input("text", tr("oneonone.modal.point"), _text(limit=TEXT_LIMIT, multiline=True)),
    ]
    metadata = {"m": meeting_id} if meeting_id is not None else {"s": series_id}
    return modal(
        tr,
        "oneonone.modal.point_title",
        blocks,
        callback_id=POINT_MODAL,
        submit_key="oneonone.modal.add",
        metadata=metadata,
    )


def notes_modal(tr: Translator, form: NotesForm) -> dict[str, Any]:
    other = mention(form.other_slack_id)
    blocks: list[dict[str, Any]] = [
        section(tr("oneonone.modal.notes_intro", when=local_text(tr, form.scheduled_at, form.tz)))
    ]
    if form.other_shared.strip():
        shared_by = tr("oneonone.modal.notes_other", other=other)
        blocks.append(section(f"{shared_by}\n{quote(form.other_shared, 2800)}"))
    blocks += [
        _input("shared", tr("oneonone.modal.notes_shared"),
               _text(form.shared, limit=NOTES_LIMIT, multiline=True), optional=True,
               hint=tr("oneonone.modal.notes_shared_hint", other=other)),
        _input("private", tr("oneonone.modal.notes_private"),
               _text(form.private, limit=NOTES_LIMIT, multiline=True), optional=True,
               hint=tr("oneonone.modal.notes_private_hint")),
    ]  # fmt: skip
    return modal(
        tr,
        "oneonone.modal.notes_title",
        blocks,
        callback_id=NOTES_MODAL,
        submit_key="oneonone.modal.save",
        metadata={"m": form.meeting_id},
    )


def item_modal(tr: Translator, form: ItemForm) -> dict[str, Any]:
    owners = [
        {"text": plain(tr("oneonone.modal.item_owner_report"), 75), "value": "report"},
        {"text": plain(tr("oneonone.modal.item_owner_manager"), 75), "value": "manager"},
    ]
    owner = {"type": "radio_buttons", "options": owners, "initial_option": owners[0]}
    blocks = [
        section(
            tr(
                "oneonone.modal.item_intro",
                manager=mention(form.manager_slack_id),
                report=mention(form.employee_slack_id),
            )
        ),
        _input("title", tr("oneonone.modal.item_title"), _text(limit=ITEM_TITLE_LIMIT)),
        _input("owner", tr("oneonone.modal.item_owner"), owner),
        _input("due_on", tr("oneonone.modal.item_due"), _date(form.today + timedelta(days=7)),
               hint=tr("oneonone.modal.item_due_hint")),
    ]  # fmt: skip
    return modal(
        tr,
        "oneonone.modal.item_title_short",
        blocks,
        callback_id=ITEM_MODAL,
        submit_key="oneonone.modal.add",
        metadata={"m": form.meeting_id},
    )


# ------------------------------------------------------------------ reading the state back


def typed(view: Any, block_id: str) -> str:
    """What the person typed or picked in one input, as text ("" when missing or odd)."""
    state = element_state(view, block_id, VALUE)
    for key in ("value", "selected_date", "selected_time"):
        value = state.get(key)
        if isinstance(value, str):
            return value
    option = state.get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return str(option["value"])
    return ""
