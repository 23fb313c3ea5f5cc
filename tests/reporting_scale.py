"""A synthetic organisation of any size, bulk-inserted: for the statement-count test, the
digest benchmark (bench/digest.py) and the example chart in docs/.

Random but reproducible (a fixed seed): teams of about 40 led by a manager, two HR people,
weekly check-ins for `weeks` weeks ending 2026-W48 with a participation rate and mood that
drift per team, two goals per person with one key result whose progress scatters around the
straight line, a goal rating in every check-in (75 % on track, 18 % at risk, 7 % off track),
some open obstacles (the older ones escalated), an open review cycle, and a week of kudos.
Rows go in with `session.execute(insert(Model), rows)` one week at a time, so a year for
10,000 people stays within memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.monitoring.periods import Period, parse_period
from storage.checkins import Checkin, CheckinGoalUpdate, CheckinPrompt, Obstacle
from storage.goals import Goal, KeyResult
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee, Team
from storage.reviews import Review, ReviewCycle

JAKARTA = ZoneInfo("Asia/Jakarta")
END_WEEK = "2026-W48"
NAMES = (
    "Sales", "Engineering", "Customer Care", "Operations", "Finance", "Marketing", "Product",
    "People",
)  # fmt: skip
# Goal ratings as people give them: mostly on track (weights 75 / 18 / 7).
CONFIDENCE = ("on_track",) * 75 + ("at_risk",) * 18 + ("off_track",) * 7
REVIEW_STATES = ("not_started", "self_submitted", "manager_submitted", "approved", "acknowledged")
TEAM_SIZE = 40


@dataclass(frozen=True)
class Scale:
    people: int
    teams: int
    managers: int
    checkins: int
    weeks: int


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=JAKARTA).astimezone(UTC)


def _ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def _weeks(count: int) -> list[Period]:
    periods = [parse_period(END_WEEK)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def seed_many(
    session: Session, team_id: str, people: int, *, weeks: int = 8, seed: int = 7
) -> Scale:
    rng = random.Random(seed)
    now = _at(date(2026, 11, 30), 8)
    team_count = max(2, round(people / TEAM_SIZE))
    names = [NAMES[i] if i < len(NAMES) else f"Team {i + 1:03d}" for i in range(team_count)]
    team_ids = _ids(
        session, Team, [{"team_id": team_id, "name": n, "created_at": now} for n in names]
    )

    def person(index: int, role: str, team: int | None, manager: int | None) -> dict[str, Any]:
        return {
            "team_id": team_id, "slack_id": f"U{index:08d}", "name": f"Person {index:05d}",
            "email": f"p{index}@example.com", "tz": "Asia/Jakarta",
            "locale": "id-ID" if index % 3 else "en-US", "role": role, "org_team_id": team,
            "manager_id": manager, "active": True, "created_at": now, "updated_at": now,
        }  # fmt: skip

    _ids(session, Employee, [person(i, "hr", None, None) for i in (0, 1)])
    managers = _ids(
        session, Employee, [person(2 + i, "manager", t, None) for i, t in enumerate(team_ids)]
    )
    members_rows = []
    for i in range(max(0, people - 2 - team_count)):
        slot = i % team_count
        members_rows.append(person(2 + team_count + i, "employee", team_ids[slot], managers[slot]))
    members = _ids(session, Employee, members_rows)
    team_of = {m: team_ids[i % team_count] for i, m in enumerate(members)}
    team_of.update(dict(zip(managers, team_ids, strict=True)))
    everyone = managers + members

    created = _at(date(2026, 7, 1), 9)
    goal_rows = [
        {
            "team_id": team_id,
            "owner_id": owner,
            "level": "personal",
            "kind": "performance",
            "title": f"Goal {n} of {owner}",
            "description": "",
            "weight": 1.0,
            "due_date": date(2026, 12, 31),
            "status": "active",
            "version": 1,
            "created_at": created,
            "updated_at": created,
        }  # fmt: skip
        for owner in everyone
        for n in (1, 2)
    ]
    goal_ids = _ids(session, Goal, goal_rows)
    session.execute(
        insert(KeyResult),
        [
            {
                "team_id": team_id,
                "goal_id": g,
                "position": 0,
                "title": "Target",
                "kind": "metric",
                "start_value": 0.0,
                "target_value": 100.0,
                # Around the straight line (83 % by 30 Nov): some well behind, some done.
                "current_value": float(min(100, max(0, round(rng.gauss(80, 18))))),
                "unit": "%",
                "done": False,
                "updated_at": created,
            }  # fmt: skip
            for g in goal_ids
        ],
    )
    first_goal = {owner: goal_ids[2 * i] for i, owner in enumerate(everyone)}

    rate = {t: rng.uniform(0.6, 0.95) for t in team_ids}
    mood = {t: rng.uniform(2.6, 4.2) for t in team_ids}
    total = 0
    for period in _weeks(weeks):
        friday = period.start + timedelta(days=4)
        prompted, due = _at(friday, 15), _at(friday + timedelta(days=3), 15)
        session.execute(
            insert(CheckinPrompt),
            [
                {
                    "team_id": team_id,
                    "employee_id": e,
                    "period": period.key,
                    "due_at": prompted,
                    "prompted_at": prompted,
                    "reminder_due_at": due,
                    "reminded_at": due,
                }  # fmt: skip
                for e in everyone
            ],
        )
        for t in team_ids:
            rate[t] = min(0.99, max(0.3, rate[t] + rng.uniform(-0.06, 0.06)))
            mood[t] = min(4.8, max(1.5, mood[t] + rng.uniform(-0.25, 0.25)))
        answered = [e for e in everyone if rng.random() < rate[team_of[e]]]
        checkin_rows = [
            {
                "team_id": team_id,
                "employee_id": e,
                "period": period.key,
                "mood": min(5, max(1, round(rng.gauss(mood[team_of[e]], 0.8)))),
                "wins": "Shipped it",
                "support": "",
                "plans": "Next steps",
                "submitted_at": _at(friday, 16),
                "updated_at": _at(friday, 16),
                "edits": 0,
                "summary_version": 0,
            }  # fmt: skip
            for e in answered
        ]
        checkin_ids = _ids(session, Checkin, checkin_rows)
        session.execute(
            insert(CheckinGoalUpdate),
            [
                {
                    "team_id": team_id,
                    "checkin_id": c,
                    "goal_id": first_goal[e],
                    "confidence": rng.choice(CONFIDENCE),
                    "progress_before": 0.0,
                    "progress_after": 0.0,
                }  # fmt: skip
                for c, e in zip(checkin_ids, answered, strict=True)
            ],
        )
        total += len(checkin_ids)

    manager_of = dict(zip(team_ids, managers, strict=True))
    _obstacles(session, team_id, rng, {e: manager_of[team_of[e]] for e in members}, now)
    _reviews(session, team_id, rng, members, team_of, managers, team_ids, now)
    _kudos(session, team_id, rng, everyone, now)
    session.flush()
    return Scale(len(everyone) + 2, team_count, len(managers), total, weeks)


def _obstacles(
    session: Session, team_id: str, rng: random.Random, managers: dict[int, int], now: datetime
) -> None:
    rows = []
    for e in rng.sample(sorted(managers), k=len(managers) // 20):
        opened = now - timedelta(days=rng.randint(0, 80))
        old = (now - opened).days > 28
        rows.append(
            {
                "team_id": team_id,
                "employee_id": e,
                "manager_id": managers[e],
                "text": "Blocked by something",
                "status": rng.choice(("open", "open", "helping")),
                "opened_at": opened,
                "escalated_at": opened + timedelta(days=14) if old else None,
                "updated_at": opened,
            }  # fmt: skip
        )
    if rows:
        session.execute(insert(Obstacle), rows)


def _reviews(
    session: Session,
    team_id: str,
    rng: random.Random,
    members: list[int],
    team_of: dict[int, int],
    managers: list[int],
    team_ids: list[int],
    now: datetime,
) -> None:
    manager_of = dict(zip(team_ids, managers, strict=True))
    [cycle] = _ids(
        session,
        ReviewCycle,
        [
            {
                "team_id": team_id,
                "name": "H2 2026",
                "period_start": date(2026, 7, 1),
                "period_end": date(2026, 12, 31),
                "opens_on": date(2026, 11, 16),
                "self_due": date(2026, 11, 27),
                "manager_due": date(2026, 12, 11),
                "tz": "Asia/Jakarta",
                "questions": [],
                "competencies": [],
                "scale": [],
                "everyone": True,
                "team_ids": [],
                "status": "open",
                "created_at": now,
                "updated_at": now,
            }  # fmt: skip
        ],
    )
    session.execute(
        insert(Review),
        [
            {
                "team_id": team_id,
                "cycle_id": cycle,
                "employee_id": e,
                "manager_id": manager_of[team_of[e]],
                "status": rng.choice(REVIEW_STATES),
                "self_answers": {"q0": "My private answer"},
                "self_ratings": {},
                "manager_answers": {},
                "manager_ratings": {},
                "discussion_count": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }  # fmt: skip
            for e in members
        ],
    )


def _kudos(
    session: Session, team_id: str, rng: random.Random, everyone: list[int], now: datetime
) -> None:
    value_ids = _ids(
        session,
        CompanyValue,
        [
            {
                "team_id": team_id,
                "key": k,
                "name_en": en,
                "name_id": id_,
                "emoji": e,
                "position": i,
                "active": True,
            }  # fmt: skip
            for i, (k, en, id_, e) in enumerate(
                [
                    ("teamwork", "Teamwork", "Kerja sama", ":handshake:"),
                    ("integrity", "Integrity", "Integritas", ":shield:"),
                    ("customer", "Customer first", "Pelanggan utama", ":star:"),
                ]
            )
        ],
    )
    count = max(1, len(everyone) // 5)
    kudos_ids = _ids(
        session,
        Kudos,
        [
            {
                "team_id": team_id,
                "giver_id": rng.choice(everyone),
                "value_id": rng.choice([*value_ids, None]),
                "message": "Thanks!",
                "source": "command",
                "created_at": now - timedelta(days=rng.uniform(0.5, 6.5)),
            }  # fmt: skip
            for _ in range(count)
        ],
    )
    session.execute(
        insert(KudosRecipient),
        [
            {"team_id": team_id, "kudos_id": k, "employee_id": r}
            for k in kudos_ids
            for r in rng.sample(everyone, k=rng.choice((1, 1, 2)))
        ],
    )
