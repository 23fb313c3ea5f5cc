"""Counts read naturally in both languages: gettext plural entries chosen by Babel's plural
rules (English "1 day" / "2 days", Indonesian one form), no "(s)", no "open for 0 days", and
the digest's mood says when there is no answer and when the trend is steady."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.blocks.monitoring_home import section_blocks
from bot.blocks.reporting import as_plain_text, hr_digest_message, participation_line
from bot.i18n import LOCALE_DIR, Translator, catalogue, plural_forms, tn
from bot.monitoring.home import CheckinStatus
from bot.monitoring.periods import parse_period
from bot.monitoring.summary import ObstacleLine
from bot.reporting import hr_figures
from bot.reporting.figures import PeriodPoint, TeamTrend
from storage.db import Database
from tests.reporting_fixtures import TEAM_ID, seed

PLACEHOLDER = re.compile(r"{(\w+)}")
NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def test_each_catalogue_declares_babels_plural_rule() -> None:
    for locale in ("en", "id"):
        forms, expression = get_plural(locale)
        for path in sorted((LOCALE_DIR / locale).glob("*.po")):
            with path.open("rb") as handle:
                parsed = read_po(handle, locale=locale)
            assert (parsed.num_plurals, parsed.plural_expr) == (forms, expression), path


def test_plural_entries_have_every_form_and_the_same_placeholders() -> None:
    english, indonesian = plural_forms("en"), plural_forms("id")
    assert set(english) == set(indonesian) and len(english) > 20
    for key, forms in english.items():
        assert len(forms) == 2 and len(indonesian[key]) == 1, key
        names = [set(PLACEHOLDER.findall(text)) for text in (*forms, *indonesian[key])]
        assert all(n == names[0] for n in names), key


def test_no_text_hedges_a_plural_with_s_in_brackets() -> None:
    for locale in ("en", "id"):
        assert [k for k, v in catalogue(locale).items() if "(s)" in v] == []
        for key, forms in plural_forms(locale).items():
            assert not any("(s)" in form for form in forms), key
    for path in Path(__file__).resolve().parent.parent.joinpath("bot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        texts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
        hedged = [t for t in texts if isinstance(t, str) and "(s)" in t.replace("http(s)", "")]
        assert hedged == [], path


@pytest.mark.parametrize(
    ("count", "english", "indonesian"),
    [
        (1, "1 check-in is waiting for your acknowledgement.", "1 check-in menunggu"),
        (2, "2 check-ins are waiting for your acknowledgement.", "2 check-in menunggu"),
    ],
)
def test_counts_choose_their_form(count: int, english: str, indonesian: str) -> None:
    assert tn("en", "monitoring.home.to_acknowledge", count) == english
    assert tn("id", "monitoring.home.to_acknowledge", count).startswith(indonesian)
    assert tn("en", "reporting.count.open_obstacles", 1) == "1 open obstacle"
    assert tn("en", "reporting.count.open_obstacles", 0) == "0 open obstacles"


def _home(locale: str, opened: list[datetime], waiting: int) -> str:
    obstacles = [
        ObstacleLine(
            id=n,
            text=f"Obstacle {n}",
            status="open",
            employee_slack_id="UEKO",
            helper_slack_id=None,
            opened_at=at,
        )
        for n, at in enumerate(opened, 1)
    ]
    status = CheckinStatus(
        period=parse_period("2026-W49"),
        checked_in_at=None,
        prompt_due=NOW - timedelta(days=2),
        zone=UTC,  # type: ignore[arg-type]
        away_until=None,
        own_obstacles=obstacles,
        team_obstacles=[],
        to_acknowledge=waiting,
    )
    return str(section_blocks(Translator(locale), status, NOW))


def test_the_home_says_opened_today_and_counts_in_the_right_form() -> None:
    shown = _home("en", [NOW - timedelta(hours=2), NOW - timedelta(days=1, hours=1)], 1)
    assert "open · opened today" in shown and "open for 0 days" not in shown
    assert "open · opened 1 day ago" in shown and "1 days" not in shown
    assert "1 check-in is waiting for your acknowledgement." in shown
    indonesian = _home("id", [NOW - timedelta(hours=2), NOW - timedelta(days=3)], 2)
    assert "terbuka · dibuka hari ini" in indonesian
    assert "terbuka · dibuka 3 hari lalu" in indonesian


def _trend(*moods: float | None) -> TeamTrend:
    points = []
    for n, mood in enumerate(moods):
        end = datetime(2026, 10, 18).date() + timedelta(days=7 * n)
        count = 0 if mood is None else 2
        total = 0 if mood is None else round(mood * 2)
        points.append(PeriodPoint(f"p{n}", end, 2, 1 if mood else 0, total, count))
    return TeamTrend(None, None, tuple(points))


def test_the_mood_line_says_when_nobody_answered_and_when_it_is_steady(
    db: Database, workspace: str
) -> None:
    with db.session() as session:
        seed(session)
        figures = hr_figures(session, TEAM_ID, now=NOW, org_tz="Asia/Jakarta")
    count = len(figures.organisation.points)

    def mood_of(trend: TeamTrend, locale: str = "en") -> str:
        message = hr_digest_message(Translator(locale), replace(figures, organisation=trend))
        return as_plain_text(message)

    steady = mood_of(_trend(*([None] * (count - 2)), 2.0, 2.0))
    assert "Average mood: 2.0 out of 5 · trend" in steady and ", steady at 2.0" in steady
    assert "2.0 → 2.0" not in steady
    silent = mood_of(_trend(*([None] * (count - 2)), 3.0, None))
    assert "Average mood: nobody answered this period · trend" in silent
    assert "– out of 5" not in silent
    assert "Rata-rata suasana hati: belum ada jawaban periode ini" in mood_of(
        _trend(*([None] * (count - 2)), 3.0, None), "id"
    )
    rising = mood_of(_trend(*([None] * (count - 2)), 2.0, 4.0))
    assert "(2.0 → 4.0)" in rising


def test_a_team_nobody_was_asked_in_says_so() -> None:
    points = (PeriodPoint("p0", NOW.date()), PeriodPoint("p1", NOW.date()))
    line = participation_line(Translator("en"), TeamTrend(1, "Sales", points))
    assert line == "*Sales*: nobody was asked to check in this period · trend ··"
