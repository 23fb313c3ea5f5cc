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
from bot.org.directory import employee_by_slack_id
from bot.org.erasure_marks import is_marked_erased
from bot.org.overview import org_summary, profile_of
from bot.permissions import can, role_of
from bot.slack.services import Services
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
READ_ONLY: set[str] = set()  # subcommands that never write: see `handle_kinerja`


def subcommand(
    name: str, *, read_only: bool = False
) -> Callable[[SubcommandHandler], SubcommandHandler]:
    def wrap(handler: SubcommandHandler) -> SubcommandHandler:
        HANDLERS[name] = handler
        if read_only:
            READ_ONLY.add(name)
        return handler

    return wrap


@subcommand("help", read_only=True)
def _help(req: CommandRequest) -> None:
    req.ack(**help_message(req.tr, role_of(req.employee)))


@subcommand("me", read_only=True)
def _me(req: CommandRequest) -> None:
    req.ack(**profile_message(req.tr, profile_of(req.session, req.employee)))


@subcommand("org", read_only=True)
def _org(req: CommandRequest) -> None:
    req.ack(**org_message(req.tr, org_summary(req.session, req.employee)))


def handle_kinerja(services: Services, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
    """A subcommand that only reads runs in a read-only session: on SQLite it then neither
    waits for the write lock nor holds it while it talks to Slack (opening a modal). Someone
    Kinerja has never met is first added, which writes, so they take the other path."""
    words = (command.get("text") or "").split()
    name, args = (words[0], words[1:]) if words else ("help", [])
    team_id, user_id = command["team_id"], command["user_id"]
    chosen: Subcommand | None = find(name)
    if chosen is not None and chosen.name in READ_ONLY:
        with services.db.session(read_only=True) as session:
            known = employee_by_slack_id(session, team_id, user_id)
            if known is not None:
                _run(services, session, known, chosen, name, args, command, ack, respond)
                return
    with services.db.session() as session:
        employee = acting_employee(session, services, team_id, user_id)
        _run(services, session, employee, chosen, name, args, command, ack, respond)


def _run(
    services: Services,
    session: Session,
    employee: Employee | None,
    chosen: Subcommand | None,
    name: str,
    args: list[str],
    command: dict[str, Any],
    ack: Ack,
    respond: Respond,
) -> None:
    tr = services.translator_for(employee)
    if employee is None:
        erased = is_marked_erased(session, command["team_id"], command["user_id"])
        ack(response_type="ephemeral", text=tr("error.erased" if erased else "error.unknown_user"))
        return
    if not employee.active:
        ack(response_type="ephemeral", text=tr("error.inactive"))
        return
    if chosen is None or chosen.name not in HANDLERS:
        ack(**help_message(tr, role_of(employee), unknown=name))
        return
    if not can(employee, chosen.action):
        ack(response_type="ephemeral", text=tr(chosen.refusal_key))
        return
    HANDLERS[chosen.name](
        CommandRequest(services, session, command, args, employee, tr, ack, respond)
    )


def register(app: App, services: Services) -> None:
    def kinerja(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        handle_kinerja(services, ack, command, respond)

    app.command("/kinerja")(kinerja)
