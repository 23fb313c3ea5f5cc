"""`erase_person`: the right to erasure, keeping aggregate counts correct.

What is removed and what is kept is described in bot/reporting/personal_data.py. The order
matters: what the person wrote is collected first (to recognise it when Slack payloads quote
it), then replaced; outbox rows about them are purged before any text is rewritten; then their
identifiers are replaced everywhere else; their employee row goes last.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, case, or_, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.reporting.personal_data import (
    MARKER,
    OWNER_COLUMNS,
    as_dict,
    authored_snippets,
    find_person,
    identifiers,
    mentioning,
    mentions,
    primary_key,
    scrubber,
    text_columns,
    workspace_tables,
)
from storage.checkins import Checkin, CheckinReply, Obstacle
from storage.goals import Goal, GoalEvent, KeyResult
from storage.kudos import Kudos, KudosRecipient
from storage.models import Employee, OutboxMessage, OutboxStatus, Role
from storage.reviews import Review, ReviewEvent
from storage.schema import metadata

NEEDLE_CHUNK = 40
LIVE = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


@dataclass(frozen=True)
class Erasure:
    employee_id: int
    changed: dict[str, int]


def erase_person(
    session: Session, team_id: str, slack_id: str, *, actor: str | None, now: datetime
) -> Erasure:
    """Erase one person of the workspace (PersonNotFound when there is nobody by that id)."""
    person = find_person(session, team_id, slack_id)
    changed: Counter[str] = Counter()
    authored = _replace_what_they_wrote(session, person, changed)
    name = " ".join(person.name.split())
    _purge_outbox(session, team_id, [*identifiers(person), name], authored, changed)
    pseudonym = f"ERASED-{person.id}"
    clean = scrubber(
        [
            (person.slack_id, pseudonym, False),
            (person.email or "", MARKER, False),
            (name, MARKER, True),
        ]
    )
    _scrub_everywhere(
        session, team_id, [n for n in (*identifiers(person), name) if n], clean, changed
    )
    _anonymise(person, pseudonym, now)
    changed["employees"] += 1
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="person.erased",
        subject=f"employee:{person.id}",
        detail={"changed": dict(sorted(changed.items()))},
        at=now,
    )
    session.flush()
    return Erasure(person.id, dict(changed))


def _replace_what_they_wrote(
    session: Session, person: Employee, changed: Counter[str]
) -> list[str]:
    """Text written by the person or about them → MARKER; returns the originals' snippets."""
    pid = person.id
    texts: list[str] = []
    first = person.name.split()[0] if person.name.split() else ""
    addressed = scrubber([(" ".join(person.name.split()), MARKER, True), (first, MARKER, True)])

    checkins = list(session.scalars(select(Checkin).where(Checkin.employee_id == pid)))
    for checkin in checkins:
        for field in ("wins", "support", "plans"):
            value = getattr(checkin, field)
            if value:
                texts.append(value)
                setattr(checkin, field, MARKER)
        changed["checkins"] += 1
    checkin_ids = [c.id for c in checkins]
    for obstacle in session.scalars(select(Obstacle).where(Obstacle.employee_id == pid)):
        texts.append(obstacle.text)
        obstacle.text = MARKER
        changed["obstacles"] += 1
    replies = select(CheckinReply).where(
        or_(CheckinReply.author_id == pid, CheckinReply.checkin_id.in_(checkin_ids))
    )
    for reply in session.scalars(replies):
        if reply.author_id == pid:
            texts.append(reply.text)
        reply.text = MARKER
        changed["checkin_replies"] += 1
    for kudos in session.scalars(select(Kudos).where(Kudos.giver_id == pid)):
        texts.append(kudos.message)
        kudos.message = MARKER
        changed["kudos"] += 1
    received = select(Kudos).join(KudosRecipient).where(KudosRecipient.employee_id == pid)
    for kudos in session.scalars(received):
        cleaned = addressed(kudos.message)
        if cleaned != kudos.message:
            kudos.message = cleaned
            changed["kudos"] += 1
    goals = list(session.scalars(select(Goal).where(Goal.owner_id == pid)))
    for goal in goals:
        texts += [goal.title, goal.description]
        goal.title, goal.description = MARKER, ""
        changed["goals"] += 1
    goal_ids = [g.id for g in goals]
    for key_result in session.scalars(select(KeyResult).where(KeyResult.goal_id.in_(goal_ids))):
        texts.append(key_result.title)
        key_result.title = MARKER
        changed["key_results"] += 1
    events = select(GoalEvent).where(
        or_(GoalEvent.goal_id.in_(goal_ids), GoalEvent.actor_id == pid)
    )
    for event in session.scalars(events):
        event.detail = {}
        changed["goal_events"] += 1
    reviews = list(session.scalars(select(Review).where(Review.employee_id == pid)))
    for review in reviews:
        for answers in (review.self_answers, review.manager_answers):
            texts += [str(v) for v in (answers or {}).values()]
        review.self_answers = {k: MARKER for k in review.self_answers or {}}
        review.manager_answers = {k: MARKER for k in review.manager_answers or {}}
        changed["reviews"] += 1
    review_ids = [r.id for r in reviews]
    history = select(ReviewEvent).where(
        or_(ReviewEvent.review_id.in_(review_ids), ReviewEvent.actor_id == pid)
    )
    for review_event in session.scalars(history):
        review_event.detail = {}
        changed["review_events"] += 1
    texts += _replace_owned_text(session, person.team_id, pid, changed)
    session.flush()
    return authored_snippets(t for t in texts if t)


def _replace_owned_text(
    session: Session, team_id: str, person_id: int, changed: Counter[str]
) -> list[str]:
    """Every free-text (Text) column of every row the person owns, in any table — so a table
    added later (nominations' justification, …) is erased without changing this file."""
    texts: list[str] = []
    for table in workspace_tables():
        owners = [c for c in table.columns if c.name in OWNER_COLUMNS and c.foreign_keys]
        free = [c for c in table.columns if isinstance(c.type, Text)]
        if not owners or not free:
            continue
        mine = (table.c.team_id == team_id, or_(*(c == person_id for c in owners)))
        for row in session.execute(select(*free).where(*mine)):
            texts += [value for value in row if isinstance(value, str) and value != MARKER]
        blank = {c.name: case((or_(c.is_(None), c == ""), c), else_=MARKER) for c in free}
        session.execute(update(table).where(*mine).values(**blank))
    return texts


def _purge_outbox(
    session: Session,
    team_id: str,
    names: list[str],
    quotes: list[str],
    changed: Counter[str],
) -> None:
    """Messages about the person: content gone. One that names them (Slack id, e-mail, name)
    is also cancelled if not sent yet; one that only quotes their words is purged once sent
    (a phrase they wrote may be someone else's too, whose pending message must still go)."""
    outbox = metadata.tables["outbox"]
    named = _matching(session, outbox, team_id, [n for n in names if n])
    quoted = _matching(session, outbox, team_id, quotes)
    ordered = sorted(named | quoted)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        purge = OutboxMessage.id.in_(chunk)
        session.execute(
            update(OutboxMessage)
            .where(purge, or_(OutboxMessage.status.not_in(LIVE), OutboxMessage.id.in_(named)))
            .values(payload={"erased": True}, result=None, last_error=None)
        )
        session.execute(
            update(OutboxMessage)
            .where(purge, OutboxMessage.status.in_(LIVE), OutboxMessage.id.in_(named))
            .values(status=OutboxStatus.FAILED.value, last_error="recipient data erased")
        )
    changed["outbox"] += len(ordered)


def _matching(session: Session, table: Any, team_id: str, needles: list[str]) -> set[int]:
    ids: set[int] = set()
    for start in range(0, len(needles), NEEDLE_CHUNK):
        query = mentions(table, team_id, needles[start : start + NEEDLE_CHUNK])
        if query is not None:
            ids.update(row._mapping[table.c.id] for row in session.execute(query))
    return ids


def _scrub_everywhere(
    session: Session, team_id: str, needles: list[str], clean: Any, changed: Counter[str]
) -> None:
    for table, row in list(mentioning(session, team_id, needles)):
        data = as_dict(table, row)
        values = {}
        for column in text_columns(table):
            cleaned = clean(data[column.name])
            if cleaned != data[column.name]:
                values[column.name] = cleaned
        if values:
            key = primary_key(table, data)
            where = [c == v for c, v in zip(table.primary_key.columns, key, strict=True)]
            session.execute(update(table).where(*where).values(**values))
            changed[table.name] += 1


def _anonymise(person: Employee, pseudonym: str, now: datetime) -> None:
    person.slack_id = pseudonym
    person.name = MARKER
    person.email = None
    person.tz = None
    person.locale = None
    person.away_until = None
    person.manager_id = None
    person.role = Role.EMPLOYEE.value
    person.active = False
    person.updated_at = now
