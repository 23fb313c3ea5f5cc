"""The people a giver or a requester chose: Slack ids to employees, refusing bots, leavers,
strangers and oneself with words that say which it was."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.feedback.errors import FeedbackRejected
from storage.models import Employee

# Slack's own users: never people, whatever the directory says.
SLACK_SYSTEM_USERS = frozenset({"USLACKBOT"})


def resolve_people(
    slack_ids: Iterable[str],
    *,
    find: Callable[[str], Employee | None],
    is_bot: Callable[[str], bool],
    field: str,
) -> list[Employee]:
    """Slack ids (a mention, a users select, a message's author) to employees, in order and
    once each. `find` is the directory look-up (it may ask Slack about someone not synced
    yet; bots and strangers give None); `is_bot`, asked only then, tells a bot from a person
    Kinerja does not know, so the person learns which it was."""
    people: list[Employee] = []
    for slack_id in dict.fromkeys(slack_ids):
        if slack_id in SLACK_SYSTEM_USERS:
            raise FeedbackRejected(field, "feedback.error.bot")
        employee = find(slack_id)
        if employee is None:
            key = "feedback.error.bot" if is_bot(slack_id) else "feedback.error.unknown"
            raise FeedbackRejected(field, key)
        people.append(employee)
    return people


def check_person(actor: Employee, person: Employee, field: str, *, self_key: str) -> None:
    """Someone of the actor's workspace who is still here and is not the actor."""
    if person.team_id != actor.team_id:
        raise FeedbackRejected(field, "feedback.error.unknown")
    if person.id == actor.id:
        raise FeedbackRejected(field, self_key)
    if not person.active:
        raise FeedbackRejected(field, "feedback.error.inactive", name=person.name)
