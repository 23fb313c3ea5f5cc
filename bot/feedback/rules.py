"""Who may read a piece of feedback, ask about whom, and act on a request, a review's peers
or an upward round. The role decides what someone may do at all (bot/permissions.py); the
relation decides the rest, here, as pure functions tested as a matrix
(tests/test_feedback_permissions.py).

HR and admins read no feedback: they see counts (the digest, their export), never content,
and anonymous answers are never read one by one by anyone.
"""

from __future__ import annotations

from bot.permissions import Action, can
from storage.feedback import Feedback, Visibility
from storage.models import Employee


def manager_of(person: Employee) -> Employee | None:
    """The person's manager of record, if they are still here and not the person."""
    manager = person.manager
    if manager is None or not manager.active or manager.id == person.id:
        return None
    return manager


def is_manager_of(actor: Employee, person: Employee) -> bool:
    manager = manager_of(person)
    return manager is not None and manager.id == actor.id


def may_read(reader: Employee, feedback: Feedback, *, peers_shared: bool = False) -> bool:
    """The giver always; then by visibility: the person it is about, the manager it was
    shared with (when given, or the manager who asked), and for peer feedback the review's
    manager (`shared_with_id`) and — when the cycle says so (`peers_shared`) — the employee."""
    if not reader.active or reader.team_id != feedback.team_id or reader.id is None:
        return False
    if reader.id == feedback.giver_id:
        return True
    visibility = feedback.visibility
    if visibility == Visibility.PERSON:
        return reader.id == feedback.subject_id
    if visibility == Visibility.PERSON_MANAGER:
        return reader.id in (feedback.subject_id, feedback.shared_with_id)
    if visibility == Visibility.REQUESTER:
        return reader.id == feedback.shared_with_id
    if visibility == Visibility.REVIEW:
        return reader.id == feedback.shared_with_id or (
            peers_shared and reader.id == feedback.subject_id
        )
    return False


def may_ask_about(actor: Employee, subject: Employee) -> bool:
    """Feedback about oneself, or — for a manager — about a direct report."""
    if actor.id == subject.id:
        return can(actor, Action.REQUEST_FEEDBACK)
    return can(actor, Action.REQUEST_FEEDBACK_ABOUT_REPORT) and is_manager_of(actor, subject)
