"""The Feedback section of the App Home. `feedback_home_blocks` only formats what the core
loaded (bot/feedback/home.py); `feedback_section` joins the two for the Home's list of
sections. Content shows only where its reader may read it; anonymous rounds show states and
counts, and results open in a modal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from bot.blocks.feedback import ANSWER as ANSWER_ASK
from bot.blocks.feedback import GIVE, REQUEST, mention, name_of, quote, when
from bot.blocks.feedback_review import CHANGE, PROPOSE
from bot.blocks.feedback_upward import ANSWER as ANSWER_UPWARD
from bot.blocks.feedback_upward import NEW_ROUND, RESULTS
from bot.blocks.text import button, context, header, section, truncate
from bot.feedback.home import FeedbackHome
from bot.i18n import Translator
from storage.feedback import RequestKind

RECEIVED_LIMIT = 300


def day(tr: Translator, value: date) -> str:
    return str(format_date(value, format="medium", locale=tr.locale))


def _with_button(text: str, element: dict[str, Any], block_id: str) -> dict[str, Any]:
    return section(truncate(text, 3000), block_id=block_id, accessory=element)


def _asks(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    if not home.asks:
        return []
    blocks = [section(f"*{tr('feedback.home.asks')}*")]
    for ask in home.asks:
        requester, subject = mention(ask.requester_slack_id), mention(ask.subject_slack_id)
        if ask.kind == RequestKind.PEER:
            text = tr("feedback.home.ask_peer", subject=subject, date=when(ask.expires_at))
        elif ask.kind == RequestKind.REPORT:
            text = tr(
                "feedback.home.ask_report",
                requester=requester,
                subject=subject,
                date=when(ask.expires_at),
            )
        else:
            text = tr("feedback.home.ask_self", requester=requester, date=when(ask.expires_at))
        element = button(tr("feedback.button.answer"), ANSWER_ASK, str(ask.ask_id), "primary")
        blocks.append(_with_button(text, element, f"feedback_home_ask_{ask.ask_id}"))
    return blocks


def _peers(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    blocks = []
    for line in home.to_propose:
        text = tr("feedback.home.propose", cycle=name_of(line.cycle_name), date=day(tr, line.due))
        element = button(tr("feedback.peers.button.propose"), PROPOSE, str(line.set_id), "primary")
        blocks.append(_with_button(text, element, f"feedback_home_propose_{line.set_id}"))
    for line in home.to_approve:
        text = tr(
            "feedback.home.approve",
            employee=mention(line.employee_slack_id),
            cycle=name_of(line.cycle_name),
            date=day(tr, line.due),
        )
        value = f"{line.set_id}:{line.version}"
        element = button(tr("feedback.home.review_list"), CHANGE, value, "primary")
        blocks.append(_with_button(text, element, f"feedback_home_approve_{line.set_id}"))
    return blocks


def _upward(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    blocks = []
    for line in home.upward:
        text = tr(
            "feedback.home.upward",
            manager=mention(line.manager_slack_id),
            round=name_of(line.round_name),
            date=day(tr, line.closes_on),
        )
        element = button(
            tr("feedback.upward.button.answer"), ANSWER_UPWARD, str(line.invitation_id), "primary"
        )
        blocks.append(_with_button(text, element, f"feedback_home_upward_{line.invitation_id}"))
    results = home.results
    if results is not None:
        text = tr(f"feedback.home.results.{results.state}", round=name_of(results.round_name))
        if results.state == "released":
            element = button(tr("feedback.upward.button.results"), RESULTS, str(results.round_id))
            blocks.append(_with_button(text, element, "feedback_home_results"))
        else:
            blocks.append(context(text))
    return blocks


def _requests(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    if not home.requests:
        return []
    lines = []
    for request in home.requests:
        about = (
            tr("feedback.home.request_about", subject=mention(request.subject_slack_id))
            if request.subject_slack_id
            else tr("feedback.home.request_self")
        )
        lines.append(
            tr(
                "feedback.home.request_line",
                about=about,
                answered=request.answered,
                asked=request.asked,
                declined=request.declined,
                date=when(request.expires_at),
            )
        )
    return [section(truncate(f"*{tr('feedback.home.requests')}*\n" + "\n".join(lines), 3000))]


def _received(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    if not home.received:
        return []
    blocks = [section(f"*{tr('feedback.home.received', count=home.received_total)}*")]
    for line in home.received:
        parts = [f"{mention(line.giver_slack_id)} · {when(line.created_at)}"]
        if line.goal_title:
            parts[0] += " · " + tr("feedback.about_goal", goal=name_of(line.goal_title, 80))
        for key, text in (("went_well", line.went_well), ("could_be_better", line.could_be_better)):
            if text:
                parts.append(f"_{tr(f'feedback.field.{key}')}_\n{quote(text, RECEIVED_LIMIT)}")
        blocks.append(section(truncate("\n".join(parts), 3000)))
    return blocks


def _rounds(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    if home.rounds is None:
        return []
    if not home.rounds:
        return [context(tr("feedback.home.no_rounds"))]
    lines = [
        tr(
            "feedback.home.round_line",
            number=line.round_id,
            round=name_of(line.name),
            answered=line.answered,
            invited=line.invited,
            date=day(tr, line.closes_on),
        )
        for line in home.rounds
    ]
    return [section(truncate(f"*{tr('feedback.home.rounds')}*\n" + "\n".join(lines), 3000))]


def feedback_home_blocks(tr: Translator, home: FeedbackHome) -> list[dict[str, Any]]:
    blocks = [header(tr("feedback.home.title"))]
    found = (
        _asks(tr, home)
        + _peers(tr, home)
        + _upward(tr, home)
        + _requests(tr, home)
        + _received(tr, home)
        + _rounds(tr, home)
    )
    blocks += found or [context(tr("feedback.home.empty"))]
    elements = [
        button(tr("feedback.button.give"), GIVE, "home", "primary"),
        button(tr("feedback.button.request"), REQUEST, "home"),
    ]
    if home.rounds is not None:
        elements.append(button(tr("feedback.upward.button.new"), NEW_ROUND, "home"))
    blocks.append({"type": "actions", "block_id": "feedback_home_actions", "elements": elements})
    return blocks
