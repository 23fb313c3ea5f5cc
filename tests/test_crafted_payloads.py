"""Crafted and odd payloads, signed, sent to every listener: a refusal, never HTTP 500 (issue 15,
item 4).

A button value and a modal's private_metadata come back through the person's client, so a
request can carry anything there: `[]` or `notjson` as metadata, `1e30` or `abc` as an id, a
view without input blocks, state shaped like nothing Slack sends. Each listener must answer
with a refusal or an inline error that Slack can show, change nothing, and raise nothing — a
listener that fails after its ack answers 200 but leaves the person without an answer, so
Bolt's listener error handler is watched too. The listeners are those `register_listeners`
registers, read off a recording stand-in for the Bolt app, so a listener added later is
covered without touching this file. On PostgreSQL a NUL in an id or a name used to reach the
database (psycopg DataError); the request boundary refuses the id and strips the name.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_bolt.listener.listener_completion_handler import DefaultListenerCompletionHandler
from slack_bolt.listener.listener_error_handler import DefaultListenerErrorHandler
from sqlalchemy import select

from bot.clock import FixedClock
from bot.reward.values import all_values
from bot.slack.services import Services
from handlers.cycles import register_listeners
from storage.db import Database
from storage.models import Employee
from storage.reviews import Review, ReviewCycle
from storage.schema import metadata
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack
from tests.review_fixtures import Org, make_org, sales_cycle
from tests.slack_payloads import TEAM, USER_TEAM, submit
from tests.waiting import wait_for

VOLATILE = {("employees", "home_opened_at")}  # a click on the App Home counts as a visit


class Registrations:
    """What `register_listeners` asks of the app: the action ids and view callback ids."""

    process_before_response = False

    def __init__(self) -> None:
        self.actions: list[str] = []
        self.views: list[str] = []

    def _record(self, into: list[str] | None) -> Callable[[Any], Callable[[Any], Any]]:
        def constraint(value: Any) -> Callable[[Any], Any]:
            if into is not None:
                into.append(str(value))
            return lambda function: function

        return constraint

    def __getattr__(self, name: str) -> Any:
        if name == "action":
            return self._record(self.actions)
        if name == "view":
            return self._record(self.views)
        if name == "middleware":
            return lambda function: function
        return self._record(None)  # command, event, options, shortcut


def registered(services: Services) -> Registrations:
    found = Registrations()
    register_listeners(found, services)  # type: ignore[arg-type]
    assert found.actions and found.views
    return found


class Listeners:
    """Counts the listener runs Bolt finishes, and the errors its error handler sees."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.done = 0
        self.errors: list[str] = []
        self._lock = threading.Lock()
        listeners = self

        def completed(handler: Any, request: Any, response: Any) -> None:
            with listeners._lock:
                listeners.done += 1

        def failed(handler: Any, error: Exception, request: Any, response: Any) -> None:
            with listeners._lock:
                listeners.errors.append(f"{type(error).__name__}: {error}")
            if response is not None:
                response.status = 500

        monkeypatch.setattr(DefaultListenerCompletionHandler, "handle", completed)
        monkeypatch.setattr(DefaultListenerErrorHandler, "handle", failed)

    def wait(self, count: int) -> None:
        wait_for(lambda: self.done >= count, timeout=10)


@pytest.fixture
def listeners(monkeypatch: pytest.MonkeyPatch) -> Listeners:
    return Listeners(monkeypatch)


@pytest.fixture
def org(db: Database, running_app: RunningApp, fake_slack: FakeSlack, clock: FixedClock) -> Org:
    """The review organisation, with an open cycle, so there is something to protect."""
    with db.session() as session:
        org = make_org(session, clock.now())
        for person in org.everyone():
            fake_slack.add_user(id=person.slack_id, name=person.name.lower(), locale="en-US")
        sales_cycle(session, org, clock.now())
        all_values(session, org.admin.team_id)  # the defaults a first kudos form would create
        session.flush()
        session.expunge_all()
    return org


def snapshot(db: Database) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text, in a stable order; the replay memory
    (handled_requests) records every request by design and is left out."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    with db.session() as session:
        for table in metadata.sorted_tables:
            if table.name == "handled_requests":
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            found = session.execute(select(*columns).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(str(value) for value in row) for row in found]
    return rows


METADATA_KEYS = (
    "r",
    "v",
    "g",
    "n",
    "a",
    "l",
    "s",
    "p",
    "team",
    "rows",
    "next",
    "tm",
    "lv",
    "source",
)
ODD_INPUT = {"type": "input", "block_id": "odd", "element": {"type": "plain_text_input"}}
NO_STATE: dict[str, Any] = {}


def every_key(odd: Any) -> str:
    return json.dumps({key: odd for key in METADATA_KEYS})


# (user, private_metadata, state, blocks): each group is sent to every modal's listener.
ODD_SUBMISSIONS: dict[str, list[tuple[str, Any, Any, list[Any]]]] = {
    "metadata from the issue, no input blocks": [
        ("UEKO", meta, NO_STATE, []) for meta in ('{"r":"abc"}', "[]", "notjson", '{"r":1e30}')
    ],
    "odd ids under every metadata key": [
        (user, every_key(odd), NO_STATE, [ODD_INPUT])
        for user, odd in zip(
            ["UHR", "UMGR", "UEKO"] * 3,
            ["abc", 1e30, 99999999999999999999, -1, None, [[]], {"x": 1}, "\u0000", True],
            strict=True,
        )
    ],
    "metadata of another shape": [
        ("UHR", meta, NO_STATE, [ODD_INPUT]) for meta in ('"a string"', "null", "7", None, 5)
    ],
    "state shaped like nothing Slack sends": [
        ("UHR", "{}", {"values": []}, [ODD_INPUT]),
        ("UMGR", "{}", "values", [ODD_INPUT]),
        ("UHR", "{}", {"values": {"title": "x", "reason": ["x"], "comment": {"value": ["x"]}}}, []),
        ("UEKO", "{}", {"values": {"kr_k1_title": {"value": {"value": 5}}, "mood": {"v": 7}}}, []),
    ],
    "blocks shaped like nothing Slack sends": [
        ("UHR", "{}", NO_STATE, ["not a block", {"type": "input"}, None]),
        ("UEKO", "{}", NO_STATE, "blocks"),  # type: ignore[list-item]
    ],
}
# A button's value; None sends no value at all. "1:abc" and "abc:1" aim at a real review.
ODD_VALUES: list[str | None] = [
    "abc",
    "1e30",
    "99999999999999999999",
    "-1",
    "",
    None,
    "\u0000",
    "1:abc",
    "abc:1",
    "1:99999999999999999999",
    "edit:1e30",
]


def view(callback_id: str, meta: Any, state: Any, blocks: list[Any]) -> dict[str, Any]:
    return {
        "id": "VODD",
        "hash": "1.odd",
        "type": "modal",
        "team_id": USER_TEAM,
        "callback_id": callback_id,
        "private_metadata": meta,
        "title": {"type": "plain_text", "text": "Odd"},
        "blocks": blocks,
        "state": state,
    }


def send(app: RunningApp, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    payload.setdefault("team", dict(TEAM))
    response = app.slack.interaction(payload)
    answer = response.json() if response.text.startswith("{") else {}
    return response.status_code, answer


def submission(
    user: str, callback_id: str, meta: Any, state: Any, blocks: list[Any]
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": user, "team_id": USER_TEAM},
        "view": view(callback_id, meta, state, blocks),
    }


def block_action(
    user: str, action_id: str, value: Any, container: str, response_url: str = ""
) -> dict[str, Any]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "type": "button"}
    if value is not None:
        action["value"] = value
        action["selected_option"] = {"value": value}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": USER_TEAM},
        "trigger_id": "odd.trigger",
        "actions": [action],
    }
    if container == "message":
        payload["container"] = {"type": "message", "channel_id": "DODD", "message_ts": "1.1"}
        payload["response_url"] = response_url or "http://127.0.0.1:9/unused"
    elif container == "modal":
        payload["container"] = {"type": "view", "view_id": "VODD"}
        payload["view"] = view("odd", '{"r":"abc"}', {"values": []}, [ODD_INPUT])
    else:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    return payload


@pytest.fixture
def quiet_app(running_app: RunningApp, org: Org) -> Iterator[RunningApp]:
    yield running_app
    assert running_app.services.after_ack.wait_idle(10)


def unshowable(sent: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """Why Slack could not show this answer to a submission, if it could not: field errors
    only go under input blocks of the submitted view (tests/signed.py's rule, for a view
    whose blocks may be anything)."""
    if answer.get("response_action") != "errors":
        return None
    inputs = {
        b.get("block_id")
        for b in sent.get("blocks") or []
        if isinstance(b, dict) and b.get("type") == "input"
    }
    errors = answer.get("errors") or {}
    if not errors:
        return "response_action errors with no error"
    wrong = sorted(str(k) for k, v in errors.items() if k not in inputs or not str(v).strip())
    return f"errors on {wrong}, not input blocks of the view" if wrong else None


def expect_refusals(
    app: RunningApp, db: Database, listeners: Listeners, payloads: list[dict[str, Any]]
) -> None:
    """Every payload answered (not 500), each answer one Slack can show, nothing raised and
    nothing changed in the database."""
    before = snapshot(db)
    failures: list[str] = []
    for number, payload in enumerate(payloads, start=1):
        status, answer = send(app, payload)
        what = json.dumps(payload)[:300]
        if status != 200:
            failures.append(f"HTTP {status} for {what}")
        elif payload["type"] == "view_submission":
            problem = unshowable(payload["view"], answer)
            if problem:
                failures.append(f"{problem} for {what}")
        listeners.wait(number)
    assert app.services.after_ack.wait_idle(10)
    assert not failures, "\n".join(failures[:15])
    assert not listeners.errors, "\n".join(listeners.errors[:15])
    assert snapshot(db) == before


@pytest.mark.parametrize("group", list(ODD_SUBMISSIONS))
def test_odd_submissions_of_every_modal_are_refused(
    quiet_app: RunningApp, db: Database, listeners: Listeners, group: str
) -> None:
    callbacks = registered(quiet_app.services).views
    payloads = [
        submission(user, callback, meta, state, blocks)
        for callback in callbacks
        for user, meta, state, blocks in ODD_SUBMISSIONS[group]
    ]
    expect_refusals(quiet_app, db, listeners, payloads)


@pytest.mark.parametrize("container", ["message", "modal", "home"])
def test_odd_clicks_on_every_button_are_refused(
    quiet_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    listeners: Listeners,
    container: str,
) -> None:
    actions = registered(quiet_app.services).actions
    url = fake_slack.response_url()
    payloads = [
        block_action(("UEKO", "UHR", "UMGR")[number % 3], action_id, value, container, url)
        for action_id in actions
        for number, value in enumerate(ODD_VALUES)
    ]
    expect_refusals(quiet_app, db, listeners, payloads)


@pytest.mark.parametrize(
    ("user", "team"),
    [("UEKO\u0000", "T0001"), ("UEKO", "T0001\u0000"), ("ueko", "T0001"), ("UEKO", "T 1")],
    ids=["NUL in the user id", "NUL in the team id", "lower case", "a space"],
)
def test_malformed_ids_are_refused_at_the_boundary(
    quiet_app: RunningApp, db: Database, user: str, team: str
) -> None:
    """On PostgreSQL these reached a query and psycopg raised DataError (HTTP 500)."""
    before = snapshot(db)
    app = quiet_app
    answers = [
        app.slack.command("review reopen <@UEDI>", user, team_id=team).status_code,
        app.slack.interaction(
            {**block_action(user, "review_next_step", "1:1", "message"), "team": {"id": team}}
        ).status_code,
        app.slack.interaction(
            {
                **submission(user, "review_cycle_modal", '{"r":1}', {}, []),
                "team": {"id": team},
            }
        ).status_code,
        app.slack.event(
            {"type": "app_home_opened", "user": user, "tab": "home"}, team_id=team
        ).status_code,
    ]
    assert answers == [400, 400, 400, 400]
    assert snapshot(db) == before


def test_control_characters_never_reach_the_database(
    quiet_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org
) -> None:
    """HR names a cycle and writes its questions with a NUL and a bell in them (pasted from
    somewhere): the cycle is created, with the characters gone."""
    from tests.test_review_flow import CYCLE, open_cycle_modal, sales_id

    modal = open_cycle_modal(quiet_app, fake_slack)
    typed = {
        **CYCLE,
        "name": "Year\u0000-end\u0007 review",
        "questions": "What went\u0000 well?\nWhat was hard?",
        "teams": [sales_id(db)],
        "opens_on": "",
    }
    answer = submit(quiet_app, "UHR", modal, typed)
    assert answer["response_action"] == "update", answer
    with db.session() as session:
        cycle = session.scalars(select(ReviewCycle).order_by(ReviewCycle.id.desc())).first()
        assert cycle is not None
        assert cycle.name == "Year-end review"
        assert cycle.questions == [
            {"label_en": "What went well?", "label_id": "What went well?"},
            {"label_en": "What was hard?", "label_id": "What was hard?"},
        ]


def test_review_submissions_from_the_issue(
    quiet_app: RunningApp, db: Database, listeners: Listeners, org: Org
) -> None:
    """The exact payloads the issue names, as Eko, whose self-review is open to him."""
    with db.session() as session:
        eko = session.scalar(select(Employee).where(Employee.slack_id == "UEKO"))
        assert eko is not None
        review = session.scalar(select(Review).where(Review.employee_id == eko.id))
        assert review is not None
        real = json.dumps({"r": review.id})
    odd = ['{"r":"abc"}', "[]", "notjson", '{"r":1e30}', real]
    payloads = [
        submission("UEKO", callback, meta, {}, [])
        for callback in ("review_self_modal", "review_self_confirm", "review_manager_modal")
        for meta in odd
    ]
    expect_refusals(quiet_app, db, listeners, payloads)
