"""The review conversation shows each person only their own buttons (issue 14, item 12).

Eko and Maya share a group DM, so whatever a message in it carries, both see. Its messages
carry one *Next step* button; Maya's Approve and Revise and Nominate, and Eko's Acknowledge
and Ask to discuss, appear only in the clicker's own modal. A click on a button that is not
the clicker's — on a message posted before this version, or a forged one — says whose step
it is and what the clicker can do instead; a stranger learns nothing about the review.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.nominations import NOMINATE
from bot.blocks.review import (
    ACKNOWLEDGE,
    APPROVE,
    DISCUSS,
    NEXT_STEP,
    WRITE_MANAGER,
    WRITE_SELF,
)
from bot.clock import FixedClock
from bot.review import (
    acknowledge_review,
    approve_review,
    ask_to_discuss,
    submit_self_review,
    write_manager_review,
)
from storage.db import Database
from storage.models import Employee
from storage.reviews import Review
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack, Message
from tests.review_fixtures import (
    Org,
    answers,
    make_org,
    manager_answers,
    only_review_tasks,
    review_of,
    sales_cycle,
)
from tests.review_slack import button, click, drain, ephemerals, has_button, opened_after, texts
from tests.waiting import wait_for

PERSONAL = {WRITE_SELF, WRITE_MANAGER, APPROVE, ACKNOWLEDGE, DISCUSS, NOMINATE}


@pytest.fixture(autouse=True)
def _review_only(monkeypatch: pytest.MonkeyPatch, running_app: RunningApp) -> None:
    from handlers.home import AppHome
    from handlers.review import home_section

    monkeypatch.setattr(running_app.services, "home", AppHome([home_section]))
    only_review_tasks(monkeypatch)


@pytest.fixture(autouse=True)
def _let_listeners_finish(fake_slack: FakeSlack) -> Iterator[None]:
    yield
    quiet_since, seen = time.monotonic(), len(fake_slack.calls)
    deadline = quiet_since + 5
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.3:
        time.sleep(0.05)
        if len(fake_slack.calls) != seen:
            quiet_since, seen = time.monotonic(), len(fake_slack.calls)


@pytest.fixture
def org(db: Database, running_app: RunningApp, fake_slack: FakeSlack, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, clock.now())
        for person in org.everyone():
            fake_slack.add_user(
                id=person.slack_id,
                name=person.name.lower(),
                real_name=person.name,
                locale=person.locale or "en-US",
            )
        sales_cycle(session, org, clock.now())
        session.flush()
        session.expunge_all()
    return org


def me(session: Session, person: Employee) -> Employee:
    found = session.get(Employee, person.id)
    assert found is not None
    return found


def review_id(db: Database, person: Employee) -> int:
    with db.session() as session:
        return review_of(session, person).id


def value(db: Database, person: Employee) -> str:
    """What a state-changing button of this review carries now: the id and version."""
    with db.session() as session:
        review = session.scalar(select(Review).where(Review.employee_id == person.id))
        assert review is not None
        return f"{review.id}:{review.version}"


def action_ids(blocks: list[dict[str, Any]]) -> set[str]:
    found = set()
    for block in blocks or []:
        for element in block.get("elements") or []:
            if element.get("action_id"):
                found.add(str(element["action_id"]))
        accessory = block.get("accessory") or {}
        if accessory.get("action_id"):
            found.add(str(accessory["action_id"]))
    return found


def group_dm_buttons(fake: FakeSlack) -> set[str]:
    """Every button any message of a group DM ever carried, posted or updated."""
    found: set[str] = set()
    for method in ("chat.postMessage", "chat.update"):
        for call in fake.calls_to(method):
            if str(call.response.get("channel") or "").startswith("G"):
                found |= action_ids(call.args.get("blocks") or [])
    return found


def live_step(fake: FakeSlack) -> Message:
    """The group DM's message whose Next step is live now."""
    return [m for m in fake.messages if has_button(m.blocks, NEXT_STEP)][-1]


def step_for(app: RunningApp, fake: FakeSlack, user: str) -> dict[str, Any]:
    """What `user` sees after clicking the live Next step."""
    message = live_step(fake)
    trigger = click(app, fake, user, NEXT_STEP, button(message, NEXT_STEP), message=message)
    return opened_after(fake, trigger)


def test_the_group_dm_carries_only_next_step_and_each_sees_their_own_part(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake, now = running_app, fake_slack, clock.now()
    eko = review_id(db, org.eko)
    with db.session() as session:
        submit_self_review(session, me(session, org.eko), eko, answers(), now=now)
    drain(db, fake, clock)
    waiting = step_for(app, fake, "UEKO")
    assert "Your part is done for now: <@UMGR> writes their review" in texts(waiting["blocks"])
    assert not action_ids(waiting["blocks"])
    assert step_for(app, fake, "UMGR")["callback_id"] == "review_manager_modal"

    with db.session() as session:
        write_manager_review(session, me(session, org.manager), eko, manager_answers(), now=now)
    drain(db, fake, clock)
    mine = step_for(app, fake, "UMGR")
    assert action_ids(mine["blocks"]) == {APPROVE, WRITE_MANAGER}
    assert "approve your review" in texts(mine["blocks"])
    theirs = step_for(app, fake, "UEKO")
    assert not action_ids(theirs["blocks"])
    assert "<@UMGR> wrote their review and approves it" in texts(theirs["blocks"])
    hr = step_for(app, fake, "UHR")
    assert "As HR you can reopen the self-review" in texts(hr["blocks"])
    assert not action_ids(hr["blocks"])

    with db.session() as session:
        approve_review(session, me(session, org.manager), eko, now=now)
    drain(db, fake, clock)
    assert action_ids(step_for(app, fake, "UEKO")["blocks"]) == {ACKNOWLEDGE, DISCUSS}
    manager_step = step_for(app, fake, "UMGR")
    assert action_ids(manager_step["blocks"]) == {NOMINATE}
    assert "Only you and HR see a nomination" in texts(manager_step["blocks"])

    with db.session() as session:
        ask_to_discuss(session, me(session, org.eko), eko, "Craft is a 4?", now=now)
    drain(db, fake, clock)
    again = step_for(app, fake, "UMGR")
    assert "Approve again" in texts(again["blocks"])
    assert action_ids(step_for(app, fake, "UEKO")["blocks"]) == set()

    with db.session() as session:
        approve_review(session, me(session, org.manager), eko, now=now)
        acknowledge_review(session, me(session, org.eko), eko, now=now)
    drain(db, fake, clock)
    assert not [m for m in fake.messages if m.channel.startswith("G") and action_ids(m.blocks)]
    assert group_dm_buttons(fake) == {NEXT_STEP}
    assert not PERSONAL & group_dm_buttons(fake)


def refused(fake: FakeSlack, count: int) -> str:
    wait_for(lambda: len(ephemerals(fake)) >= count)
    return ephemerals(fake)[count - 1]


def test_a_click_on_someone_elses_button_says_what_the_clicker_can_do(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    """Buttons as messages of earlier versions carried them, clicked by the wrong person."""
    app, fake, now = running_app, fake_slack, clock.now()
    eko, eva = review_id(db, org.eko), review_id(db, org.eva)
    with db.session() as session:
        for person, review in ((org.eko, eko), (org.eva, eva)):
            submit_self_review(session, me(session, person), review, answers(), now=now)
            write_manager_review(
                session, me(session, org.manager), review, manager_answers(), now=now
            )
    before = value(db, org.eko)

    click(app, fake, "UEKO", APPROVE, before)
    assert refused(fake, 1) == (
        ":no_entry: That step is for <@UMGR>, the manager of record. <@UMGR> wrote their review"
        " and approves it once you've talked it through. Then it's your turn: acknowledge it,"
        " or ask to discuss it."
    )
    click(app, fake, "UEKO", WRITE_MANAGER, str(eko))
    assert refused(fake, 2).startswith(":no_entry: That step is for <@UMGR>, the manager")
    click(app, fake, "UHR", APPROVE, before)
    assert refused(fake, 3).startswith(
        ":no_entry: That step is for <@UEKO> and <@UMGR>. As HR you can reopen the self-review"
    )
    click(app, fake, "UEDI", APPROVE, before)
    stranger = refused(fake, 4)
    assert stranger.startswith(":no_entry: That isn't your review.")
    assert "UEKO" not in stranger and "UMGR" not in stranger
    click(app, fake, "UEVA", APPROVE, value(db, org.eva))  # Eva reads Indonesian
    assert refused(fake, 5).startswith(
        ":no_entry: Langkah itu untuk <@UMGR>, atasan yang tercatat."
    )

    with db.session() as session:
        approve_review(session, me(session, org.manager), eko, now=now)
    click(app, fake, "UMGR", ACKNOWLEDGE, value(db, org.eko))
    assert refused(fake, 6) == (
        ":no_entry: That step is for <@UEKO>. Your part is done: <@UEKO> now acknowledges the"
        " review or asks to discuss it."
    )
    click(app, fake, "UMGR", DISCUSS, value(db, org.eko))
    assert refused(fake, 7).startswith(":no_entry: That step is for <@UEKO>.")
    with db.session() as session:
        assert review_of(session, org.eko).status == "approved"
        assert review_of(session, org.eva).status == "manager_submitted"


def test_hr_only_refusal_on_the_home_button(
    running_app: RunningApp, fake_slack: FakeSlack, org: Org
) -> None:
    """The App Home's New review cycle, forged by an employee: the HR-only answer."""
    click(running_app, fake_slack, "UEKO", "review_home_open_cycle", "new", home=True)
    notice = wait_for(lambda: fake_slack.opened_views)[-1]["view"]
    assert "Only HR and admins open, close, reopen or reassign reviews" in texts(notice["blocks"])
