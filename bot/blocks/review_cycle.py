"""The "new review cycle" modal (HR), reading it back, and the confirmation it turns into."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.feedback_review import peer_cycle_inputs
from bot.blocks.modals import input_block, modal
from bot.blocks.review import cycle_name, day, mention
from bot.blocks.review_inputs import date_input, date_of, state_of, text_input
from bot.blocks.text import context, plain, truncate
from bot.i18n import Translator
from bot.review.forms import CycleInput, default_competencies, default_questions, default_scale
from storage.reviews import ReviewCycle

CYCLE_MODAL = "review_cycle_modal"
EVERYONE = "everyone"


def cycle_modal(tr: Translator, teams: list[tuple[int, str]]) -> dict[str, Any]:
    everyone = {"text": plain(tr("review.cycle_modal.everyone"), 75), "value": EVERYONE}
    blocks: list[dict[str, Any]] = [
        context(tr("review.cycle_modal.intro")),
        input_block("name", tr("review.cycle_modal.name"), text_input(max_length=150)),
        input_block("period_start", tr("review.cycle_modal.period_start"), date_input(None)),
        input_block("period_end", tr("review.cycle_modal.period_end"), date_input(None)),
        input_block(
            "opens_on",
            tr("review.cycle_modal.opens_on"),
            date_input(None),
            optional=True,
            hint=tr("review.cycle_modal.opens_on_hint"),
        ),
        input_block("self_due", tr("review.cycle_modal.self_due"), date_input(None)),
        input_block("manager_due", tr("review.cycle_modal.manager_due"), date_input(None)),
        input_block(
            EVERYONE,
            tr("review.cycle_modal.who"),
            {"type": "checkboxes", "options": [everyone], "initial_options": [everyone]},
            optional=True,
        ),
    ]
    if teams:
        options = [{"text": plain(name, 75), "value": str(tid)} for tid, name in teams[:100]]
        element = {
            "type": "multi_static_select",
            "options": options,
            "placeholder": plain(tr("review.cycle_modal.teams_placeholder"), 150),
        }
        blocks.append(
            input_block(
                "teams",
                tr("review.cycle_modal.teams"),
                element,
                optional=True,
                hint=tr("review.cycle_modal.teams_hint"),
            )
        )
    blocks += [
        input_block(
            "questions",
            tr("review.cycle_modal.questions"),
            text_input(default_questions(), multiline=True),
            hint=tr("review.cycle_modal.questions_hint"),
        ),
        input_block(
            "competencies",
            tr("review.cycle_modal.competencies"),
            text_input(default_competencies(), multiline=True),
            hint=tr("review.cycle_modal.competencies_hint"),
        ),
        input_block(
            "scale",
            tr("review.cycle_modal.scale"),
            text_input(default_scale(), multiline=True),
            optional=True,
            hint=tr("review.cycle_modal.scale_hint"),
        ),
    ]
    blocks += peer_cycle_inputs(tr)  # peer feedback (360): bot/blocks/feedback_review.py
    return modal(
        tr,
        "review.cycle_modal.title",
        blocks,
        callback_id=CYCLE_MODAL,
        submit_key="review.cycle_modal.submit",
    )


def read_cycle_form(view: dict[str, Any]) -> CycleInput:
    chosen = state_of(view, EVERYONE).get("selected_options") or []
    teams: list[int] = []
    for option in state_of(view, "teams").get("selected_options") or []:
        try:
            teams.append(int(str(option.get("value"))))
        except (TypeError, ValueError):
            continue
    return CycleInput(
        name=str(state_of(view, "name").get("value") or ""),
        period_start=date_of(view, "period_start"),
        period_end=date_of(view, "period_end"),
        opens_on=date_of(view, "opens_on"),
        self_due=date_of(view, "self_due"),
        manager_due=date_of(view, "manager_due"),
        # Chosen teams win over the (pre-ticked) "everyone" box: limiting is the deliberate act.
        everyone=any(o.get("value") == EVERYONE for o in chosen) and not teams,
        team_ids=teams,
        questions=str(state_of(view, "questions").get("value") or ""),
        competencies=str(state_of(view, "competencies").get("value") or ""),
        scale=str(state_of(view, "scale").get("value") or ""),
    )


def cycle_created_text(
    tr: Translator, cycle: ReviewCycle, count: int, left_out: list[str], *, today: date
) -> str:
    """The confirmation: when the cycle opens (the scheduler opens it), and for how many."""
    if cycle.opens_on <= today:
        text = tr.n("review.cycle_modal.opening", count, cycle=cycle_name(cycle))
    else:
        text = tr.n(
            "review.cycle_modal.scheduled",
            count,
            cycle=cycle_name(cycle),
            date=day(tr, cycle.opens_on),
        )
    if left_out:
        people = ", ".join(mention(s) for s in left_out[:40])
        if len(left_out) > 40:
            people += " " + tr("review.more", count=len(left_out) - 40)
        text += "\n\n" + tr("review.cycle.left_out", people=people)
    return truncate(text, 3000)
