"""`kinerja digest --dry-run` prints what a person reads, not Slack's markup: names instead of
mentions, no `*bold*` or `_italic_` markers, no emoji codes, `&` instead of `&amp;`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.blocks.terminal import plain, terminal_text
from storage.db import Database
from storage.models import Team
from tests.reporting_fixtures import DIGEST_AT, seed

NAMES = {"UEKO": "Eko", "UMAYA": "Maya"}


@pytest.mark.parametrize(
    ("mrkdwn", "shown"),
    [
        ("*Whole organisation*: 4/6 (67%)", "Whole organisation: 4/6 (67%)"),
        (":bar_chart: *Check-in participation*", "Check-in participation"),
        ("Raised by <@UEKO> (manager: <@UMAYA>)", "Raised by Eko (manager: Maya)"),
        ("<@UNKNOWN> and <@UX|xavier>", "@UNKNOWN and xavier"),
        ("in <#C123|hr-private> <!here>", "in #hr-private @here"),
        ("<https://example.com/a_b_c|the guide> <https://x.test>",
         "the guide (https://example.com/a_b_c) https://x.test"),  # fmt: skip
        ("R&amp;D &lt;core&gt; _week of 30 Nov_ ~old~ `/kinerja report`",
         "R&D <core> week of 30 Nov old /kinerja report"),  # fmt: skip
        ("typed: &amp;lt;b&amp;gt; and &lt;@UEKO&gt;", "typed: &lt;b&gt; and <@UEKO>"),
        ("snake_case and 2*3*4 at 10:00", "snake_case and 2*3*4 at 10:00"),
    ],
)
def test_mrkdwn_reads_as_slack_shows_it(mrkdwn: str, shown: str) -> None:
    assert plain(mrkdwn, NAMES) == shown


def test_blocks_become_paragraphs() -> None:
    message = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Digest & more"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*A* <@UEKO>"},
             "fields": [{"type": "mrkdwn", "text": "_f_"}]},  # fmt: skip
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": ":tada: done"}]},
        ],
    }
    assert terminal_text(message, NAMES) == (
        "Digest & more\n=============\nA Eko\nf\n\n" + "-" * 40 + "\ndone\n"
    )
    assert terminal_text({"text": "*only* text"}, NAMES) == "only text\n"


@pytest.mark.parametrize("locale", ["en", "id"])
def test_kinerja_digest_dry_run_prints_plain_text(
    db: Database, workspace: str, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], locale: str,
) -> None:  # fmt: skip
    from bot.shell.cli import main

    with db.session() as session:
        seed(session)
        sales = session.scalar(select(Team).where(Team.name == "Sales"))
        assert sales is not None
        sales.name = "Sales & <Partners>"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KINERJA_DEFAULT_LOCALE", locale)
    monkeypatch.setattr("bot.clock.SystemClock.now", lambda self: DIGEST_AT)
    assert main(["digest", "--dry-run"]) == 0
    out = capsys.readouterr().out
    heading = {"en": "Check-in participation", "id": "Partisipasi check-in"}[locale]
    assert f"\n{heading}\n" in out
    assert "Sales & <Partners>:" in out
    for markup in ("*", "&amp;", "&lt;", "&gt;", "<@", ":bar_chart:", ":construction:", "`"):
        assert markup not in out, markup
