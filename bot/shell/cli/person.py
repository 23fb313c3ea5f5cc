"""`kinerja person erase` and `kinerja person restore`: erasure that sticks, and its undoing.

Erasing someone who is still in Slack's directory does not take them out of Slack, so the CLI
asks Slack first and says what will happen: Kinerja keeps them out (the directory sync skips
them, they get no messages or prompts) until an admin re-adds them with `person restore`.
Without `--yes` the erasure runs in a transaction that is rolled back, so what it would do is
shown exactly and nothing changes; with it, the same lines follow the erasure: what stops
waiting for the person, what they wrote that is kept because it belongs to someone else
(bot/reporting/erase.py), and what the database files still hold (storage/purge.py).

The operator of the server is trusted, as for every `kinerja` command; changes are audited
with the actor "cli".
"""

from __future__ import annotations

import sys

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import audit
from bot.org.directory import employee_by_slack_id, ensure_employee, why_not_a_person
from bot.org.erasure_marks import ERASED_PREFIX, erased_at, unmark_erased
from bot.reporting import erase_person
from bot.reporting.erase import Erasure, rewritable_tables
from bot.shell.cli import words
from bot.shell.cli.common import CliError
from bot.slack.directory import SlackDirectory
from bot.slack.services import Services
from storage.purge import purge_old_versions

ACTOR = "cli"
KEPT_WHY = {
    "manager_reviews": (
        ("manager review", "they wrote about other people"),
        "a review is the record of the employee it is about",
    ),
    "nominations": (
        ("reward nomination", "they made or decided for other people"),
        "part of that person's reward record",
    ),
    "goals": (
        ("team or company goal", "they owned"),
        "the organisation's goals, to which other people's goals are aligned",
    ),
}


def _client(services: Services) -> WebClient | None:
    return services.client if services.settings.slack_bot_token else None


def slack_status(services: Services, team_id: str, slack_id: str) -> str:
    """One line on whether Slack still has this person, for the warning before erasure."""

    client = _client(services)
    if client is None:
        return (
            f"Slack was not asked whether {slack_id} is still there (no SLACK_BOT_TOKEN). If they "
            "are, Kinerja keeps them out until `kinerja person restore` re-adds them."
        )
    try:
        member = SlackDirectory(client).member(slack_id)
    except (SlackApiError, OSError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else error
        return (
            f"Slack could not be asked whether {slack_id} is still there ({reason}). If they "
            "are, Kinerja keeps them out until `kinerja person restore` re-adds them."
        )
    if member is None or why_not_a_person(member, team_id) is not None:
        return f"{slack_id} is no longer an active member of the Slack workspace."
    return (
        f"warning: {slack_id} is still active in Slack. After erasure Kinerja keeps them out: "
        "the directory sync will not add them again, and they get no messages, prompts or "
        f"reviews, until an admin re-adds them with `kinerja person restore {slack_id}`."
    )


ENDED = {
    "obstacles": ("open obstacle", "closed"),
    "goals": ("unfinished personal goal", "abandoned"),
    "reviews": ("unfinished review", "of a cycle not yet closed withdrawn"),
}


def outcome_lines(result: Erasure) -> list[str]:
    """What stops waiting for them, and what they wrote that is kept (and why)."""
    lines = []
    if result.ended:
        ended = ", ".join(
            f"{words.count(count, ENDED[kind][0])} {ENDED[kind][1]}"
            for kind, count in result.ended.items()
        )
        lines.append(f"no longer waiting for them: {ended}")
    if not result.kept:
        return [*lines, "nothing they wrote is kept"]
    lines.append("kept, with their name, Slack id and e-mail taken out (README, Personal data):")
    for kind, count in result.kept.items():
        (noun, what), why = KEPT_WHY[kind]
        lines.append(f"  {words.count(count, noun)} {what}: {why}")
    return lines


def person_erase(
    services: Services, team_id: str, slack_id: str, *, confirmed: bool, full: bool
) -> int:

    if slack_id.startswith(ERASED_PREFIX):
        raise CliError(f"{slack_id} is the record of someone erased already")
    db, now = services.db, services.clock.now()
    again = f"kinerja person erase {slack_id} --yes"
    with db.session(read_only=True) as session:
        when = erased_at(session, team_id, slack_id)
        known = when is None and employee_by_slack_id(session, team_id, slack_id) is not None
    if when is not None:
        print(f"{slack_id} was erased on {when.date().isoformat()}; nothing is left to erase")
        if not confirmed:
            raise CliError(f"add --yes to clean the database files again ({again})", code=2)
        _print_leftovers(services, [], full=full, again=again)
        return 0
    if not known:
        raise CliError(f"nobody with Slack id {slack_id} in {team_id}")
    print(slack_status(services, team_id, slack_id))  # before anything is erased
    with db.session(dry_run=not confirmed) as session:
        result = erase_person(session, team_id, slack_id, actor=ACTOR, now=now)
    if not confirmed:
        for line in outcome_lines(result):
            print(line)
        raise CliError("erasing cannot be undone; add --yes to confirm", code=2)
    changed = ", ".join(f"{table} {count}" for table, count in sorted(result.changed.items()))
    print(f"erased {slack_id} (now employee:{result.employee_id}); rows changed: {changed}")
    for line in outcome_lines(result):
        print(line)
    _print_leftovers(services, result.tables, full=full, again=again)
    return 0


def _print_leftovers(services: Services, tables: list[str], *, full: bool, again: str) -> None:

    tables = tables or rewritable_tables()
    leftovers = purge_old_versions(services.db, tables, full=full, again=again)
    for line in leftovers.done:
        print(f"database: {line}")
    for line in leftovers.todo:
        print(f"still to do: {line}", file=sys.stderr)


def person_restore(services: Services, team_id: str, slack_id: str) -> int:

    db, now = services.db, services.clock.now()
    client = _client(services)
    note = "they will be added by the next directory sync (`kinerja sync`, daily at 02:00)"
    with db.session() as session:
        if not unmark_erased(session, team_id, slack_id):
            raise CliError(f"{slack_id} was not erased in {team_id}: nothing to restore")
        audit.record(
            session,
            team_id=team_id,
            actor=ACTOR,
            action="person.restored",
            subject=slack_id,
            at=now,
        )
        employee = None
        if client is not None:
            try:
                employee = ensure_employee(session, SlackDirectory(client), team_id, slack_id, now)
            except (SlackApiError, OSError) as error:
                reason = error.response.get("error") if isinstance(error, SlackApiError) else error
                note = f"Slack could not be asked now ({reason}); {note}"
            else:
                if employee is None:
                    note = (
                        f"{slack_id} is not an active member of the Slack workspace; the "
                        "directory sync adds them if they come back"
                    )
        shown = None if employee is None else (employee.id, employee.name)
    print(f"{slack_id} may use Kinerja again; what was erased stays erased")
    if shown is None:
        print(note)
    else:
        print(
            f"added {shown[1]} ({slack_id}) as employee:{shown[0]}; set their manager, role and "
            "team with `kinerja org import`"
        )
    return 0
