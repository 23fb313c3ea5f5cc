"""Peer feedback (360) where HR opens a review cycle in Slack: the cycle modal carries the
inputs of bot/blocks/feedback_review.py, and its submission (handlers/review/modals.py) asks
here whether they are right, then saves them with the new cycle."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.feedback_review import read_peer_setup
from bot.blocks.payload import input_blocks
from bot.feedback.peer_setup import peer_setup_errors
from bot.feedback.peers import save_peer_setup
from bot.i18n import Translator
from storage.reviews import ReviewCycle


def peer_setup_problems(
    tr: Translator,
    view: Any,
    *,
    self_due: date | None,
    manager_due: date | None,
    today: date,
) -> dict[str, str]:
    """Inline errors (by block id) for the modal's peer-feedback inputs; {} when fine."""
    errors = peer_setup_errors(
        read_peer_setup(view), self_due=self_due, manager_due=manager_due, today=today
    )
    present = input_blocks(view)
    return {field: tr(key) for field, key in errors.items() if field in present}


def save_peer_setup_from(session: Session, cycle: ReviewCycle, view: Any, now: datetime) -> None:
    save_peer_setup(session, cycle, read_peer_setup(view), now=now)
