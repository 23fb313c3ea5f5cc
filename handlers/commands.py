"""The `/kinerja` slash command: parse the subcommand, check the role, answer ephemerally."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks.help import help_message
from bot.blocks.people import org_message, profile_message
from bot.command_catalog import Subcommand, find
from bot.i18n import Translator
from bot.organisation import org_summary, profile_of
from bot.permissions import can, role_of
from bot.services import Services
from handlers.people import acting_employee
from storage.models import Employee

log = logging.getLogger(__name__)


@dataclass
class CommandRequest:
    """What a subcommand handler needs; it must call `ack` itself (first, when it is slow)."""

    services: Services
    session: Session
    command: dict[str, Any]
    args: list[str]
    employee: Employee
    tr: Translator
    ack: Ack
    respond: Respond


SubcommandHandler = Callable[[CommandRequest], None]
HANDLERS: dict[str, SubcommandHandler] = {}


def subcommand(name: str) -> Callable[[SubcommandHandler], SubcommandHandler]:
    def wrap(handler: SubcommandHandler) -> SubcommandHandler:
        HANDLERS[name] = handler
        return handler

    return wrap


@subcommand("help")
def _help(req: CommandRequest) -> None:
    req.ack(**help_message(req.tr, role_of(req.employee)))


@subcommand("me")
def _me(req: CommandRequest) -> None:
    req.ack(**profile_message(req.tr, profile_of(req.session, req.employee)))


@subcommand("org")
def _org(req: CommandRequest) -> None:
    req.ack(**org_message(req.tr, org_summary(req.session, req.employee)))


def handle_kinerja(services: Services, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
    words = (command.get("text") or "").split()
    name, args = (words[0], words[1:]) if words else ("help", [])
    with services.db.session() as session:
        employee = acting_employee(session, services, command["team_id"], command["user_id"])
        tr = services.translator_for(employee)
        if employee is None:
            ack(response_type="ephemeral", text=tr("error.unknown_user"))
            return
        if not employee.active:
            ack(response_type="ephemeral", text=tr("error.inactive"))
            return
        chosen: Subcommand | None = find(name)
        if chosen is None or chosen.name not in HANDLERS:
            ack(**help_message(tr, role_of(employee), unknown=name))
            return
        if not can(employee, chosen.action):
            ack(response_type="ephemeral", text=tr("error.permission"))
            return
        HANDLERS[chosen.name](
            CommandRequest(services, session, command, args, employee, tr, ack, respond)
        )


def register(app: App, services: Services) -> None:
    def kinerja(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        handle_kinerja(services, ack, command, respond)

    app.command("/kinerja")(kinerja)
