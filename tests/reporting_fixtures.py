"""A seeded organisation whose digest figures are known, for the reporting tests.

Acme (T0001), organisation zone Asia/Jakarta, weekly check-ins on Friday (the default).
The digest runs on Monday 2026-11-30 09:00 Jakarta (DIGEST_AT), so "this period" is
2026-W48 (23–29 Nov) and the trend is W41 … W48.

    Hana   hr        no team
    Maya   manager   Sales   manages Eko, Edi, Esti
    Eko, Edi, Esti   Sales
    Omar   manager   Ops     manages Sari, Sule
    Sari, Sule       Ops
    Lina   employee  no team, no manager

Check-ins (everyone but the managers and HR is prompted every week of W41–W48, Lina only W48):
    Sales   W41–W47: 3/3, mood 3 each.  W48: Eko (4), Edi (2); Esti asked, not in
            (her reminder is due on Monday at 15:00).
    Ops     W41–W47: Sari only (mood 4). W48: Sari (5), Sule (4).
    No team W48: Lina prompted, not in.
    → W48: organisation 4/6, mood 3.75; Sales 2/3 mood 3.0; Ops 2/2 mood 4.5; no team 0/1.
    → W47: organisation 4/5, mood 3.25.
Goal ratings: W47 Eko G1 on track, Sari G3 on track; W48 Eko G1 at risk, Edi G2 on track,
    Sari G3 off track, Sule G4 on track.
Goals (created 1 Jul, due 31 Dec → 83 % expected on 30 Nov):
    G1 Eko "Close ten deals" 7/10 = 70 %, rated at risk          → at risk (rating)
    G2 Edi "Launch the newsletter" check not done = 0 %           → at risk (behind)
    G3 Sari "Cut cloud costs" 100→50, now 60 = 80 %, off track    → at risk (rating)
    G4 Sule "Hire two engineers" 2/2 = 100 %                      → fine
    G5 Maya team goal "Sales target", children G1, G2 = 35 %      → at risk (behind)
    G6 Lina draft, G7 Hana company goal completed                 → ignored
    → order: G3, G1, G2, G5.
Obstacles open: Eko 3 days, Edi 10 days (helping), Sari 29 days (escalated), Sule 60 days
    (escalated); one of Eko's resolved.
Review cycle "H2 2026" (open, self-reviews due 27 Nov, manager reviews due 11 Dec):
    Eko not started, Edi self-review in, Esti approved, Sari manager review in, Sule not started
    → 2 self-reviews overdue, 0 manager reviews overdue.
Kudos in the 7 days before 30 Nov: Edi→Eko (teamwork), Sari→Eko+Sule (teamwork), Eko→Edi (no
    value); one older (10 Nov) Sari→Edi. → 3 kudos, 3 givers, 3 recipients; Eko 2.
Reward nominations (when the schema has them): Maya nominated Esti twice, one waiting for HR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.monitoring.periods import parse_period
from storage.checkins import Checkin, CheckinGoalUpdate, CheckinPrompt, Obstacle
from storage.goals import Goal, KeyResult
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee, Team
from storage.reviews import Review, ReviewCycle
from storage.schema import metadata

TEAM_ID = "T0001"
JAKARTA = ZoneInfo("Asia/Jakarta")
DIGEST_AT = datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA).astimezone(UTC)
WEEKS = [f"2026-W{n}" for n in range(41, 49)]
SECRET_REVIEW = "SECRET-REVIEW-TEXT about Eko"
SECRET_WIN = "UNIQUE-WIN-PHRASE closed the Garuda deal"
OBSTACLE_TEXT = "Waiting for legal sign-off"


def jakarta(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=JAKARTA).astimezone(UTC)


@dataclass
class Seeded:
    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, Employee] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Employee:
        return self.people[name]


def employee(
    session: Session,
    seeded: Seeded,
    name: str,
    role: str = "employee",
    *,
    team: str | None = None,
    manager: str | None = None,
    locale: str = "en-US",
    now: datetime,
) -> Employee:
    row = Employee(
        team_id=TEAM_ID,
        slack_id=f"U{name.upper()}",
        name=name,
        email=f"{name.lower()}@acme.example",
        role=role,
        tz="Asia/Jakarta",
        locale=locale,
        org_team_id=seeded.teams[team].id if team else None,
        manager_id=seeded.people[manager].id if manager else None,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    seeded.people[name] = row
    return row


def prompt(session: Session, person: Employee, week: str) -> None:
    friday = parse_period(week).start + timedelta(days=4)
    session.add(
        CheckinPrompt(
            team_id=TEAM_ID,
            employee_id=person.id,
            period=week,
            due_at=jakarta(friday, 15),
            prompted_at=jakarta(friday, 15),
            reminder_due_at=jakarta(friday + timedelta(days=3), 15),
            reminded_at=jakarta(friday + timedelta(days=3), 15) if week != WEEKS[-1] else None,
        )
    )


def checkin(
    session: Session, person: Employee, week: str, mood: int, wins: str = "Good week"
) -> Checkin:
    friday = parse_period(week).start + timedelta(days=4)
    row = Checkin(
        team_id=TEAM_ID,
        employee_id=person.id,
        manager_id=person.manager_id,
        period=week,
        mood=mood,
        wins=wins,
        support="",
        plans="More of the same",
        submitted_at=jakarta(friday, 16),
        updated_at=jakarta(friday, 16),
    )
    session.add(row)
    session.flush()
    return row


def goal(
    session: Session,
    owner: Employee,
    title: str,
    *,
    status: str = "active",
    level: str = "personal",
    parent: Goal | None = None,
    kr: tuple[str, float | None, float | None, float | None, bool] = ("metric", 0, 10, 0, False),
) -> Goal:
    created = jakarta(date(2026, 7, 1))
    row = Goal(
        team_id=TEAM_ID,
        owner_id=owner.id,
        level=level,
        title=title,
        description="",
        due_date=date(2026, 12, 31),
        parent_id=parent.id if parent else None,
        org_team_id=owner.org_team_id if level == "team" else None,
        status=status,
        created_at=created,
        updated_at=created,
    )
    session.add(row)
    session.flush()
    kind, start, target, current, done = kr
    session.add(
        KeyResult(
            team_id=TEAM_ID,
            goal_id=row.id,
            title=f"{title} KR",
            kind=kind,
            start_value=start,
            target_value=target,
            current_value=current,
            done=done,
            updated_at=created,
        )
    )
    session.flush()
    return row


def rate(session: Session, row: Checkin, target: Goal, confidence: str) -> None:
    session.add(
        CheckinGoalUpdate(
            team_id=TEAM_ID, checkin_id=row.id, goal_id=target.id, confidence=confidence
        )
    )


def obstacle(
    session: Session,
    person: Employee,
    opened: date,
    *,
    status: str = "open",
    escalated: bool = False,
    text: str = OBSTACLE_TEXT,
) -> None:
    at = jakarta(opened)
    session.add(
        Obstacle(
            team_id=TEAM_ID,
            employee_id=person.id,
            manager_id=person.manager_id,
            text=text,
            status=status,
            opened_at=at,
            escalated_at=at + timedelta(days=20) if escalated else None,
            resolved_at=at + timedelta(days=1) if status == "resolved" else None,
            updated_at=at,
        )
    )


def kudos(
    session: Session,
    giver: Employee,
    to: list[Employee],
    day: date,
    value: CompanyValue | None,
    message: str = "Thank you for the help",
) -> None:
    row = Kudos(
        team_id=TEAM_ID,
        giver_id=giver.id,
        value_id=value.id if value else None,
        message=message,
        source="command",
        created_at=jakarta(day, 11),
    )
    row.recipients = [KudosRecipient(team_id=TEAM_ID, employee_id=p.id) for p in to]
    session.add(row)


def seed(session: Session, now: datetime = DIGEST_AT) -> Seeded:
    s = Seeded()
    for name in ("Sales", "Ops"):
        s.teams[name] = Team(team_id=TEAM_ID, name=name, created_at=now)
        session.add(s.teams[name])
    session.flush()
    employee(session, s, "Hana", "hr", now=now)
    employee(session, s, "Maya", "manager", team="Sales", now=now)
    employee(session, s, "Omar", "manager", team="Ops", locale="id-ID", now=now)
    for name in ("Eko", "Edi", "Esti"):
        employee(session, s, name, team="Sales", manager="Maya", now=now)
    for name in ("Sari", "Sule"):
        employee(session, s, name, team="Ops", manager="Omar", now=now)
    employee(session, s, "Lina", now=now)

    g = s.goals
    g["G1"] = goal(session, s["Eko"], "Close ten deals", kr=("metric", 0, 10, 7, False))
    g["G2"] = goal(
        session, s["Edi"], "Launch the newsletter", kr=("check", None, None, None, False)
    )
    g["G3"] = goal(session, s["Sari"], "Cut cloud costs", kr=("metric", 100, 50, 60, False))
    g["G4"] = goal(session, s["Sule"], "Hire two engineers", kr=("metric", 0, 2, 2, False))
    g["G5"] = goal(session, s["Maya"], "Sales target", level="team", kr=("metric", 0, 1, 0, False))
    g["G1"].parent_id = g["G2"].parent_id = g["G5"].id
    g["G6"] = goal(session, s["Lina"], "Learn Go", status="draft")
    g["G7"] = goal(session, s["Hana"], "Best place to work", status="completed", level="company")

    for week in WEEKS:
        for name in ("Eko", "Edi", "Esti", "Sari", "Sule"):
            prompt(session, s[name], week)
    prompt(session, s["Lina"], WEEKS[-1])
    for week in WEEKS[:-1]:
        for name in ("Eko", "Edi", "Esti"):
            row = checkin(session, s[name], week, 3)
            if name == "Eko" and week == WEEKS[-2]:
                rate(session, row, g["G1"], "on_track")
        sari = checkin(session, s["Sari"], week, 4)
        if week == WEEKS[-2]:
            rate(session, sari, g["G3"], "on_track")
    rate(session, checkin(session, s["Eko"], WEEKS[-1], 4, wins=SECRET_WIN), g["G1"], "at_risk")
    rate(session, checkin(session, s["Edi"], WEEKS[-1], 2), g["G2"], "on_track")
    rate(session, checkin(session, s["Sari"], WEEKS[-1], 5), g["G3"], "off_track")
    rate(session, checkin(session, s["Sule"], WEEKS[-1], 4), g["G4"], "on_track")

    obstacle(session, s["Eko"], date(2026, 11, 27))
    obstacle(session, s["Edi"], date(2026, 11, 20), status="helping", text="CRM access")
    obstacle(session, s["Sari"], date(2026, 11, 1), escalated=True, text="Budget freeze")
    obstacle(session, s["Sule"], date(2026, 10, 1), escalated=True, text="No laptop")
    obstacle(session, s["Eko"], date(2026, 11, 2), status="resolved", text="Old one")

    cycle = ReviewCycle(
        team_id=TEAM_ID,
        name="H2 2026",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 12, 31),
        opens_on=date(2026, 11, 16),
        self_due=date(2026, 11, 27),
        manager_due=date(2026, 12, 11),
        tz="Asia/Jakarta",
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(cycle)
    session.flush()
    for name, status in (
        ("Eko", "not_started"),
        ("Edi", "self_submitted"),
        ("Esti", "approved"),
        ("Sari", "manager_submitted"),
        ("Sule", "not_started"),
    ):
        person = s[name]
        session.add(
            Review(
                team_id=TEAM_ID,
                cycle_id=cycle.id,
                employee_id=person.id,
                manager_id=person.manager_id,
                status=status,
                self_answers={"q0": SECRET_REVIEW} if status != "not_started" else {},
                manager_answers={"summary": SECRET_REVIEW} if name == "Sari" else {},
                created_at=now,
                updated_at=now,
            )
        )

    teamwork = CompanyValue(
        team_id=TEAM_ID,
        key="teamwork",
        name_en="Teamwork",
        name_id="Kerja sama",
        emoji=":handshake:",
    )
    session.add(teamwork)
    session.flush()
    kudos(session, s["Edi"], [s["Eko"]], date(2026, 11, 25), teamwork)
    kudos(session, s["Sari"], [s["Eko"], s["Sule"]], date(2026, 11, 26), teamwork)
    kudos(session, s["Eko"], [s["Edi"]], date(2026, 11, 27), None)
    kudos(session, s["Sari"], [s["Edi"]], date(2026, 11, 10), teamwork)
    nominations = metadata.tables.get("nominations")
    if nominations is not None:  # reward nominations (issue 6): one waiting for HR, one decided
        esti = session.scalar(select(Review).where(Review.employee_id == s["Esti"].id))
        assert esti is not None
        for reward, status in (("bonus", "pending"), ("promotion", "declined")):
            session.execute(
                nominations.insert().values(
                    team_id=TEAM_ID, review_id=esti.id, employee_id=esti.employee_id,
                    manager_id=s["Maya"].id, reward_type=reward, status=status,
                    justification="Esti carried the quarter", created_at=now, version=1,
                )
            )  # fmt: skip
    session.flush()
    return s
