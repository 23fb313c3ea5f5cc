"""Who reads a check-in and who may answer it, in the core without Slack, as a matrix."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.config import Settings
from bot.monitoring import (
    CheckinAnswers,
    NotFound,
    ReaderOnly,
    acknowledge_checkin,
    submit_checkin,
)
from bot.monitoring.rules import reader_for
from storage.db import Database
from storage.models import Employee
from tests.appserver import settings_for
from tests.conftest import TEAM_ID
from tests.planning_fixtures import Org, make_org


@pytest.fixture
def app_settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


def _get(session: Session, person: Employee) -> Employee:
    return session.get_one(Employee, person.id)


def test_the_reader_is_the_manager_else_hr_standing_in_else_nobody(
    db: Database, workspace: str, clock: FixedClock
) -> None:
    with db.session() as session:
        org = make_org(session, TEAM_ID, clock.now())
        eko = reader_for(session, org.employee)
        assert (eko.slack_id, eko.stand_in) == ("UMGR", False)
        lina = reader_for(session, org.loner)  # no manager: HR, as for her goals
        assert (lina.slack_id, lina.stand_in) == ("UHR", True)
        hana = reader_for(session, org.hr)  # HR without a manager: never herself
        assert hana.slack_id == "UADMIN" and hana.stand_in
        org.manager.active = False  # Maya left: her reports go to HR too
        session.flush()
        assert reader_for(session, org.employee).slack_id == "UHR"
        for person in (org.hr, org.admin):
            person.role = "employee"
        session.flush()
        nobody = reader_for(session, org.loner)
        assert nobody.person is None and nobody.slack_id is None


@pytest.mark.parametrize(
    ("who", "outcome"),
    [("manager", "ok"), ("employee", ReaderOnly), ("peer", NotFound), ("hr", NotFound)],
)
def test_who_may_acknowledge_a_checkin(
    db: Database,
    workspace: str,
    clock: FixedClock,
    app_settings: Settings,
    who: str,
    outcome: object,
) -> None:
    """The employee is told the button is the reader's (they share the group DM); anyone
    else is told the check-in does not exist, so ids cannot be probed."""
    now = clock.now()
    with db.session() as session:
        org: Org = make_org(session, TEAM_ID, now)
        result = submit_checkin(
            session,
            _get(session, org.employee),
            CheckinAnswers(period="2026-W48", mood="3"),
            settings=app_settings,
            now=now,
        )
        checkin_id = result.checkin.id
        actor = getattr(org, who)
    with db.session() as session:
        if outcome == "ok":
            _, changed = acknowledge_checkin(
                session, _get(session, actor), checkin_id, settings=app_settings, now=now
            )
            assert changed
        else:
            assert isinstance(outcome, type)
            with pytest.raises(outcome):
                acknowledge_checkin(
                    session, _get(session, actor), checkin_id, settings=app_settings, now=now
                )


def test_a_checkin_of_someone_without_a_manager_is_answered_by_hr(
    db: Database, workspace: str, clock: FixedClock, app_settings: Settings
) -> None:
    now = clock.now()
    with db.session() as session:
        org = make_org(session, TEAM_ID, now)
        result = submit_checkin(
            session,
            _get(session, org.loner),
            CheckinAnswers(period="2026-W48", mood="3"),
            settings=app_settings,
            now=now,
        )
        assert result.checkin.manager_id == org.hr.id
        checkin_id = result.checkin.id
    with db.session() as session:
        _, changed = acknowledge_checkin(
            session, _get(session, org.hr), checkin_id, settings=app_settings, now=now
        )
        assert changed
