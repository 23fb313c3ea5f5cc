"""The state of the goal modal: built from a goal or from nothing, read back from the view
Slack sends, and the mapping of core field errors to the modal's blocks.

The modal round-trips through Slack: adding or removing a key-result row rebuilds the view from
what is typed (`read_goal_form`) and sends it back with `views.update`, so nothing typed is
lost. Which rows exist is kept in `private_metadata`; each row's block ids carry a stable row
key ("k12" edits key result 12, "n3" is new), so an error lands on the row it is about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.blocks import payload
from bot.blocks.planning import goal_label
from bot.blocks.text import plain
from bot.i18n import Translator
from bot.planning.forms import MAX_KEY_RESULTS, GoalInput, KeyResultInput
from storage.goals import Goal, GoalKind, GoalLevel, KeyResult, KeyResultKind

VALUE = "value"  # the action_id of every input element that needs no listener of its own
OPTION_TEXT_LIMIT = 75
METADATA_LIMIT = 3000  # Slack's limit on private_metadata

# core field name -> block id (key-result fields are mapped per row, see error_blocks)
FIELD_BLOCKS = {
    "title": "title",
    "description": "description",
    "level": "level",
    "team": "team",
    "kind": "kind",
    "due_date": "due",
    "parent": "parent",
    "weight": "weight",
}


@dataclass
class GoalForm:
    """Everything the goal modal shows, whether it comes from a goal, from nothing, or from
    the state of the open modal."""

    data: GoalInput = field(default_factory=GoalInput)
    rows: list[str] = field(default_factory=lambda: ["n1"])
    next_row: int = 2
    goal_id: int | None = None
    version: int | None = None
    levels: list[str] = field(default_factory=lambda: [GoalLevel.PERSONAL.value])
    teams: list[tuple[int, str]] = field(default_factory=list)
    parent_option: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        """One row of input per row key, whatever the form was built from."""
        missing = len(self.rows) - len(self.data.key_results)
        self.data.key_results.extend(KeyResultInput() for _ in range(max(0, missing)))

    def metadata(self) -> dict[str, Any]:
        """What the modal keeps in its private_metadata. The teams offered go with it (for
        rebuilding the modal), as many as fit in Slack's 3000 characters."""
        teams = [[tid, name[:40]] for tid, name in self.teams[:50]]
        meta = {
            "g": self.goal_id,
            "v": self.version,
            "rows": self.rows,
            "next": self.next_row,
            "lv": self.levels,
            "tm": teams,
        }
        while teams and len(json.dumps(meta, separators=(",", ":"))) > METADATA_LIMIT:
            teams.pop()
        return meta

    def add_row(self) -> None:
        if len(self.rows) < MAX_KEY_RESULTS:
            self.rows.append(f"n{self.next_row}")
            self.data.key_results.append(KeyResultInput())
            self.next_row += 1

    def remove_row(self, row: str) -> None:
        if row in self.rows:
            index = self.rows.index(row)
            self.rows.pop(index)
            if index < len(self.data.key_results):
                self.data.key_results.pop(index)


def parent_option(tr: Translator, goal: Goal) -> dict[str, Any]:
    label = goal_label(tr, goal, markup=False)
    return {"text": plain(label, OPTION_TEXT_LIMIT), "value": str(goal.id)}


def form_for_goal(tr: Translator, goal: Goal) -> GoalForm:
    """The edit modal's starting point: the goal as it is."""
    rows = [f"k{kr.id}" for kr in goal.key_results]
    data = GoalInput(
        title=goal.title,
        description=goal.description,
        level=goal.level,
        kind=goal.kind,
        due_date=goal.due_date,
        parent_id=goal.parent_id,
        org_team_id=goal.org_team_id,
        weight=plain_number(tr, goal.weight),
        key_results=[_row_of(tr, kr) for kr in goal.key_results],
    )
    return GoalForm(
        data=data,
        rows=rows,
        next_row=1,
        goal_id=goal.id,
        version=goal.version,
        levels=[goal.level],
        parent_option=parent_option(tr, goal.parent) if goal.parent is not None else None,
    )


def plain_number(tr: Translator, value: float | None) -> str:
    """A number to edit: no thousands separator, the person's decimal mark."""
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if tr.locale == "id" else text


def _row_of(tr: Translator, kr: KeyResult) -> KeyResultInput:
    return KeyResultInput(
        title=kr.title,
        kind=kr.kind,
        start=plain_number(tr, kr.start_value),
        target=plain_number(tr, kr.target_value),
        unit=kr.unit,
        id=kr.id,
    )


def read_goal_form(view: dict[str, Any]) -> GoalForm:
    """The open modal as Slack sends it back (view_submission or block_actions). Metadata and
    state come back through the client, so each is read defensively (bot/blocks/payload.py):
    anything odd reads as missing, and the core's validation says what is."""
    meta = payload.metadata(view)

    def element(block_id: str) -> dict[str, Any]:
        """A block holds one element; read it whatever its action_id (the parent select has
        its own, so that Slack asks its listener for options)."""
        return payload.element_state(view, block_id)

    def text(block_id: str) -> str:
        value = element(block_id).get("value")
        return value if isinstance(value, str) else ""

    def choice(block_id: str) -> str | None:
        option = element(block_id).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    rows = [r for r in _listed(meta.get("rows")) if isinstance(r, str) and len(r) <= 12][:20]
    key_results = [
        KeyResultInput(
            title=text(f"kr_{row}_title"),
            kind=choice(f"kr_{row}_kind") or KeyResultKind.METRIC.value,
            start=text(f"kr_{row}_start"),
            target=text(f"kr_{row}_target"),
            unit=text(f"kr_{row}_unit"),
            id=payload.db_id(row[1:]) if row.startswith("k") else None,
        )
        for row in rows
    ]
    levels = [v for v in _listed(meta.get("lv")) if isinstance(v, str)] or [
        GoalLevel.PERSONAL.value
    ]
    parent = element("parent").get("selected_option")
    data = GoalInput(
        title=text("title"),
        description=text("description"),
        level=choice("level") or levels[0],
        kind=choice("kind") or GoalKind.PERFORMANCE.value,
        due_date=_date(element("due").get("selected_date")),
        parent_id=payload.db_id(parent.get("value")) if isinstance(parent, dict) else None,
        org_team_id=payload.db_id(choice("team")),
        weight=text("weight"),
        key_results=key_results,
    )
    teams = [
        (team_id, str(t[1]))
        for t in _listed(meta.get("tm"))
        if isinstance(t, list) and len(t) == 2 and (team_id := payload.db_id(t[0])) is not None
    ]
    next_row = meta.get("next")
    return GoalForm(
        data=data,
        rows=rows,
        next_row=next_row if isinstance(next_row, int) and 0 < next_row < 1000 else len(rows) + 1,
        goal_id=payload.meta_id(view, "g"),
        version=payload.db_version(meta.get("v")),
        levels=levels,
        teams=teams,
        parent_option=parent if isinstance(parent, dict) else None,
    )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def error_blocks(
    tr: Translator, errors: dict[str, str], rows: list[str], present: set[str] | None = None
) -> dict[str, str]:
    """Core field errors -> `response_action: errors` keyed by the block that shows them.

    Slack can only show an error on an input block of the view (`present`); anything else
    (a field this modal does not have) is shown on the title, so it is never lost.
    """
    out: dict[str, str] = {}
    for name, key in errors.items():
        block = FIELD_BLOCKS.get(name)
        if name == "key_results" and rows:
            block = f"kr_{rows[min(MAX_KEY_RESULTS, len(rows) - 1)]}_title"
        elif name.startswith("kr."):
            _, index, part = name.split(".", 2)
            if index.isdigit() and int(index) < len(rows):
                block = f"kr_{rows[int(index)]}_{part}"
        if block is None or (present is not None and block not in present):
            block = "title"
        out[block] = out[block] + " " + tr(key) if block in out else tr(key)
    return out
