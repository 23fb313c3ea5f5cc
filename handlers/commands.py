"""The `/kinerja` slash command: find the subcommand, check the role, run it.

Every cycle declares its subcommands (handlers/cycle.py); the app gives this router all of
them in one `Catalog`, which also writes the help, so nobody is shown or can run a command
their role may not use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks.help import help_message
from bot.i18n import Translator
from bot.org.directory import employee_by_slack_id
from bot.org.erasure_marks import is_marked_erased
from bot.permissions import Action, can, role_of
from bot.sanitize import strip_control
from bot.slack.services import Services
from handlers.toolkit import acting_employee
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
    ack: Callable[..., None]  # Bolt's Ack, called after the session's changes are committed
    respond: Respond
    catalog: Catalog


SubcommandHandler = Callable[[CommandRequest], None]


@dataclass(frozen=True)
class Subcommand:
    """One `/kinerja` subcommand. `read_only`: it never writes, so it runs in a read-only
    session (on SQLite it then neither waits for nor holds the write lock while it talks to
    Slack, e.g. opening a modal)."""

    name: str
    action: Action
    usage_key: str
    help_key: str
    run: SubcommandHandler
    aliases: tuple[str, ...] = ()
    read_only: bool = False
    refusal_key: str = "error.permission"  # what someone without `action` is told


class Catalog:
    """Every cycle's subcommands, in the order help lists them."""

    def __init__(self, subcommands: Iterable[Subcommand]) -> None:
        self.subcommands = tuple(subcommands)
        self._by_name: dict[str, Subcommand] = {}
        for command in self.subcommands:
            for name in (command.name, *command.aliases):
                if name in self._by_name:
                    raise ValueError(f"two subcommands are called {name!r}")
                self._by_name[name] = command

    def __iter__(self) -> Iterator[Subcommand]:
        return iter(self.subcommands)

    def find(self, name: str) -> Subcommand | None:
        return self._by_name.get(name.lower())

    def reads_only(self, text: str) -> bool:
        """Whether `/kinerja <text>` only reads (its replay needs no shared record)."""
        words = text.split()
        chosen = self.find(words[0] if words else "help")
        return chosen is not None and chosen.read_only

    def help(
        self, tr: Translator, employee: Employee, unknown: str | None = None
    ) -> dict[str, Any]:
        return help_message(tr, role_of(employee), self.subcommands, unknown=unknown)


def handle_kinerja(
    services: Services, catalog: Catalog, ack: Ack, command: dict[str, Any], respond: Respond
) -> None:
    """A subcommand that only reads runs in a read-only session. Someone Kinerja has never
    met is first added, which writes, so they take the other path. Control characters are
    dropped from the text first: nobody types them, and PostgreSQL refuses a NUL in any
    text a subcommand might store or look up."""
    words = strip_control(command.get("text") or "").split()
    name, args = (words[0], words[1:]) if words else ("help", [])
    team_id, user_id = command["team_id"], command["user_id"]
    chosen = catalog.find(name)
    run = _Run(services, catalog, chosen, name, args, command, ack, respond)
    if chosen is not None and chosen.read_only:
        with services.db.session(read_only=True) as session:
            known = employee_by_slack_id(session, team_id, user_id)
            if known is not None:
                run(session, known)
                return
    with services.db.session() as session:
        run(session, acting_employee(session, services, team_id, user_id))


@dataclass
class _Run:
    services: Services
    catalog: Catalog
    chosen: Subcommand | None
    name: str
    args: list[str]
    command: dict[str, Any]
    ack: Ack
    respond: Respond

    def __call__(self, session: Session, employee: Employee | None) -> None:
        tr = self.services.translator_for(employee)
        ack = self.ack

        def ack_when_saved(*args: Any, **kwargs: Any) -> None:
            """Slack shows the answer the moment it is acked (handlers/prompt_ack.py), so what
            the subcommand changed is committed first: "done" is already true for the next
            click or command. Work after the ack runs in a transaction of its own."""
            session.commit()
            ack(*args, **kwargs)

        if employee is None:
            erased = is_marked_erased(session, self.command["team_id"], self.command["user_id"])
            key = "error.erased" if erased else "error.unknown_user"
            ack(response_type="ephemeral", text=tr(key))
            return
        if not employee.active:
            ack(response_type="ephemeral", text=tr("error.inactive"))
            return
        chosen = self.chosen
        if chosen is None:
            ack(**self.catalog.help(tr, employee, unknown=self.name))
            return
        if not can(employee, chosen.action):
            ack(response_type="ephemeral", text=tr(chosen.refusal_key))
            return
        chosen.run(
            CommandRequest(
                self.services,
                session,
                self.command,
                self.args,
                employee,
                tr,
                ack_when_saved,
                self.respond,
                self.catalog,
            )
        )


def register(app: App, services: Services, catalog: Catalog) -> None:
    def kinerja(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        handle_kinerja(services, catalog, ack, command, respond)

    app.command("/kinerja")(kinerja)
