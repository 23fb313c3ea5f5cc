"""How a check-in listener answers: a stale or forged button refused in words, told to the
clicker alone, and a modal saved before its ack or answered with inline field errors (nothing
of it kept)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.modals import notice_modal
from bot.blocks.payload import action_value, db_id
from bot.i18n import Translator
from bot.monitoring import MonitoringValidationError, NotFound, ReaderOnly
from bot.permissions import Action, PermissionDenied
from handlers.toolkit import Actor, Explain, Outcome, act, answer_errors, services_of, tell

T = TypeVar("T")
NOTICE_TITLE = "monitoring.notice.title"


def refusal(tr: Translator, error: Exception) -> str | None:
    """A button or modal about a check-in or obstacle that is not the clicker's to answer: the
    employee clicking their reader's button is told what they can do instead; anyone else is
    told only that it is not theirs (it may not exist: ids cannot be probed)."""
    if isinstance(error, ReaderOnly):
        return tr("monitoring.error.reader_only")
    if isinstance(error, NotFound | PermissionDenied):
        return tr("monitoring.error.not_yours")
    return None


def permission_refusal(tr: Translator, error: Exception) -> str | None:
    """For the person's own check-in or the schedule: only a missing permission is refused."""
    return tr("error.permission") if isinstance(error, PermissionDenied) else None


def known(row_id: int | None) -> int:
    """An id read from the payload, or NotFound: a forged value is refused like a stale one."""
    if row_id is None:
        raise NotFound(None)
    return row_id


def answer_click(
    body: dict[str, Any],
    context: Mapping[str, Any],
    respond: Respond,
    client: WebClient,
    work: Callable[[Actor, int], T],
) -> Outcome[T]:
    """A reader's click on a check-in or an obstacle (its id is the button's value): `work`
    for the clicker in one transaction; a refusal is told to them alone."""
    services = services_of(context)
    row_id = db_id(action_value((body.get("actions") or [{}])[0]))
    outcome = act(
        services,
        body,
        context,
        lambda actor: work(actor, known(row_id)),
        action=Action.ANSWER_CHECKIN,
        explain=refusal,
    )
    if outcome.refusal:
        tell(client, body, respond, outcome.tr, outcome.refusal, title_key=NOTICE_TITLE)
    return outcome


def save_submission(
    ack: Ack,
    body: dict[str, Any],
    context: Mapping[str, Any],
    save: Callable[[Actor], object],
    *,
    action: Action,
    explain: Explain,
    refusal_field: str,
    fields: Collection[str] | None = None,
) -> bool:
    """A modal's submission, saved for the submitter before the ack (True), or answered with
    what is wrong, on the field concerned, with nothing of it kept (False). A refusal goes on
    `refusal_field`, as does an error about a field the modal has no block for when `fields`
    names its blocks (else it goes on the first input)."""
    view = body.get("view") or {}

    def saved(actor: Actor) -> dict[str, str]:
        try:
            save(actor)
        except MonitoringValidationError as error:
            actor.session.rollback()
            return {field: actor.tr(key, **error.values) for field, key in error.errors.items()}
        return {}

    outcome = act(services_of(context), body, context, saved, action=action, explain=explain)
    errors = {refusal_field: outcome.refusal} if outcome.refusal else outcome.value or {}
    if fields is not None:
        errors = {field if field in fields else refusal_field: t for field, t in errors.items()}
    if not errors:
        ack()
        return True
    tr = outcome.tr
    answer_errors(ack, view, errors, lambda text: notice_modal(tr, text, NOTICE_TITLE))
    return False
