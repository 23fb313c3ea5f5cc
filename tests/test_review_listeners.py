"""The review listeners are module-level functions in the shape of Bolt's own examples, using
the shared listener toolkit (handlers/toolkit.py): the acting person in one transaction,
refusals in the toolkit's words for someone Kinerja cannot act for, the clicker told in place.

A listener is called here directly, as Bolt's starter template tests its callbacks; the other
cases go through the running app like every flow test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.blocks.review import (
    ACKNOWLEDGE,
    APPROVE,
    DISCUSS,
    NEXT_STEP,
    WRITE_MANAGER,
    WRITE_SELF,
)
from bot.blocks.review_cycle import CYCLE_MODAL
from bot.blocks.review_home import OPEN_CYCLE
from bot.blocks.review_modals import (
    DISCUSS_MODAL,
    MANAGER_MODAL,
    SAVE_DRAFT,
    SELF_CONFIRM,
    SELF_MODAL,
)
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.reporting import erase_person
from bot.review import submit_self_review, write_manager_review
from handlers.review import modals, reviews
from handlers.toolkit import SERVICES
from storage.db import Database
from storage.models import Employee, OutboxMessage
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack
from tests.review_fixtures import (
    TEAM_ID,
    Org,
    answers,
    make_org,
    manager_answers,
    only_review_tasks,
    review_of,
    sales_cycle,
)
from tests.review_slack import TEAM, click, ephemerals, opened_after, submit
from tests.waiting import wait_for

EN = Translator("en")


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
    """Eko's self-review is in and Maya's manager review written: hers to approve."""
    now = clock.now()
    with db.session() as session:
        org = make_org(session, now)
        for person in org.everyone():
            fake_slack.add_user(id=person.slack_id, name=person.name.lower(), locale="en-US")
        sales_cycle(session, org, now)
        review = review_of(session, org.eko)
        submit_self_review(session, org.eko, review.id, answers(), now=now)
        write_manager_review(session, org.manager, review.id, manager_answers(), now=now)
        session.flush()
        session.expunge_all()
    return org


def pointer(db: Database, person: Employee) -> str:
    with db.session() as session:
        review = review_of(session, person)
        return f"{review.id}:{review.version}"


def status(db: Database, person: Employee) -> str:
    with db.session() as session:
        return review_of(session, person).status


class Recorder:
    """Stands in for Bolt's `ack` and `respond`, keeping what they were given."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **given: Any) -> None:
        self.calls.append(given)


def test_approving_is_a_module_level_listener_that_bolt_can_call_directly(
    db: Database, running_app: RunningApp, fake_slack: FakeSlack, org: Org
) -> None:
    """Maya clicks Approve in her *Next step* modal: the review is approved, the modal says
    so, and the ack came first — with Bolt's arguments only, no closure around them."""
    ack, respond = Recorder(), Recorder()
    trigger = click(running_app, fake_slack, org.manager.slack_id, NEXT_STEP, pointer(db, org.eko))
    modal = opened_after(fake_slack, trigger)
    action = {"action_id": APPROVE, "type": "button", "value": pointer(db, org.eko)}
    body = {
        "type": "block_actions",
        "user": {"id": org.manager.slack_id, "team_id": TEAM_ID},
        "team": TEAM,
        "trigger_id": fake_slack.new_trigger_id(org.manager.slack_id),
        "view": modal,
        "actions": [action],
    }
    context = BoltContext({"team_id": TEAM_ID, SERVICES: running_app.services})
    client = WebClient(token="xoxb-test", base_url=fake_slack.api_url)

    reviews.approve_or_acknowledge(ack, body, action, client, respond, context)

    assert ack.calls == [{}] and respond.calls == []
    assert status(db, org.eko) == "approved"
    shown = [o for o in fake_slack.opened_views if o["view_id"] == modal["id"]]
    done = EN("review.done.approve", employee=f"<@{org.eko.slack_id}>")
    assert [o["method"] for o in shown] == ["views.open", "views.update"]
    assert shown[-1]["view"]["blocks"][0]["text"]["text"] == done


def test_every_review_listener_is_module_level_and_wired_by_register() -> None:
    """What `register` wires is exactly the modules' own functions (nothing built inside it)."""
    wired: list[tuple[str, object]] = []

    class App:
        def action(self, action_id: str) -> Any:
            return lambda listener: wired.append((action_id, listener))

        view = action

    reviews.register(App(), None)  # type: ignore[arg-type]
    modals.register(App(), None)  # type: ignore[arg-type]
    assert sorted(wired, key=str) == sorted(
        [
            (WRITE_SELF, reviews.open_form),
            (WRITE_MANAGER, reviews.open_form),
            (DISCUSS, reviews.open_form),
            (APPROVE, reviews.approve_or_acknowledge),
            (ACKNOWLEDGE, reviews.approve_or_acknowledge),
            (NEXT_STEP, reviews.next_step),
            (OPEN_CYCLE, reviews.new_cycle),
            (CYCLE_MODAL, modals.submit_cycle),
            (SELF_MODAL, modals.submit_self),
            (SELF_CONFIRM, modals.confirm_self),
            (MANAGER_MODAL, modals.submit_manager),
            (DISCUSS_MODAL, modals.submit_discuss),
            (SAVE_DRAFT, modals.save_draft),
        ],
        key=str,
    )


def test_an_erased_person_clicking_a_review_button_is_told_they_were_erased(
    db: Database, running_app: RunningApp, fake_slack: FakeSlack, clock: FixedClock, org: Org
) -> None:
    """An old message still in Eko's DMs after his data was erased: the click changes nothing
    and says why, rather than "I don't know you yet"."""
    value = pointer(db, org.eko)
    with db.session() as session:
        erase_person(session, TEAM_ID, org.eko.slack_id, actor="cli", now=clock.now())
    before = _outbox_size(db)
    click(running_app, fake_slack, org.eko.slack_id, NEXT_STEP, value)
    assert wait_for(lambda: ephemerals(fake_slack)) == [EN("error.erased")]
    assert _outbox_size(db) == before


def test_someone_who_left_submitting_the_manager_review_is_told_inline_and_nothing_is_saved(
    db: Database, running_app: RunningApp, fake_slack: FakeSlack, org: Org
) -> None:
    """Maya opened the form to revise her review, then left the company before submitting."""
    review = pointer(db, org.eko).split(":")[0]
    trigger = click(running_app, fake_slack, org.manager.slack_id, WRITE_MANAGER, review)
    form = opened_after(fake_slack, trigger)
    assert form["callback_id"] == MANAGER_MODAL
    with db.session() as session:
        manager = session.get(Employee, org.manager.id)
        assert manager is not None
        manager.active = False
    before = _outbox_size(db)
    typed = {"overall": "5"}
    answer = submit(running_app, org.manager.slack_id, form, typed)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [EN("error.inactive")]
    assert status(db, org.eko) == "manager_submitted" and _outbox_size(db) == before


def _outbox_size(db: Database) -> int:
    with db.session() as session:
        return session.query(OutboxMessage).count()
