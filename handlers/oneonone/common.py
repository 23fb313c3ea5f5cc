"""What the 1:1 listeners share: putting the core's refusals into words, running a modal's
submission so that bad input becomes inline field errors, and the notice frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.modals import notice_modal
from bot.blocks.payload import action_value, db_id
from bot.i18n import Translator
from bot.oneonone.errors import Invalid, NotFound, Refused
from bot.permissions import Action, PermissionDenied
from bot.slack.services import Services
from handlers import toolkit
from handlers.toolkit import (
    Actor,
    Outcome,
    act,
    answer_errors,
    publish_homes,
    show_view,
    team_of,
)

T = TypeVar("T")
TITLE = "oneonone.notice.title"


def explain(tr: Translator, error: Exception) -> str | None:
    """A refusal of the core in the person's words; None for anything else (a bug)."""
    if isinstance(error, Refused):
        return tr(error.key, **error.values)
    if isinstance(error, NotFound):
        return tr("oneonone.error.not_found")
    if isinstance(error, Invalid):
        return " ".join(tr(key, **error.values) for key in error.errors.values())
    if isinstance(error, PermissionDenied):
        return tr("error.permission")
    return None


def run(
    services: Services,
    body: Mapping[str, Any],
    context: Mapping[str, Any],
    work: Callable[[Actor], T],
) -> Outcome[T]:
    """A click's work for the person, in one transaction (toolkit.act)."""
    return act(services, body, context, work, explain=explain, action=Action.HOLD_ONE_ON_ONE)


def submit(
    services: Services,
    ack: Ack,
    body: Mapping[str, Any],
    context: Mapping[str, Any],
    work: Callable[[Actor], T],
) -> Outcome[T] | None:
    """A modal's submission: `work` runs; bad input is answered with inline errors under
    its fields and a refusal under the first one (nothing is kept either way), else the
    modal closes. Returns the outcome when the work was done, None when it was refused."""
    fields: dict[str, str] = {}

    def guarded(actor: Actor) -> T:
        try:
            return work(actor)
        except Invalid as error:
            fields.update({f: actor.tr(k, **error.values) for f, k in error.errors.items()})
            raise toolkit.Refused(" ".join(fields.values())) from None

    outcome = run(services, body, context, guarded)
    view = body.get("view") or {}
    if outcome.refusal is not None:
        errors = fields or {"": outcome.refusal}
        answer_errors(ack, view, errors, lambda text: notice_modal(outcome.tr, text, TITLE))
        return None
    ack()
    return outcome


def tell(
    client: WebClient, body: Mapping[str, Any], respond: Respond, tr: Translator, text: str
) -> None:
    """Only the clicker reads it: in the modal they clicked in, under the message, or in a
    small modal (a click on the App Home)."""
    toolkit.tell(client, body, respond, tr, text, title_key=TITLE)


def first_id(body: Mapping[str, Any]) -> int | None:
    """The id a clicked button carries (untrusted: the core checks it)."""
    actions = body.get("actions") or [{}]
    return db_id(action_value(actions[0] if isinstance(actions, list) else {}))


def open_or_tell(
    services: Services,
    body: Mapping[str, Any],
    context: Mapping[str, Any],
    client: WebClient,
    respond: Respond,
    work: Callable[[Actor], dict[str, Any]],
) -> None:
    """A click that opens a modal (or replaces the one it was clicked in): the view `work`
    builds, or the refusal told to the clicker."""
    outcome = run(services, body, context, work)
    if outcome.refusal is not None:
        tell(client, body, respond, outcome.tr, outcome.refusal)
    elif outcome.value is not None:
        show_view(client, dict(body), outcome.value)


def change(
    services: Services,
    body: Mapping[str, Any],
    context: Mapping[str, Any],
    client: WebClient,
    respond: Respond,
    work: Callable[[Actor], Changed],
) -> None:
    """A click that changes something: the refusal, or what `work` says, told to the clicker
    (if anything); then the App Homes of the people it concerns are refreshed."""
    outcome = run(services, body, context, work)
    if outcome.refusal is not None:
        tell(client, body, respond, outcome.tr, outcome.refusal)
        return
    done = outcome.value
    if done is None:
        return
    if done.view is not None:
        show_view(client, dict(body), done.view)
    elif done.text:
        tell(client, body, respond, outcome.tr, done.text)
    if done.homes:
        publish_homes(services, client, team_of(body, context), done.homes)


@dataclass
class Changed:
    """What came of a click: a text for the clicker, or a view to put in place of the modal
    they clicked in; and whose App Home changed."""

    homes: set[str] = field(default_factory=set)
    text: str | None = None
    view: dict[str, Any] | None = None
