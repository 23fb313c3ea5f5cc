"""The Review cycle's core: review cycles, self-reviews, manager reviews, the conversation
between the two, approval and acknowledgement.

No Slack here. Functions take a session, the acting employee and `now`; they enforce who may
do what (bot/review/rules.py), raise ReviewValidationError / ReviewConflict / ReviewNotFound /
PermissionDenied, and write review history and outbox messages in the caller's transaction.
The scheduled work (opening cycles, reminders) is in bot/review/tasks.py.

For other cycles: `cycle_progress` and `overdue_reviews` (the HR digest), and
`approved_reviews_of` (reward nominations after an approved review).
"""

from bot.review.cycles import (
    CycleResult,
    Participants,
    close_cycle,
    close_cycle_as,
    create_cycle,
    create_cycle_as_operator,
    cycles_of,
    get_cycle,
    list_cycles,
    open_due_cycles,
    participants,
    team_options,
)
from bot.review.errors import ReviewConflict, ReviewNotFound, ReviewValidationError
from bot.review.evidence import Evidence, gather
from bot.review.forms import CycleInput, ReviewInput
from bot.review.progress import CycleProgress, OverdueReview, cycle_progress, overdue_reviews
from bot.review.queries import approved_reviews_of, open_review_of, reviews_of, team_reviews
from bot.review.reviews import (
    acknowledge_review,
    approve_review,
    ask_to_discuss,
    check,
    decide,
    get_review,
    reassign_manager,
    reopen_self_review,
    save_self_draft,
    submit_self_review,
    write_manager_review,
)
from bot.review.rules import ReviewAction, allowed

__all__ = [
    "CycleInput",
    "CycleProgress",
    "CycleResult",
    "Evidence",
    "OverdueReview",
    "Participants",
    "ReviewAction",
    "ReviewConflict",
    "ReviewInput",
    "ReviewNotFound",
    "ReviewValidationError",
    "acknowledge_review",
    "allowed",
    "approve_review",
    "approved_reviews_of",
    "ask_to_discuss",
    "check",
    "close_cycle",
    "close_cycle_as",
    "create_cycle",
    "create_cycle_as_operator",
    "cycle_progress",
    "cycles_of",
    "decide",
    "gather",
    "get_cycle",
    "get_review",
    "list_cycles",
    "open_due_cycles",
    "open_review_of",
    "overdue_reviews",
    "participants",
    "reassign_manager",
    "reopen_self_review",
    "reviews_of",
    "save_self_draft",
    "submit_self_review",
    "team_options",
    "team_reviews",
    "write_manager_review",
]
