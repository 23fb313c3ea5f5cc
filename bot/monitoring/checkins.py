"""Check-ins: saving one — all of it or nothing. What the modal shows, and which period it
files under, is bot/monitoring/checkin_form.py.

One check-in per person per period; submitting again in the same period edits it. Key-result
values go through planning's `update_key_result` (permission-checked, written to the goal's
history with source "checkin"), so a check-in moves goal progress everywhere at once.

"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.config import Settings
from bot.monitoring import notify
from bot.monitoring.checkin_form import find_checkin, resolve_period
from bot.monitoring.errors import MonitoringValidationError
from bot.monitoring.obstacles import sync_obstacles
from bot.monitoring.periods import Period
from bot.monitoring.rules import reader_for
from bot.monitoring.schedule import schedule_for
from bot.permissions import Action, PermissionDenied, require
from bot.planning import (
    GoalConflict,
    GoalNotFound,
    ValidationError,
    active_goals_of,
    goal_progress,
    parse_number,
    update_key_result,
)
from bot.planning.forms import clean_text
from storage.checkins import (
    Checkin,
    CheckinGoalUpdate,
    CheckinKeyResultUpdate,
    Confidence,
)
from storage.goals import Goal, KeyResult, KeyResultKind
from storage.models import Employee

TEXT_LIMIT = 1000  # wins, support, plans
OBSTACLE_LIMIT = 300  # one obstacle (one line)
MAX_OBSTACLES = 5


@dataclass
class CheckinAnswers:
    """The modal's values as typed (untrusted); the core parses and validates them."""

    period: str
    values: dict[int, str] = field(default_factory=dict)  # metric key result id -> text
    done: dict[int, bool] = field(default_factory=dict)  # check key result id -> ticked
    shown_values: dict[int, str] = field(default_factory=dict)  # what the modal pre-filled
    confidence: dict[int, str] = field(default_factory=dict)  # goal id -> Confidence
    mood: str | None = None
    wins: str = ""
    obstacles: str = ""
    support: str = ""
    plans: str = ""


@dataclass(frozen=True)
class _Parsed:
    mood: int | None
    values: dict[int, float]
    done: dict[int, bool]
    confidence: dict[int, Confidence]
    obstacles: list[str]


def _validate(questions: tuple[str, ...], goals: list[Goal], answers: CheckinAnswers) -> _Parsed:
    """Every field checked before anything is written; all errors reported at once."""
    errors: dict[str, str] = {}
    krs: dict[int, KeyResult] = {kr.id: kr for g in goals for kr in g.key_results}
    values: dict[int, float] = {}
    for kr_id, text in answers.values.items():
        kr = krs.get(kr_id)
        if kr is None or kr.kind != KeyResultKind.METRIC:
            errors[f"kr_{kr_id}"] = "monitoring.error.kr_unknown"
            continue
        if not text.strip() or text.strip() == answers.shown_values.get(kr_id, "").strip():
            continue  # left as it was: no change, no history line
        number = parse_number(text.rstrip("% "))
        if number is None:
            errors[f"kr_{kr_id}"] = "monitoring.error.number"
        else:
            values[kr_id] = number
    done = {}
    for kr_id, ticked in answers.done.items():
        kr = krs.get(kr_id)
        if kr is None or kr.kind != KeyResultKind.CHECK:
            errors[f"done_{kr_id}"] = "monitoring.error.kr_unknown"
        else:
            done[kr_id] = ticked
    goal_ids = {g.id for g in goals}
    confidence: dict[int, Confidence] = {}
    for goal_id, text in answers.confidence.items():
        try:
            if goal_id not in goal_ids:
                raise ValueError(goal_id)
            confidence[goal_id] = Confidence(text)
        except ValueError:
            errors[f"conf_{goal_id}"] = "monitoring.error.confidence"
    mood: int | None = None
    if "mood" in questions:
        raw = (answers.mood or "").strip()
        mood = int(raw) if raw in ("1", "2", "3", "4", "5") else None
        if mood is None:
            errors["mood"] = "monitoring.error.mood"
    for name in ("wins", "support", "plans"):
        if len(clean_text(getattr(answers, name))) > TEXT_LIMIT:
            errors[name] = "monitoring.error.too_long"
    obstacles = obstacle_lines(answers.obstacles)
    if len(obstacles) > MAX_OBSTACLES:
        errors["obstacles"] = "monitoring.error.too_many_obstacles"
    elif any(len(line) > OBSTACLE_LIMIT for line in obstacles):
        errors["obstacles"] = "monitoring.error.obstacle_too_long"
    if errors:
        raise MonitoringValidationError(
            errors, limit=TEXT_LIMIT, obstacle_limit=OBSTACLE_LIMIT, count=MAX_OBSTACLES
        )
    return _Parsed(mood, values, done, confidence, obstacles)


def obstacle_lines(text: str) -> list[str]:
    """One obstacle per line; bullets people paste ("- ", "• ", "* ") are dropped."""
    seen: dict[str, str] = {}
    for raw in text.splitlines():
        line = clean_text(raw).lstrip("-•*").strip()
        if line and line.casefold() not in seen:
            seen[line.casefold()] = line
    return list(seen.values())


@dataclass(frozen=True)
class SubmitResult:
    checkin: Checkin
    created: bool


def submit_checkin(
    session: Session,
    actor: Employee,
    answers: CheckinAnswers,
    *,
    settings: Settings,
    now: datetime,
) -> SubmitResult:
    """Validate, then write the check-in, the key-result moves, the obstacles and the
    manager's messages in the caller's transaction. On MonitoringValidationError the caller
    must roll back (planning may refuse a value after earlier ones were applied)."""
    require(actor, Action.CHECK_IN)
    period = resolve_period(session, actor, settings, now, answers.period)
    questions = schedule_for(session, actor).questions
    goals = active_goals_of(session, actor)
    parsed = _validate(questions, goals, answers)
    answered = {
        name: clean_text(getattr(answers, name)) if name in questions else ""
        for name in ("wins", "support", "plans")
    }
    reader = reader_for(session, actor)
    checkin, created = _upsert(
        session, actor, period, now, reader.person, mood=parsed.mood, **answered
    )
    _apply_goals(session, actor, checkin, goals, parsed, now)
    if "obstacles" in questions:
        sync_obstacles(session, checkin, parsed.obstacles, now)
    checkin.updated_at = now
    if not created:
        checkin.edits += 1
    session.flush()
    audit.record(
        session,
        team_id=actor.team_id,
        actor=actor.slack_id,
        action="checkin.submitted" if created else "checkin.edited",
        subject=period.key,
        detail={"checkin_id": checkin.id, "goals": len(goals)},
        at=now,
    )
    if created:
        notify.post_summary(session, checkin, settings, now)
    else:
        notify.refresh_summary(session, checkin, settings, now)
    notify.prompt_done(session, checkin, settings, now)
    return SubmitResult(checkin, created)


def _upsert(
    session: Session,
    actor: Employee,
    period: Period,
    now: datetime,
    reader: Employee | None,
    **answered: Any,
) -> tuple[Checkin, bool]:
    """The period's check-in with the `answered` fields set: a new one is inserted with them
    (one statement, not an insert and an update). An edit keeps the reader it was sent to."""
    existing = find_checkin(session, actor, period.key)
    if existing is None:
        checkin = _insert(session, actor, period, now, reader, answered)
        if checkin is not None:
            return checkin, True
        # A double click submitted twice at once: the other one created it; edit that one.
        existing = find_checkin(session, actor, period.key)
        if existing is None:
            raise LookupError(f"check-in {period.key} of {actor.slack_id} neither new nor found")
    for name, value in answered.items():
        setattr(existing, name, value)
    return existing, False


def _insert(
    session: Session,
    actor: Employee,
    period: Period,
    now: datetime,
    reader: Employee | None,
    answered: dict[str, Any],
) -> Checkin | None:
    checkin = Checkin(
        team_id=actor.team_id,
        employee_id=actor.id,
        manager_id=reader.id if reader is not None else None,
        period=period.key,
        submitted_at=now,
        updated_at=now,
        edits=0,
        summary_version=0,
        # a new check-in has none yet: set here, they are not looked up in the database
        goal_updates=[],
        kr_updates=[],
        obstacles=[],
        **answered,
    )
    try:
        with session.begin_nested():
            session.add(checkin)
    except IntegrityError:
        return None
    return checkin


def _apply_goals(
    session: Session,
    actor: Employee,
    checkin: Checkin,
    goals: list[Goal],
    parsed: _Parsed,
    now: datetime,
) -> None:
    goal_rows = {u.goal_id: u for u in checkin.goal_updates}
    kr_rows = {u.key_result_id: u for u in checkin.kr_updates}
    for goal in goals:
        before = goal_progress(goal)
        for kr in goal.key_results:
            value, done = parsed.values.get(kr.id), parsed.done.get(kr.id)
            if value is None and (done is None or done == kr.done):
                continue
            old_value, old_done = kr.current_value, kr.done
            _move(session, actor, kr, value, done, now)
            row = kr_rows.get(kr.id)
            if row is None:
                row = CheckinKeyResultUpdate(
                    team_id=actor.team_id,
                    key_result_id=kr.id,
                    value_before=old_value,
                    done_before=old_done,
                )
                checkin.kr_updates.append(row)
                kr_rows[kr.id] = row
            row.value_after, row.done_after = kr.current_value, kr.done
        goal_row = goal_rows.get(goal.id)
        if goal_row is None:
            goal_row = CheckinGoalUpdate(
                team_id=actor.team_id, goal_id=goal.id, progress_before=before
            )
            checkin.goal_updates.append(goal_row)
            goal_rows[goal.id] = goal_row
        goal_row.confidence = parsed.confidence.get(goal.id, Confidence.ON_TRACK).value
        goal_row.progress_after = goal_progress(goal)


def _move(
    session: Session,
    actor: Employee,
    kr: KeyResult,
    value: float | None,
    done: bool | None,
    now: datetime,
) -> None:
    field_name = f"{'kr' if kr.kind == KeyResultKind.METRIC else 'done'}_{kr.id}"
    try:
        update_key_result(session, actor, kr.id, value=value, done=done, now=now, source="checkin")
    except ValidationError as error:
        raise MonitoringValidationError({field_name: next(iter(error.errors.values()))}) from None
    except (GoalConflict, GoalNotFound, PermissionDenied):
        raise MonitoringValidationError({field_name: "monitoring.error.kr_locked"}) from None
