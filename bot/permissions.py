"""Who may do what. Every check lives here, in the core, so it is tested once as a matrix
and no handler can forget it."""

from __future__ import annotations

from enum import StrEnum

from storage.models import Employee, Role


class Action(StrEnum):
    VIEW_HELP = "view_help"
    VIEW_OWN_PROFILE = "view_own_profile"
    VIEW_ORG_SUMMARY = "view_org_summary"
    CONFIGURE_ORG = "configure_org"
    # Planning: what a role may do with goals at all; the relation to one goal (own, report,
    # team, stranger) is checked on top of these in bot/planning/rules.py.
    VIEW_GOALS = "view_goals"
    WRITE_PERSONAL_GOAL = "write_personal_goal"
    WRITE_TEAM_GOAL = "write_team_goal"
    WRITE_COMPANY_GOAL = "write_company_goal"
    APPROVE_UNMANAGED_GOAL = "approve_unmanaged_goal"
    APPROVE_ANY_GOAL = "approve_any_goal"
    VIEW_ALL_GOALS = "view_all_goals"
    # Reward: everyone recognises everyone; HR and admins set the channel, cap and values.
    GIVE_KUDOS = "give_kudos"
    CONFIGURE_RECOGNITION = "configure_recognition"
    # Monitoring: everyone checks in and records their leave; HR and admins edit check-in
    # schedules. Answering a check-in is for its manager of record (bot/monitoring/rules.py).
    CHECK_IN = "check_in"
    ANSWER_CHECKIN = "answer_checkin"
    SET_AWAY = "set_away"
    CONFIGURE_SCHEDULE = "configure_schedule"
    # Review: everyone sees their own reviews; HR and admins run cycles, read every review and
    # fix what gets stuck. Writing, approving and acknowledging one review depend on the
    # relation to it (employee, manager of record): bot/review/rules.py.
    VIEW_OWN_REVIEWS = "view_own_reviews"
    OPEN_REVIEW_CYCLE = "open_review_cycle"
    CLOSE_REVIEW_CYCLE = "close_review_cycle"
    VIEW_ALL_REVIEWS = "view_all_reviews"
    REOPEN_SELF_REVIEW = "reopen_self_review"
    REASSIGN_REVIEWER = "reassign_reviewer"
    # Reporting: managers see figures about their own direct reports; HR and admins see the
    # whole organisation's (never review text) and export the data (bot/reporting/report.py).
    VIEW_TEAM_REPORT = "view_team_report"
    VIEW_ORG_REPORT = "view_org_report"
    EXPORT_DATA = "export_data"
    # Reward nominations: the manager of record nominates (bot/reward/nominations.py checks the
    # relation to the review); HR and admins decide, never on a nomination about themselves.
    DECIDE_NOMINATION = "decide_nomination"
    # Feedback: everyone gives feedback, asks for it about themselves, answers what they are
    # asked (requests, peer feedback, the anonymous round about their manager), proposes peers
    # for their review and approves their reports' peers (as manager of record), and reads the
    # results of rounds about themselves; managers (and HR and admins, who may manage people)
    # also ask about a direct report. HR and admins run anonymous upward rounds. The relation
    # to the request, review or round is checked in bot/feedback/rules.py.
    GIVE_FEEDBACK = "give_feedback"
    REQUEST_FEEDBACK = "request_feedback"
    REQUEST_FEEDBACK_ABOUT_REPORT = "request_feedback_about_report"
    ANSWER_FEEDBACK = "answer_feedback"
    PROPOSE_PEERS = "propose_peers"
    APPROVE_PEERS = "approve_peers"
    ANSWER_UPWARD = "answer_upward"
    VIEW_UPWARD_RESULTS = "view_upward_results"
    RUN_UPWARD_ROUNDS = "run_upward_rounds"
    # 1:1s: anyone may be in one (a manager with a report, a report with their manager); the
    # relation to a series (its manager, its report, nobody) is checked in bot/oneonone/rules.py.
    # HR sees only how many were held or skipped per manager (digest, report), never content.
    HOLD_ONE_ON_ONE = "hold_one_on_one"


_EVERYONE = frozenset({Action.VIEW_HELP, Action.VIEW_OWN_PROFILE})
_HR = _EVERYONE | {Action.VIEW_ORG_SUMMARY}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: _EVERYONE,
    Role.MANAGER: _EVERYONE,
    Role.HR: _HR,
    Role.ADMIN: _HR | {Action.CONFIGURE_ORG},
}

_GOALS_EVERYONE = frozenset({Action.VIEW_GOALS, Action.WRITE_PERSONAL_GOAL})
_GOALS_HR = _GOALS_EVERYONE | {
    Action.WRITE_TEAM_GOAL,
    Action.WRITE_COMPANY_GOAL,
    Action.APPROVE_UNMANAGED_GOAL,
}
_PLANNING: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: _GOALS_EVERYONE,
    Role.MANAGER: _GOALS_EVERYONE | {Action.WRITE_TEAM_GOAL},
    Role.HR: _GOALS_HR,
    Role.ADMIN: _GOALS_HR | {Action.APPROVE_ANY_GOAL, Action.VIEW_ALL_GOALS},
}
ROLE_ACTIONS = {role: actions | _PLANNING[role] for role, actions in ROLE_ACTIONS.items()}

_REWARD: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: frozenset({Action.GIVE_KUDOS}),
    Role.MANAGER: frozenset({Action.GIVE_KUDOS}),
    Role.HR: frozenset({Action.GIVE_KUDOS, Action.CONFIGURE_RECOGNITION}),
    Role.ADMIN: frozenset({Action.GIVE_KUDOS, Action.CONFIGURE_RECOGNITION}),
}
ROLE_ACTIONS = {role: actions | _REWARD[role] for role, actions in ROLE_ACTIONS.items()}

_CHECKIN_EVERYONE = frozenset({Action.CHECK_IN, Action.ANSWER_CHECKIN, Action.SET_AWAY})
_MONITORING: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: _CHECKIN_EVERYONE,
    Role.MANAGER: _CHECKIN_EVERYONE,
    Role.HR: _CHECKIN_EVERYONE | {Action.CONFIGURE_SCHEDULE},
    Role.ADMIN: _CHECKIN_EVERYONE | {Action.CONFIGURE_SCHEDULE},
}
ROLE_ACTIONS = {role: actions | _MONITORING[role] for role, actions in ROLE_ACTIONS.items()}

_REVIEW_HR = frozenset(
    {
        Action.VIEW_OWN_REVIEWS,
        Action.OPEN_REVIEW_CYCLE,
        Action.CLOSE_REVIEW_CYCLE,
        Action.VIEW_ALL_REVIEWS,
        Action.REOPEN_SELF_REVIEW,
        Action.REASSIGN_REVIEWER,
    }
)
_REVIEW: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: frozenset({Action.VIEW_OWN_REVIEWS}),
    Role.MANAGER: frozenset({Action.VIEW_OWN_REVIEWS}),
    Role.HR: _REVIEW_HR,
    Role.ADMIN: _REVIEW_HR,
}
ROLE_ACTIONS = {role: actions | _REVIEW[role] for role, actions in ROLE_ACTIONS.items()}

_REPORTING_HR = frozenset({Action.VIEW_TEAM_REPORT, Action.VIEW_ORG_REPORT, Action.EXPORT_DATA})
_REPORTING: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: frozenset(),
    Role.MANAGER: frozenset({Action.VIEW_TEAM_REPORT}),
    Role.HR: _REPORTING_HR,
    Role.ADMIN: _REPORTING_HR,
}
ROLE_ACTIONS = {role: actions | _REPORTING[role] for role, actions in ROLE_ACTIONS.items()}

_NOMINATIONS: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: frozenset(),
    Role.MANAGER: frozenset(),
    Role.HR: frozenset({Action.DECIDE_NOMINATION}),
    Role.ADMIN: frozenset({Action.DECIDE_NOMINATION}),
}
ROLE_ACTIONS = {role: actions | _NOMINATIONS[role] for role, actions in ROLE_ACTIONS.items()}

_FEEDBACK_EVERYONE = frozenset(
    {
        Action.GIVE_FEEDBACK,
        Action.REQUEST_FEEDBACK,
        Action.ANSWER_FEEDBACK,
        Action.PROPOSE_PEERS,
        Action.APPROVE_PEERS,
        Action.ANSWER_UPWARD,
        Action.VIEW_UPWARD_RESULTS,
    }
)
_FEEDBACK_HR = _FEEDBACK_EVERYONE | {
    Action.REQUEST_FEEDBACK_ABOUT_REPORT,
    Action.RUN_UPWARD_ROUNDS,
}
_FEEDBACK: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: _FEEDBACK_EVERYONE,
    Role.MANAGER: _FEEDBACK_EVERYONE | {Action.REQUEST_FEEDBACK_ABOUT_REPORT},
    Role.HR: _FEEDBACK_HR,
    Role.ADMIN: _FEEDBACK_HR,
}
ROLE_ACTIONS = {
    role: actions | _FEEDBACK[role] | {Action.HOLD_ONE_ON_ONE}
    for role, actions in ROLE_ACTIONS.items()
}


class PermissionDenied(Exception):
    """Raised by the core; handlers turn it into a polite message in the person's language."""

    def __init__(self, action: Action) -> None:
        super().__init__(action.value)
        self.action = action


def role_of(employee: Employee | None) -> Role:
    """Someone Kinerja does not know yet (not synced) gets the least privilege."""
    if employee is None or not employee.active:
        return Role.EMPLOYEE
    try:
        return Role(employee.role)
    except ValueError:
        return Role.EMPLOYEE


def can(employee: Employee | None, action: Action) -> bool:
    return action in ROLE_ACTIONS[role_of(employee)]


def require(employee: Employee | None, action: Action) -> None:
    if not can(employee, action):
        raise PermissionDenied(action)
