"""What the 1:1 screens and messages show, as plain values the core fills and the renderers
(bot/blocks/oneonone*.py) read without touching the database.

Nothing here holds a private note except `NotesForm.private`, which is only ever built for
that note's writer (bot/oneonone/meetings.py `notes_form`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Proposal:
    """The report's proposal of another time (`number` tells an answer to an older one)."""

    number: int
    starts_on: date
    local_time: str
    note: str


@dataclass(frozen=True)
class SeriesView:
    series_id: int
    status: str
    cadence: str
    starts_on: date
    local_time: str
    tz: str
    manager_slack_id: str
    employee_slack_id: str
    next_at: datetime | None  # the next meeting, when one is planned
    proposal: Proposal | None = None


@dataclass(frozen=True)
class ObstacleLine:
    text: str
    days_open: int
    helping: bool


@dataclass(frozen=True)
class SupportLine:
    period: str  # the check-in's period key
    text: str


@dataclass(frozen=True)
class GoalLine:
    title: str
    confidence: str  # at_risk, off_track
    progress: float


@dataclass(frozen=True)
class ItemLine:
    item_id: int
    title: str
    owner_slack_id: str
    due_on: date
    overdue: bool = False
    done: bool = False


@dataclass(frozen=True)
class KudosLine:
    giver_slack_id: str
    value_en: str | None
    value_id: str | None
    emoji: str
    message: str


@dataclass(frozen=True)
class PointLine:
    author_slack_id: str
    text: str


@dataclass(frozen=True)
class NoteLine:
    author_slack_id: str
    text: str


@dataclass(frozen=True)
class AgendaView:
    """One meeting's agenda: what Kinerja knows since the pair's last 1:1, what they added."""

    meeting_id: int
    series_id: int
    status: str
    scheduled_at: datetime
    tz: str
    manager_slack_id: str
    employee_slack_id: str
    since: datetime | None  # the last 1:1 held; None: the first one (the last LOOKBACK days)
    obstacles: tuple[ObstacleLine, ...] = ()
    support: tuple[SupportLine, ...] = ()
    goals: tuple[GoalLine, ...] = ()
    items: tuple[ItemLine, ...] = ()
    kudos: tuple[KudosLine, ...] = ()
    points: tuple[PointLine, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # how many of each there are
    done_by_slack_id: str | None = None
    skipped_by_slack_id: str | None = None
    skip_reason: str | None = None
    next_at: datetime | None = None


@dataclass(frozen=True)
class SummaryView:
    """What Done posts in the agenda's thread: never a private note."""

    meeting_id: int
    scheduled_at: datetime
    tz: str
    done_by_slack_id: str
    points: tuple[PointLine, ...]
    notes: tuple[NoteLine, ...]
    new_items: tuple[ItemLine, ...]
    completed_items: tuple[ItemLine, ...]
    next_at: datetime | None


@dataclass(frozen=True)
class NotesForm:
    """The Take notes modal of one participant: their own shared and private notes, and what
    the other one shared."""

    meeting_id: int
    scheduled_at: datetime
    tz: str
    other_slack_id: str
    shared: str
    private: str
    other_shared: str


@dataclass(frozen=True)
class ItemForm:
    meeting_id: int
    manager_slack_id: str
    employee_slack_id: str
    today: date


@dataclass(frozen=True)
class SeriesForm:
    """The set-up modal: a new series with `report`, or the one they have."""

    report_id: int
    report_slack_id: str
    tz: str
    today: date
    series: SeriesView | None = None


@dataclass(frozen=True)
class HomeSeries:
    series_id: int
    side: str  # manager, report
    other_slack_id: str
    cadence: str
    starts_on: date
    local_time: str
    tz: str
    status: str
    next_at: datetime | None
    proposal: bool = False  # a proposal of another time waits for the manager


@dataclass(frozen=True)
class HomeReport:
    employee_id: int
    slack_id: str


@dataclass(frozen=True)
class HomeItem:
    item_id: int
    title: str
    other_slack_id: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class OneOnOneHome:
    series: tuple[HomeSeries, ...] = ()
    without_series: tuple[HomeReport, ...] = ()  # the manager's reports with no 1:1 yet
    items: tuple[HomeItem, ...] = ()
    more_items: int = 0
    has_manager: bool = False

    @property
    def empty(self) -> bool:
        return not (self.series or self.without_series or self.items)
