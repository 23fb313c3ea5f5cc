"""Modals of the Monitoring cycle: the check-in, the manager's reply, the schedule (admin).

Block ids are the core's field names (`kr_12`, `conf_7`, `mood`, `wins`, …), so a
MonitoringValidationError maps straight onto inline errors.
"""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from bot.blocks.modals import MAX_BLOCKS, input_block, modal
from bot.blocks.monitoring import input_number, percent, period_label, short_date
from bot.blocks.text import context, divider, escape, plain, section, truncate
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.monitoring.checkin_form import CheckinForm
    from bot.monitoring.schedule import ScheduleSpec

CHECKIN_CALLBACK = "monitoring_checkin"
REPLY_CALLBACK = "monitoring_reply"
SCHEDULE_CALLBACK = "monitoring_schedule"
# Blocks outside the goals: period, goals title, divider, five questions, spare.
FIXED_BLOCKS = 10
LABEL_LIMIT = 2000
CONFIDENCES = ("on_track", "at_risk", "off_track")
TEXT_MAX = 1000
OBSTACLES_MAX = 1600  # five lines of up to 300 characters, with line breaks


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


def _text(action_id: str, initial: str, max_length: int, placeholder: str | None = None) -> dict:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": True,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def _goal_blocks(
    tr: Translator, form: CheckinForm, shown: dict[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """Goal sections and inputs within the block budget; returns (blocks, goals left out)."""
    blocks: list[dict[str, Any]] = []
    budget = MAX_BLOCKS - FIXED_BLOCKS
    for index, goal in enumerate(form.goals):
        needed = 2 + len(goal.key_results)
        if len(blocks) + needed > budget:
            return blocks, len(form.goals) - index
        title = escape(truncate(goal.title, 150))
        progress = percent(form.progress.get(goal.id, 0.0))
        blocks.append(section(tr("monitoring.modal.goal", title=title, progress=progress)))
        for kr in goal.key_results:
            label = truncate(kr.title, LABEL_LIMIT)
            if kr.kind == "check":
                option = _option(tr("monitoring.modal.done_option"), "done")
                element: dict[str, Any] = {
                    "type": "checkboxes",
                    "action_id": "done",
                    "options": [option],
                }
                if kr.done:
                    element["initial_options"] = [option]
                blocks.append(input_block(f"done_{kr.id}", label, element, optional=True))
                continue
            initial = input_number(tr, kr.current_value)
            shown[str(kr.id)] = initial
            element = {
                "type": "plain_text_input",
                "action_id": "value",
                "placeholder": plain(tr("monitoring.modal.kr_placeholder"), 150),
            }
            if initial:
                element["initial_value"] = initial
            hint = tr(
                "monitoring.modal.kr_hint",
                start=input_number(tr, kr.start_value) or "0",
                target=input_number(tr, kr.target_value) or "?",
                unit=kr.unit,
            ).rstrip()
            blocks.append(input_block(f"kr_{kr.id}", label, element, hint=hint, optional=True))
        chosen = form.confidence.get(goal.id, "on_track")
        options = [_option(tr(f"monitoring.confidence.{c}"), c) for c in CONFIDENCES]
        select = {
            "type": "static_select",
            "action_id": "confidence",
            "options": options,
            "initial_option": options[CONFIDENCES.index(chosen)]
            if chosen in CONFIDENCES
            else options[0],
        }
        label = tr("monitoring.modal.confidence_label", title=truncate(goal.title, 150))
        blocks.append(input_block(f"conf_{goal.id}", label, select, optional=False))
    return blocks, 0


def checkin_modal(tr: Translator, form: CheckinForm, zone: tzinfo) -> dict[str, Any]:
    existing = form.existing
    intro = tr("monitoring.modal.period", period=period_label(tr, form.period))
    blocks: list[dict[str, Any]] = [section(intro)]
    if existing is not None:
        when = short_date(tr, existing.submitted_at.astimezone(zone).date())
        blocks.append(context(tr("monitoring.modal.editing", date=when)))
    shown: dict[str, str] = {}
    if form.goals:
        blocks.append(section(tr("monitoring.modal.goals_title")))
        goal_blocks, left_out = _goal_blocks(tr, form, shown)
        blocks.extend(goal_blocks)
        if left_out:
            blocks.append(context(tr.n("monitoring.modal.more_goals", left_out)))
    else:
        blocks.append(context(tr("monitoring.modal.no_goals")))
    blocks.append(divider())
    questions = form.schedule.questions
    if "mood" in questions:
        options = [_option(tr(f"monitoring.mood.{n}"), str(n)) for n in range(1, 6)]
        mood: dict[str, Any] = {"type": "radio_buttons", "action_id": "mood", "options": options}
        if existing is not None and existing.mood:
            mood["initial_option"] = options[existing.mood - 1]
        blocks.append(input_block("mood", tr("monitoring.modal.mood"), mood, optional=False))
    answers = {
        "wins": existing.wins if existing else "",
        "obstacles": "\n".join(o.text for o in form.open_obstacles),
        "support": existing.support if existing else "",
        "plans": existing.plans if existing else "",
    }
    for name in ("wins", "obstacles", "support", "plans"):
        if name not in questions:
            continue
        limit = OBSTACLES_MAX if name == "obstacles" else TEXT_MAX
        hint = tr("monitoring.modal.obstacles_hint", count=5) if name == "obstacles" else None
        element = _text(name, answers[name], limit, tr(f"monitoring.modal.{name}_placeholder"))
        label = tr(f"monitoring.modal.{name}")
        blocks.append(input_block(name, label, element, hint=hint, optional=True))
    metadata: dict[str, Any] = {"p": form.period.key, "s": shown}
    if len(json.dumps(metadata, separators=(",", ":"))) > 3000:
        metadata = {"p": form.period.key}  # too many to carry: each value is read as typed
    return modal(
        tr,
        "monitoring.modal.title",
        blocks,
        callback_id=CHECKIN_CALLBACK,
        submit_key="monitoring.modal.submit",
        close_key="monitoring.modal.close",
        metadata=metadata,
    )


def reply_modal(
    tr: Translator, checkin_id: int, employee_slack_id: str, period_text: str
) -> dict[str, Any]:
    element = _text("reply", "", 2000)
    blocks = [
        context(
            tr("monitoring.reply.context", employee=f"<@{employee_slack_id}>", period=period_text)
        ),
        input_block("reply", tr("monitoring.reply.label"), element, optional=False),
    ]
    view = modal(
        tr,
        "monitoring.reply.title",
        blocks,
        callback_id=REPLY_CALLBACK,
        submit_key="monitoring.reply.submit",
        close_key="monitoring.modal.close",
    )
    view["private_metadata"] = str(checkin_id)  # the bare id, as replies in flight carry it
    return view


def schedule_modal(
    tr: Translator,
    spec: ScheduleSpec,
    *,
    team_id: int | None,
    team_name: str | None,
    escalation_days: int | None,
) -> dict[str, Any]:
    """The org default when `team_id` is None (with the escalation setting), else one team's."""
    scope = (
        tr("monitoring.schedule.scope_team", team=escape(team_name or ""))
        if team_id is not None
        else tr("monitoring.schedule.scope_org")
    )
    cadences = [
        _option(tr(f"monitoring.cadence.{c}"), c) for c in ("weekly", "biweekly", "monthly")
    ]
    weekdays = [_option(tr(f"monitoring.weekday.{d}"), str(d)) for d in range(7)]
    questions = [
        _option(tr(f"monitoring.question.{q}"), q)
        for q in ("mood", "wins", "obstacles", "support", "plans")
    ]
    blocks: list[dict[str, Any]] = [section(scope)]
    if team_id is not None:
        inherit = _option(tr("monitoring.schedule.inherit"), "inherit")
        element: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": "inherit",
            "options": [inherit],
        }
        if spec.source != "team":
            element["initial_options"] = [inherit]
        label = tr("monitoring.schedule.inherit_label")
        blocks.append(input_block("inherit", label, element, optional=True))
    blocks += [
        input_block(
            "cadence",
            tr("monitoring.schedule.cadence"),
            {
                "type": "static_select",
                "action_id": "cadence",
                "options": cadences,
                "initial_option": next(o for o in cadences if o["value"] == spec.cadence.value),
            },
            optional=False,
        ),
        input_block(
            "weekday",
            tr("monitoring.schedule.weekday"),
            {
                "type": "static_select",
                "action_id": "weekday",
                "options": weekdays,
                "initial_option": weekdays[spec.weekday],
            },
            optional=False,
        ),
        input_block(
            "local_time",
            tr("monitoring.schedule.time"),
            {"type": "timepicker", "action_id": "local_time", "initial_time": spec.local_time},
            optional=False,
            hint=tr("monitoring.schedule.time_hint"),
        ),
        input_block(
            "questions",
            tr("monitoring.schedule.questions"),
            {
                "type": "checkboxes",
                "action_id": "questions",
                "options": questions,
                **(
                    {"initial_options": [o for o in questions if o["value"] in spec.questions]}
                    if spec.questions
                    else {}
                ),
            }, optional=True,
        ),
    ]
    if team_id is None:
        element = {
            "type": "plain_text_input",
            "action_id": "escalation_days",
            "initial_value": str(escalation_days or 7),
        }
        blocks.append(
            input_block(
                "escalation_days",
                tr("monitoring.schedule.escalation"),
                element,
                optional=False,
                hint=tr("monitoring.schedule.escalation_hint"),
            )
        )
    return modal(
        tr,
        "monitoring.schedule.title",
        blocks,
        callback_id=SCHEDULE_CALLBACK,
        submit_key="monitoring.schedule.submit",
        close_key="monitoring.modal.close",
        metadata={"team": team_id},
    )
