"""Past its due date, what the App Home shows as still to do says it is overdue: a review
step (the person's own and their team's) and an open goal. The check-in case is tested with
the running app in test_monitoring_flow.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.blocks.review_home import review_blocks
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.planning import create_goal
from bot.review import submit_self_review
from bot.review.home import load_review_home
from handlers.home import HomeContext
from handlers.planning import home_section
from storage.db import Database
from tests.appserver import settings_for
from tests.planning_fixtures import goal_input
from tests.review_fixtures import Org, answers, make_org, review_of, sales_cycle
from tests.reward_fixtures import block_texts

HOME_SETTINGS = settings_for("sqlite:///unused.db", "http://127.0.0.1:9/api/")

BEFORE_DUE = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # Thursday; self-reviews due Dec 4, 2026
AFTER_SELF_DUE = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # Sunday 10:00 in Jakarta
AFTER_MANAGER_DUE = datetime(2026, 12, 13, 3, 0, tzinfo=UTC)  # manager reviews due Dec 11, 2026


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session, clock: FixedClock) -> Org:
    org = make_org(session, clock.now())
    sales_cycle(session, org, clock.now())
    return org


def _reviews(session: Session, org: Org, who: str, now: datetime, locale: str = "en") -> str:
    person = getattr(org, who)
    home = load_review_home(session, person, now)
    return block_texts(review_blocks(Translator(locale), home, now))


def test_an_overdue_self_review_is_marked_for_the_employee_and_the_manager(
    session: Session, org: Org
) -> None:
    before = _reviews(session, org, "eko", BEFORE_DUE)
    assert "Write your self-review by Dec 4, 2026." in before and "verdue" not in before
    assert ":warning: *Overdue*: your self-review was due Dec 4, 2026." in _reviews(
        session, org, "eko", AFTER_SELF_DUE
    )
    team = _reviews(session, org, "manager", AFTER_SELF_DUE)
    assert "<@UEKO> · 2026 year-end review" in team
    assert ":warning: Self-review *overdue* (it was due Dec 4, 2026)." in team
    assert ":warning: Reviu diri Anda *terlambat*" not in team
    assert ":warning: *Terlambat*: reviu diri Anda jatuh tempo" in _reviews(
        session, org, "eva", AFTER_SELF_DUE, "id"
    )


def test_an_overdue_manager_review_is_marked(session: Session, org: Org, clock: FixedClock) -> None:
    submit_self_review(session, org.eko, review_of(session, org.eko).id, answers(), now=clock.now())
    on_time = _reviews(session, org, "manager", AFTER_SELF_DUE)
    assert "Write your review by Dec 11, 2026." in on_time
    late = _reviews(session, org, "manager", AFTER_MANAGER_DUE)
    assert ":warning: *Overdue*: write your review (it was due Dec 11, 2026)." in late
    own = _reviews(session, org, "eko", AFTER_MANAGER_DUE)
    assert "Waiting for <@UMGR>'s review, which is *overdue* (it was due Dec 11, 2026)." in own


def test_an_open_goal_past_its_due_date_is_marked_overdue(
    session: Session, org: Org, clock: FixedClock
) -> None:
    create_goal(session, org.eko, goal_input("Grow revenue"), now=clock.now())  # due 31 Dec

    def home(now: datetime, locale: str = "en") -> str:
        context = HomeContext(session, org.eko, Translator(locale), now, HOME_SETTINGS)
        return block_texts(home_section(context))

    assert "due Dec 31, 2026" in home(AFTER_SELF_DUE)
    late = home(datetime(2027, 1, 4, 3, 0, tzinfo=UTC))
    assert ":warning: *overdue*: was due Dec 31, 2026" in late
    assert ":warning: *terlambat*: tenggat" in home(datetime(2027, 1, 4, 3, 0, tzinfo=UTC), "id")
