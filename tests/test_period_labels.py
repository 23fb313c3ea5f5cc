"""One period, one name: check-ins, the weekly digest, `/kinerja report`, the chart and a
review's evidence all name the period the way people say it ("week of 30 Nov – 6 Dec"), and
the digest reports on the period whose check-ins it counts, not on the week it is sent in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.blocks.monitoring import period_key_label, period_label
from bot.blocks.reporting import as_plain_text, hr_digest_message
from bot.blocks.reporting_team import manager_digest_message
from bot.blocks.review_modals import evidence_blocks
from bot.i18n import Translator
from bot.monitoring.periods import parse_period, period_containing
from bot.reporting import hr_figures, manager_figures
from bot.reporting.chart import chart_data
from bot.reporting.figures import PeriodPoint, TeamTrend
from bot.review.evidence import Evidence, Win
from storage.checkins import Cadence
from storage.db import Database
from storage.reviews import ReviewCycle
from tests.reporting_fixtures import TEAM_ID, seed

TZ = "Asia/Jakarta"
# Monday 7 Dec 2026, 09:00 in Jakarta: ISO week 2026-W50. Check-ins are on Fridays, so the
# period reported on is the week of 30 Nov – 6 Dec (2026-W49).
MONDAY_W50 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "key", "expected"),
    [
        ("en", "2026-W49", "week of 30 Nov – 6 Dec"),
        ("id", "2026-W49", "minggu 30 Nov – 6 Des"),
        ("en", "2026-W53", "week of 28 Dec 2026 – 3 Jan 2027"),
        ("en", "2026-11", "November 2026"),
        ("id", "2026-11", "November 2026"),
        ("id", "2026-08", "Agustus 2026"),
    ],
)
def test_a_period_is_named_as_people_say_it(locale: str, key: str, expected: str) -> None:
    assert period_label(Translator(locale), parse_period(key)) == expected


def test_two_weeks_and_an_unknown_key() -> None:
    tr = Translator("en")
    block = period_containing(Cadence.BIWEEKLY, date(2026, 12, 1))
    assert period_label(tr, block).startswith("the two weeks ")
    assert period_key_label(tr, "not-a-<period>") == "not-a-&lt;period&gt;"


def test_the_digest_the_report_and_the_chart_name_the_same_period(
    db: Database, workspace: str
) -> None:
    with db.session() as session:
        seed(session)
        figures = hr_figures(session, TEAM_ID, now=MONDAY_W50, org_tz=TZ)
        managers = manager_figures(session, TEAM_ID, now=MONDAY_W50, org_tz=TZ)
    assert figures.period.key == "2026-W49"
    tr = Translator("en")
    digest = hr_digest_message(tr, figures)
    report = hr_digest_message(tr, figures, report=True)
    printed = as_plain_text(digest)  # what `kinerja digest --dry-run` prints
    assert digest["text"].startswith("Weekly HR digest, week of 30 Nov – 6 Dec: ")
    assert "Weekly HR digest · week of 30 Nov – 6 Dec" in printed
    assert "Period: week of 30 Nov – 6 Dec, with the trend over the last 8 periods." in printed
    assert "Period: week of 30 Nov – 6 Dec" in as_plain_text(report)
    manager = manager_digest_message(Translator("id"), next(iter(managers.values())))
    assert "Tim Anda · minggu 30 Nov – 6 Des" in as_plain_text(manager)
    assert "Periode: minggu 30 Nov – 6 Des ·" in as_plain_text(manager)
    assert chart_data(figures).period == "2026-W49"
    for message in (digest, report, manager):
        assert "2026-W" not in message["text"] + as_plain_text(message)


def test_nobody_asked_is_said_in_words(db: Database, workspace: str) -> None:
    with db.session() as session:
        seed(session)
        figures = hr_figures(session, TEAM_ID, now=MONDAY_W50, org_tz=TZ)
    nobody = TeamTrend(
        None, None, tuple(PeriodPoint(p.key, p.end) for p in figures.window.org_trend)
    )
    quiet = replace(figures, organisation=nobody)
    english = hr_digest_message(Translator("en"), quiet)["text"]
    assert english.startswith("Weekly HR digest, week of 30 Nov – 6 Dec: nobody was asked to")
    assert "–" not in english.split(":", 1)[1]
    indonesian = hr_digest_message(Translator("id"), quiet)["text"]
    assert ": belum ada yang diminta mengisi check-in, " in indonesian


def test_review_evidence_names_the_week_of_each_win() -> None:
    cycle = ReviewCycle(period_start=date(2026, 7, 1), period_end=date(2026, 12, 31))
    evidence = Evidence(wins=[Win("2026-W49", "Closed the deal")])
    for locale, label in (("en", "week of 30 Nov – 6 Dec"), ("id", "minggu 30 Nov – 6 Des")):
        shown = str(evidence_blocks(Translator(locale), evidence, cycle))
        assert f"• _{label}_: Closed the deal" in shown
        assert "2026-W49" not in shown
