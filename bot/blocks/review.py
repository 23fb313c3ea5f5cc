"""Block Kit for review messages: the invitation, the review conversation (the self-review
summary, the manager review, approval, discussion, acknowledgement) and reminders.

Pure functions. Everything a person typed — cycle names, questions, answers, comments — is
escaped and cut here; the only mentions are Slack ids Kinerja stored itself. These messages go
to DMs and to the group DM of the employee and their manager, never to a channel.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from bot.blocks.text import (
    SECTION_TEXT_LIMIT,
    button,
    context,
    escape,
    header,
    section,
    truncate,
)
from bot.i18n import Translator
from bot.review.forms import SUMMARY, label, question_text
from storage.reviews import Review, ReviewCycle, ReviewStatus

WRITE_SELF = "review_write_self"
WRITE_MANAGER = "review_write_manager"
APPROVE = "review_approve"
ACKNOWLEDGE = "review_acknowledge"
DISCUSS = "review_discuss"
NEXT_STEP = "review_next_step"  # the conversation's one button (bot/blocks/review_steps.py)
NAME_IN_LINE = 80
QUOTE_LIMIT = 1500


def day(tr: Translator, value: date) -> str:
    return str(format_date(value, format="medium", locale=tr.locale))


def cycle_name(cycle: ReviewCycle, limit: int = NAME_IN_LINE) -> str:
    return escape(truncate(cycle.name, limit))


def mention(slack_id: str | None) -> str:
    return f"<@{slack_id}>" if slack_id else "–"


def manager_slack(review: Review) -> str | None:
    return review.manager.slack_id if review.manager is not None else None


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A person's text as an escaped block quote, cut before escaping so no `&amp;` splits."""
    lines = escape(truncate(text, limit)).splitlines() or [""]
    return "\n".join(f">{line}" for line in lines)


def review_value(review: Review) -> str:
    """What a state-changing button carries: the review and the version it was shown at."""
    return f"{review.id}:{review.version}"


def status_text(tr: Translator, status: str) -> str:
    return tr(f"review.status.{status}")


def scale_text(tr: Translator, cycle: ReviewCycle, value: int | None) -> str:
    if value is None:
        return tr("review.rating.none")
    step = next((s for s in cycle.scale if int(s["value"]) == value), None)
    name = escape(label(step, tr.locale)) if step else ""
    return tr("review.rating.value", value=value, top=len(cycle.scale), label=name)


def ratings_lines(tr: Translator, cycle: ReviewCycle, ratings: dict[str, Any]) -> str:
    lines = []
    for item in cycle.competencies:
        value = ratings.get(item["key"])
        shown = scale_text(tr, cycle, int(value) if value is not None else None)
        lines.append(f"• *{escape(label(item, tr.locale))}*: {shown}")
    return "\n".join(lines)


def answers_blocks(
    tr: Translator, cycle: ReviewCycle, answers: dict[str, Any], *, skip_empty: bool = False
) -> list[dict[str, Any]]:
    """One section per question: the question in bold, the answer quoted below it."""
    blocks = []
    for index, question in enumerate(cycle.questions):
        answer = str(answers.get(f"q{index}") or "")
        if not answer and skip_empty:
            continue
        body = quote(answer) if answer else f"_{tr('review.answer.none')}_"
        asked = question_text(question, tr.locale)
        text = f"*{escape(truncate(asked, 300))}*\n{body}"
        blocks.append(section(truncate(text, SECTION_TEXT_LIMIT)))
    return blocks


def _message(text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def _actions(block_id: str, *elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def next_step_actions(tr: Translator, block_id: str, review: Review) -> dict[str, Any]:
    """The one button of a message in the conversation. Both people see it, so it names no
    one's step: each clicker gets their own part in a modal (bot/blocks/review_steps.py)."""
    return _actions(
        block_id,
        button(tr("review.button.next_step"), NEXT_STEP, review_value(review), "primary"),
    )


# --------------------------------------------------------------------- direct messages


def invite(tr: Translator, review: Review) -> dict[str, Any]:
    cycle = review.cycle
    text = tr("review.invite.text", cycle=cycle_name(cycle))
    body = tr(
        "review.invite.body",
        cycle=cycle_name(cycle),
        start=day(tr, cycle.period_start),
        end=day(tr, cycle.period_end),
        due=day(tr, cycle.self_due),
        manager=mention(manager_slack(review)),
    )
    blocks = [
        header(tr("review.invite.title")),
        section(body),
        _actions(
            f"review_invite_{review.id}",
            button(tr("review.button.write_self"), WRITE_SELF, str(review.id), "primary"),
        ),
        context(tr("review.invite.privacy")),
    ]
    return _message(text, blocks)


def invite_done(tr: Translator, review: Review, on: date) -> dict[str, Any]:
    text = tr("review.invite.done", cycle=cycle_name(review.cycle), date=day(tr, on))
    return _message(text, [section(text)])


def reopened(tr: Translator, review: Review, hr_slack: str) -> dict[str, Any]:
    text = tr(
        "review.reopened.text",
        hr=mention(hr_slack),
        cycle=cycle_name(review.cycle),
        due=day(tr, review.cycle.self_due),
    )
    blocks = [
        section(text),
        _actions(
            f"review_reopened_{review.id}",
            button(tr("review.button.write_self"), WRITE_SELF, str(review.id), "primary"),
        ),
        context(tr("review.reopened.hint", hr=mention(hr_slack))),
    ]
    return _message(text, blocks)


def remind_self(tr: Translator, review: Review) -> dict[str, Any]:
    cycle = review.cycle
    text = tr("review.remind.self", cycle=cycle_name(cycle), due=day(tr, cycle.self_due))
    blocks = [
        section(text),
        _actions(
            f"review_remind_{review.id}",
            button(tr("review.button.write_self"), WRITE_SELF, str(review.id), "primary"),
        ),
    ]
    return _message(text, blocks)


def remind_manager(tr: Translator, review: Review) -> dict[str, Any]:
    cycle = review.cycle
    text = tr(
        "review.remind.manager",
        employee=mention(review.employee.slack_id),
        cycle=cycle_name(cycle),
        due=day(tr, cycle.manager_due),
    )
    blocks = [
        section(text),
        _actions(
            f"review_remind_{review.id}",
            button(tr("review.button.write_manager"), WRITE_MANAGER, str(review.id), "primary"),
        ),
    ]
    return _message(text, blocks)


def cycle_opened(
    tr: Translator, cycle: ReviewCycle, count: int, left_out: list[str]
) -> dict[str, Any]:
    text = tr.n("review.cycle.opened", count, cycle=cycle_name(cycle))
    blocks = [section(text)]
    if left_out:
        people = ", ".join(mention(s) for s in left_out[:40])
        if len(left_out) > 40:
            people += " " + tr("review.more", count=len(left_out) - 40)
        blocks.append(section(tr("review.cycle.left_out", people=people)))
    return _message(text, blocks)


# --------------------------------------------------------------------- the conversation


def conversation(tr: Translator, review: Review) -> dict[str, Any]:
    """The first message of the group DM: the self-review, and *Next step* while the manager
    review can still be written or revised."""
    cycle = review.cycle
    employee, manager = mention(review.employee.slack_id), mention(manager_slack(review))
    text = tr("review.conversation.text", employee=employee, cycle=cycle_name(cycle))
    blocks: list[dict[str, Any]] = [
        header(tr("review.conversation.title")),
        section(
            tr(
                "review.conversation.intro",
                employee=employee,
                manager=manager,
                cycle=cycle_name(cycle),
                due=day(tr, cycle.manager_due),
            )
        ),
    ]
    blocks += answers_blocks(tr, cycle, review.self_answers)
    ratings = ratings_lines(tr, cycle, review.self_ratings)
    if ratings:
        blocks.append(section(truncate(tr("review.self_ratings") + "\n" + ratings, 3000)))
    writable = review.status in (ReviewStatus.SELF_SUBMITTED, ReviewStatus.MANAGER_SUBMITTED)
    if writable:
        blocks.append(next_step_actions(tr, f"review_conversation_{review.id}", review))
    blocks.append(
        context(
            tr("review.conversation.status", status=status_text(tr, review.status)),
            tr("review.conversation.privacy"),
        )
    )
    return _message(text, blocks)


def self_updated(tr: Translator, review: Review) -> dict[str, Any]:
    text = tr("review.thread.self_updated", employee=mention(review.employee.slack_id))
    return _message(text, [section(text)])


def manager_review(tr: Translator, review: Review) -> dict[str, Any]:
    """The manager's review in the conversation's thread; the manager approves it through
    *Next step*."""
    cycle = review.cycle
    manager = mention(manager_slack(review))
    text = tr("review.manager.text", manager=manager, employee=mention(review.employee.slack_id))
    blocks: list[dict[str, Any]] = [section(f"*{text}*")]
    ratings = ratings_lines(tr, cycle, review.manager_ratings)
    overall = tr("review.manager.overall", rating=scale_text(tr, cycle, review.overall_rating))
    blocks.append(section(truncate(f"{ratings}\n{overall}", 3000)))
    blocks += answers_blocks(tr, cycle, review.manager_answers, skip_empty=True)
    summary = str(review.manager_answers.get(SUMMARY) or "")
    if summary:
        blocks.append(section(truncate(tr("review.manager.summary") + "\n" + quote(summary), 3000)))
    blocks.append(next_step_actions(tr, f"review_manager_{review.id}_{review.version}", review))
    employee = mention(review.employee.slack_id)
    blocks.append(context(tr("review.manager.approve_hint", manager=manager, employee=employee)))
    return _message(text, blocks)


def approval(tr: Translator, review: Review) -> dict[str, Any]:
    """ "Approved" in the thread; the employee acknowledges it or asks to discuss it through
    *Next step*. No Nominate here: the employee sees this message, and a nomination is
    between the manager and HR until it is announced (the manager finds it in *Next step*)."""
    employee = mention(review.employee.slack_id)
    text = tr("review.approved.text", manager=mention(manager_slack(review)), employee=employee)
    blocks = [
        section(text),
        next_step_actions(tr, f"review_approved_{review.id}_{review.version}", review),
        context(tr("review.approved.hint", employee=employee)),
    ]
    return _message(text, blocks)


def discussion(tr: Translator, review: Review, comment: str) -> dict[str, Any]:
    """The employee's comment in the thread; the review is back with the manager."""
    manager = mention(manager_slack(review))
    text = tr("review.discuss.text", employee=mention(review.employee.slack_id))
    blocks = [
        section(truncate(f"{text}\n{quote(comment)}", 3000)),
        section(tr("review.discuss.next", manager=manager)),
        next_step_actions(tr, f"review_discuss_{review.id}_{review.version}", review),
    ]
    return _message(text, blocks)


def acknowledged(tr: Translator, review: Review, on: date) -> dict[str, Any]:
    text = tr(
        "review.acknowledged.text", employee=mention(review.employee.slack_id), date=day(tr, on)
    )
    return _message(text, [section(text)])


def reassigned(tr: Translator, review: Review, hr_slack: str) -> dict[str, Any]:
    text = tr(
        "review.reassigned.text",
        hr=mention(hr_slack),
        manager=mention(manager_slack(review)),
    )
    return _message(text, [section(text)])


def closed(message: dict[str, Any], outcome: str) -> dict[str, Any]:
    """A posted message in its final state: the same content, no buttons, the outcome below,
    so nobody clicks twice on a step that is done."""
    blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
    blocks = [b for b in blocks if b.get("block_id") != "review_outcome"]
    blocks.append({**context(outcome), "block_id": "review_outcome"})
    return _message(str(message.get("text") or outcome), blocks[:50])
