"""Whatever people type into a kudos, it never crashes the core, never pings or links, and never
breaks Slack's limits (checked with the fake Slack's Block Kit validator)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.blocks.reward import cut_escaped, kudos_dm, kudos_post, quote
from bot.blocks.reward_modals import give_modal
from bot.i18n import Translator
from bot.reward.errors import KudosRejected
from bot.reward.kudos import MAX_MESSAGE, clean_message, give_kudos
from storage.db import Database
from storage.kudos import CompanyValue, Kudos, KudosRecipient, KudosSource
from storage.models import Employee
from tests.fakeslack import validate_blocks, validate_view
from tests.reward_fixtures import configure, person

# The only `<…>` the app itself writes: mentions of ids that came from Slack, and dates.
OWN_MARKUP = re.compile(r"<@U[A-Z0-9]+>|<#C[A-Z0-9]+>|<!date\^\d+\^\{date_short\}\|[\d-]+>")
ENTITY_CUT = re.compile(r"&[a-z]{0,3}…")

# Text that looks like Slack markup, plus anything at all.
slackish = st.lists(
    st.sampled_from(
        [
            "<!here>",
            "<!channel>",
            "<@U999>",
            "<#C1|x>",
            "<https://x.io|y>",
            "&",
            "<",
            ">",
            "&amp;",
            "*",
            "\n",
            "> ",
            "`",
            " ",
            "kudos",
            "😀",
        ]
    )
    | st.text(max_size=30),
    max_size=120,
).map("".join)


def kudos_with(message: str) -> Kudos:
    giver = Employee(id=1, slack_id="UANI", team_id="T0001")
    budi = Employee(id=2, slack_id="UBUDI", team_id="T0001")
    citra = Employee(id=3, slack_id="UCITRA", team_id="T0001")
    value = CompanyValue(key="x", name_en="<!channel> & co", name_id="Nilai", emoji=":gem:")
    kudos = Kudos(id=7, team_id="T0001", message=message, giver=giver, value=value)
    kudos.recipients = [
        KudosRecipient(employee_id=2, employee=budi),
        KudosRecipient(employee_id=3, employee=citra),
    ]
    return kudos


def assert_safe(text: str) -> None:
    leftover = OWN_MARKUP.sub("", text)
    assert "<" not in leftover and ">" not in leftover.replace("\n>", "\n").lstrip(">")


@settings(max_examples=300, deadline=None)
@given(message=slackish.map(lambda s: s[:MAX_MESSAGE]))
def test_rendered_kudos_pings_nobody_and_fits_slack(message: str) -> None:
    kudos = kudos_with(message)
    for locale in ("en", "id"):
        tr = Translator(locale)
        for payload in (kudos_post(tr, kudos), kudos_dm(tr, kudos, 2)):
            assert validate_blocks(payload["blocks"], "message") == []
            assert len(payload["text"]) <= 40_000
            assert_safe(payload["text"])
            for block in payload["blocks"]:
                for part in [block.get("text")] + list(block.get("elements", [])):
                    if isinstance(part, dict):
                        assert_safe(part["text"])
                        assert not ENTITY_CUT.search(part["text"])
        view = give_modal(tr, [], source="shortcut", channel=None, left_today=1, about=message)
        assert validate_view(view) == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(min_value=2, max_value=300))
def test_quotes_are_cut_without_breaking_an_entity(text: str, limit: int) -> None:
    quoted = quote(text, limit)
    assert len(quoted) <= limit
    assert not ENTITY_CUT.search(quoted)
    assert len(cut_escaped("&amp;" * 10, limit)) <= limit


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=st.text(max_size=MAX_MESSAGE + 20) | slackish | st.just("\x00\r\n\x07"))
def test_the_core_accepts_or_refuses_any_text_cleanly(
    db: Database, workspace: str, message: str
) -> None:
    """Each example is a new day, so the daily cap never interferes."""
    day = next(_days)
    now = datetime(2026, 1, 1, 3, 0, tzinfo=UTC) + timedelta(days=day)
    with db.session() as session:
        giver = session.scalar(select(Employee).where(Employee.slack_id == "UANI"))
        if giver is None:
            configure(session, now, channel="C0KUDOS")
            giver = person(session, "UANI", now)
            person(session, "UBUDI", now)
        budi = session.scalars(select(Employee).where(Employee.slack_id == "UBUDI")).one()
        try:
            kudos = give_kudos(session, giver, [budi], message, None, KudosSource.MODAL, now)
        except KudosRejected as rejected:
            assert rejected.key in ("reward.error.empty", "reward.error.too_long")
            assert not clean_message(message) or len(clean_message(message)) > MAX_MESSAGE
        else:
            assert kudos.message == clean_message(message)
            assert "\x00" not in kudos.message
            assert 0 < len(kudos.message) <= MAX_MESSAGE


_days = count()
