"""The role × action matrix, written out in full so a change to it is a visible decision."""

from __future__ import annotations

import pytest

from bot.permissions import Action, PermissionDenied, can, require, role_of
from storage.models import Employee, Role

MATRIX = {
    #                          employee manager  hr     admin
    Action.VIEW_HELP: (True, True, True, True),
    Action.VIEW_OWN_PROFILE: (True, True, True, True),
    Action.VIEW_ORG_SUMMARY: (False, False, True, True),
    Action.CONFIGURE_ORG: (False, False, False, True),
    Action.VIEW_GOALS: (True, True, True, True),
    Action.WRITE_PERSONAL_GOAL: (True, True, True, True),
    Action.WRITE_TEAM_GOAL: (False, True, True, True),
    Action.WRITE_COMPANY_GOAL: (False, False, True, True),
    Action.APPROVE_UNMANAGED_GOAL: (False, False, True, True),
    Action.APPROVE_ANY_GOAL: (False, False, False, True),
    Action.VIEW_ALL_GOALS: (False, False, False, True),
    Action.GIVE_KUDOS: (True, True, True, True),
    Action.CONFIGURE_RECOGNITION: (False, False, True, True),
    Action.CHECK_IN: (True, True, True, True),
    Action.ANSWER_CHECKIN: (True, True, True, True),
    Action.SET_AWAY: (True, True, True, True),
    Action.CONFIGURE_SCHEDULE: (False, False, True, True),
    Action.VIEW_OWN_REVIEWS: (True, True, True, True),
    Action.OPEN_REVIEW_CYCLE: (False, False, True, True),
    Action.CLOSE_REVIEW_CYCLE: (False, False, True, True),
    Action.VIEW_ALL_REVIEWS: (False, False, True, True),
    Action.REOPEN_SELF_REVIEW: (False, False, True, True),
    Action.REASSIGN_REVIEWER: (False, False, True, True),
    Action.VIEW_TEAM_REPORT: (False, True, True, True),
    Action.VIEW_ORG_REPORT: (False, False, True, True),
    Action.EXPORT_DATA: (False, False, True, True),
    Action.DECIDE_NOMINATION: (False, False, True, True),
    Action.GIVE_FEEDBACK: (True, True, True, True),
    Action.REQUEST_FEEDBACK: (True, True, True, True),
    Action.REQUEST_FEEDBACK_ABOUT_REPORT: (False, True, True, True),
    Action.ANSWER_FEEDBACK: (True, True, True, True),
    Action.PROPOSE_PEERS: (True, True, True, True),
    Action.APPROVE_PEERS: (True, True, True, True),
    Action.ANSWER_UPWARD: (True, True, True, True),
    Action.VIEW_UPWARD_RESULTS: (True, True, True, True),
    Action.RUN_UPWARD_ROUNDS: (False, False, True, True),
    Action.HOLD_ONE_ON_ONE: (True, True, True, True),
}
ROLES = (Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.ADMIN)


def test_matrix_covers_every_action() -> None:
    assert set(MATRIX) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("index", range(4))
def test_role_against_action(action: Action, index: int) -> None:
    person = Employee(role=ROLES[index].value, active=True)
    assert can(person, action) is MATRIX[action][index]
    if not MATRIX[action][index]:
        with pytest.raises(PermissionDenied):
            require(person, action)


def test_inactive_or_unknown_people_have_least_privilege() -> None:
    assert role_of(Employee(role="admin", active=False)) is Role.EMPLOYEE
    assert role_of(None) is Role.EMPLOYEE
    assert role_of(Employee(role="boss", active=True)) is Role.EMPLOYEE
