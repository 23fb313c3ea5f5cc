"""Block Kit for goals in messages: the approval request, its final states, the outcome, and
the `/kinerja goals` list. Pure functions; every title or reason a person typed is escaped and
cut to Slack's limits here."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.blocks.text import (
    SECTION_TEXT_LIMIT,
    button,
    context,
    escape,
    header,
    mrkdwn,
    section,
    truncate,
)
from bot.i18n import Translator
from bot.planning.progress import goal_progress
from storage.goals import Goal, GoalStatus, KeyResult, KeyResultKind

APPROVE = "planning_approve"
REQUEST_CHANGES = "planning_request_changes"
EDIT = "planning_goal_edit"
MESSAGE_BLOCK_LIMIT = 50
TITLE_IN_LINE = 80  # a title quoted inside a sentence (chains, lists)
BAR_WIDTH = 10


def number(tr: Translator, value: float | None) -> str:
    """1000.5 is "1,000.5" in English and "1.000,5" in Indonesian."""
    if value is None:
        return "–"
    return str(format_decimal(value, format="#,##0.##", locale=tr.locale))


def day(tr: Translator, value: date) -> str:
    return str(format_date(value, format="medium", locale=tr.locale))


def progress_bar(fraction: float) -> str:
    """`▓▓▓▓░░░░░░ 40%`: readable on every client, no images."""
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * BAR_WIDTH)
    return "▓" * filled + "░" * (BAR_WIDTH - filled) + f" {round(fraction * 100)}%"


def title_of(goal: Goal, limit: int = TITLE_IN_LINE) -> str:
    """The goal's title, cut then escaped (cutting after escaping could split `&amp;`)."""
    return escape(truncate(goal.title, limit))


def goal_label(tr: Translator, goal: Goal, *, markup: bool = True) -> str:
    """One link of an alignment chain: "Team Sales: Ship v2", "Company: Grow 20%".

    `markup=False` for plain_text (select options), where escaping would show `&amp;`.
    """
    clean = escape if markup else str
    title = clean(truncate(goal.title, 60))
    if goal.level == "company":
        return tr("planning.chain.company", title=title)
    if goal.level == "team" and goal.org_team is not None:
        return tr("planning.chain.team", team=clean(goal.org_team.name), title=title)
    return tr(f"planning.chain.{goal.level}_unnamed", title=title)


def chain_text(tr: Translator, chain: list[Goal]) -> str:
    if not chain:
        return ""
    return tr("planning.chain", chain=" → ".join(goal_label(tr, g) for g in chain[:4]))


def key_result_line(tr: Translator, kr: KeyResult) -> str:
    title = escape(truncate(kr.title, 150))
    if kr.kind == KeyResultKind.CHECK:
        return f"• {'☑' if kr.done else '☐'} {title}"
    return tr(
        "planning.kr.metric_line",
        title=title,
        start=number(tr, kr.start_value),
        target=number(tr, kr.target_value),
        current=number(tr, kr.current_value),
        unit=escape(kr.unit),
    ).rstrip()


def goal_details(tr: Translator, goal: Goal, chain: list[Goal]) -> list[dict[str, Any]]:
    """The goal as a reader needs it to agree: what, why, how it is measured, by when, and
    what it contributes to."""
    text = f"*{escape(truncate(goal.title, 150))}*"
    if goal.description:
        text += "\n" + escape(truncate(goal.description, 2000))
    blocks: list[dict[str, Any]] = [section(text)]
    fields = [
        tr("planning.field.kind", kind=tr(f"planning.kind.{goal.kind}")),
        tr("planning.field.due", date=day(tr, goal.due_date)),
        tr("planning.field.weight", weight=number(tr, goal.weight)),
        tr("planning.field.progress", bar=progress_bar(goal_progress(goal))),
    ]
    blocks.append({"type": "section", "fields": [mrkdwn(f, 2000) for f in fields]})
    lines = [key_result_line(tr, kr) for kr in goal.key_results]
    krs = tr("planning.kr.header") + "\n" + ("\n".join(lines) or tr("planning.kr.none"))
    blocks.append(section(truncate(krs, SECTION_TEXT_LIMIT)))
    if chain:
        blocks.append(context(chain_text(tr, chain)))
    return blocks


def _decision_value(goal: Goal) -> str:
    return f"{goal.id}:{goal.version}"


def changes_text(tr: Translator, changed: list[str]) -> str:
    """ "the due date and the key results": what changed, as a phrase in the reader's words."""
    names = [tr(f"planning.change.{name}") for name in changed]
    if len(names) < 2:
        return "".join(names)
    return tr("planning.change.list", first=", ".join(names[:-1]), last=names[-1])


def approval_request(
    tr: Translator,
    goal: Goal,
    chain: list[Goal],
    *,
    approver_slack: str,
    via_hr: bool,
    changed: list[str] | None = None,
) -> dict[str, Any]:
    """The group-DM message the manager (or HR) answers; its thread is the conversation. A
    goal asked about again says what changed since it was agreed, naming the approver so the
    reply in the thread reaches them."""
    owner = goal.owner.slack_id
    if changed:
        intro = tr(
            "planning.approval.intro_changed",
            owner=owner,
            approver=approver_slack,
            changes=changes_text(tr, changed),
        )
    elif via_hr:
        intro = tr("planning.approval.intro_hr", owner=owner, approver=approver_slack)
    else:
        intro = tr("planning.approval.intro", owner=owner)
    blocks = [header(tr("planning.approval.header")), section(intro)]
    blocks += goal_details(tr, goal, chain)
    blocks.append(context(tr("planning.approval.thread_hint")))
    blocks.append(
        {
            "type": "actions",
            "block_id": f"planning_decision_{goal.id}",
            "elements": [
                button(tr("planning.button.approve"), APPROVE, _decision_value(goal), "primary"),
                button(
                    tr("planning.button.request_changes"), REQUEST_CHANGES, _decision_value(goal)
                ),
            ],
        }
    )
    fallback = tr("planning.approval.fallback", owner=owner, title=title_of(goal))
    return {"text": fallback, "blocks": blocks[:MESSAGE_BLOCK_LIMIT]}


def approval_final(
    tr: Translator,
    goal: Goal,
    chain: list[Goal],
    *,
    outcome: str,
    actor_slack: str,
    on: date,
    reason: str = "",
) -> dict[str, Any]:
    """The same message without buttons and with how it ended, so nobody clicks twice."""
    note = tr(
        f"planning.approval.{outcome}",
        actor=actor_slack,
        date=day(tr, on),
        reason=quote(reason),
    )
    blocks = [header(tr("planning.approval.header_closed"))]
    blocks += goal_details(tr, goal, chain)
    blocks.append(section(note))
    fallback = tr(f"planning.approval.fallback_{outcome}", title=title_of(goal))
    return {"text": fallback, "blocks": blocks[:MESSAGE_BLOCK_LIMIT]}


def quote(text: str) -> str:
    """A reason as a mrkdwn block quote; escaped first, so its own `>` stays text."""
    lines = escape(truncate(text, 2000)).splitlines() or [""]
    return "\n".join(f">{line}" for line in lines)


def outcome_in_thread(
    tr: Translator, goal: Goal, *, outcome: str, actor_slack: str, reason: str = ""
) -> dict[str, Any]:
    text = tr(
        f"planning.thread.{outcome}",
        actor=actor_slack,
        owner=goal.owner.slack_id,
        reason=quote(reason),
    )
    return {"text": text, "blocks": [section(text)]}


def reworded_in_thread(tr: Translator, goal: Goal, changed: list[str]) -> dict[str, Any]:
    """The owner reworded an agreed goal: said in its conversation, nothing to approve."""
    text = tr(
        "planning.thread.reworded",
        owner=goal.owner.slack_id,
        changes=changes_text(tr, changed),
        title=title_of(goal),
    )
    return {"text": text, "blocks": [section(text)]}


def outcome_for_owner(
    tr: Translator,
    goal: Goal,
    *,
    outcome: str,
    actor_slack: str,
    reason: str = "",
    thread_link: str | None = None,
) -> dict[str, Any]:
    text = tr(
        f"planning.dm.{outcome}", actor=actor_slack, title=title_of(goal), reason=quote(reason)
    )
    where = (
        tr("planning.dm.thread_link", link=thread_link)
        if thread_link
        else tr("planning.dm.thread_hint", actor=actor_slack)
    )
    blocks: list[dict[str, Any]] = [section(text), context(where)]
    if outcome == "changes_requested":
        blocks.append(
            {
                "type": "actions",
                "block_id": f"planning_owner_{goal.id}",
                "elements": [button(tr("planning.button.edit"), EDIT, str(goal.id), "primary")],
            }
        )
    return {"text": text, "blocks": blocks}


def goal_line(
    tr: Translator,
    goal: Goal,
    chain: list[Goal],
    *,
    show_id: bool = False,
    today: date | None = None,
    progress: float | None = None,
) -> str:
    """One goal in a list: title, progress, status, due date, and what it contributes to.
    Given `today` (the reader's), a goal still open after its due date says it is overdue.
    `progress` when it is known already (the App Home's): else it is computed here, which
    may query the goal's subtree."""
    ident = f"`#{goal.id}` " if show_id else ""
    open_ = goal.status in (GoalStatus.DRAFT, GoalStatus.PENDING_APPROVAL, GoalStatus.ACTIVE)
    late = today is not None and open_ and goal.due_date < today
    due = tr("planning.overdue" if late else "planning.due", date=day(tr, goal.due_date))
    lines = [
        f"{ident}*{title_of(goal)}*",
        f"`{progress_bar(goal_progress(goal) if progress is None else progress)}`  ·  "
        + tr(f"planning.status.{goal.status}")
        + "  ·  "
        + due,
    ]
    if chain:
        lines.append(chain_text(tr, chain))
    return "\n".join(lines)


def goals_list(
    tr: Translator,
    goals: list[tuple[Goal, list[Goal]]],
    *,
    limit: int = 40,
    today: date | None = None,
) -> dict[str, Any]:
    """The ephemeral answer to `/kinerja goals`."""
    blocks: list[dict[str, Any]] = [header(tr("planning.list.title"))]
    if not goals:
        blocks.append(section(tr("planning.list.empty")))
    for goal, chain in goals[:limit]:
        blocks.append(section(goal_line(tr, goal, chain, show_id=True, today=today)))
    if len(goals) > limit:
        blocks.append(context(tr("planning.list.more", count=len(goals) - limit)))
    blocks.append(context(tr("planning.list.hint")))
    return {
        "response_type": "ephemeral",
        "text": tr("planning.list.title"),
        "blocks": blocks[:MESSAGE_BLOCK_LIMIT],
    }
