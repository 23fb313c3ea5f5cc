"""Block Kit of peer feedback (360) in review cycles: HR's inputs in the new-cycle modal,
the employee's invitation to propose peers, the thread in the pair's group DM where the
manager approves or changes the list, the propose/change modals, and the peers' answers as
review evidence (shown in the review modals).

Pure functions; typed text (cycle names, answers) is escaped and cut here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from babel.dates import format_date

from bot.blocks.feedback import mention, message, name_of, quote
from bot.blocks.feedback_modals import (
    input_block,
    option,
    state_of,
    users_of,
)
from bot.blocks.modals import modal
from bot.blocks.text import button, context, plain, section, truncate
from bot.feedback.evidence import PeerEvidence
from bot.feedback.peer_setup import DEFAULT_PEERS, MAX_PEERS, PeerSetupInput
from bot.i18n import Translator
from storage.feedback import PeerSet, PeerSetStatus, PeerSetup
from storage.models import Employee
from storage.reviews import Review

PROPOSE = "feedback_peers_propose"
APPROVE = "feedback_peers_approve"
CHANGE = "feedback_peers_change"
PROPOSE_MODAL = "feedback_peers_propose_modal"
CHANGE_MODAL = "feedback_peers_change_modal"
ON = "on"
SHOWN_ANSWERS = 8
ANSWER_LIMIT = 600


def day(tr: Translator, value: date) -> str:
    return str(format_date(value, format="medium", locale=tr.locale))


# ------------------------------------------------------------------ the new-cycle modal


def peer_cycle_inputs(tr: Translator) -> list[dict[str, Any]]:
    """Optional inputs of the review cycle modal: off unless HR ticks the box."""
    enable = option(tr("feedback.peers.cycle.enable"), ON)
    share = option(tr("feedback.peers.cycle.share"), ON)
    counts = [option(str(n), str(n)) for n in range(1, MAX_PEERS + 1)]
    default = counts[DEFAULT_PEERS - 1]
    return [
        input_block(
            "peer_feedback",
            tr("feedback.peers.cycle.label"),
            {"type": "checkboxes", "options": [enable]},
            optional=True,
            hint=tr("feedback.peers.cycle.hint"),
        ),
        input_block(
            "peer_count",
            tr("feedback.peers.cycle.count"),
            {"type": "static_select", "options": counts, "initial_option": default},
            optional=True,
        ),
        input_block(
            "peer_due",
            tr("feedback.peers.cycle.due"),
            {"type": "datepicker"},
            optional=True,
            hint=tr("feedback.peers.cycle.due_hint"),
        ),
        input_block(
            "peer_share",
            tr("feedback.peers.cycle.share_label"),
            {"type": "checkboxes", "options": [share]},
            optional=True,
        ),
    ]


def _ticked(view: Any, block_id: str) -> bool:
    picked = state_of(view, block_id).get("selected_options")
    return isinstance(picked, list) and any(
        isinstance(o, dict) and o.get("value") == ON for o in picked
    )


def read_peer_setup(view: Any) -> PeerSetupInput:
    picked = state_of(view, "peer_count").get("selected_option")
    raw = picked.get("value") if isinstance(picked, dict) else None
    peers = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 3 else DEFAULT_PEERS
    due_raw = state_of(view, "peer_due").get("selected_date")
    try:
        due = date.fromisoformat(due_raw) if isinstance(due_raw, str) else None
    except ValueError:
        due = None
    return PeerSetupInput(
        enabled=_ticked(view, "peer_feedback"),
        peers=peers,
        due=due,
        share=_ticked(view, "peer_share"),
    )


# ------------------------------------------------------------------ the employee's invitation


def propose_invite(
    tr: Translator, peer_set: PeerSet, review: Review, setup: PeerSetup
) -> dict[str, Any]:
    text = tr(
        "feedback.peers.invite.text",
        cycle=name_of(review.cycle.name),
        count=setup.peers,
        date=day(tr, setup.due),
        manager=mention(review.manager.slack_id if review.manager else None),
    )
    readers = (
        "feedback.peers.invite.readers_shared"
        if setup.share_with_employee
        else "feedback.peers.invite.readers"
    )
    blocks = [
        section(text),
        {
            "type": "actions",
            "block_id": f"feedback_peers_invite_{peer_set.id}",
            "elements": [
                button(tr("feedback.peers.button.propose"), PROPOSE, str(peer_set.id), "primary")
            ],
        },
        context(tr(readers)),
    ]
    return message(text, blocks)


# ------------------------------------------------------------------ the pair's thread


def _names(people: Sequence[Employee]) -> str:
    return ", ".join(mention(p.slack_id) for p in people) or "–"


def peers_root(
    tr: Translator,
    peer_set: PeerSet,
    review: Review,
    setup: PeerSetup,
    people: Sequence[Employee],
) -> dict[str, Any]:
    """The thread's first message: the list, and while the manager has not decided, their
    two buttons (both people see them; only the manager may use them)."""
    employee = mention(review.employee.slack_id)
    manager = mention(review.manager.slack_id if review.manager else None)
    cycle = name_of(review.cycle.name)
    title = tr("feedback.peers.root.title", employee=employee, cycle=cycle)
    if peer_set.status == PeerSetStatus.APPROVED:
        body = tr(
            "feedback.peers.root.approved",
            peers=_names(people),
            manager=manager,
            date=day(tr, setup.due),
        )
        return message(title, [section(f"*{title}*\n{body}")])
    body = tr(
        "feedback.peers.root.proposed",
        employee=employee,
        peers=_names(people),
        manager=manager,
    )
    value = f"{peer_set.id}:{peer_set.version}"
    blocks = [
        section(f"*{title}*\n{body}"),
        {
            "type": "actions",
            "block_id": f"feedback_peers_{peer_set.id}_{peer_set.version}",
            "elements": [
                button(tr("feedback.peers.button.approve"), APPROVE, value, "primary"),
                button(tr("feedback.peers.button.change"), CHANGE, value),
            ],
        },
        context(tr("feedback.peers.root.hint", manager=manager, date=day(tr, setup.due))),
    ]
    return message(title, blocks)


def proposed_again(tr: Translator, review: Review, people: Sequence[Employee]) -> dict[str, Any]:
    text = tr(
        "feedback.peers.thread.proposed_again",
        employee=mention(review.employee.slack_id),
        peers=_names(people),
    )
    return message(text, [section(text)])


def decided(
    tr: Translator,
    review: Review,
    setup: PeerSetup,
    people: Sequence[Employee],
    changed: bool,
) -> dict[str, Any]:
    key = "feedback.peers.thread.changed" if changed else "feedback.peers.thread.approved"
    text = tr(
        key,
        manager=mention(review.manager.slack_id if review.manager else None),
        peers=_names(people),
        date=day(tr, setup.due),
    )
    return message(text, [section(text)])


def peers_in(
    tr: Translator, review: Review, answered: int, asked: int, shared: bool
) -> dict[str, Any]:
    manager = mention(review.manager.slack_id if review.manager else None)
    employee = mention(review.employee.slack_id)
    key = "feedback.peers.thread.in_shared" if shared else "feedback.peers.thread.in"
    text = tr(key, answered=answered, asked=asked, manager=manager, employee=employee)
    return message(text, [section(text)])


# ------------------------------------------------------------------ the modals


def peers_modal(
    tr: Translator,
    *,
    callback_id: str,
    set_id: int,
    version: int,
    most: int,
    chosen: Sequence[str] = (),
    intro: str,
) -> dict[str, Any]:
    """The employee's proposal (PROPOSE_MODAL) or the manager's own list (CHANGE_MODAL)."""
    users: dict[str, Any] = {
        "type": "multi_users_select",
        "placeholder": plain(tr("feedback.peers.modal.placeholder"), 150),
        "max_selected_items": most,
    }
    if chosen:
        users["initial_users"] = list(chosen)[:most]
    blocks = [
        section(truncate(intro, 3000)),
        input_block(
            "peers",
            tr("feedback.peers.modal.label"),
            users,
            hint=tr("feedback.peers.modal.hint", max=most),
        ),
    ]
    title = "feedback.peers.modal.title"
    proposing = callback_id == PROPOSE_MODAL
    submit = "feedback.peers.modal.submit" if proposing else "feedback.peers.modal.approve"
    return modal(
        tr,
        title,
        blocks,
        callback_id=callback_id,
        submit_key=submit,
        metadata={"p": set_id, "v": version},
    )


def chosen_peers(view: Any) -> list[str]:
    return users_of(view, "peers")


# ------------------------------------------------------------------ evidence in reviews


def peer_evidence_blocks(
    tr: Translator, evidence: PeerEvidence | None, *, employee: bool
) -> list[dict[str, Any]]:
    """The peers' answers under the review's evidence: for the manager, and for the employee
    only when the cycle shares them."""
    if evidence is None or (employee and not evidence.shared_with_employee):
        return []
    answers = evidence.for_reader(employee=employee)
    title = tr("feedback.peers.evidence.title", answered=len(answers), asked=evidence.asked)
    if not evidence.asked:
        heading, none = tr("feedback.peers.evidence.heading"), tr("feedback.peers.evidence.none")
        return [section(f"*{heading}*\n_{none}_")]
    lines = []
    for answer in answers[:SHOWN_ANSWERS]:
        parts = [f"{mention(answer.giver_slack_id)}"]
        if answer.went_well:
            parts.append(
                f"_{tr('feedback.field.went_well')}_\n" + quote(answer.went_well, ANSWER_LIMIT)
            )
        if answer.could_be_better:
            parts.append(
                f"_{tr('feedback.field.could_be_better')}_\n"
                + quote(answer.could_be_better, ANSWER_LIMIT)
            )
        lines.append(section(truncate("\n".join(parts), 3000)))
    blocks = [section(f"*{title}*")] + lines
    if len(answers) > SHOWN_ANSWERS:
        blocks.append(context(tr("feedback.more", count=len(answers) - SHOWN_ANSWERS)))
    return blocks
