"""Feedback in HR's digest: counts per team and how many answered the upward rounds — the
figures of bot/feedback/figures.py, which hold no content at all."""

from __future__ import annotations

from babel.dates import format_date

from bot.blocks.text import escape
from bot.feedback.figures import FeedbackFigures
from bot.i18n import Translator


def feedback_digest(tr: Translator, figures: FeedbackFigures) -> tuple[str, list[str]]:
    """(title, lines) for the digest's packed sections."""
    title = tr("feedback.digest.title", days=figures.days)
    lines = []
    for team in figures.teams:
        name = escape(team.team) if team.team is not None else tr("feedback.digest.no_team")
        lines.append(
            tr(
                "feedback.digest.team",
                team=name,
                given=team.given,
                received=team.received,
                answered=team.answered,
                asked=team.asked,
            )
        )
    for round_ in figures.rounds:
        key = "feedback.digest.round_open" if round_.open else "feedback.digest.round_closed"
        lines.append(
            tr(
                key,
                round=escape(round_.name),
                answered=round_.answered,
                invited=round_.invited,
                date=format_date(round_.closes_on, "d MMM yyyy", locale=tr.locale),
            )
        )
    if not lines:
        lines.append(tr("feedback.digest.none", days=figures.days))
    return title, lines
