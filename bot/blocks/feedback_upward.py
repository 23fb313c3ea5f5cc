"""Block Kit of anonymous upward rounds: HR's round modal, the invitation and its reminder,
the answer modal (which says plainly what is anonymous and what is not), and a manager's
results — averages and comments without names, or why there are none.

Pure functions; typed text (round names, questions, comments) is escaped and cut here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.blocks.feedback import mention, message, name_of, quote
from bot.blocks.feedback_modals import input_block, option, state_of, text_input
from bot.blocks.modals import modal
from bot.blocks.text import button, context, escape, header, section, truncate
from bot.feedback.upward_form import COMMENT_MAX, SCALE, question_text
from bot.feedback.upward_results import UpwardResults
from bot.i18n import Translator
from storage.upward import UpwardInvitation, UpwardRound

ROUND_MODAL = "feedback_upward_round_modal"
ANSWER_MODAL = "feedback_upward_answer_modal"
ANSWER = "feedback_upward_answer"
RESULTS = "feedback_upward_results"
NEW_ROUND = "feedback_upward_new"
SHOWN_COMMENTS = 20
COMMENT_LIMIT = 700


def day(tr: Translator, value: date) -> str:
    return str(format_date(value, format="medium", locale=tr.locale))


def round_name(round_: UpwardRound) -> str:
    return name_of(round_.name)


# ------------------------------------------------------------------------ HR's modal


def round_modal(tr: Translator, *, floor: int, questions: str) -> dict[str, Any]:
    lowest = max(3, floor)
    choices = [option(str(n), str(n)) for n in range(lowest, max(lowest, 10) + 1)]
    blocks = [
        context(tr("feedback.upward.modal.intro")),
        input_block("name", tr("feedback.upward.modal.name"), text_input(max_length=150)),
        input_block(
            "questions",
            tr("feedback.upward.modal.questions"),
            text_input(questions, multiline=True),
            hint=tr("feedback.upward.modal.questions_hint"),
        ),
        input_block("closes_on", tr("feedback.upward.modal.closes_on"), {"type": "datepicker"}),
        input_block(
            "min_answers",
            tr("feedback.upward.modal.min_answers"),
            {"type": "static_select", "options": choices, "initial_option": choices[0]},
            hint=tr("feedback.upward.modal.min_answers_hint", min=lowest),
        ),
    ]
    return modal(
        tr,
        "feedback.upward.modal.title",
        blocks,
        callback_id=ROUND_MODAL,
        submit_key="feedback.upward.modal.submit",
        metadata={},
    )


def read_min_answers(view: Any) -> int | None:
    picked = state_of(view, "min_answers").get("selected_option")
    raw = picked.get("value") if isinstance(picked, dict) else None
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 4 else None


def read_date(view: Any, block_id: str) -> date | None:
    raw = state_of(view, block_id).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def round_opened_text(
    tr: Translator, round_: UpwardRound, invited: int, managers: int, left_out: int
) -> str:
    text = tr.n(
        "feedback.upward.opened",
        invited,
        round=round_name(round_),
        managers=managers,
        date=day(tr, round_.closes_on),
    )
    if left_out:
        text += "\n" + tr.n("feedback.upward.left_out", left_out, min=round_.min_answers)
    return text


# ------------------------------------------------------------------------ the reports


def _privacy(tr: Translator, invitation: UpwardInvitation) -> str:
    return tr(
        "feedback.upward.privacy",
        manager=mention(invitation.manager.slack_id),
        min=invitation.round.min_answers,
    )


def invite(tr: Translator, invitation: UpwardInvitation) -> dict[str, Any]:
    round_ = invitation.round
    text = tr(
        "feedback.upward.invite.text",
        manager=mention(invitation.manager.slack_id),
        round=round_name(round_),
        date=day(tr, round_.closes_on),
    )
    blocks = [
        section(text),
        {
            "type": "actions",
            "block_id": f"feedback_upward_{invitation.id}",
            "elements": [
                button(tr("feedback.upward.button.answer"), ANSWER, str(invitation.id), "primary")
            ],
        },
        context(_privacy(tr, invitation)),
    ]
    return message(text, blocks)


def reminder(tr: Translator, invitation: UpwardInvitation) -> dict[str, Any]:
    round_ = invitation.round
    text = tr(
        "feedback.upward.remind.text",
        manager=mention(invitation.manager.slack_id),
        round=round_name(round_),
        date=day(tr, round_.closes_on),
    )
    blocks = [
        section(text),
        {
            "type": "actions",
            "block_id": f"feedback_upward_remind_{invitation.id}",
            "elements": [
                button(tr("feedback.upward.button.answer"), ANSWER, str(invitation.id), "primary")
            ],
        },
    ]
    return message(text, blocks)


def scale_options(tr: Translator) -> list[dict[str, Any]]:
    return [option(tr(f"feedback.upward.scale.{n}"), str(n)) for n in SCALE]


def answer_modal(tr: Translator, invitation: UpwardInvitation) -> dict[str, Any]:
    round_ = invitation.round
    blocks: list[dict[str, Any]] = [
        section(
            tr(
                "feedback.upward.answer.intro",
                manager=mention(invitation.manager.slack_id),
                round=round_name(round_),
            )
        ),
        context(_privacy(tr, invitation)),
    ]
    for index, question in enumerate(round_.questions):
        blocks.append(
            input_block(
                f"q{index}",
                truncate(question_text(question, tr.locale), 2000),
                {"type": "radio_buttons", "options": scale_options(tr)},
            )
        )
    blocks.append(
        input_block(
            "comment",
            tr("feedback.upward.answer.comment"),
            text_input(multiline=True, max_length=COMMENT_MAX),
            optional=True,
            hint=tr("feedback.upward.answer.comment_hint"),
        )
    )
    return modal(
        tr,
        "feedback.upward.answer.title",
        blocks,
        callback_id=ANSWER_MODAL,
        submit_key="feedback.upward.answer.submit",
        metadata={"n": invitation.id},
    )


def read_scores(view: Any, questions: int) -> dict[str, int | None]:
    scores: dict[str, int | None] = {}
    for index in range(questions):
        picked = state_of(view, f"q{index}").get("selected_option")
        raw = picked.get("value") if isinstance(picked, dict) else None
        valid = isinstance(raw, str) and raw in {str(n) for n in SCALE}
        scores[f"q{index}"] = int(str(raw)) if valid else None
    return scores


# ------------------------------------------------------------------------ results


def results_blocks(tr: Translator, found: UpwardResults) -> list[dict[str, Any]]:
    round_ = found.round
    title = tr("feedback.upward.results.title", round=round_name(round_))
    blocks: list[dict[str, Any]] = [section(f"*{title}*")]
    if found.state == "open":
        text = tr(
            "feedback.upward.results.open",
            date=day(tr, round_.closes_on),
            min=round_.min_answers,
        )
        return blocks + [section(text)]
    if not found.released:
        return blocks + [section(tr("feedback.upward.results.too_few", min=round_.min_answers))]
    locale = tr.locale
    lines = [
        tr(
            "feedback.upward.results.line",
            question=escape(truncate(question_text(q.question, locale), 200)),
            average=format_decimal(q.average, format="0.0", locale=locale),
            top=len(SCALE),
        )
        for q in found.questions
    ]
    blocks.append(
        section(
            truncate(
                tr.n("feedback.upward.results.count", found.answers) + "\n" + "\n".join(lines), 3000
            )
        )
    )
    if found.comments:
        blocks.append(section(f"*{tr('feedback.upward.results.comments')}*"))
        for comment in found.comments[:SHOWN_COMMENTS]:
            blocks.append(section(quote(comment, COMMENT_LIMIT)))
        if len(found.comments) > SHOWN_COMMENTS:
            more = len(found.comments) - SHOWN_COMMENTS
            blocks.append(context(tr("feedback.more", count=more)))
    blocks.append(context(tr("feedback.upward.results.footer")))
    return blocks


def results_dm(tr: Translator, found: UpwardResults) -> dict[str, Any]:
    title = tr("feedback.upward.results.title", round=round_name(found.round))
    return message(title, results_blocks(tr, found))


def results_modal(tr: Translator, found: UpwardResults) -> dict[str, Any]:
    return modal(tr, "feedback.upward.results.modal_title", results_blocks(tr, found)[:100])


def results_list(tr: Translator, found: UpwardResults | None) -> dict[str, Any]:
    """The ephemeral answer to `/kinerja feedback results`."""
    if found is None:
        text = tr("feedback.upward.results.none")
        return {"response_type": "ephemeral", "text": text, "blocks": [section(text)]}
    blocks = [header(tr("feedback.upward.results.header")), *results_blocks(tr, found)]
    title = tr("feedback.upward.results.title", round=round_name(found.round))
    return {"response_type": "ephemeral", "text": title, "blocks": blocks[:50]}
