"""What the feedback listeners share: people picked in Slack turned into employees (bots,
leavers and strangers refused in words), the core's refusals put into words, and the
mentions of a command line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.text import escape
from bot.feedback.errors import FeedbackConflict, FeedbackNotFound, FeedbackRejected
from bot.feedback.people import resolve_people
from bot.i18n import Translator
from bot.org.directory import ensure_employee, is_bot
from bot.permissions import PermissionDenied
from bot.slack.services import Services
from storage.models import Employee, Workspace

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
SLACK_MENTION = re.compile(r"<@[UW][A-Z0-9]+>")  # put in by the core, not typed
REFUSALS = (FeedbackRejected, FeedbackConflict, FeedbackNotFound, PermissionDenied)


def people(
    session: Session, services: Services, team_id: str, slack_ids: Iterable[str], field: str
) -> list[Employee]:
    """Slack ids to employees through the directory (someone not synced yet is added);
    FeedbackRejected on `field` for a bot, an app or someone Kinerja cannot know."""
    now = services.clock.now()
    workspace = session.get(Workspace, team_id)
    own_bot = workspace.bot_user_id if workspace is not None else None

    def find(slack_id: str) -> Employee | None:
        if slack_id == own_bot:
            return None
        return ensure_employee(session, services.directory, team_id, slack_id, now)

    def bot(slack_id: str) -> bool:
        if slack_id == own_bot:
            return True
        member = services.directory.member(slack_id)
        return member is not None and is_bot(member)

    return resolve_people(slack_ids, find=find, is_bot=bot, field=field)


def explain(tr: Translator, error: Exception, *, mrkdwn: bool = True) -> str | None:
    """A refusal in the person's words; None for what is not a refusal (a bug: it rises).
    Values may hold typed text (a name): escaped for mrkdwn, left as they are for an inline
    error, which Slack shows as plain text."""
    if isinstance(error, FeedbackRejected | FeedbackConflict):
        values = {
            key: escape(value)
            if mrkdwn and isinstance(value, str) and not SLACK_MENTION.fullmatch(value)
            else value
            for key, value in error.values.items()
        }
        return tr(error.key, **values)
    if isinstance(error, FeedbackNotFound):
        return tr("feedback.error.not_found")
    if isinstance(error, PermissionDenied):
        return tr("error.permission")
    return None


def explain_plain(tr: Translator, error: Exception) -> str | None:
    return explain(tr, error, mrkdwn=False)


def mentions(text: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(text)))


def ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}
