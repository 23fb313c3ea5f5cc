"""The App Home tab: a greeting, then one section per cycle.

Cycles register a section builder in HOME_SECTIONS; until a cycle has content for the person,
its section shows an honest empty state. A view holds at most 100 blocks, so each section gets
a budget and the whole is cut to the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.text import context, divider, escape, header, section
from bot.i18n import Translator
from storage.models import Employee

VIEW_BLOCK_LIMIT = 100


@dataclass(frozen=True)
class HomeContext:
    session: Session
    employee: Employee
    tr: Translator
    now: datetime


SectionBuilder = Callable[[HomeContext], list[dict[str, Any]]]


def _empty_section(title_key: str, empty_key: str) -> SectionBuilder:
    def build(home: HomeContext) -> list[dict[str, Any]]:
        return [header(home.tr(title_key)), context(home.tr(empty_key))]

    return build


# (name, builder); later cycles replace their entry with a real builder.
HOME_SECTIONS: dict[str, SectionBuilder] = {
    "planning": _empty_section("home.goals.title", "home.goals.empty"),
    "monitoring": _empty_section("home.checkins.title", "home.checkins.empty"),
    "review": _empty_section("home.reviews.title", "home.reviews.empty"),
    "reward": _empty_section("home.kudos.title", "home.kudos.empty"),
}


def home_view(home: HomeContext) -> dict[str, Any]:
    tr = home.tr
    name = escape(home.employee.name or home.employee.slack_id)
    blocks: list[dict[str, Any]] = [
        section(tr("home.greeting", name=name)),
        context(tr("home.intro")),
    ]
    for builder in HOME_SECTIONS.values():
        part = builder(home)
        if len(blocks) + 1 + len(part) > VIEW_BLOCK_LIMIT - 1:
            break
        blocks.append(divider())
        blocks.extend(part)
    blocks.append(context(tr("home.footer")))
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}
