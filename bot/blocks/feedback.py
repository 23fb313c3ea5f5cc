"""Block Kit for feedback messages: feedback delivered to the person (and the manager's copy),
the asks of a request with **Give feedback** and **Decline**, answers reaching the requester,
reminders and how a request ended.

Pure functions. Everything a person typed — the feedback, a request's question, a goal's
title, a cycle's name — is escaped and cut here; the only mentions are Slack ids Kinerja
stored itself. These messages are DMs: each says who else can read what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.text import button, context, escape, section, truncate
from bot.i18n import Translator
from storage.feedback import (
    AskStatus,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    RequestKind,
    Visibility,
)

GIVE = "feedback_give"  # App Home: open the form
REQUEST = "feedback_request"  # App Home: open the request form
ANSWER = "feedback_ask_answer"  # an ask's Give feedback
DECLINE = "feedback_ask_decline"
QUOTE_LIMIT = 1400
NAME_LIMIT = 80


@dataclass(frozen=True)
class PeerContext:
    """What an ask for peer feedback says besides the request: the review's cycle, whether
    the employee reads the answers, and the manager who does."""

    cycle_name: str
    employee_reads: bool
    manager_slack_id: str | None


def mention(slack_id: str | None) -> str:
    return f"<@{slack_id}>" if slack_id else "–"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A person's text as an escaped block quote, cut before escaping (no split `&amp;`)."""
    lines = escape(truncate(text, limit)).splitlines() or [""]
    return "\n".join(f">{line}" for line in lines)


def when(at: datetime) -> str:
    """A date Slack shows in the reader's own zone and language."""
    return f"<!date^{int(at.timestamp())}^{{date_long}}|{at.date().isoformat()}>"


def name_of(text: str, limit: int = NAME_LIMIT) -> str:
    return escape(truncate(" ".join(text.split()), limit))


def message(text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "blocks": blocks[:50], "unfurl_links": False, "unfurl_media": False}


def content_blocks(tr: Translator, feedback: Feedback) -> list[dict[str, Any]]:
    """What went well, what could be better, and the goal it is about."""
    found: list[dict[str, Any]] = []
    for field, text in (
        ("went_well", feedback.went_well),
        ("could_be_better", feedback.could_be_better),
    ):
        if text:
            found.append(section(f"*{tr(f'feedback.field.{field}')}*\n{quote(text)}"))
    if feedback.goal is not None:
        found.append(context(tr("feedback.about_goal", goal=name_of(feedback.goal.title, 150))))
    return found


def readers_for_subject(tr: Translator, feedback: Feedback) -> str:
    giver = mention(feedback.giver.slack_id)
    manager = feedback.shared_with
    if feedback.visibility == Visibility.PERSON_MANAGER and manager is not None:
        if manager.id == feedback.giver_id:
            return tr("feedback.readers.you_giver", giver=giver)
        return tr("feedback.readers.you_manager", giver=giver, manager=mention(manager.slack_id))
    return tr("feedback.readers.you_giver", giver=giver)


# ------------------------------------------------------------------------ feedback given


def feedback_dm(tr: Translator, feedback: Feedback) -> dict[str, Any]:
    giver = mention(feedback.giver.slack_id)
    text = tr("feedback.dm.text", giver=giver)
    blocks = [
        section(f"*{text}*"),
        *content_blocks(tr, feedback),
        context(readers_for_subject(tr, feedback), tr("feedback.dm.reply_hint", giver=giver)),
    ]
    return message(text, blocks)


def manager_copy(tr: Translator, feedback: Feedback) -> dict[str, Any]:
    giver, subject = mention(feedback.giver.slack_id), mention(feedback.subject.slack_id)
    text = tr("feedback.manager.text", giver=giver, subject=subject)
    blocks = [
        section(f"*{text}*"),
        *content_blocks(tr, feedback),
        context(tr("feedback.manager.readers", giver=giver, subject=subject)),
    ]
    return message(text, blocks)


# ------------------------------------------------------------------------ requests


def ask_headline(tr: Translator, request: FeedbackRequest, peer: PeerContext | None) -> str:
    requester, subject = mention(request.requester.slack_id), mention(request.subject.slack_id)
    if request.kind == RequestKind.PEER and peer is not None:
        return tr(
            "feedback.ask.peer",
            manager=mention(peer.manager_slack_id or request.requester.slack_id),
            subject=subject,
            cycle=name_of(peer.cycle_name),
        )
    if request.kind == RequestKind.REPORT:
        return tr("feedback.ask.report", requester=requester, subject=subject)
    return tr("feedback.ask.self", requester=requester)


def ask_readers(tr: Translator, request: FeedbackRequest, peer: PeerContext | None) -> str:
    requester, subject = mention(request.requester.slack_id), mention(request.subject.slack_id)
    if request.kind == RequestKind.PEER and peer is not None:
        manager = mention(peer.manager_slack_id or request.requester.slack_id)
        key = (
            "feedback.ask.readers_peer_shared"
            if peer.employee_reads
            else "feedback.ask.readers_peer"
        )
        return tr(key, manager=manager, subject=subject)
    if request.kind == RequestKind.REPORT:
        return tr("feedback.ask.readers_report", requester=requester, subject=subject)
    return tr("feedback.ask.readers_self", requester=requester)


def _ask_body(
    tr: Translator, ask: FeedbackAsk, peer: PeerContext | None, headline: str
) -> list[dict[str, Any]]:
    request = ask.request
    blocks = [section(f"*{headline}*")]
    if request.question:
        blocks.append(section(f"{tr('feedback.ask.question')}\n{quote(request.question, 500)}"))
    return blocks


def ask_actions(tr: Translator, ask: FeedbackAsk, block_id: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": block_id,
        "elements": [
            button(tr("feedback.button.answer"), ANSWER, str(ask.id), "primary"),
            button(tr("feedback.button.decline"), DECLINE, str(ask.id)),
        ],
    }


def ask_dm(tr: Translator, ask: FeedbackAsk, peer: PeerContext | None) -> dict[str, Any]:
    request = ask.request
    headline = ask_headline(tr, request, peer)
    blocks = _ask_body(tr, ask, peer, headline)
    blocks.append(ask_actions(tr, ask, f"feedback_ask_{ask.id}"))
    blocks.append(
        context(
            ask_readers(tr, request, peer),
            tr("feedback.ask.until", date=when(request.expires_at)),
        )
    )
    return message(headline, blocks)


def ask_final(tr: Translator, ask: FeedbackAsk, peer: PeerContext | None) -> dict[str, Any]:
    headline = ask_headline(tr, ask.request, peer)
    blocks = _ask_body(tr, ask, peer, headline)
    outcome = {
        AskStatus.ANSWERED.value: "feedback.ask.answered",
        AskStatus.DECLINED.value: "feedback.ask.declined",
    }.get(ask.status, "feedback.ask.expired")
    blocks.append(context(tr(outcome)))
    return message(headline, blocks)


def ask_reminder(tr: Translator, ask: FeedbackAsk, peer: PeerContext | None) -> dict[str, Any]:
    request = ask.request
    asker = peer.manager_slack_id if peer is not None else None
    text = tr(
        "feedback.remind.text",
        requester=mention(asker or request.requester.slack_id),
        date=when(request.expires_at),
    )
    blocks = [section(text), ask_actions(tr, ask, f"feedback_remind_{ask.id}")]
    return message(text, blocks)


def answer_dm(tr: Translator, feedback: Feedback) -> dict[str, Any]:
    """An answer reaching the person who asked."""
    request = feedback.request
    giver, subject = mention(feedback.giver.slack_id), mention(feedback.subject.slack_id)
    if request is not None and request.kind == RequestKind.REPORT:
        text = tr("feedback.answer.report", giver=giver, subject=subject)
        readers = tr("feedback.readers.requester", giver=giver, subject=subject)
    else:
        text = tr("feedback.answer.self", giver=giver)
        readers = readers_for_subject(tr, feedback)
    blocks = [section(f"*{text}*"), *content_blocks(tr, feedback), context(readers)]
    return message(text, blocks)


def request_closed_dm(tr: Translator, request: FeedbackRequest) -> dict[str, Any]:
    counts = {status.value: 0 for status in AskStatus}
    for ask in request.asks:
        counts[ask.status] = counts.get(ask.status, 0) + 1
    if request.kind == RequestKind.REPORT:
        text = tr("feedback.closed.report", subject=mention(request.subject.slack_id))
    else:
        text = tr("feedback.closed.self")
    summary = tr(
        "feedback.closed.counts",
        answered=counts[AskStatus.ANSWERED.value],
        declined=counts[AskStatus.DECLINED.value],
        expired=counts[AskStatus.EXPIRED.value],
    )
    return message(text, [section(f"*{text}*\n{summary}")])
