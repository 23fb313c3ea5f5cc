"""Who may do what with feedback: every role against every feedback action (the role part,
bot/permissions.py), then the relations the core checks on top (bot/feedback/rules.py and the
core's refusals): who reads a piece of feedback, who may be asked about, who answers which
ask, proposes or approves which peers, answers which round and reads which results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.errors import FeedbackConflict, FeedbackNotFound
from bot.feedback.give import FeedbackInput
from bot.feedback.peer_setup import PeerSetupInput
from bot.feedback.peers import (
    check_decide,
    check_propose,
    decide_peers,
    invite_proposers,
    propose_peers,
    save_peer_setup,
)
from bot.feedback.requests import answer_ask, check_ask, request_feedback
from bot.feedback.rules import may_ask_about, may_read
from bot.feedback.upward import RoundInput, check_invitation, open_round, results_for
from bot.permissions import Action, PermissionDenied, can
from storage.db import Database
from storage.feedback import Feedback, PeerSet, Visibility
from storage.models import Employee, Role
from storage.upward import UpwardInvitation
from tests.feedback_fixtures import TR_FOR, TZ, Org, make_org
from tests.review_fixtures import review_of, sales_cycle

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
ROLES = (Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.ADMIN)
FEEDBACK_ACTIONS = {
    #                                       employee manager hr    admin
    Action.GIVE_FEEDBACK: (True, True, True, True),
    Action.REQUEST_FEEDBACK: (True, True, True, True),
    Action.REQUEST_FEEDBACK_ABOUT_REPORT: (False, True, True, True),
    Action.ANSWER_FEEDBACK: (True, True, True, True),
    Action.PROPOSE_PEERS: (True, True, True, True),
    Action.APPROVE_PEERS: (True, True, True, True),
    Action.ANSWER_UPWARD: (True, True, True, True),
    Action.VIEW_UPWARD_RESULTS: (True, True, True, True),
    Action.RUN_UPWARD_ROUNDS: (False, False, True, True),
}


@pytest.mark.parametrize("action", list(FEEDBACK_ACTIONS))
@pytest.mark.parametrize("index", range(4))
def test_every_role_against_every_feedback_action(action: Action, index: int) -> None:
    assert (
        can(Employee(role=ROLES[index].value, active=True), action)
        is FEEDBACK_ACTIONS[action][index]
    )
    # someone who left has no role at all
    assert can(Employee(role=ROLES[index].value, active=False), Action.RUN_UPWARD_ROUNDS) is False


def test_every_feedback_action_is_in_the_matrix() -> None:
    words = ("feedback", "peers", "upward")
    assert {a for a in Action if any(w in a.value for w in words)} == set(FEEDBACK_ACTIONS)


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session) -> Org:
    return make_org(session, NOW)


# Who reads feedback Eko gave about Edi (Maya is Edi's manager, Omar another manager).
READERS = ("giver", "subject", "manager", "other_manager", "peer", "hr", "admin")
VISIBILITY_MATRIX = {
    #                          giver subject manager other  peer   hr     admin
    Visibility.PERSON: (True, True, False, False, False, False, False),
    Visibility.PERSON_MANAGER: (True, True, True, False, False, False, False),
    Visibility.REQUESTER: (True, False, True, False, False, False, False),
    Visibility.REVIEW: (True, False, True, False, False, False, False),
}


@pytest.mark.parametrize("visibility", list(VISIBILITY_MATRIX))
def test_who_reads_a_piece_of_feedback(session: Session, org: Org, visibility: Visibility) -> None:
    feedback = Feedback(
        team_id=org.eko.team_id,
        giver_id=org.eko.id,
        subject_id=org.edi.id,
        visibility=visibility.value,
        shared_with_id=org.manager.id if visibility != Visibility.PERSON else None,
    )
    people = {
        "giver": org.eko,
        "subject": org.edi,
        "manager": org.manager,
        "other_manager": org.other_manager,
        "peer": org.eva,
        "hr": org.hr,
        "admin": org.admin,
    }
    seen = tuple(may_read(people[name], feedback) for name in READERS)
    assert seen == VISIBILITY_MATRIX[visibility]
    if visibility == Visibility.REVIEW:  # the employee reads peer feedback when shared
        assert may_read(org.edi, feedback, peers_shared=True)
    org.eko.active = False
    assert not may_read(org.eko, feedback)  # a giver who left reads nothing any more


@pytest.mark.parametrize(
    ("asker", "about", "allowed"),
    [
        ("eko", "eko", True),  # oneself
        ("eko", "edi", False),  # a peer
        ("manager", "edi", True),  # a direct report
        ("manager", "stranger", False),  # someone else's report
        ("other_manager", "stranger", True),
        ("hr", "edi", False),  # HR may ask about reports, but Edi is not Hana's
        ("admin", "eko", False),
    ],
)
def test_who_may_be_asked_about(org: Org, asker: str, about: str, allowed: bool) -> None:
    assert may_ask_about(getattr(org, asker), getattr(org, about)) is allowed


def test_only_the_asked_person_answers_an_ask(session: Session, org: Org) -> None:
    request = request_feedback(
        session, org.eko, [org.edi], now=NOW, days=14, tr_for=TR_FOR, org_tz=TZ
    )
    ask_id = request.asks[0].id
    for stranger in (org.eko, org.manager, org.hr, org.admin):
        with pytest.raises(FeedbackNotFound):
            check_ask(session, stranger, ask_id, now=NOW)
        with pytest.raises(FeedbackNotFound):
            answer_ask(session, stranger, ask_id, FeedbackInput(went_well="x"), now=NOW,
                       tr_for=TR_FOR, org_tz=TZ)  # fmt: skip
    assert check_ask(session, org.edi, ask_id, now=NOW).id == ask_id


def test_only_the_invited_answer_and_only_the_manager_reads_results(
    session: Session, org: Org
) -> None:
    round_ = open_round(
        session,
        org.hr,
        RoundInput("Q4", "Clear goals", date(2026, 11, 27), 3),
        now=NOW,
        tz=TZ,
        floor=3,
        tr_for=TR_FOR,
    ).round
    assert results_for(session, org.manager, round_.id).state == "open"
    for outsider in (org.eko, org.hr, org.admin, org.other_manager):
        with pytest.raises(FeedbackNotFound):
            results_for(session, outsider, round_.id)
    eko_invitation = session.scalars(
        select(UpwardInvitation).where(UpwardInvitation.employee_id == org.eko.id)
    ).one()
    assert check_invitation(session, org.eko, eko_invitation.id, now=NOW) is eko_invitation
    for other in (org.edi, org.manager, org.hr, org.admin):
        with pytest.raises(FeedbackNotFound):
            check_invitation(session, other, eko_invitation.id, now=NOW)
    for role_holder in (org.manager, org.eko):
        with pytest.raises(PermissionDenied):
            open_round(session, role_holder, RoundInput("X", "Q", date(2026, 11, 27), 3),
                       now=NOW, tz=TZ, floor=3, tr_for=TR_FOR)  # fmt: skip


def test_the_employee_proposes_and_only_the_manager_of_record_decides(
    session: Session, org: Org
) -> None:
    cycle = sales_cycle(session, org, NOW).cycle
    save_peer_setup(session, cycle, PeerSetupInput(enabled=True, peers=2), now=NOW)
    assert invite_proposers(session, org.eko.team_id, NOW, TR_FOR, TZ) == 3
    peer_set = session.scalars(
        select(PeerSet).where(PeerSet.review_id == review_of(session, org.eko).id)
    ).one()
    with pytest.raises(FeedbackConflict, match="employee_only"):
        check_propose(session, org.manager, peer_set.id, now=NOW)
    for stranger in (org.edi, org.hr, org.admin, org.other_manager):
        with pytest.raises(FeedbackNotFound):
            check_propose(session, stranger, peer_set.id, now=NOW)
        with pytest.raises(FeedbackNotFound):
            check_decide(session, stranger, peer_set.id, now=NOW)
    propose_peers(session, org.eko, peer_set.id, [org.edi], now=NOW, tr_for=TR_FOR)
    with pytest.raises(FeedbackConflict, match="manager_only"):
        decide_peers(session, org.eko, peer_set.id, None, version=None, now=NOW,
                     tr_for=TR_FOR, org_tz=TZ)  # fmt: skip
    decide_peers(session, org.manager, peer_set.id, None, version=peer_set.version, now=NOW,
                 tr_for=TR_FOR, org_tz=TZ)  # fmt: skip
    with pytest.raises(FeedbackConflict, match="approved"):
        check_decide(session, org.manager, peer_set.id, now=NOW)
