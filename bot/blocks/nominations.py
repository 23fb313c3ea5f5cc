"""Block Kit for reward nominations: the Nominate button and modal, HR's message with Approve /
Decline, the reason modal, the decision in the thread, the manager's DM with Announce, and the
employee's announcement.

Pure functions. The justification and HR's reason are typed by people and the reward type
names and cycle names by admins: all escaped and cut here. Mentions are Slack ids Kinerja
stored. These messages go to the HR channel or HR's DMs, the manager's DM and — only once
announced — the employee's DM; never to the recognition channel. This module imports no other
cycle's blocks (bot/blocks/review.py imports the Nominate button from here).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.modals import input_block, modal
from bot.blocks.reward import quote
from bot.blocks.text import button, context, escape, header, plain, section, truncate
from bot.i18n import Translator
from storage.models import Employee
from storage.nominations import Nomination, NominationStatus

NOMINATE = "nomination_open"
APPROVE = "nomination_approve"
DECLINE = "nomination_decline"
ANNOUNCE = "nomination_announce"
NOMINATE_MODAL = "nomination_submit"
DECIDE_MODAL = "nomination_decide"
NOMINATE_TITLE = "nominations.modal.title"  # also the title of the notice answering a nomination

VALUE = "value"  # the action_id of every input, so state reads as values[block_id]["value"]
TYPE_BLOCK = "nomination_type"
JUSTIFICATION_BLOCK = "nomination_justification"
REASON_BLOCK = "nomination_reason"
FIELDS = {"type": TYPE_BLOCK, "justification": JUSTIFICATION_BLOCK, "reason": REASON_BLOCK}

MAX_TEXT = 2000  # justification and reason (bot/reward/nominations.py checks it too)
QUOTE_LIMIT = 2800  # leaves room for the label in a 3000-character section
NAME_LIMIT = 80


def mention(person: Employee | None) -> str:
    return f"<@{person.slack_id}>" if person is not None else "–"


def pointer(nomination: Nomination) -> str:
    """What a state-changing button carries: the nomination and the version it was shown at."""
    return f"{nomination.id}:{nomination.version}"


def label(text: str) -> str:
    """A reward type or cycle name (an admin typed it) for mrkdwn."""
    return escape(truncate(text, NAME_LIMIT))


def _message(text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "blocks": blocks[:50], "unfurl_links": False, "unfurl_media": False}


def _actions(block_id: str, *elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


# --------------------------------------------------------------------- on review messages


def nominate_button(tr: Translator, review_id: int) -> dict[str, Any]:
    return button(tr("nominations.button.nominate"), NOMINATE, str(review_id))


def nominate_actions(tr: Translator, review_id: int) -> dict[str, Any]:
    return _actions(f"nomination_review_{review_id}", nominate_button(tr, review_id))


# --------------------------------------------------------------------- modals


def _text_input(block_id: str, label_text: str, hint: str, *, optional: bool) -> dict[str, Any]:
    element = {"type": "plain_text_input", "multiline": True, "max_length": MAX_TEXT}
    return input_block(block_id, label_text, element, optional=optional, hint=hint)


def nominate_modal(
    tr: Translator,
    review_id: int,
    employee: Employee,
    cycle: str,
    types: Sequence[tuple[str, str]],
    existing: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """`types`: (key, name in the reader's language); `existing`: (type name, status) of the
    nominations already made on this review, so nobody proposes the same thing twice."""
    options = [{"text": plain(name, 75), "value": key[:150]} for key, name in types[:100]]
    blocks: list[dict[str, Any]] = [
        section(tr("nominations.modal.intro", employee=mention(employee), cycle=label(cycle))),
        {
            "type": "input",
            "block_id": TYPE_BLOCK,
            "label": plain(tr("nominations.modal.type")),
            "element": {
                "type": "static_select",
                "action_id": VALUE,
                "placeholder": plain(tr("nominations.modal.type_placeholder"), 150),
                "options": options,
            },
        },
        _text_input(
            JUSTIFICATION_BLOCK,
            tr("nominations.modal.justification"),
            tr("nominations.modal.justification_hint", max=MAX_TEXT),
            optional=False,
        ),
    ]
    if existing:
        lines = ", ".join(
            f"{label(name)} ({tr(f'nominations.status.{status}')})" for name, status in existing
        )
        blocks.append(context(tr("nominations.modal.existing", nominations=lines)))
    blocks.append(context(tr("nominations.modal.privacy", employee=mention(employee))))
    return modal(
        tr,
        NOMINATE_TITLE,
        blocks,
        callback_id=NOMINATE_MODAL,
        submit_key="nominations.modal.submit",
        metadata={"r": review_id},
    )


def decide_modal(
    tr: Translator, nomination: Nomination, type_label: str, approve: bool
) -> dict[str, Any]:
    """The reason for HR's decision: required to decline, optional to approve."""
    verb = "approve" if approve else "decline"
    summary = tr(
        "nominations.hr.headline",
        manager=mention(nomination.manager),
        employee=mention(nomination.employee),
        reward=label(type_label),
    )
    blocks = [
        section(summary),
        _text_input(
            REASON_BLOCK,
            tr(f"nominations.decide.{verb}_reason"),
            tr(f"nominations.decide.{verb}_hint"),
            optional=approve,
        ),
    ]
    return modal(
        tr,
        f"nominations.decide.{verb}_title",
        blocks,
        callback_id=DECIDE_MODAL,
        submit_key=f"nominations.decide.{verb}_submit",
        metadata={"n": nomination.id, "v": nomination.version, "a": approve},
    )


# --------------------------------------------------------------------- HR's message


def outcome_text(tr: Translator, nomination: Nomination) -> str:
    status = nomination.status
    if status == NominationStatus.PENDING:
        return tr("nominations.outcome.pending")
    if status == NominationStatus.DECLINED:
        return tr("nominations.outcome.declined", hr=mention(nomination.decided_by))
    return tr("nominations.outcome.approved", hr=mention(nomination.decided_by))


def hr_message(
    tr: Translator, nomination: Nomination, type_label: str, cycle: str
) -> dict[str, Any]:
    """The nomination for HR; Approve / Decline while it waits, the outcome once decided."""
    headline = tr(
        "nominations.hr.headline",
        manager=mention(nomination.manager),
        employee=mention(nomination.employee),
        reward=label(type_label),
    )
    blocks: list[dict[str, Any]] = [
        header(tr("nominations.hr.title")),
        section(headline),
        section(tr("nominations.hr.review", cycle=label(cycle))),
        section(
            tr("nominations.hr.justification") + "\n" + quote(nomination.justification, QUOTE_LIMIT)
        ),
    ]
    if nomination.status == NominationStatus.PENDING:
        blocks.append(
            _actions(
                f"nomination_hr_{nomination.id}",
                button(tr("nominations.button.approve"), APPROVE, pointer(nomination), "primary"),
                button(tr("nominations.button.decline"), DECLINE, pointer(nomination), "danger"),
            )
        )
        blocks.append(context(tr("nominations.hr.privacy", employee=mention(nomination.employee))))
    else:
        blocks.append(context(outcome_text(tr, nomination)))
    return _message(headline, blocks)


def _reason(tr: Translator, nomination: Nomination) -> str:
    reason = nomination.decision_reason or ""
    if not reason:
        return f"_{tr('nominations.reason.none')}_"
    return tr("nominations.reason.label") + "\n" + quote(reason, QUOTE_LIMIT)


def decision_reply(tr: Translator, nomination: Nomination) -> dict[str, Any]:
    """HR's decision and its reason, in the thread of HR's message."""
    key = (
        "nominations.thread.declined"
        if nomination.status == NominationStatus.DECLINED
        else "nominations.thread.approved"
    )
    text = tr(key, hr=mention(nomination.decided_by), manager=mention(nomination.manager))
    return _message(text, [section(text), section(_reason(tr, nomination))])


def announced_reply(tr: Translator, nomination: Nomination) -> dict[str, Any]:
    text = tr(
        "nominations.thread.announced",
        manager=mention(nomination.manager),
        employee=mention(nomination.employee),
    )
    return _message(text, [section(text)])


# --------------------------------------------------------------------- the manager, the employee


def manager_message(tr: Translator, nomination: Nomination, type_label: str) -> dict[str, Any]:
    """HR's decision for the nominating manager; Announce while approved and not yet told."""
    status = nomination.status
    declined = status == NominationStatus.DECLINED
    text = tr(
        "nominations.manager.declined" if declined else "nominations.manager.approved",
        hr=mention(nomination.decided_by),
        employee=mention(nomination.employee),
        reward=label(type_label),
    )
    blocks: list[dict[str, Any]] = [section(text), section(_reason(tr, nomination))]
    if status == NominationStatus.APPROVED:
        name = truncate(nomination.employee.name or nomination.employee.slack_id, 40)
        blocks.append(
            _actions(
                f"nomination_manager_{nomination.id}",
                button(
                    tr("nominations.button.announce", name=name),
                    ANNOUNCE,
                    pointer(nomination),
                    "primary",
                ),
            )
        )
        blocks.append(
            context(tr("nominations.manager.announce_hint", employee=mention(nomination.employee)))
        )
    elif status == NominationStatus.ANNOUNCED:
        blocks.append(
            context(tr("nominations.manager.announced", employee=mention(nomination.employee)))
        )
    else:
        blocks.append(context(tr("nominations.manager.not_told")))
    return _message(text, blocks)


def employee_message(tr: Translator, nomination: Nomination, type_label: str) -> dict[str, Any]:
    """The announcement: the reward and who proposed it; neither the manager's justification
    nor HR's reason (both were written for HR, not for the employee)."""
    text = tr(
        "nominations.employee.text",
        manager=mention(nomination.manager),
        reward=label(type_label),
    )
    blocks = [section(text), context(tr("nominations.employee.footer"))]
    return _message(text, blocks)
