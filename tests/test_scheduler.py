"""tick(now): each period's work is claimed once, however often or wherever it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.clock import FixedClock, zone_of
from bot.ticks import TickContext, TickTask, claim_run
from storage.db import Database
from storage.models import AuditLog, Employee, JobRun
from tests.appserver import settings_for
from tests.ticking import tick


def _employee(
    db: Database, slack_id: str, tz: str | None, away: date | None, now: datetime
) -> None:
    with db.session() as session:
        session.add(
            Employee(
                team_id="T0001",
                slack_id=slack_id,
                name=slack_id,
                tz=tz,
                away_until=away,
                created_at=now,
                updated_at=now,
            )
        )


def test_claim_run_is_first_come_only(db: Database, workspace: str, clock: FixedClock) -> None:
    with db.session() as session:
        assert claim_run(session, workspace, "digest", "2026-W48", clock.now())
    with db.session() as session:
        assert not claim_run(session, workspace, "digest", "2026-W48", clock.now())
        assert claim_run(session, workspace, "digest", "2026-W49", clock.now())
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 2


def test_leave_ends_the_day_after_in_the_persons_own_zone(
    db: Database, workspace: str, database_url: str
) -> None:
    settings = settings_for(database_url, "http://127.0.0.1:9/api/")
    start = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    _employee(db, "UJKT", "Asia/Jakarta", date(2026, 12, 31), start)
    _employee(db, "UNYC", "America/New_York", date(2026, 12, 31), start)
    # 2027-01-01 00:30 in Jakarta is still 2026-12-31 in New York.
    report = tick(db, settings, datetime(2026, 12, 31, 17, 30, tzinfo=UTC))
    assert report.done["end_expired_leave"] == 1
    with db.session() as session:
        away = dict(session.execute(select(Employee.slack_id, Employee.away_until)).all())
        assert away == {"UJKT": None, "UNYC": date(2026, 12, 31)}
        assert (
            session.scalar(select(AuditLog.subject).where(AuditLog.action == "away.ended"))
            == "UJKT"
        )
    # The same minute again changes nothing; a later tick ends New York's leave.
    assert tick(db, settings, datetime(2026, 12, 31, 17, 30, tzinfo=UTC)).total == 0
    assert tick(db, settings, datetime(2027, 1, 1, 5, 1, tzinfo=UTC)).total == 1


def test_a_failing_task_is_reported_and_rolled_back(
    db: Database, workspace: str, database_url: str, monkeypatch: object
) -> None:
    settings = settings_for(database_url, "http://127.0.0.1:9/api/")

    def broken(ctx: TickContext) -> int:
        claim_run(ctx.session, ctx.workspace.team_id, "broken", "p", ctx.now)
        raise RuntimeError("boom")

    at = datetime(2026, 11, 24, tzinfo=UTC)
    report = tick(db, settings, at, tasks=[TickTask("broken", broken)])
    assert report.failed == ["T0001:broken"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 0


def test_unknown_zone_falls_back_to_the_organisation_default() -> None:
    assert zone_of("Not/AZone", "Asia/Jakarta").key == "Asia/Jakarta"
    assert zone_of(None, "Asia/Makassar").key == "Asia/Makassar"
    assert zone_of("America/New_York", "Asia/Jakarta").key == "America/New_York"
