"""The Planning cycle's core: goals, key results, alignment, approval, progress.

No Slack here. Functions take a session, the acting employee and `now`; they enforce who may
do what (bot/planning/rules.py), raise ValidationError / GoalConflict / GoalNotFound /
PermissionDenied, and write goal history and outbox messages in the caller's transaction.
Other cycles (check-ins, reviews) use the names exported below.
"""

from bot.planning.errors import GoalConflict, GoalNotFound, ValidationError
from bot.planning.forms import GoalInput, KeyResultInput, parse_number
from bot.planning.goals import (
    SaveResult,
    abandon_goal,
    approve_goal,
    check_decision,
    complete_goal,
    create_goal,
    edit_goal,
    goal_history,
    reopen_goal,
    request_changes,
    submit_goal,
)
from bot.planning.progress import goal_progress, key_result_progress, update_key_result
from bot.planning.queries import (
    active_goals_of,
    alignable_parents,
    alignment_chain,
    get_goal,
    goals_owned_by,
    pending_approvals_for,
    team_goals,
    visible_goals,
)
from bot.planning.rules import (
    GoalAction,
    allowed,
    approver_for,
    can_view_goal,
    can_write_level,
)

__all__ = [
    "GoalAction",
    "GoalConflict",
    "GoalInput",
    "GoalNotFound",
    "KeyResultInput",
    "SaveResult",
    "ValidationError",
    "abandon_goal",
    "active_goals_of",
    "alignable_parents",
    "alignment_chain",
    "allowed",
    "approve_goal",
    "approver_for",
    "can_view_goal",
    "can_write_level",
    "check_decision",
    "complete_goal",
    "create_goal",
    "edit_goal",
    "get_goal",
    "goal_history",
    "goal_progress",
    "goals_owned_by",
    "key_result_progress",
    "parse_number",
    "pending_approvals_for",
    "reopen_goal",
    "request_changes",
    "submit_goal",
    "team_goals",
    "update_key_result",
    "visible_goals",
]
