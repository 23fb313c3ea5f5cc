"""The review modals: the self-review with the period's evidence, its confirmation, the
manager review and the "ask to discuss" comment; plus reading them back. (The new-cycle modal
is in bot/blocks/review_cycle.py.)

Block ids are the core's field names (bot/review/forms.py), so a validation error lands on its
input. A modal holds at most 100 blocks: questions and competencies are capped at 10 each and
the evidence lists are cut with "and N more".
"""

from __future__ import annotations

from typing import Any

from bot.blocks.feedback_review import peer_evidence_blocks
from bot.blocks.modals import input_block, modal
from bot.blocks.monitoring import period_key_label
from bot.blocks.oneonone_evidence import action_item_evidence
from bot.blocks.review import answers_blocks, cycle_name, day, mention, ratings_lines
from bot.blocks.review_inputs import selected_int, state_of, text_input
from bot.blocks.text import context, divider, escape, plain, section, truncate
from bot.i18n import Translator
from bot.review.evidence import Evidence
from bot.review.forms import (
    SUMMARY,
    ReviewInput,
    answer_field,
    label,
    question_text,
    rating_field,
)
from bot.reward.values import value_name
from storage.reviews import Review, ReviewCycle

SELF_MODAL = "review_self_modal"
SELF_CONFIRM = "review_self_confirm"
MANAGER_MODAL = "review_manager_modal"
DISCUSS_MODAL = "review_discuss_modal"
SAVE_DRAFT = "review_save_draft"
SHOWN = {"goals": 8, "wins": 5, "obstacles": 5, "kudos": 5}


# ------------------------------------------------------------------------- evidence


def _more(tr: Translator, lines: list[str], total: int) -> str:
    if total > len(lines):
        lines = [*lines, "_" + tr("review.more", count=total - len(lines)) + "_"]
    return "\n".join(lines)


def evidence_blocks(tr: Translator, evidence: Evidence, cycle: ReviewCycle) -> list[dict[str, Any]]:
    title = tr(
        "review.evidence.title", start=day(tr, cycle.period_start), end=day(tr, cycle.period_end)
    )
    blocks: list[dict[str, Any]] = [section(f"*{title}*")]
    goals = [
        tr(
            "review.evidence.goal",
            title=escape(truncate(g.title, 100)),
            percent=round(g.progress * 100),
            status=tr(f"review.goal_status.{g.status}"),
        )
        for g in evidence.goals[: SHOWN["goals"]]
    ]
    wins = [
        f"• _{period_key_label(tr, w.period)}_: {escape(truncate(' '.join(w.text.split()), 200))}"
        for w in evidence.wins[: SHOWN["wins"]]
    ]
    obstacles = [
        tr(
            "review.evidence.obstacle",
            text=escape(truncate(" ".join(o.text.split()), 200)),
            status=tr(f"review.obstacle_status.{o.status}"),
        )
        for o in evidence.obstacles[: SHOWN["obstacles"]]
    ]
    kudos = []
    for k in evidence.kudos[: SHOWN["kudos"]]:
        value = f" ({escape(value_name(k.value, tr.locale))})" if k.value is not None else ""
        message = escape(truncate(" ".join(k.message.split()), 150))
        kudos.append(f"• {mention(k.giver.slack_id)}{value}: {message}")
    for name, lines in (
        ("goals", goals),
        ("wins", wins),
        ("obstacles", obstacles),
        ("kudos", kudos),
    ):
        heading = f"*{tr(f'review.evidence.{name}')}*"
        body = (
            _more(tr, lines, evidence.counts.get(name, len(lines)))
            if lines
            else ("_" + tr(f"review.evidence.no_{name}") + "_")
        )
        blocks.append(section(truncate(f"{heading}\n{body}", 3000)))
    blocks += action_item_evidence(tr, evidence.action_items, evidence.action_items_total)
    return blocks


# ------------------------------------------------------------------------- self-review


def _rating_select(
    tr: Translator, cycle: ReviewCycle, chosen: Any, placeholder: str
) -> dict[str, Any]:
    options = [
        {
            "text": plain(truncate(f"{s['value']} · {label(s, tr.locale)}", 75), 75),
            "value": str(s["value"]),
        }
        for s in cycle.scale
    ]
    element: dict[str, Any] = {
        "type": "static_select",
        "options": options,
        "placeholder": plain(tr(placeholder), 150),
    }
    picked = next((o for o in options if o["value"] == str(chosen)), None)
    if chosen is not None and picked is not None:
        element["initial_option"] = picked
    return element


def self_modal(
    tr: Translator,
    review: Review,
    evidence: Evidence,
    saved: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    cycle = review.cycle
    blocks: list[dict[str, Any]] = [
        section(
            tr(
                "review.self_modal.intro",
                cycle=cycle_name(cycle),
                due=day(tr, cycle.self_due),
                manager=mention(_manager(review)),
            )
        ),
        *evidence_blocks(tr, evidence, cycle),
        *peer_evidence_blocks(tr, evidence.peers, employee=True),
        divider(),
    ]
    for index, question in enumerate(cycle.questions):
        answer = str(review.self_answers.get(f"q{index}") or "")
        text = truncate(question_text(question, tr.locale), 2000)
        blocks.append(input_block(answer_field(index), text, text_input(answer, multiline=True)))
    for item in cycle.competencies:
        blocks.append(
            input_block(
                rating_field(item["key"]),
                truncate(label(item, tr.locale), 2000),
                _rating_select(
                    tr, cycle, review.self_ratings.get(item["key"]), "review.rating.placeholder"
                ),
            )
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": "draft_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": SAVE_DRAFT,
                    "value": str(review.id),
                    "text": plain(tr("review.button.save_draft"), 75),
                }
            ],
        }
    )
    status = tr("review.self_modal.saved", time=saved) if saved else tr("review.self_modal.unsaved")
    status = note or status
    blocks.append({**context(status, tr("review.self_modal.final")), "block_id": "draft_status"})
    return modal(
        tr,
        "review.self_modal.title",
        blocks,
        callback_id=SELF_MODAL,
        submit_key="review.self_modal.submit",
        metadata={"r": review.id},
    )


def _manager(review: Review) -> str | None:
    return review.manager.slack_id if review.manager is not None else None


def self_confirm_modal(tr: Translator, review: Review) -> dict[str, Any]:
    text = tr(
        "review.confirm.text", cycle=cycle_name(review.cycle), manager=mention(_manager(review))
    )
    return modal(
        tr,
        "review.confirm.title",
        [section(text)],
        callback_id=SELF_CONFIRM,
        submit_key="review.confirm.submit",
        metadata={"r": review.id},
        close_key="review.confirm.back",
    )


def read_review_form(
    view: dict[str, Any], cycle: ReviewCycle, manager: bool = False
) -> ReviewInput:
    data = ReviewInput()
    for index in range(len(cycle.questions)):
        data.answers[f"q{index}"] = str(
            state_of(view, answer_field(index, manager)).get("value") or ""
        )
    for item in cycle.competencies:
        data.ratings[item["key"]] = selected_int(view, rating_field(item["key"], manager))
    if manager:
        data.answers[SUMMARY] = str(state_of(view, SUMMARY).get("value") or "")
        data.overall = selected_int(view, "overall")
    return data


# ------------------------------------------------------------------------- manager review


def manager_modal(tr: Translator, review: Review, evidence: Evidence) -> dict[str, Any]:
    cycle = review.cycle
    blocks: list[dict[str, Any]] = [
        section(
            tr(
                "review.manager_modal.intro",
                employee=mention(review.employee.slack_id),
                cycle=cycle_name(cycle),
                due=day(tr, cycle.manager_due),
            )
        ),
        *evidence_blocks(tr, evidence, cycle),
        *peer_evidence_blocks(tr, evidence.peers, employee=False),
        divider(),
        section(f"*{tr('review.manager_modal.self_title')}*"),
        *answers_blocks(tr, cycle, review.self_answers),
        section(
            truncate(
                tr("review.self_ratings") + "\n" + ratings_lines(tr, cycle, review.self_ratings),
                3000,
            )
        ),
        divider(),
    ]
    for item in cycle.competencies:
        blocks.append(
            input_block(
                rating_field(item["key"], True),
                truncate(label(item, tr.locale), 2000),
                _rating_select(
                    tr, cycle, review.manager_ratings.get(item["key"]), "review.rating.placeholder"
                ),
            )
        )
    for index, question in enumerate(cycle.questions):
        comment = str(review.manager_answers.get(f"q{index}") or "")
        blocks.append(
            input_block(
                answer_field(index, True),
                truncate(
                    tr("review.manager_modal.comment", question=question_text(question, tr.locale)),
                    2000,
                ),
                text_input(comment, multiline=True),
                optional=True,
            )
        )
    blocks.append(
        input_block(
            "overall",
            tr("review.manager_modal.overall"),
            _rating_select(tr, cycle, review.overall_rating, "review.rating.placeholder"),
        )
    )
    blocks.append(
        input_block(
            SUMMARY,
            tr("review.manager_modal.summary"),
            text_input(str(review.manager_answers.get(SUMMARY) or ""), multiline=True),
        )
    )
    return modal(
        tr,
        "review.manager_modal.title",
        blocks,
        callback_id=MANAGER_MODAL,
        submit_key="review.manager_modal.submit",
        metadata={"r": review.id},
    )


def discuss_modal(tr: Translator, review: Review) -> dict[str, Any]:
    blocks = [
        section(tr("review.discuss_modal.intro", manager=mention(_manager(review)))),
        input_block("comment", tr("review.discuss_modal.label"), text_input(multiline=True)),
    ]
    return modal(
        tr,
        "review.discuss_modal.title",
        blocks,
        callback_id=DISCUSS_MODAL,
        submit_key="review.discuss_modal.submit",
        metadata={"r": review.id, "v": review.version},
    )
