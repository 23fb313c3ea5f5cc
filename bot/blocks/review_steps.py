"""*Next step*: the one button on the review conversation's messages, and the small modal it
opens with the clicker's own part (bot/review/turns.py decides which).

The group DM is seen by the employee and the manager alike, so a message there cannot show
each of them different buttons. It shows one neutral button instead; the manager's Approve
and Revise, the employee's Acknowledge and Ask to discuss, and the manager's Nominate for a
reward — which the employee must not even be offered — appear only in the clicker's modal.
The same step texts explain a refused click, so a refusal says what the clicker can do.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.modals import modal
from bot.blocks.nominations import nominate_button
from bot.blocks.review import (
    ACKNOWLEDGE,
    APPROVE,
    DISCUSS,
    NEXT_STEP,
    WRITE_MANAGER,
    WRITE_SELF,
    day,
    manager_slack,
    mention,
    review_value,
)
from bot.blocks.text import button, context, section
from bot.i18n import Translator
from bot.review.turns import Part, Step, Turn

__all__ = ["NEXT_STEP", "STEP_MODAL", "next_text", "refusal_text", "step_modal"]
STEP_MODAL = "review_step"


def next_text(tr: Translator, turn: Turn) -> str:
    """What the person can do now, or what they are waiting for."""
    review = turn.review
    return tr(
        f"review.next.{turn.step}",
        employee=mention(review.employee.slack_id),
        manager=mention(manager_slack(review)),
        date=day(tr, turn.due),
    )


def refusal_text(tr: Translator, turn: Turn) -> str:
    """A click on a button that is someone else's: whose step it is, and the clicker's own."""
    review = turn.review
    whose = {Part.EMPLOYEE: "manager", Part.MANAGER: "employee", Part.HR: "hr"}[turn.part]
    head = tr(
        f"review.refusal.{whose}",
        employee=mention(review.employee.slack_id),
        manager=mention(manager_slack(review)),
    )
    return f"{head} {next_text(tr, turn)}"


def _step_buttons(tr: Translator, turn: Turn) -> list[dict[str, Any]]:
    review = turn.review
    if turn.step in (Step.APPROVE, Step.APPROVE_AGAIN):
        label = "review.button.approve_again" if turn.step is Step.APPROVE_AGAIN else None
        return [
            button(tr(label or "review.button.approve"), APPROVE, review_value(review), "primary"),
            button(tr("review.button.revise_manager"), WRITE_MANAGER, str(review.id)),
        ]
    if turn.step is Step.ANSWER:
        return [
            button(tr("review.button.acknowledge"), ACKNOWLEDGE, review_value(review), "primary"),
            button(tr("review.button.discuss"), DISCUSS, review_value(review)),
        ]
    if turn.step is Step.WRITE_SELF:
        return [button(tr("review.button.write_self"), WRITE_SELF, str(review.id), "primary")]
    if turn.step is Step.WRITE_MANAGER:
        return [button(tr("review.button.write_manager"), WRITE_MANAGER, str(review.id), "primary")]
    return []


def step_modal(tr: Translator, turn: Turn, done: str | None = None) -> dict[str, Any]:
    """The clicker's part: the step explained and its buttons; for the manager of an approved
    review, also the offer to nominate (which only they and HR ever see). `done` is what just
    happened, shown first when the modal is the answer to a step taken in it."""
    blocks: list[dict[str, Any]] = []
    if done:
        blocks.append(section(done))
    blocks.append(section(next_text(tr, turn)))
    elements = _step_buttons(tr, turn)
    if elements:
        blocks.append({"type": "actions", "block_id": "review_step_actions", "elements": elements})
    if turn.may_nominate:
        employee = mention(turn.review.employee.slack_id)
        blocks.append(section(tr("review.next.nominate", employee=employee)))
        blocks.append(
            {
                "type": "actions",
                "block_id": "review_step_nominate",
                "elements": [nominate_button(tr, turn.review.id)],
            }
        )
        blocks.append(context(tr("review.next.nominate_privacy", employee=employee)))
    return modal(tr, "review.step_modal.title", blocks, callback_id=STEP_MODAL)
