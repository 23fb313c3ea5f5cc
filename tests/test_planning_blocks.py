"""Every planning message, modal and Home section renders in English and Indonesian, within
Block Kit's limits (checked by the fake Slack's validator), with what people typed escaped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.blocks import planning as blocks
from bot.blocks.modals import notice_modal
from bot.blocks.planning_form import GoalForm, form_for_goal, parent_option
from bot.blocks.planning_modals import (
    NOTICE_CLOSE,
    NOTICE_TITLE,
    goal_modal,
    progress_modal,
    reason_modal,
)
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.planning import KeyResultInput, alignment_chain, approve_goal
from handlers.home import HomeContext
from handlers.planning import home_section
from storage.db import Database
from storage.goals import Goal
from tests.appserver import settings_for
from tests.fakeslack import validate_blocks, validate_view
from tests.planning_fixtures import Org, company_goal, goal_input, make_org, team_goal
from tests.planning_slack import texts

HOME_SETTINGS = settings_for("sqlite:///unused.db", "http://127.0.0.1:9/api/")

NASTY = "<!channel> & <@U123> <https://evil.example|click>"
LOCALES = ("en", "id")


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session, workspace: str, clock: FixedClock) -> Org:
    return make_org(session, workspace, clock.now())


@pytest.fixture
def biggest(session: Session, org: Org, clock: FixedClock) -> Goal:
    """A goal at every limit: longest title and description, five long key results, a chain."""
    from bot.planning import create_goal

    now = clock.now()
    company = company_goal(session, org, now, "C" * 150)
    team = team_goal(session, org, now, parent=company, title=NASTY)
    krs = [
        KeyResultInput(title=(NASTY * 4)[:150], start="0", target="1000000.5", unit="<b>" * 10)
        for _ in range(4)
    ] + [KeyResultInput(title=NASTY, kind="check")]
    data = goal_input(NASTY, parent=team, krs=krs)
    data.description = ("<!here> " * 400)[:3000]
    return create_goal(session, org.employee, data, now=now).goal


def _mrkdwn(node: Any) -> list[str]:
    """Every mrkdwn text in blocks: where Slack turns `<!channel>` into a ping. (plain_text,
    such as a label or the title put back into its input to be edited, never pings.)"""
    if isinstance(node, list):
        return [text for item in node for text in _mrkdwn(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "mrkdwn":
        return [str(node.get("text"))]
    return [text for value in node.values() for text in _mrkdwn(value)]


def _no_raw_mentions(rendered: Any) -> None:
    texts_ = _mrkdwn(rendered) if not isinstance(rendered, str) else [rendered]
    assert texts_
    for text in texts_:
        for raw in ("<!channel>", "<!here>", "<@U123>", "<https://evil"):
            assert raw not in text, text


@pytest.mark.parametrize("locale", LOCALES)
def test_messages(session: Session, org: Org, biggest: Goal, locale: str) -> None:
    tr = Translator(locale)
    chain = alignment_chain(session, biggest)
    rendered = [
        blocks.approval_request(tr, biggest, chain, approver_slack="UMGR", via_hr=False),
        blocks.approval_request(tr, biggest, chain, approver_slack="UHR", via_hr=True),
        blocks.goals_list(tr, [(biggest, chain)] * 60),
    ]
    for outcome in ("approved", "changes_requested", "superseded", "withdrawn"):
        rendered.append(
            blocks.approval_final(
                tr,
                biggest,
                chain,
                outcome=outcome,
                actor_slack="UMGR",
                on=biggest.due_date,
                reason=NASTY * 40,
            )
        )
    for outcome in ("approved", "changes_requested"):
        rendered.append(
            blocks.outcome_in_thread(tr, biggest, outcome=outcome, actor_slack="UMGR", reason=NASTY)
        )
        for link in (None, "https://acme.slack.com/archives/G1/p1"):
            rendered.append(
                blocks.outcome_for_owner(
                    tr, biggest, outcome=outcome, actor_slack="UMGR", reason=NASTY, thread_link=link
                )
            )
    for message in rendered:
        assert validate_blocks(message["blocks"], "message") == [], message["blocks"]
        assert message["text"] and len(message["text"]) <= 40_000
        _no_raw_mentions(message["blocks"])
        _no_raw_mentions(message["text"])


@pytest.mark.parametrize("locale", LOCALES)
def test_modals(session: Session, org: Org, biggest: Goal, locale: str) -> None:
    tr = Translator(locale)
    full = GoalForm(
        rows=["n1", "n2", "n3", "n4", "n5"],
        levels=["personal", "team", "company"],
        teams=[(i, f"Team {i} " + "x" * 90) for i in range(120)],
    )
    edit = form_for_goal(tr, biggest)
    assert edit.parent_option == parent_option(tr, biggest.parent)  # type: ignore[arg-type]
    views = [
        goal_modal(tr, GoalForm()),
        goal_modal(tr, full),
        goal_modal(tr, edit),
        reason_modal(tr, biggest, {"g": biggest.id, "v": 1, "l": "https://x" * 100}),
        progress_modal(tr, biggest),
        notice_modal(tr, tr("planning.conflict.stale"), NOTICE_TITLE, close_key=NOTICE_CLOSE),
    ]
    for view in views:
        assert validate_view(view) == [], view
        _no_raw_mentions(view["blocks"])
    assert views[0]["title"]["text"] == ("New goal" if locale == "en" else "Sasaran baru")


@pytest.mark.parametrize("locale", LOCALES)
def test_home_section(
    session: Session, org: Org, biggest: Goal, clock: FixedClock, locale: str
) -> None:
    now = clock.now()
    for n in range(20):
        data = goal_input(f"{NASTY} {n}", due=biggest.due_date + timedelta(days=n))
        from bot.planning import create_goal

        goal = create_goal(session, org.employee, data, now=now).goal
        if n % 2:
            approve_goal(session, org.manager, goal.id, version=1, now=now)
    for someone in (org.employee, org.manager, org.hr):
        home = HomeContext(session, someone, Translator(locale), now, HOME_SETTINGS)
        part = home_section(home)
        assert validate_blocks(part, "home") == [], part
        assert len(part) <= 40
        _no_raw_mentions(part)
    home = HomeContext(session, org.manager, Translator(locale), now, HOME_SETTINGS)
    manager = texts(home_section(home))
    assert (
        "Waiting for your approval" if locale == "en" else "Menunggu persetujuan Anda"
    ) in manager
