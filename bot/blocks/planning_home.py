"""The Planning section of the App Home: my goals with progress and alignment, what waits for
my approval, and the team and company goals my work contributes to.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.home import HomeContext
from bot.blocks.planning import (
    APPROVE,
    REQUEST_CHANGES,
    day,
    goal_line,
    key_result_line,
    progress_bar,
    title_of,
)
from bot.blocks.text import button, context, header, plain, section, truncate
from bot.clock import zone_of
from bot.i18n import Translator
from bot.planning import (
    GoalAction,
    alignment_chain,
    allowed,
    goals_owned_by,
    pending_approvals_for,
    team_goals,
)
from bot.planning.rollup import rollup_progress
from storage.goals import Goal, GoalStatus

NEW_GOAL = "planning_home_new_goal"
GOAL_MENU = "planning_goal_menu"
MAX_OWN = 12
MAX_WAITING = 8
MAX_TEAM = 6

# overflow entry -> the right it needs; at most 5 per goal (Slack's overflow limit)
_MENU: dict[str, tuple[tuple[str, GoalAction], ...]] = {
    GoalStatus.ACTIVE: (
        ("progress", GoalAction.UPDATE_PROGRESS),
        ("complete", GoalAction.COMPLETE),
        ("edit", GoalAction.EDIT),
        ("abandon", GoalAction.ABANDON),
    ),
    GoalStatus.DRAFT: (
        ("edit", GoalAction.EDIT),
        ("submit", GoalAction.SUBMIT),
        ("abandon", GoalAction.ABANDON),
    ),
    GoalStatus.PENDING_APPROVAL: (("edit", GoalAction.EDIT), ("abandon", GoalAction.ABANDON)),
    GoalStatus.COMPLETED: (("reopen", GoalAction.REOPEN),),
    GoalStatus.ABANDONED: (("reopen", GoalAction.REOPEN),),
}


def goal_menu(home: HomeContext, goal: Goal) -> dict[str, Any] | None:
    options = [
        {"text": plain(home.tr(f"planning.menu.{name}"), 75), "value": f"{name}:{goal.id}"}
        for name, action in _MENU.get(goal.status, ())
        if allowed(home.employee, action, goal)
    ]
    if not options:
        return None
    return {"type": "overflow", "action_id": GOAL_MENU, "options": options[:5]}


def _own_goal(home: HomeContext, goal: Goal) -> dict[str, Any]:
    tr = home.tr
    today = home.now.astimezone(zone_of(home.employee.tz, "UTC")).date()
    text = goal_line(tr, goal, alignment_chain(home.session, goal), today=today)
    lines = [key_result_line(tr, kr) for kr in goal.key_results]
    if lines:
        text += "\n" + "\n".join(lines)
    block = section(truncate(text, 3000), block_id=f"planning_goal_{goal.id}")
    menu = goal_menu(home, goal)
    if menu is not None:
        block["accessory"] = menu
    return block


def _waiting(tr: Translator, goal: Goal) -> list[dict[str, Any]]:
    value = f"{goal.id}:{goal.version}"
    text = tr(
        "planning.home.waiting_line",
        owner=goal.owner.slack_id,
        title=title_of(goal),
        date=day(tr, goal.due_date),
    )
    return [
        section(text, block_id=f"planning_wait_{goal.id}"),
        {
            "type": "actions",
            "block_id": f"planning_wait_actions_{goal.id}",
            "elements": [
                button(tr("planning.button.approve"), APPROVE, value, "primary"),
                button(tr("planning.button.request_changes"), REQUEST_CHANGES, value),
            ],
        },
    ]


def planning_section(home: HomeContext) -> list[dict[str, Any]]:
    tr = home.tr
    blocks: list[dict[str, Any]] = [
        header(tr("home.goals.title")),
        {
            "type": "actions",
            "block_id": "planning_home_actions",
            "elements": [button(tr("planning.home.new"), NEW_GOAL, "new", "primary")],
        },
    ]
    mine = [g for g in goals_owned_by(home.session, home.employee) if g.status != "abandoned"]
    if not mine:
        blocks.append(context(tr("planning.home.empty")))
    blocks += [_own_goal(home, goal) for goal in mine[:MAX_OWN]]
    if len(mine) > MAX_OWN:
        blocks.append(context(tr("planning.home.more", count=len(mine) - MAX_OWN)))
    waiting = pending_approvals_for(home.session, home.employee)
    if waiting:
        blocks.append(header(tr("planning.home.waiting_title")))
        for goal in waiting[:MAX_WAITING]:
            blocks += _waiting(tr, goal)
        if len(waiting) > MAX_WAITING:
            blocks.append(context(tr("planning.home.more", count=len(waiting) - MAX_WAITING)))
    shared = team_goals(home.session, home.employee)
    if shared:
        progress = rollup_progress(home.session, shared[:MAX_TEAM])  # one query for all
        lines = [
            f"*{title_of(goal)}*  `{progress_bar(progress.get(goal.id, 0.0))}`"
            + f"  ·  {tr(f'planning.level.{goal.level}')}"
            for goal in shared[:MAX_TEAM]
        ]
        blocks.append(
            section(truncate(tr("planning.home.shared_title") + "\n" + "\n".join(lines), 3000))
        )
    return blocks

