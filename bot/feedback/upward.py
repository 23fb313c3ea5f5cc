"""Anonymous upward feedback: HR opens a round about managers, reports answer a few questions
on a 1–5 scale and a free text, and each manager sees their results after the round closes —
only when at least N of their reports answered (the round's `min_answers`, never below the
organisation's floor, itself never below 3), as averages and comments without names, in a
shuffled order.

What makes it anonymous, also against whoever can read the database:

- an answer row (storage/upward.py) has no author, no time and no id that grows: its id is
  random, and each new answer rewrites its manager's answers with fresh random ids, stored
  in the order of those ids, in the same transaction (`_store`). Which answer came when is
  not kept anywhere, so it cannot be matched with the one record that knows who answered
  (`UpwardInvitation.answered`, kept for the reminder), itself rewritten for all of a
  manager's invitations at once (`_mark_answered`);
- answering writes no outbox message, no audit row and no log line: the invitation's DM
  keeps its button (a second click is told "already answered");
- results are computed when read and never below the threshold, so nobody, HR included,
  can read one answer on its own; the export holds counts only.

A manager with fewer reports than the round's minimum could never see results, so their
reports are not asked at all (HR is told how many managers that left out).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from random import SystemRandom

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.feedback import upward_notify
from bot.feedback.errors import FeedbackConflict, FeedbackNotFound, FeedbackRejected
from bot.feedback.notify import TranslatorFor
from bot.feedback.timing import end_of_day, local_day
from bot.feedback.upward_form import COMMENT_MAX, HIGHEST_MINIMUM, SCALE, RoundInput, round_errors
from bot.feedback.upward_results import UpwardResults, results_of
from bot.permissions import Action, PermissionDenied, require
from bot.sanitize import clean_text
from storage.models import Employee
from storage.upward import RoundStatus, UpwardAnswer, UpwardInvitation, UpwardRound

_random = SystemRandom()


@dataclass(frozen=True)
class RoundResult:
    round: UpwardRound
    invited: int
    managers: int
    left_out: int  # managers with fewer reports than the minimum


def _groups(session: Session, team_id: str) -> dict[int, list[Employee]]:
    """Active people with an active manager of record (not themselves), by manager id."""
    people = session.scalars(
        select(Employee)
        .where(
            Employee.team_id == team_id,
            Employee.active.is_(True),
            Employee.manager_id.is_not(None),
        )
        .order_by(Employee.id)
    ).unique()
    groups: dict[int, list[Employee]] = {}
    for person in people:
        manager = person.manager
        if manager is None or not manager.active or manager.id == person.id:
            continue
        groups.setdefault(manager.id, []).append(person)
    return groups


def open_round(
    session: Session,
    actor: Employee,
    data: RoundInput,
    *,
    now: datetime,
    tz: str,
    floor: int,
    tr_for: TranslatorFor,
) -> RoundResult:
    """HR opens a round; every report of a manager with enough reports is invited by DM."""
    require(actor, Action.RUN_UPWARD_ROUNDS)
    if not actor.active:
        raise PermissionDenied(Action.RUN_UPWARD_ROUNDS)
    spec, errors = round_errors(data, today=local_day(now, None, tz), floor=floor)
    if spec is None:
        name, key = next(iter(errors.items()))
        raise FeedbackRejected(name, key, min=max(3, floor), max=HIGHEST_MINIMUM)
    groups = _groups(session, actor.team_id)
    included = {m: people for m, people in groups.items() if len(people) >= spec.min_answers}
    if not included:
        raise FeedbackRejected("min_answers", "feedback.upward.error.nobody", min=spec.min_answers)
    round_ = UpwardRound(
        team_id=actor.team_id,
        name=spec.name,
        questions=spec.questions,
        min_answers=spec.min_answers,
        closes_on=spec.closes_on,
        tz=tz,
        status=RoundStatus.OPEN.value,
        created_by=actor.slack_id,
        created_at=now,
    )
    session.add(round_)
    session.flush()
    invitations = [
        UpwardInvitation(
            team_id=actor.team_id,
            round=round_,
            employee=person,
            manager_id=manager_id,
            answered=False,
            created_at=now,
        )
        for manager_id, people in included.items()
        for person in people
    ]
    session.add_all(invitations)
    session.flush()
    for invitation in invitations:
        upward_notify.invite(session, invitation, now, tr_for, tz)
    result = RoundResult(round_, len(invitations), len(included), len(groups) - len(included))
    audit.record(
        session,
        team_id=actor.team_id,
        actor=actor.slack_id,
        action="feedback.upward_opened",
        subject=str(round_.id),
        detail={"invited": result.invited, "managers": result.managers},
        at=now,
    )
    return result


def get_round(session: Session, team_id: str, round_id: int) -> UpwardRound:
    found = session.scalar(
        select(UpwardRound).where(UpwardRound.id == round_id, UpwardRound.team_id == team_id)
    )
    if found is None:
        raise FeedbackNotFound(round_id)
    return found


def is_open(round_: UpwardRound, now: datetime) -> bool:
    return round_.status == RoundStatus.OPEN and now < end_of_day(round_.closes_on, round_.tz)


# ------------------------------------------------------------------------ answering


def _invitation(
    session: Session, actor: Employee, invitation_id: int, now: datetime, *, lock: bool
) -> UpwardInvitation:
    require(actor, Action.ANSWER_UPWARD)
    query = select(UpwardInvitation).where(
        UpwardInvitation.id == invitation_id, UpwardInvitation.team_id == actor.team_id
    )
    if lock:
        query = query.with_for_update(of=UpwardInvitation)
    invitation = session.scalar(query)
    if invitation is None or invitation.employee_id != actor.id:
        raise FeedbackNotFound(invitation_id)
    if not is_open(invitation.round, now):
        raise FeedbackConflict("feedback.upward.conflict.closed")
    if invitation.answered:
        raise FeedbackConflict("feedback.upward.conflict.answered")
    return invitation


def check_invitation(
    session: Session, actor: Employee, invitation_id: int, *, now: datetime
) -> UpwardInvitation:
    """Whether the person may still answer (before the form opens)."""
    return _invitation(session, actor, invitation_id, now, lock=False)


def answer_round(
    session: Session,
    actor: Employee,
    invitation_id: int,
    scores: dict[str, int | None],
    comment: str,
    *,
    now: datetime,
) -> None:
    """Store one anonymous answer and mark the invitation answered; nothing else is written,
    sent or logged (module docstring)."""
    invitation = _invitation(session, actor, invitation_id, now, lock=True)
    round_ = invitation.round
    kept: dict[str, int] = {}
    for index in range(len(round_.questions)):
        score = scores.get(f"q{index}")
        if score is None or score not in SCALE:
            raise FeedbackRejected(f"q{index}", "feedback.upward.error.score")
        kept[f"q{index}"] = score
    text = clean_text(comment)
    if len(text) > COMMENT_MAX:
        raise FeedbackRejected("comment", "feedback.upward.error.comment_long", max=COMMENT_MAX)
    _mark_answered(session, invitation)
    _store(session, invitation.team_id, round_.id, invitation.manager_id, kept, text)


def _mark_answered(session: Session, invitation: UpwardInvitation) -> None:
    """"Has answered", written to every invitation about the same manager at once: a row
    rewritten alone would move (PostgreSQL keeps a new row version where there is room) and
    carry its own transaction id, so the table's order would tell who answered when."""
    session.execute(
        update(UpwardInvitation)
        .where(
            UpwardInvitation.round_id == invitation.round_id,
            UpwardInvitation.manager_id == invitation.manager_id,
        )
        .values(
            answered=case(
                (UpwardInvitation.id == invitation.id, True), else_=UpwardInvitation.answered
            )
        )
        .execution_options(synchronize_session=False)
    )
    session.expire(invitation)


def _store(
    session: Session,
    team_id: str,
    round_id: int,
    manager_id: int,
    scores: dict[str, int],
    comment: str,
) -> None:
    """The new answer joins its manager's others, and all of them are written again with new
    random ids, in the order of those ids: the stored order and ids say nothing of when."""
    where = (UpwardAnswer.round_id == round_id, UpwardAnswer.manager_id == manager_id)
    answers = [
        (dict(row_scores), row_comment)
        for row_scores, row_comment in session.execute(
            select(UpwardAnswer.scores, UpwardAnswer.comment).where(*where)
        )
    ]
    answers.append((scores, comment))
    _random.shuffle(answers)
    ids = sorted(secrets.token_hex(16) for _ in answers)
    session.execute(delete(UpwardAnswer).where(*where))
    session.execute(
        insert(UpwardAnswer),
        [
            {
                "id": answer_id,
                "team_id": team_id,
                "round_id": round_id,
                "manager_id": manager_id,
                "scores": answer_scores,
                "comment": answer_comment,
            }
            for answer_id, (answer_scores, answer_comment) in zip(ids, answers, strict=True)
        ],
    )


# ------------------------------------------------------------------------ results


def results_for(session: Session, manager: Employee, round_id: int) -> UpwardResults:
    """A manager's own results of a round they were asked about (FeedbackNotFound else)."""
    require(manager, Action.VIEW_UPWARD_RESULTS)
    round_ = get_round(session, manager.team_id, round_id)
    asked = session.scalar(
        select(UpwardInvitation.id)
        .where(UpwardInvitation.round_id == round_.id, UpwardInvitation.manager_id == manager.id)
        .limit(1)
    )
    if asked is None:
        raise FeedbackNotFound(round_id)
    return results_of(session, round_, manager.id)


def latest_round_about(session: Session, manager: Employee) -> UpwardRound | None:
    return session.scalar(
        select(UpwardRound)
        .join(UpwardInvitation, UpwardInvitation.round_id == UpwardRound.id)
        .where(UpwardRound.team_id == manager.team_id, UpwardInvitation.manager_id == manager.id)
        .order_by(UpwardRound.id.desc())
        .limit(1)
    )


# ------------------------------------------------------------------------ closing


def close_round(
    session: Session,
    actor: Employee,
    round_id: int,
    *,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> UpwardRound:
    require(actor, Action.RUN_UPWARD_ROUNDS)
    round_ = session.scalar(
        select(UpwardRound)
        .where(UpwardRound.id == round_id, UpwardRound.team_id == actor.team_id)
        .with_for_update()
    )
    if round_ is None:
        raise FeedbackNotFound(round_id)
    if round_.status == RoundStatus.CLOSED:
        raise FeedbackConflict("feedback.upward.conflict.already_closed", round=round_.name)
    _close(session, round_, now, actor.slack_id, tr_for, org_tz)
    return round_


def close_due_rounds(
    session: Session, team_id: str, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> int:
    """Rounds whose last day has ended; locked, so closed (and announced) once."""
    due = session.scalars(
        select(UpwardRound)
        .where(UpwardRound.team_id == team_id, UpwardRound.status == RoundStatus.OPEN.value)
        .order_by(UpwardRound.id)
        .with_for_update(skip_locked=True)
    ).all()
    closed = 0
    for round_ in due:
        if now >= end_of_day(round_.closes_on, round_.tz):
            _close(session, round_, now, None, tr_for, org_tz)
            closed += 1
    return closed


def _close(
    session: Session,
    round_: UpwardRound,
    now: datetime,
    by: str | None,
    tr_for: TranslatorFor,
    org_tz: str,
) -> None:
    """Each manager asked about hears their results, or that there were too few answers."""
    round_.status = RoundStatus.CLOSED.value
    round_.closed_at = now
    managers = session.scalars(
        select(Employee)
        .join(UpwardInvitation, UpwardInvitation.manager_id == Employee.id)
        .where(UpwardInvitation.round_id == round_.id)
        .distinct()
        .order_by(Employee.id)
    ).unique()
    for manager in managers:
        if manager.active:
            results = results_of(session, round_, manager.id)
            upward_notify.results(session, round_, manager, results, now, tr_for, org_tz)
    invited, answered = response_counts(session, round_.id)
    audit.record(
        session,
        team_id=round_.team_id,
        actor=by,
        action="feedback.upward_closed",
        subject=str(round_.id),
        detail={"invited": invited, "answered": answered},
        at=now,
    )


def response_counts(session: Session, round_id: int) -> tuple[int, int]:
    """(invited, answered) of a round: what HR sees of it."""
    invited, answered = session.execute(
        select(
            func.count(UpwardInvitation.id),
            func.coalesce(func.sum(case((UpwardInvitation.answered.is_(True), 1), else_=0)), 0),
        ).where(UpwardInvitation.round_id == round_id)
    ).one()
    return int(invited or 0), int(answered or 0)
