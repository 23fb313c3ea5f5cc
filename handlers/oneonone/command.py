"""`/kinerja 1on1 [@person]` (alias `satu-satu`).

- with one of your reports: the set-up modal (a new series, or the one you have);
- with your manager: your series with them, with **Add talking point** and **Propose another
  time** (or, with none yet, how to get one);
- alone: your 1:1s, as the App Home shows them, and how to set one up;
- with anyone else, or something that is not one mention: a short refusal or the usage.
"""

from __future__ import annotations

import re
from typing import Any

from bot.blocks.oneonone_home import home_blocks
from bot.blocks.oneonone_modals import series_modal
from bot.blocks.text import context, escape, section
from bot.oneonone.errors import OneOnOneError
from bot.oneonone.home import load_home
from bot.oneonone.rules import manages
from bot.oneonone.series import series_form
from bot.oneonone.views import OneOnOneHome
from bot.org.directory import employee_by_slack_id
from handlers.commands import CommandRequest
from handlers.oneonone.common import explain
from handlers.toolkit import open_view

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def _say(req: CommandRequest, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    answer: dict[str, Any] = {"response_type": "ephemeral", "text": text}
    if blocks is not None:
        answer["blocks"] = blocks
    req.ack(**answer)


def _overview(req: CommandRequest) -> None:
    tr = req.tr
    now = req.services.clock.now()
    home = load_home(req.session, req.employee, req.services.settings, now)
    blocks = home_blocks(tr, home)
    blocks.append(context(tr("oneonone.command.usage_hint")))
    _say(req, tr("oneonone.home.title"), blocks)


def oneonone_command(req: CommandRequest) -> None:
    tr, actor = req.tr, req.employee
    words = req.args
    if not words:
        _overview(req)
        return
    found = MENTION.match(words[0]) if len(words) == 1 else None
    if found is None:
        _say(req, tr("oneonone.command.usage"))
        return
    other = employee_by_slack_id(req.session, actor.team_id, found.group(1))
    if other is None or not other.active:
        _say(req, tr("oneonone.command.unknown", person=f"<@{escape(found.group(1))}>"))
        return
    if manages(actor, other):
        try:
            form = series_form(
                req.session, actor, other, req.services.settings, req.services.clock.now()
            )
        except OneOnOneError as error:
            _say(req, explain(tr, error) or tr("error.internal"))
            return
        req.ack()
        open_view(req.services.client, req.command["trigger_id"], series_modal(tr, form))
        return
    if manages(other, actor):
        home = load_home(req.session, actor, req.services.settings, req.services.clock.now())
        mine = [s for s in home.series if s.other_slack_id == other.slack_id]
        if not mine:
            _say(req, tr("oneonone.command.not_set_up", manager=f"<@{other.slack_id}>"))
            return
        blocks = home_blocks(tr, OneOnOneHome(series=tuple(mine), has_manager=True))
        _say(req, tr("oneonone.home.title"), blocks)
        return
    text = tr("oneonone.command.not_a_pair", person=f"<@{other.slack_id}>")
    _say(req, text, [section(text)])
