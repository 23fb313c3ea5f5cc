"""The Planning section of the App Home: my goals with progress and alignment, what waits for
my approval, and the team and company goals my work contributes to.

Drawn from what bot/planning/home.py read: nothing here touches the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
from bot.planning.home import OwnGoal, PlanningHome
from storage.goals import Goal

NEW_GOAL = "planning_home_new_goal"
GOAL_MENU = "planning_goal_menu"
MENU_LIMIT = 5  # Slack's limit of options in an overflow menu


def goal_menu(tr: Translator, own: OwnGoal) -> dict[str, Any] | None:
    options = [
        {"text": plain(tr(f"planning.menu.{name}"), 75), "value": f"{name}:{own.goal.id}"}
        for name in own.menu
    ]
    if not options:
        return None
    return {"type": "overflow", "action_id": GOAL_MENU, "options": options[:MENU_LIMIT]}


def _own_goal(tr: Translator, own: OwnGoal, today: date) -> dict[str, Any]:
    goal = own.goal
    text = goal_line(tr, goal, list(own.chain), today=today, progress=own.progress)
    lines = [key_result_line(tr, kr) for kr in goal.key_results]
    if lines:
        text += "\n" + "\n".join(lines)
    block = section(truncate(text, 3000), block_id=f"planning_goal_{goal.id}")
    menu = goal_menu(tr, own)
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


def planning_section(tr: Translator, home: PlanningHome, now: datetime) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        header(tr("home.goals.title")),
        {
            "type": "actions",
            "block_id": "planning_home_actions",
            "elements": [button(tr("planning.home.new"), NEW_GOAL, "new", "primary")],
        },
    ]
    if not home.own_count:
        blocks.append(context(tr("planning.home.empty")))
    today = now.astimezone(zone_of(home.zone, "UTC")).date()
    blocks += [_own_goal(tr, own, today) for own in home.own]
    if home.own_count > len(home.own):
        blocks.append(context(tr("planning.home.more", count=home.own_count - len(home.own))))
    if home.waiting_count:
        blocks.append(header(tr("planning.home.waiting_title")))
        for goal in home.waiting:
            blocks += _waiting(tr, goal)
        if home.waiting_count > len(home.waiting):
            more = home.waiting_count - len(home.waiting)
            blocks.append(context(tr("planning.home.more", count=more)))
    if home.shared:
        lines = [
            f"*{title_of(shared.goal)}*  `{progress_bar(shared.progress)}`"
            + f"  ·  {tr(f'planning.level.{shared.goal.level}')}"
            for shared in home.shared
        ]
        blocks.append(
            section(truncate(tr("planning.home.shared_title") + "\n" + "\n".join(lines), 3000))
        )
    return blocks
