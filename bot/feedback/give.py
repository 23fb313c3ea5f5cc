"""Giving feedback: what went well, what could be better, optionally the goal it is about, and
who may read it (the person only, or the person and their manager).

Every path (the command, the message shortcut, the App Home, an answer to a request) checks
everything before it writes, and writes the feedback with the DMs it causes in one
transaction: the person hears of it during their working hours, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from bot.feedback import notify
from bot.feedback.errors import FeedbackRejected
from bot.feedback.notify import TranslatorFor
from bot.feedback.people import check_person
from bot.feedback.rules import manager_of
from bot.permissions import Action, PermissionDenied, require
from bot.planning.rules import visible_clause
from bot.sanitize import clean_text
from storage.feedback import Feedback, FeedbackSource, Visibility
from storage.goals import Goal, GoalLevel, GoalStatus
from storage.models import Employee

MAX_TEXT = 2000
MAX_GOALS = 100  # a static select holds 100 options
CHOICES = (Visibility.PERSON.value, Visibility.PERSON_MANAGER.value)


@dataclass
class FeedbackInput:
    """What a giver typed; `visibility` is one of CHOICES where the giver chooses."""

    went_well: str = ""
    could_be_better: str = ""
    goal_id: int | None = None
    visibility: str = Visibility.PERSON.value


def goal_options(session: Session, giver: Employee, subject: Employee) -> list[Goal]:
    """Goals the feedback may be about: the person's own goals, their team's and the
    company's — those the giver may see (the planning rules), live or done."""
    about_them = or_(
        and_(Goal.level == GoalLevel.PERSONAL.value, Goal.owner_id == subject.id),
        and_(
            Goal.level == GoalLevel.TEAM.value,
            Goal.org_team_id == subject.org_team_id,
            Goal.org_team_id.is_not(None),
        ),
        Goal.level == GoalLevel.COMPANY.value,
    )
    order = case((Goal.level == GoalLevel.PERSONAL.value, 0), else_=1)
    return list(
        session.scalars(
            select(Goal)
            .where(
                Goal.team_id == giver.team_id,
                Goal.status.in_((GoalStatus.ACTIVE.value, GoalStatus.COMPLETED.value)),
                about_them,
                visible_clause(giver),
            )
            .order_by(order, Goal.due_date, Goal.id)
            .limit(MAX_GOALS)
        ).unique()
    )


def clean_input(data: FeedbackInput) -> tuple[str, str]:
    """The two texts, trimmed; at least one is needed, neither may be too long."""
    went_well, could_be_better = clean_text(data.went_well), clean_text(data.could_be_better)
    if not went_well and not could_be_better:
        raise FeedbackRejected("went_well", "feedback.error.empty")
    for field, text in (("went_well", went_well), ("could_be_better", could_be_better)):
        if len(text) > MAX_TEXT:
            raise FeedbackRejected(field, "feedback.error.too_long", max=MAX_TEXT)
    return went_well, could_be_better


def chosen_goal(
    session: Session, giver: Employee, subject: Employee, goal_id: int | None
) -> Goal | None:
    if goal_id is None:
        return None
    found = next((g for g in goal_options(session, giver, subject) if g.id == goal_id), None)
    if found is None:
        raise FeedbackRejected("goal", "feedback.error.goal")
    return found


def chosen_readers(
    giver: Employee, subject: Employee, visibility: str
) -> tuple[Visibility, Employee | None]:
    """(visibility, the manager it is shared with). A manager giving feedback to their own
    report is that manager: nobody else is added."""
    if visibility not in CHOICES:
        raise FeedbackRejected("visibility", "feedback.error.visibility")
    if visibility == Visibility.PERSON:
        return Visibility.PERSON, None
    manager = manager_of(subject)
    if manager is None:
        raise FeedbackRejected("visibility", "feedback.error.no_manager", name=subject.name)
    return Visibility.PERSON_MANAGER, manager


def give_feedback(
    session: Session,
    giver: Employee,
    subject: Employee,
    data: FeedbackInput,
    *,
    now: datetime,
    source: FeedbackSource | str,
    tr_for: TranslatorFor,
    org_tz: str,
) -> Feedback:
    """Record feedback for `subject` and enqueue its DMs; FeedbackRejected before any write."""
    require(giver, Action.GIVE_FEEDBACK)
    if not giver.active:
        raise PermissionDenied(Action.GIVE_FEEDBACK)
    source = FeedbackSource(source)
    if source == FeedbackSource.REQUEST:  # answers go through bot/feedback/requests.py
        raise PermissionDenied(Action.GIVE_FEEDBACK)
    check_person(giver, subject, "person", self_key="feedback.error.self")
    went_well, could_be_better = clean_input(data)
    goal = chosen_goal(session, giver, subject, data.goal_id)
    visibility, manager = chosen_readers(giver, subject, data.visibility)
    feedback = Feedback(
        team_id=giver.team_id,
        giver=giver,
        subject=subject,
        goal=goal,
        went_well=went_well,
        could_be_better=could_be_better,
        visibility=visibility.value,
        shared_with=manager,
        source=source.value,
        created_at=now,
    )
    session.add(feedback)
    session.flush()
    notify.delivered(session, feedback, now, tr_for, org_tz)
    return feedback
