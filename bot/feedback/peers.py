"""Peer feedback (360) in review cycles.

HR switches it on when opening a cycle (how many peers, by when, whether the employee reads
the answers too): a `PeerSetup` row beside the cycle. Once the cycle is open, each employee
is asked by DM to propose peers (`invite_proposers`, a tick task); the proposal is posted in
the group DM of the employee and their manager of record, in a thread of its own, where the
manager approves it or changes it. Approval asks the peers (a request of kind `peer`, from the
manager, about the employee, due on the setup's day), and their answers join the evidence the
manager sees when writing the review (bot/feedback/evidence.py).

Reviews are read here through their table only: this cycle does not call the review core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback import peer_notify
from bot.feedback.errors import FeedbackConflict, FeedbackNotFound, FeedbackRejected
from bot.feedback.notify import TranslatorFor, request_sent
from bot.feedback.peer_setup import PeerSetupInput
from bot.feedback.people import check_person
from bot.feedback.requests import open_request
from bot.feedback.timing import end_of_day, local_day
from bot.permissions import Action, require
from storage.feedback import PeerSet, PeerSetStatus, PeerSetup, RequestKind
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle


def save_peer_setup(
    session: Session, cycle: ReviewCycle, setup: PeerSetupInput, *, now: datetime
) -> PeerSetup | None:
    """Peer feedback for a cycle just created (checked with `peer_setup_errors` first)."""
    if not setup.enabled:
        return None
    row = PeerSetup(
        team_id=cycle.team_id,
        cycle_id=cycle.id,
        peers=setup.peers,
        due=setup.due or cycle.self_due,
        share_with_employee=setup.share,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def setup_of(session: Session, cycle_id: int) -> PeerSetup | None:
    return session.scalar(select(PeerSetup).where(PeerSetup.cycle_id == cycle_id))


# ------------------------------------------------------------------------ the tick


def invite_proposers(
    session: Session, team_id: str, now: datetime, tr_for: TranslatorFor, org_tz: str
) -> int:
    """Every review of an open cycle with peer feedback gets its peer set, and its employee
    a DM asking them to propose peers (until the setup's day). Locked, so once."""
    rows = session.execute(
        select(Review, PeerSetup)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(PeerSetup, PeerSetup.cycle_id == Review.cycle_id)
        .outerjoin(PeerSet, PeerSet.review_id == Review.id)
        .where(
            Review.team_id == team_id,
            ReviewCycle.status == CycleStatus.OPEN.value,
            PeerSet.id.is_(None),
        )
        .order_by(Review.id)
        .with_for_update(of=Review, skip_locked=True)
    ).unique()
    invited = 0
    for review, setup in rows:
        if local_day(now, None, review.cycle.tz) > setup.due:
            continue
        if not review.employee.active or _manager(review) is None:
            continue
        peer_set = PeerSet(
            team_id=team_id,
            review_id=review.id,
            status=PeerSetStatus.INVITED.value,
            proposed=[],
            version=1,
            invited_at=now,
        )
        session.add(peer_set)
        session.flush()
        peer_notify.invite(session, peer_set, review, setup, now, tr_for, org_tz)
        invited += 1
    return invited


# ------------------------------------------------------------------------ people's steps


@dataclass(frozen=True)
class PeerStep:
    """A peer set with what it belongs to, as loaded for a step."""

    peer_set: PeerSet
    review: Review
    setup: PeerSetup

    @property
    def peers(self) -> list[int]:
        return [int(i) for i in self.peer_set.proposed]


def _manager(review: Review) -> Employee | None:
    manager = review.manager
    if manager is None or not manager.active or manager.id == review.employee_id:
        return None
    return manager


def load_step(session: Session, actor: Employee, set_id: int, *, lock: bool = False) -> PeerStep:
    """The set if the actor is its employee or manager of record; FeedbackNotFound for
    anyone else, whatever exists."""
    query = select(PeerSet).where(PeerSet.id == set_id, PeerSet.team_id == actor.team_id)
    if lock:
        query = query.with_for_update(of=PeerSet)
    peer_set = session.scalar(query)
    review = session.get(Review, peer_set.review_id) if peer_set is not None else None
    setup = setup_of(session, review.cycle_id) if review is not None else None
    if peer_set is None or review is None or setup is None:
        raise FeedbackNotFound(set_id)
    if actor.id not in (review.employee_id, review.manager_id):
        raise FeedbackNotFound(set_id)
    return PeerStep(peer_set, review, setup)


def _still_open(step: PeerStep, now: datetime) -> None:
    cycle = step.review.cycle
    if cycle.status != CycleStatus.OPEN:
        raise FeedbackConflict("feedback.peers.conflict.cycle_closed", cycle=cycle.name)
    if step.peer_set.status == PeerSetStatus.APPROVED:
        raise FeedbackConflict("feedback.peers.conflict.approved")
    if local_day(now, None, cycle.tz) > step.setup.due:
        raise FeedbackConflict("feedback.peers.conflict.too_late")


def _check_peers(step: PeerStep, people: Sequence[Employee]) -> list[Employee]:
    review = step.review
    chosen = list({person.id: person for person in people}.values())
    if not chosen:
        raise FeedbackRejected("peers", "feedback.peers.error.none")
    if len(chosen) > step.setup.peers:
        raise FeedbackRejected("peers", "feedback.peers.error.too_many", max=step.setup.peers)
    for person in chosen:
        check_person(review.employee, person, "peers", self_key="feedback.peers.error.self")
        if person.id == review.manager_id:
            raise FeedbackRejected("peers", "feedback.peers.error.manager")
    return chosen


def check_propose(session: Session, actor: Employee, set_id: int, *, now: datetime) -> PeerStep:
    """Whether the employee may propose now (before the form opens)."""
    require(actor, Action.PROPOSE_PEERS)
    step = load_step(session, actor, set_id)
    if step.review.employee_id != actor.id:
        raise FeedbackConflict("feedback.peers.conflict.employee_only")
    _still_open(step, now)
    return step


def propose_peers(
    session: Session,
    actor: Employee,
    set_id: int,
    people: Sequence[Employee],
    *,
    now: datetime,
    tr_for: TranslatorFor,
) -> PeerStep:
    """The employee proposes (or, until the manager decides, proposes again)."""
    require(actor, Action.PROPOSE_PEERS)
    step = load_step(session, actor, set_id, lock=True)
    if step.review.employee_id != actor.id:
        raise FeedbackConflict("feedback.peers.conflict.employee_only")
    _still_open(step, now)
    manager = _manager(step.review)
    if manager is None:
        raise FeedbackConflict("feedback.peers.conflict.no_manager")
    chosen = _check_peers(step, people)
    peer_set = step.peer_set
    again = peer_set.status == PeerSetStatus.PROPOSED
    peer_set.proposed = [person.id for person in chosen]
    peer_set.status = PeerSetStatus.PROPOSED.value
    peer_set.proposed_at = now
    peer_set.version += 1
    peer_notify.proposed(session, step, manager, chosen, again, now, tr_for)
    return step


def check_decide(
    session: Session, actor: Employee, set_id: int, *, now: datetime, version: int | None = None
) -> PeerStep:
    """Whether the manager may approve or change the list now (before a form opens)."""
    require(actor, Action.APPROVE_PEERS)
    step = load_step(session, actor, set_id)
    _decider(step, actor)
    _still_open(step, now)
    if version is not None and version != step.peer_set.version:
        raise FeedbackConflict("feedback.peers.conflict.changed")
    return step


def _decider(step: PeerStep, actor: Employee) -> Employee:
    manager = _manager(step.review)
    if manager is None or manager.id != actor.id:
        raise FeedbackConflict(
            "feedback.peers.conflict.manager_only",
            manager=f"<@{manager.slack_id}>" if manager is not None else "–",
        )
    return manager


def decide_peers(
    session: Session,
    actor: Employee,
    set_id: int,
    people: Sequence[Employee] | None,
    *,
    version: int | None,
    now: datetime,
    tr_for: TranslatorFor,
    org_tz: str,
) -> PeerStep:
    """The manager approves the proposal (`people` None) or sets the list themselves; the
    peers are then asked, by the manager, about the employee."""
    require(actor, Action.APPROVE_PEERS)
    step = load_step(session, actor, set_id, lock=True)
    manager = _decider(step, actor)
    _still_open(step, now)
    peer_set = step.peer_set
    if version is not None and version != peer_set.version:
        raise FeedbackConflict("feedback.peers.conflict.changed")
    if people is None:
        if peer_set.status != PeerSetStatus.PROPOSED:
            raise FeedbackConflict("feedback.peers.conflict.nothing_proposed")
        found = session.scalars(select(Employee).where(Employee.id.in_(step.peers)))
        proposed = {person.id: person for person in found}
        people = [proposed[i] for i in step.peers if i in proposed]
    chosen = _check_peers(step, people)
    changed = [p.id for p in chosen] != step.peers
    review = step.review
    peer_set.proposed = [person.id for person in chosen]
    peer_set.status = PeerSetStatus.APPROVED.value
    peer_set.approved_at = now
    peer_set.version += 1
    request = open_request(
        session,
        RequestKind.PEER,
        manager,
        review.employee,
        chosen,
        question="",
        now=now,
        expires_at=end_of_day(step.setup.due, review.cycle.tz),
        review=review,
    )
    peer_set.request_id = request.id
    request_sent(session, request, now, tr_for, org_tz)
    peer_notify.decided(session, step, manager, chosen, changed, now, tr_for)
    return step


def peer_set_of(session: Session, review_id: int) -> PeerSet | None:
    return session.scalar(select(PeerSet).where(PeerSet.review_id == review_id))
