"""The goal modal (create and edit), and the small modals around it: the reason for asking for
changes and updating progress, all in the house's modal frame (bot/blocks/modals.py). The goal
modal's state lives in bot/blocks/planning_form.py. Planning's notices are the house's notice
modal under NOTICE_TITLE, closed with NOTICE_CLOSE.
"""

from __future__ import annotations

from typing import Any

from bot.blocks import modals
from bot.blocks.modals import input_block
from bot.blocks.planning import title_of
from bot.blocks.planning_form import OPTION_TEXT_LIMIT, GoalForm, plain_number
from bot.blocks.text import button, context, divider, plain, section, truncate
from bot.i18n import Translator
from bot.planning.forms import MAX_KEY_RESULTS, KeyResultInput
from storage.goals import Goal, GoalKind, GoalLevel, KeyResultKind

GOAL_MODAL = "planning_goal_modal"
REASON_MODAL = "planning_reason_modal"
PROGRESS_MODAL = "planning_progress_modal"
PARENT_SELECT = "planning_parent"
KR_ADD = "planning_kr_add"
KR_REMOVE = "planning_kr_remove"
NOTICE_TITLE = "planning.notice.title"  # "Goals"
NOTICE_CLOSE = "planning.notice.close"  # "OK"
SAVED_TITLE = "planning.saved.title"


def _text_input(value: str, placeholder: str | None = None, **extra: Any) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", **extra}
    if value:
        element["initial_value"] = value[: extra.get("max_length", 3000)]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def _option(tr: Translator, key: str, value: str) -> dict[str, Any]:
    return {"text": plain(tr(key), OPTION_TEXT_LIMIT), "value": value}


def _radio(tr: Translator, prefix: str, values: list[str], chosen: str) -> dict[str, Any]:
    options = [_option(tr, f"{prefix}.{v}", v) for v in values]
    picked = next((o for o in options if o["value"] == chosen), options[0])
    return {"type": "radio_buttons", "options": options, "initial_option": picked}


def goal_modal(tr: Translator, form: GoalForm) -> dict[str, Any]:
    data = form.data
    editing = form.goal_id is not None
    personal = form.levels == [GoalLevel.PERSONAL.value]  # else the level is chosen in the form
    blocks: list[dict[str, Any]] = [context(tr("planning.modal.intro"))]
    blocks.append(
        input_block(
            "title",
            tr("planning.modal.title_label"),
            _text_input(data.title, tr("planning.modal.title_placeholder")),
        )
    )
    blocks.append(
        input_block(
            "description",
            tr("planning.modal.description_label"),
            _text_input(data.description, multiline=True, max_length=3000),
            optional=True,
        )
    )
    if len(form.levels) > 1:
        level = _radio(tr, "planning.level", form.levels, data.level)
        blocks.append(input_block("level", tr("planning.modal.level_label"), level))
    if form.teams and len(form.levels) > 1:
        options = [
            {"text": plain(name, OPTION_TEXT_LIMIT), "value": str(tid)}
            for tid, name in form.teams[:100]
        ]
        team: dict[str, Any] = {
            "type": "static_select",
            "options": options,
            "placeholder": plain(tr("planning.modal.team_placeholder"), 150),
        }
        chosen = next((o for o in options if o["value"] == str(data.org_team_id)), None)
        if chosen is not None:
            team["initial_option"] = chosen
        blocks.append(
            input_block(
                "team",
                tr("planning.modal.team_label"),
                team,
                optional=True,
                hint=tr("planning.modal.team_hint"),
            )
        )
    kinds = [k.value for k in GoalKind]
    blocks.append(
        input_block(
            "kind", tr("planning.modal.kind_label"), _radio(tr, "planning.kind", kinds, data.kind)
        )
    )
    due: dict[str, Any] = {"type": "datepicker"}
    if data.due_date is not None:
        due["initial_date"] = data.due_date.isoformat()
    blocks.append(input_block("due", tr("planning.modal.due_label"), due))
    parent: dict[str, Any] = {
        "type": "external_select",
        "action_id": PARENT_SELECT,  # Slack asks for options by the element's action_id
        "min_query_length": 0,
        "placeholder": plain(tr("planning.modal.parent_placeholder"), 150),
    }
    if form.parent_option is not None:
        parent["initial_option"] = form.parent_option
    blocks.append(
        input_block(
            "parent",
            tr("planning.modal.parent_label"),
            parent,
            optional=True,
            hint=tr("planning.modal.parent_hint"),
        )
    )
    blocks.append(
        input_block(
            "weight",
            tr("planning.modal.weight_label"),
            _text_input(data.weight, "1"),
            optional=True,
            hint=tr("planning.modal.weight_hint"),
        )
    )
    blocks.append(divider())
    blocks.append(section(tr("planning.modal.krs_title")))
    for number, (row, kr) in enumerate(zip(form.rows, data.key_results, strict=False), start=1):
        blocks += _key_result_blocks(tr, row, number, kr)
    if len(form.rows) < MAX_KEY_RESULTS:
        blocks.append(
            {
                "type": "actions",
                "block_id": "kr_add",
                "elements": [button(tr("planning.modal.kr_add"), KR_ADD, "add")],
            }
        )
    else:
        blocks.append(context(tr("planning.modal.kr_max")))
    return modals.modal(
        tr,
        "planning.modal.title_edit" if editing else "planning.modal.title_new",
        blocks,
        callback_id=GOAL_MODAL,
        submit_key="planning.modal.submit_personal" if personal else "planning.modal.submit_save",
        close_key="planning.modal.cancel",
        metadata=form.metadata(),
    )


def _key_result_blocks(
    tr: Translator, row: str, number: int, kr: KeyResultInput
) -> list[dict[str, Any]]:
    kinds = [k.value for k in KeyResultKind]
    return [
        {
            "type": "section",
            "block_id": f"kr_{row}_head",
            "text": {"type": "mrkdwn", "text": tr("planning.modal.kr_row", number=number)},
            "accessory": button(tr("planning.modal.kr_remove"), KR_REMOVE, row),
        },
        # Optional: an empty row is no key result, and a goal may have none; a row with
        # other fields filled but no title is refused by the core, on this input.
        input_block(
            f"kr_{row}_title",
            tr("planning.modal.kr_title_label"),
            _text_input(kr.title),
            optional=True,
        ),
        input_block(
            f"kr_{row}_kind",
            tr("planning.modal.kr_kind_label"),
            _radio(tr, "planning.kr.kind", kinds, kr.kind),
        ),
        input_block(
            f"kr_{row}_start",
            tr("planning.modal.kr_start_label"),
            _text_input(kr.start, "0"),
            optional=True,
        ),
        input_block(
            f"kr_{row}_target",
            tr("planning.modal.kr_target_label"),
            _text_input(kr.target, "100"),
            optional=True,
            hint=tr("planning.modal.kr_numbers_hint"),
        ),
        input_block(
            f"kr_{row}_unit",
            tr("planning.modal.kr_unit_label"),
            _text_input(kr.unit, tr("planning.modal.kr_unit_placeholder"), max_length=32),
            optional=True,
        ),
    ]


def reason_modal(tr: Translator, goal: Goal, metadata: dict[str, Any]) -> dict[str, Any]:
    intro = tr("planning.reason.goal", title=title_of(goal), owner=goal.owner.slack_id)
    reason = _text_input("", tr("planning.reason.placeholder"), multiline=True, max_length=2000)
    return modals.modal(
        tr,
        "planning.reason.title",
        [section(intro), input_block("reason", tr("planning.reason.label"), reason)],
        callback_id=REASON_MODAL,
        submit_key="planning.reason.submit",
        close_key="planning.modal.cancel",
        metadata=metadata,
    )


PROGRESS_BLOCK = "progress"


def progress_modal(tr: Translator, goal: Goal, by_hand: bool = False) -> dict[str, Any]:
    """One input per key result: the current value of a number, or a done box; for a goal
    whose progress is set `by_hand` (no key results, nothing aligned below), one percentage."""
    blocks: list[dict[str, Any]] = [section(f"*{title_of(goal)}*")]
    if by_hand:
        percent = (
            ""
            if goal.manual_progress is None
            else plain_number(tr, round(goal.manual_progress * 100, 1))
        )
        blocks.append(
            input_block(
                PROGRESS_BLOCK,
                tr("planning.progress.percent_label"),
                _text_input(percent, "0", max_length=6),
                hint=tr("planning.progress.percent_hint"),
            )
        )
    for kr in goal.key_results:
        block_id = f"kr_{kr.id}"
        if kr.kind == KeyResultKind.CHECK:
            done = _option(tr, "planning.progress.done", "done")
            element: dict[str, Any] = {"type": "checkboxes", "options": [done]}
            if kr.done:
                element["initial_options"] = [done]
            label = truncate(kr.title, 1900)
            blocks.append(input_block(block_id, label, element, optional=True))
        else:
            label = tr(
                "planning.progress.metric_label",
                title=truncate(kr.title, 1500),
                start=plain_number(tr, kr.start_value),
                target=plain_number(tr, kr.target_value),
                unit=kr.unit,
            ).rstrip()
            value = plain_number(tr, kr.current_value)
            blocks.append(input_block(block_id, label, _text_input(value)))
    if not goal.key_results and not by_hand:
        blocks.append(section(tr("planning.progress.none")))
    return modals.modal(
        tr,
        "planning.progress.title",
        blocks,
        callback_id=PROGRESS_MODAL,
        submit_key="planning.progress.submit" if goal.key_results or by_hand else None,
        close_key="planning.modal.cancel",
        metadata={"g": goal.id},
    )
