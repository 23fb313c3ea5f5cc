"""`erase_person`: the right to erasure, keeping aggregate counts correct.

What is removed and what is kept is described in bot/reporting/personal_data.py. The order
matters: what the person wrote is collected first (to recognise it when Slack payloads quote
it), then replaced; outbox rows about them are purged before any text is rewritten; then their
identifiers are replaced everywhere else; their employee row goes last, and a mark
(bot/org/erasure_marks.py) keeps the directory sync from adding them again.

Kept, because it belongs to someone else (`kept_after_erasure` counts it, the CLI says so
before and after): the manager part of the reviews of other people they wrote (a review is the
record of the employee it is about, who may need it for a promotion or a dispute), the
justification of reward nominations they made for others and the reasons of decisions they took
on them (that person's reward record), and the team and company goals they owned with their key
results and history (the organisation's goals, to which other people's goals are aligned). In
that text their Slack id, e-mail and full name are replaced like everywhere else, and the rows
point at the anonymised `ERASED-<id>` row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.feedback.privacy import end_feedback_of, erase_feedback_text
from bot.oneonone.erasure import end_their_one_on_ones, erase_their_one_on_ones
from bot.org.erasure_marks import mark_erased, pseudonym
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
from storage.checkins import Checkin, CheckinReply, Obstacle, ObstacleStatus
from storage.goals import Goal, GoalEvent, GoalLevel, GoalStatus, KeyResult
from storage.kudos import Kudos, KudosRecipient
from storage.models import Employee, OutboxMessage, OutboxStatus, Role, SlackDm
from storage.nominations import Nomination
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewEvent, ReviewStatus
from storage.schema import metadata

NEEDLE_CHUNK = 40
LIVE = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


# Written by the person but kept (module docstring), in the order the CLI lists them.
KEPT = ("manager_reviews", "nominations", "goals")
ORGANISATION_GOALS = (GoalLevel.TEAM.value, GoalLevel.COMPANY.value)


def rewritable_tables() -> list[str]:
    """Every table an erasure may rewrite (to clean them all when the list was not kept)."""
    return sorted(["employees", *(t.name for t in workspace_tables() if text_columns(t))])


@dataclass(frozen=True)
class Erasure:
    employee_id: int
    changed: dict[str, int]
    kept: dict[str, int]
    ended: dict[str, int]  # what was waiting for them and no longer waits (_end_their_part)

    @property
    def tables(self) -> list[str]:
        """Tables whose rows were rewritten: where old copies of the text may linger."""
        return sorted(t for t in self.changed if t in metadata.tables) + ["audit_log"]


def kept_after_erasure(session: Session, person: Employee) -> dict[str, int]:
    """How many rows of each KEPT kind the person wrote (zeros left out)."""
    pid = person.id
    written = select(Review.manager_answers).where(
        Review.manager_id == pid, Review.employee_id != pid
    )
    nominations = select(func.count()).where(
        Nomination.employee_id != pid,
        or_(Nomination.manager_id == pid, Nomination.decided_by_id == pid),
    )
    goals = select(func.count()).where(Goal.owner_id == pid, Goal.level.in_(ORGANISATION_GOALS))
    counts = {
        "manager_reviews": sum(1 for answers in session.scalars(written) if answers),
        "nominations": session.scalar(nominations.select_from(Nomination)) or 0,
        "goals": session.scalar(goals.select_from(Goal)) or 0,
    }
    return {kind: count for kind, count in counts.items() if count}


def erase_person(
    session: Session, team_id: str, slack_id: str, *, actor: str | None, now: datetime
) -> Erasure:
    """Erase one person of the workspace (PersonNotFound when there is nobody by that id)."""
    person = find_person(session, team_id, slack_id)
    kept = kept_after_erasure(session, person)
    changed: Counter[str] = Counter()
    authored = _replace_what_they_wrote(session, person, changed)
    ended = _end_their_part(session, person, now)
    name = " ".join(person.name.split())
    _purge_outbox(session, team_id, [*identifiers(person), name], authored, changed)
    _forget_their_dm(session, team_id, person.slack_id, changed)
    alias = pseudonym(person.id)
    clean = scrubber(
        [
            (person.slack_id, alias, False),
            (person.email or "", MARKER, False),
            (name, MARKER, True),
        ]
    )
    _scrub_everywhere(
        session, team_id, [n for n in (*identifiers(person), name) if n], clean, changed
    )
    mark_erased(session, team_id, person.slack_id, now)
    _anonymise(person, alias, now)
    changed["employees"] += 1
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="person.erased",
        subject=f"employee:{person.id}",
        detail={"changed": dict(sorted(changed.items())), "kept": kept, "ended": ended},
        at=now,
    )
    session.flush()
    return Erasure(person.id, dict(changed), kept, ended)


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
    personal = and_(Goal.owner_id == pid, Goal.level.not_in(ORGANISATION_GOALS))
    goals = list(session.scalars(select(Goal).where(personal)))
    for goal in goals:
        texts += [goal.title, goal.description]
        goal.title, goal.description = MARKER, ""
        changed["goals"] += 1
    goal_ids = [g.id for g in goals]
    for key_result in session.scalars(select(KeyResult).where(KeyResult.goal_id.in_(goal_ids))):
        texts.append(key_result.title)
        key_result.title = MARKER
        changed["key_results"] += 1
    kept_goals = select(Goal.id).where(Goal.owner_id == pid, Goal.level.in_(ORGANISATION_GOALS))
    events = select(GoalEvent).where(
        or_(
            GoalEvent.goal_id.in_(goal_ids),
            and_(GoalEvent.actor_id == pid, GoalEvent.goal_id.not_in(kept_goals)),
        )
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
    texts += erase_feedback_text(session, person, MARKER, changed)  # bot/feedback/privacy.py
    texts += erase_their_one_on_ones(session, person, MARKER, changed)
    session.flush()  # before the table-wide pass below, which reads and writes in SQL
    texts += _replace_owned_text(session, person.team_id, pid, changed)
    return authored_snippets(t for t in texts if t)


def _end_their_part(session: Session, person: Employee, now: datetime) -> dict[str, int]:
    """What was waiting for them stops waiting: nobody will move it any more, and lists of
    what needs doing (Homes, digests, reports) would otherwise show an anonymous entry for
    ever. Their open obstacles are closed, their unfinished personal goals abandoned, and
    their unfinished reviews in cycles not yet closed withdrawn (deleted, with their
    history); their 1:1 series end and the action items waiting for them are cancelled
    (bot/oneonone/erasure.py). What is finished stays, so past figures do not change."""
    pid, team_id = person.id, person.team_id
    still_open = (ObstacleStatus.OPEN.value, ObstacleStatus.HELPING.value)
    closed = session.execute(
        update(Obstacle)
        .where(Obstacle.employee_id == pid, Obstacle.status.in_(still_open))
        .values(status=ObstacleStatus.RESOLVED.value, resolved_at=now, updated_at=now)
    )
    ended = {"obstacles": _count(closed)}
    unfinished = (
        GoalStatus.DRAFT.value,
        GoalStatus.PENDING_APPROVAL.value,
        GoalStatus.ACTIVE.value,
    )
    abandoned = session.execute(
        update(Goal)
        .where(Goal.owner_id == pid, Goal.level.not_in(ORGANISATION_GOALS))
        .where(Goal.status.in_(unfinished))
        .values(status=GoalStatus.ABANDONED.value, updated_at=now)
    )
    ended["goals"] = _count(abandoned)
    pending = [s.value for s in (ReviewStatus.NOT_STARTED, ReviewStatus.SELF_SUBMITTED,
                                 ReviewStatus.MANAGER_SUBMITTED)]  # fmt: skip
    withdrawn = list(
        session.scalars(
            select(Review.id)
            .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
            .where(
                Review.team_id == team_id,
                Review.employee_id == pid,
                Review.status.in_(pending),
                ReviewCycle.status != CycleStatus.CLOSED.value,
            )
        )
    )
    if withdrawn:
        session.execute(delete(ReviewEvent).where(ReviewEvent.review_id.in_(withdrawn)))
        session.execute(delete(Review).where(Review.id.in_(withdrawn)))
    ended["reviews"] = len(withdrawn)
    ended.update(end_feedback_of(session, person, now))  # asks and requests: bot/feedback
    ended.update(end_their_one_on_ones(session, person, now))
    session.expire_all()  # rows changed in SQL: nothing stale is flushed over them
    return {kind: count for kind, count in ended.items() if count}


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _replace_owned_text(
    session: Session, team_id: str, person_id: int, changed: Counter[str]
) -> list[str]:
    """Every free-text (Text) column of every row the person owns, in any table — so a table
    added later is erased without changing this file (nominations about them: justification
    and decision). Team and company goals stay (module docstring)."""
    texts: list[str] = []
    for table in workspace_tables():
        owners = [c for c in table.columns if c.name in OWNER_COLUMNS and c.foreign_keys]
        free = [c for c in table.columns if isinstance(c.type, Text)]
        if not owners or not free:
            continue
        mine = [table.c.team_id == team_id, or_(*(c == person_id for c in owners))]
        if table.name == Goal.__tablename__:
            mine.append(table.c.level.not_in(ORGANISATION_GOALS))
        written = or_(*(and_(c.is_not(None), c != "", c != MARKER) for c in free))
        rows = session.execute(select(*free).where(*mine, written)).all()
        if not rows:
            continue
        for row in rows:
            texts += [value for value in row if isinstance(value, str) and value != MARKER]
        blank = {c.name: case((or_(c.is_(None), c == ""), c), else_=MARKER) for c in free}
        session.execute(update(table).where(*mine, written).values(**blank))
        changed[table.name] += len(rows)
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


def _forget_their_dm(
    session: Session, team_id: str, slack_id: str, changed: Counter[str]
) -> None:
    """The sender remembers each person's DM id (bot/slack/recording.py); an erased person
    is never written to again, so the link between them and that conversation goes."""
    gone = session.execute(
        delete(SlackDm).where(SlackDm.team_id == team_id, SlackDm.user_id == slack_id)
    )
    forgotten = int(getattr(gone, "rowcount", 0) or 0)
    if forgotten:
        changed["slack_dms"] += forgotten


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


def _anonymise(person: Employee, alias: str, now: datetime) -> None:
    person.slack_id = alias
    person.name = MARKER
    person.email = None
    person.tz = None
    person.locale = None
    person.away_until = None
    person.manager_id = None
    person.role = Role.EMPLOYEE.value
    person.active = False
    person.updated_at = now
