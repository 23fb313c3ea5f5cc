"""What every listener needs, in one place: the app's services, the person acting (in one
transaction), their language, a refusal put into words, and an answer only the clicker sees.

Listeners are module-level functions, in the shape of Bolt's own examples: Bolt injects
`ack`, `body`, `client`, `respond` and `context`, and the app's `Services` ride in the
context (`services_of(context)`), put there for every request by `provide_services`.

A typical button:

    def approve(ack, body, client, respond, context):
        ack()
        services = services_of(context)
        outcome = act(services, body, context, lambda actor: ..., explain=refusal)
        if outcome.refusal:
            tell(client, body, respond, outcome.tr, outcome.refusal, title_key="...")
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.modals import notice_modal
from bot.blocks.payload import input_blocks
from bot.i18n import Translator
from bot.org.directory import ensure_employee
from bot.org.erasure_marks import is_marked_erased
from bot.permissions import Action, can
from bot.slack.services import Services
from handlers.home import publish_homes
from storage.models import Employee

__all__ = [
    "Actor",
    "Outcome",
    "Refused",
    "act",
    "acting_employee",
    "answer_errors",
    "modal_of",
    "open_view",
    "opened_view",
    "provide_services",
    "publish_homes",
    "request_of",
    "services_of",
    "show_view",
    "team_of",
    "tell",
    "tell_clicker",
    "tell_in_place",
]

log = logging.getLogger(__name__)
T = TypeVar("T")
SERVICES = "kinerja_services"

# A listener's own refusals: which exceptions mean "not allowed / not any more", in words.
Explain = Callable[[Translator, Exception], str | None]


def provide_services(app: App, services: Services) -> None:
    """Every request's context carries the app's services (see `services_of`)."""

    def services_in_context(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context[SERVICES] = services
        return next()

    app.middleware(services_in_context)


def services_of(context: Mapping[str, Any]) -> Services:
    services = context.get(SERVICES)
    if not isinstance(services, Services):
        raise RuntimeError("no services in the request context (provide_services not called)")
    return services


def team_of(body: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The workspace of a request: Bolt's context, else the payload's team or user."""
    team = body.get("team") or {}
    user = body.get("user") or {}
    return str(context.get("team_id") or team.get("id") or user.get("team_id") or "")


def request_of(body: Mapping[str, Any]) -> str:
    """Who asked for what, for a log line: ids and the (untrusted, so quoted and cut) value;
    never the payload, which holds the response_url."""
    action = (body.get("actions") or [{}])[0]
    view = body.get("view") or {}
    what = action.get("action_id") or view.get("callback_id") or "?"
    value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
    return f"{what} {str(value)[:80]!r} by {(body.get('user') or {}).get('id')}"


def acting_employee(
    session: Session, services: Services, team_id: str, user_id: str
) -> Employee | None:
    """The employee row for the Slack user; fetched from Slack if the daily sync missed them."""
    return ensure_employee(session, services.directory, team_id, user_id, services.clock.now())


class Refused(Exception):
    """Raised inside `act`'s work: nothing it did is kept, and `text` is what the person is
    told (already in their language)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass
class Actor:
    """The person a request is from, in the transaction their request runs in."""

    session: Session
    employee: Employee
    tr: Translator
    services: Services

    @property
    def now(self) -> datetime:
        return self.services.clock.now()


@dataclass
class Outcome(Generic[T]):
    tr: Translator
    value: T | None = None
    refusal: str | None = None


def act(
    services: Services,
    body: Mapping[str, Any],
    context: Mapping[str, Any],
    work: Callable[[Actor], T],
    *,
    explain: Explain | None = None,
    action: Action | None = None,
) -> Outcome[T]:
    """`work` for the person behind `body`, in one transaction, committed unless refused.

    Someone Kinerja does not know (or erased), who left, or who lacks `action` is refused
    before `work` runs. Inside it, `Refused`, or an exception that `explain` puts into words,
    rolls everything back and becomes the refusal; any other exception is a bug and rises.
    """
    tr = services.translator_for(None)
    team_id, user_id = team_of(body, context), str((body.get("user") or {}).get("id") or "")
    try:
        with services.db.session() as session:
            employee = acting_employee(session, services, team_id, user_id)
            if employee is None:
                erased = is_marked_erased(session, team_id, user_id)
                return Outcome(tr, refusal=tr("error.erased" if erased else "error.unknown_user"))
            tr = services.translator_for(employee)
            if not employee.active:
                return Outcome(tr, refusal=tr("error.inactive"))
            if action is not None and not can(employee, action):
                return Outcome(tr, refusal=tr("error.permission"))
            try:
                return Outcome(tr, value=work(Actor(session, employee, tr, services)))
            except Refused as refused:
                session.rollback()
                log.info("refused %s", request_of(body))
                return Outcome(tr, refusal=refused.text)
            except Exception as error:
                text = explain(tr, error) if explain is not None else None
                if text is None:
                    raise
                session.rollback()
                log.info("refused %s: %s", request_of(body), type(error).__name__)
                return Outcome(tr, refusal=text)
    except SlackApiError as error:  # Slack's directory was asked about the person, and failed
        log.warning("request not handled, Slack failed: %s", error.response.get("error"))
        return Outcome(tr, refusal=tr("error.internal"))


def tell(
    client: WebClient,
    body: Mapping[str, Any],
    respond: Respond,
    tr: Translator,
    text: str,
    *,
    title_key: str,
    close_key: str | None = None,
) -> None:
    """An answer only the clicker sees: in the modal they clicked in, else ephemeral under the
    message, else (a click on the App Home) a notice modal titled `title_key` (its button
    `close_key`, see notice_modal)."""
    notice = notice_modal(tr, text, title_key, close_key=close_key)
    if modal_of(dict(body)) is not None:
        show_view(client, dict(body), notice)
    else:
        tell_clicker(client, dict(body), respond, text, notice)


def open_or_tell(
    client: WebClient,
    body: Mapping[str, Any],
    respond: Respond,
    outcome: Outcome[dict[str, Any]],
    *,
    title_key: str,
) -> None:
    """The modal a click asked for, or the reason there is none, told to the clicker alone."""
    if outcome.refusal is not None or outcome.value is None:
        tell(client, body, respond, outcome.tr, outcome.refusal or "–", title_key=title_key)
        return
    open_view(client, str(body.get("trigger_id") or ""), outcome.value)


# ------------------------------------------------------------- answering the clicker in Slack


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    """views.open with a trigger id that lives 3 seconds; False when Slack refused it."""
    return opened_view(client, trigger_id, view) is not None


def opened_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> dict[str, Any] | None:
    """views.open; the view as Slack opened it (its `id` lets a listener replace it after a
    slow look-up), {} when Slack did not say, None when Slack refused."""
    try:
        response = client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return None
    opened = response.get("view")
    return dict(opened) if isinstance(opened, dict) else {}


def tell_clicker(
    client: WebClient, body: dict[str, Any], respond: Respond, text: str, notice: dict[str, Any]
) -> None:
    """An answer only the clicker sees: ephemeral under the message they clicked in, else the
    `notice` modal (Slack gives a response_url to clicks in messages only, not to those on the
    App Home or in a modal)."""
    if body.get("response_url"):
        try:
            respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception as error:  # a dead response_url must not fail the action
            log.info("could not answer %s through response_url: %s", body["user"]["id"], error)
    elif body.get("trigger_id"):
        open_view(client, body["trigger_id"], notice)


def modal_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """The modal the click came from, if it came from one."""
    view = body.get("view")
    if isinstance(view, dict) and view.get("type") == "modal" and isinstance(view.get("id"), str):
        return view
    return None


def show_view(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> bool:
    """Replace the modal the click came from, else open `view`; False when Slack refused."""
    current = modal_of(body)
    if current is None:
        return open_view(client, str(body.get("trigger_id") or ""), view)
    try:
        client.views_update(view_id=current["id"], view=view)
    except SlackApiError as error:
        log.info("views.update after a click in a modal failed: %s", error.response.get("error"))
        return False
    return True


def tell_in_place(
    client: WebClient, body: dict[str, Any], respond: Respond, text: str, notice: dict[str, Any]
) -> None:
    """An answer only the clicker sees: in the modal they clicked in, else as tell_clicker."""
    if modal_of(body) is not None:
        show_view(client, body, notice)
    else:
        tell_clicker(client, body, respond, text, notice)


def placed(view: Any, errors: dict[str, str]) -> dict[str, str]:
    """`errors` keyed by input blocks of `view` (texts sharing a block are joined); {} when
    the view has no input block."""
    present = input_blocks(view)
    if not present:
        return {}
    found: dict[str, str] = {}
    for block, text in errors.items():
        target = block if block in present else present[0]
        found[target] = f"{found[target]} {text}" if target in found else text
    return found


def answer_errors(
    ack: Ack, view: Any, errors: dict[str, str], notice: Callable[[str], dict[str, Any]]
) -> None:
    """Inline errors where Slack can show them, else `notice(text)` in place of the modal."""
    inline = placed(view, errors)
    if inline:
        ack(response_action="errors", errors=inline)
    else:
        text = " ".join(dict.fromkeys(t for t in errors.values() if t)) or "–"
        ack(response_action="update", view=notice(text))
