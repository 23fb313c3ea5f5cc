"""The Review section of the App Home (and the `/kinerja review` answer): a person's own
reviews with the next step, a manager's team reviews with status, and for HR each open cycle's
progress — counts per state and who is overdue.

Only statuses and names appear here, never review content. What is shown is read by
bot/review/home.py; drawing it here runs no query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.nominations import nominate_button
from bot.blocks.review import (
    WRITE_MANAGER,
    WRITE_SELF,
    cycle_name,
    day,
    manager_slack,
    mention,
    status_text,
)
from bot.blocks.text import button, context, header, section, truncate
from bot.i18n import Translator
from bot.review.dates import local_today
from bot.review.home import HrPart, ReviewHome
from bot.review.progress import CycleProgress
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewStatus

OPEN_CYCLE = "review_home_open_cycle"
MAX_OVERDUE = 15


# The steps that wait for a dated piece of writing; past its day they are shown as overdue.
_DATED = (ReviewStatus.NOT_STARTED, ReviewStatus.SELF_SUBMITTED)


def _next(tr: Translator, review: Review, role: str, now: datetime) -> str:
    cycle = review.cycle
    if cycle.status == CycleStatus.CLOSED:
        return tr("review.home.closed")
    due = cycle.self_due if review.status == ReviewStatus.NOT_STARTED else cycle.manager_due
    late = review.status in _DATED and local_today(now, cycle.tz, "UTC") > due
    return tr(
        f"review.home.{role}.{review.status}" + (".overdue" if late else ""),
        date=day(tr, due),
        manager=mention(manager_slack(review)),
    )


def _own(tr: Translator, review: Review, now: datetime) -> dict[str, Any]:
    text = tr(
        "review.home.own_line",
        cycle=cycle_name(review.cycle),
        status=status_text(tr, review.status),
        next=_next(tr, review, "own", now),
    )
    block = section(truncate(text, 3000), block_id=f"review_own_{review.id}")
    if review.status == ReviewStatus.NOT_STARTED and review.cycle.status == CycleStatus.OPEN:
        label = (
            "review.button.continue_self"
            if review.self_draft_saved_at
            else "review.button.write_self"
        )
        block["accessory"] = button(tr(label), WRITE_SELF, str(review.id), "primary")
    return block


def _team(tr: Translator, review: Review, now: datetime) -> dict[str, Any]:
    text = tr(
        "review.home.team_line",
        employee=mention(review.employee.slack_id),
        cycle=cycle_name(review.cycle, 40),
        status=status_text(tr, review.status),
        next=_next(tr, review, "team", now),
    )
    block = section(truncate(text, 3000), block_id=f"review_team_{review.id}")
    if review.status == ReviewStatus.SELF_SUBMITTED:
        block["accessory"] = button(
            tr("review.button.write_manager"), WRITE_MANAGER, str(review.id), "primary"
        )
    elif review.status in (ReviewStatus.APPROVED, ReviewStatus.ACKNOWLEDGED):
        block["accessory"] = nominate_button(tr, review.id)
    return block


def progress_blocks(
    tr: Translator, progress: CycleProgress, cycle: ReviewCycle
) -> list[dict[str, Any]]:
    counts = " · ".join(
        f"{status_text(tr, status.value)}: *{progress.counts[status.value]}*"
        for status in ReviewStatus
    )
    text = tr.n(
        "review.home.progress",
        progress.total,
        cycle=cycle_name(cycle),
        number=cycle.id,
        self_due=day(tr, cycle.self_due),
        manager_due=day(tr, cycle.manager_due),
    )
    blocks = [section(truncate(f"{text}\n{counts}", 3000), block_id=f"review_cycle_{cycle.id}")]
    if progress.overdue:
        lines = [
            tr(
                f"review.home.overdue_{item.stage}",
                employee=mention(item.employee_slack_id),
                manager=mention(item.manager_slack_id),
                date=day(tr, item.due),
            )
            for item in progress.overdue[:MAX_OVERDUE]
        ]
        if len(progress.overdue) > MAX_OVERDUE:
            lines.append(tr("review.more", count=len(progress.overdue) - MAX_OVERDUE))
        title = tr("review.home.overdue_title", count=len(progress.overdue))
        blocks.append(section(truncate(f"*{title}*\n" + "\n".join(lines), 3000)))
    else:
        blocks.append(context(tr("review.home.no_overdue")))
    return blocks


def _hr(tr: Translator, hr: HrPart) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        header(tr("review.home.hr_title")),
        {
            "type": "actions",
            "block_id": "review_home_hr_actions",
            "elements": [button(tr("review.button.new_cycle"), OPEN_CYCLE, "new", "primary")],
        },
    ]
    for standing in hr.cycles:
        cycle = standing.cycle
        if standing.progress is None:
            blocks.append(
                section(
                    tr(
                        "review.home.scheduled",
                        cycle=cycle_name(cycle),
                        number=cycle.id,
                        date=day(tr, cycle.opens_on),
                    )
                )
            )
            continue
        blocks += progress_blocks(tr, standing.progress, cycle)
    if not hr.cycles:
        blocks.append(context(tr("review.home.no_cycles")))
    elif hr.more:
        blocks.append(context(tr("review.more", count=hr.more)))
    return blocks


def review_blocks(tr: Translator, home: ReviewHome, now: datetime) -> list[dict[str, Any]]:
    """Everything this person should see about reviews, without the section title."""
    blocks: list[dict[str, Any]] = [_own(tr, review, now) for review in home.own]
    if home.team:
        blocks.append(section(f"*{tr('review.home.team_title')}*"))
        blocks += [_team(tr, review, now) for review in home.team]
        if home.more_team:
            blocks.append(context(tr("review.more", count=home.more_team)))
    if home.hr is not None:
        blocks += _hr(tr, home.hr)
    return blocks


def review_section(tr: Translator, home: ReviewHome, now: datetime) -> list[dict[str, Any]]:
    """The App Home's Review section."""
    found = review_blocks(tr, home, now)
    return [header(tr("home.reviews.title")), *(found or [context(tr("home.reviews.empty"))])]


def review_list(tr: Translator, home: ReviewHome, now: datetime) -> dict[str, Any]:
    """The ephemeral answer to `/kinerja review`."""
    found = review_blocks(tr, home, now)
    blocks = [header(tr("review.list.title")), *(found or [context(tr("home.reviews.empty"))])]
    return {"response_type": "ephemeral", "text": tr("review.list.title"), "blocks": blocks[:50]}
