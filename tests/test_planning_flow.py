"""The Planning cycle end to end: the app over HTTP, Slack played by the fake, the outbox
delivered by the real sender.

Eko (employee) writes a goal in the modal, Maya (his manager) gets it in a group DM, asks for
changes, Eko edits, Maya approves; both App Homes show it, and the team and company goals
roll up when Eko moves a key result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.blocks.planning import APPROVE, EDIT, REQUEST_CHANGES
from bot.blocks.planning_home import GOAL_MENU, NEW_GOAL
from bot.blocks.planning_modals import GOAL_MODAL, KR_ADD, KR_REMOVE, PROGRESS_MODAL, REASON_MODAL
from bot.clock import FixedClock
from bot.planning import goal_progress
from storage.db import Database
from storage.goals import Goal
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack
from tests.planning_fixtures import Org, company_goal, make_org, team_goal
from tests.planning_slack import (
    click,
    drain,
    ephemerals,
    goal_status,
    last_update,
    opened_after,
    outbox_keys,
    submit,
    suggest,
    texts,
    unsent,
)
from tests.waiting import wait_for

NASTY = "<!channel> & <@U123>"
ESCAPED = "&lt;!channel&gt; &amp; &lt;@U123&gt;"


@pytest.fixture(autouse=True)
def _only_the_planning_home_section(
    monkeypatch: pytest.MonkeyPatch, running_app: RunningApp
) -> None:
    """The App Home shows every cycle; these tests look at planning's part only, so another
    cycle's section (built in parallel) cannot make them fail or push goals off the view.
    Patched after the app is built, when every cycle has registered its section."""
    from handlers.home import AppHome
    from handlers.planning import home_section

    monkeypatch.setattr(running_app.services, "home", AppHome([home_section]))


@pytest.fixture(autouse=True)
def _let_listeners_finish(fake_slack: FakeSlack) -> Iterator[None]:
    """Work a listener does after its ack (republishing Homes) ends before the fake stops."""
    yield
    quiet_since, seen = time.monotonic(), len(fake_slack.calls)
    deadline = quiet_since + 5
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.3:
        time.sleep(0.05)
        if len(fake_slack.calls) != seen:
            quiet_since, seen = time.monotonic(), len(fake_slack.calls)


@pytest.fixture
def org(
    db: Database, running_app: RunningApp, fake_slack: FakeSlack, clock: FixedClock
) -> Iterator[Org]:
    with db.session() as session:
        org = make_org(session, "T0001", clock.now())
        for person in org.everyone():
            fake_slack.add_user(id=person.slack_id, name=person.name.lower(), real_name=person.name)
        company = company_goal(session, org, clock.now(), "Be the leader")
        team_goal(session, org, clock.now(), parent=company, title="Sell more")
    yield org


def goal_ids(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {g.title: g.id for g in session.scalars(select(Goal))}


def open_new_goal(running_app: RunningApp, fake: FakeSlack, user: str) -> dict:
    trigger = fake.new_trigger_id(user)
    response = running_app.slack.command("goal", user, trigger_id=trigger)
    assert response.status_code == 200
    assert not response.text or "text" not in response.json()
    return opened_after(fake, trigger)


GOOD = {
    "title": NASTY,
    "description": "Because **reasons**",
    "due": "2026-12-31",
    "kr_n1_title": "Close deals",
    "kr_n1_start": "0",
    "kr_n1_target": "10",
    "kr_n1_unit": "deals",
}


def test_the_whole_planning_flow(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    slack = running_app
    ids = goal_ids(db)
    open_home(slack, fake_slack, "UEMP")  # Eko works from his App Home

    # --- Eko opens the modal, adds a key-result row and removes it again, keeping his typing
    modal = open_new_goal(slack, fake_slack, "UEMP")
    assert modal["callback_id"] == GOAL_MODAL and modal["title"]["text"] == "New goal"
    updates = len([o for o in fake_slack.opened_views if o["method"] == "views.update"])
    click(
        slack,
        fake_slack,
        "UEMP",
        KR_ADD,
        "add",
        view=modal,
        typed={"title": NASTY, "kr_n1_title": "Close deals"},
    )
    grown = last_update(fake_slack, modal["id"], updates)
    assert '"kr_n2_title"' in texts(grown["blocks"])
    title_block = next(b for b in grown["blocks"] if b.get("block_id") == "title")
    assert title_block["element"]["initial_value"] == NASTY
    click(slack, fake_slack, "UEMP", KR_REMOVE, "n2", view=grown)
    modal = last_update(fake_slack, modal["id"], updates + 1)
    assert '"kr_n2_title"' not in texts(modal["blocks"])
    kr_title = next(b for b in modal["blocks"] if b.get("block_id") == "kr_n1_title")
    assert kr_title["element"]["initial_value"] == "Close deals"

    # --- the parent select offers the goals he may align to, filtered by what he types
    options = suggest(slack, "UEMP", modal, "sell")
    assert [o["value"] for o in options] == [str(ids["Sell more"])]
    assert options[0]["text"]["text"] == "Team Sales: Sell more"
    assert len(suggest(slack, "UEMP", modal, "")) == 2

    # --- he submits; the form turns into a confirmation naming his manager
    answer = submit(slack, "UEMP", modal, {**GOOD, "parent": options[0]})
    assert answer["response_action"] == "update"
    assert "sent to <@UMGR> for approval" in texts(answer["view"]["blocks"])
    goal_id = goal_ids(db)[NASTY]
    assert goal_status(db, goal_id) == ("pending_approval", 1)

    # --- the sender delivers the request to a group DM of Eko, Maya and the bot
    drain(db, fake_slack, clock)
    assert unsent(db) == []
    request = fake_slack.messages[-1]
    assert request.channel.startswith("G")
    body = texts(request.blocks)
    assert ESCAPED in body and "<!channel>" not in body and "<@U123>" not in body
    assert "<!channel>" not in request.text
    assert "Team Sales: Sell more → Company: Be the leader" in body
    assert f'"value": "{goal_id}:1"' in body
    maya_home = open_home(slack, fake_slack, "UMGR")
    assert "Waiting for your approval" in texts(maya_home["blocks"])

    # --- Maya asks for changes; an empty reason is refused inline
    trigger = click(slack, fake_slack, "UMGR", REQUEST_CHANGES, f"{goal_id}:1", message=request)
    reason = opened_after(fake_slack, trigger)
    assert reason["callback_id"] == REASON_MODAL
    assert submit(slack, "UMGR", reason, {"reason": "  "}) == {
        "response_action": "errors",
        "errors": {"reason": "Tell the owner what should change."},
    }
    assert submit(slack, "UMGR", reason, {"reason": "Aim for 12 deals > 10"}) == {}
    assert goal_status(db, goal_id) == ("draft", 1)
    drain(db, fake_slack, clock)
    assert unsent(db) == []
    assert request.updated and "actions" not in [b["type"] for b in request.blocks]
    assert "<@UMGR> asked for changes" in texts(request.blocks)
    reply = next(m for m in fake_slack.messages if m.thread_ts == request.ts)
    assert reply.channel == request.channel and "Aim for 12 deals &gt; 10" in reply.text
    dm = fake_slack.messages_in("UEMP")[-1]
    assert "asked for changes to your goal" in dm.text
    link = f"https://acme.slack.com/archives/{request.channel}/p{request.ts.replace('.', '')}"
    assert f"<{link}|Open the conversation about this goal>" in texts(dm.blocks)

    # --- Eko edits from the DM's button: the same modal, filled in
    trigger = click(slack, fake_slack, "UEMP", EDIT, str(goal_id), message=dm)
    edit = opened_after(fake_slack, trigger)
    assert edit["title"]["text"] == "Edit goal"
    with db.session() as session:
        kr_id = session.get(Goal, goal_id).key_results[0].id  # type: ignore[union-attr]
    target = f"kr_k{kr_id}_target"
    assert (
        next(b for b in edit["blocks"] if b.get("block_id") == target)["element"]["initial_value"]
        == "10"
    )
    assert submit(slack, "UEMP", edit, {target: "12"})["response_action"] == "update"
    assert goal_status(db, goal_id) == ("pending_approval", 2)
    drain(db, fake_slack, clock)
    second = fake_slack.messages[-1]
    assert second.channel == request.channel and second is not request
    assert second.thread_ts == request.ts  # asked again in the same conversation
    assert "12 deals" not in second.text and f'"value": "{goal_id}:2"' in texts(second.blocks)

    # --- a stale click on the old version changes nothing and says why
    click(slack, fake_slack, "UMGR", APPROVE, f"{goal_id}:1", message=request)
    wait_for(lambda: any("changed since" in t for t in ephemerals(fake_slack)))
    assert goal_status(db, goal_id) == ("pending_approval", 2)

    # --- Maya approves: message final, thread reply, DM to Eko with the link
    click(slack, fake_slack, "UMGR", APPROVE, f"{goal_id}:2", message=second)
    wait_for(lambda: goal_status(db, goal_id)[0] == "active")
    drain(db, fake_slack, clock)
    assert unsent(db) == []
    assert second.updated and "Approved by <@UMGR>" in texts(second.blocks)
    assert "actions" not in [b["type"] for b in second.blocks]
    assert any(
        m.thread_ts == request.ts and "approved this goal" in m.text for m in fake_slack.messages
    )
    assert "was approved by <@UMGR>" in fake_slack.messages_in("UEMP")[-1].text

    # --- a second click: "already approved", nothing new
    keys = outbox_keys(db)
    click(slack, fake_slack, "UMGR", APPROVE, f"{goal_id}:2", message=second)
    wait_for(lambda: any("already approved" in t for t in ephemerals(fake_slack)))
    assert outbox_keys(db) == keys

    # --- both App Homes show the result
    wait_for(lambda: "Active" in texts(fake_slack.views_published["UEMP"]["blocks"]))
    eko_home = fake_slack.views_published["UEMP"]
    home_text = texts(eko_home["blocks"])
    assert ESCAPED in home_text and "<!channel>" not in home_text
    assert "↳ contributes to Team Sales: Sell more → Company: Be the leader" in home_text
    assert "░░░░░░░░░░ 0%" in home_text and "Dec 31, 2026" in home_text
    # The manager's Home is republished after the approval, in the background.
    wait_for(
        lambda: (
            "Waiting for your approval" not in texts(fake_slack.views_published["UMGR"]["blocks"])
        )
    )

    # --- Eko moves the key result from the App Home; the parents roll up
    trigger = click(
        slack, fake_slack, "UEMP", GOAL_MENU, view=eko_home, selected=f"progress:{goal_id}"
    )
    progress = opened_after(fake_slack, trigger)
    assert progress["callback_id"] == PROGRESS_MODAL
    assert submit(slack, "UEMP", progress, {f"kr_{kr_id}": "lots"}) == {
        "response_action": "errors",
        "errors": {f"kr_{kr_id}": "Enter a number, such as 12 or 3.5."},
    }
    assert submit(slack, "UEMP", progress, {f"kr_{kr_id}": "6"}) == {}
    with db.session() as session:
        goals = {g.title: g for g in session.scalars(select(Goal))}
        assert goal_progress(goals[NASTY]) == pytest.approx(0.5)
        assert goal_progress(goals["Sell more"]) == pytest.approx(0.5)
        assert goal_progress(goals["Be the leader"]) == pytest.approx(0.5)
    wait_for(lambda: "▓▓▓▓▓░░░░░ 50%" in texts(fake_slack.views_published["UEMP"]["blocks"]))


def test_new_goal_button_on_the_home_opens_the_modal(
    running_app: RunningApp, fake_slack: FakeSlack, org: Org
) -> None:
    trigger = click(
        running_app, fake_slack, "UEMP", NEW_GOAL, "new", view={"id": "VHOME", "type": "home"}
    )
    assert opened_after(fake_slack, trigger)["callback_id"] == GOAL_MODAL


# ------------------------------------------------------------------ inline errors


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ({"title": ""}, {"title": "Give it a title."}),
        ({"title": "x" * 151}, {"title": "Keep it to 150 characters or fewer."}),
        (
            {"kr_n1_start": "5", "kr_n1_target": "5"},
            {
                "kr_n1_target": "The target must differ from the start value, or there is "
                "nothing to measure."
            },
        ),
        ({"kr_n1_target": "ten"}, {"kr_n1_target": "Enter a number, such as 12 or 3.5."}),
        ({"due": "2026-11-23"}, {"due": "The due date is in the past. Pick today or a later day."}),
    ],
    ids=["empty title", "long title", "target equals start", "not a number", "past due date"],
)
def test_bad_input_gets_inline_errors_and_saves_nothing(
    running_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    org: Org,
    typed: dict,
    errors: dict,
) -> None:
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    answer = submit(running_app, "UEMP", modal, {**GOOD, **typed})
    assert answer == {"response_action": "errors", "errors": errors}
    assert sorted(goal_ids(db)) == ["Be the leader", "Sell more"]
    assert outbox_keys(db) == []


def test_a_parent_the_person_may_not_see_is_refused(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org, clock: FixedClock
) -> None:
    from tests.planning_fixtures import personal_goal

    with db.session() as session:
        secret = personal_goal(session, org.stranger, clock.now(), title="Sari's secret").id
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    forged = {"text": {"type": "plain_text", "text": "x"}, "value": str(secret)}
    answer = submit(running_app, "UEMP", modal, {**GOOD, "parent": forged})
    assert answer == {
        "response_action": "errors",
        "errors": {"parent": "You can't align to that goal: it doesn't exist or you can't see it."},
    }
    assert "Sari's secret" not in str(suggest(running_app, "UEMP", modal, "secret"))


def test_more_than_five_key_results_is_refused(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org
) -> None:
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    for updates in range(4):
        click(running_app, fake_slack, "UEMP", KR_ADD, "add", view=modal)
        modal = last_update(fake_slack, modal["id"], updates)
    assert "kr_add" not in texts(modal["blocks"])  # the button is gone at five
    assert "maximum of 5 key results" in texts(modal["blocks"])
    # A forged sixth row (Slack's UI cannot produce one) is refused on that row.
    meta = json.loads(modal["private_metadata"])
    meta["rows"].append("n9")
    sixth = {**modal, "private_metadata": json.dumps(meta)}
    sixth["blocks"] = modal["blocks"] + [
        {
            "type": "input",
            "block_id": "kr_n9_title",
            "label": {"type": "plain_text", "text": "x"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "kr_n9_target",
            "label": {"type": "plain_text", "text": "x"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
    ]
    typed = {"title": "Six", "due": "2026-12-31"}
    for row in meta["rows"]:
        typed[f"kr_{row}_title"] = f"KR {row}"
        typed[f"kr_{row}_target"] = "3"
    answer = submit(running_app, "UEMP", sixth, typed)
    assert answer == {
        "response_action": "errors",
        "errors": {"kr_n9_title": "A goal has at most 5 key results. Remove one."},
    }
    assert "Six" not in goal_ids(db)


# ------------------------------------------------------------------ no manager, HR approves


def test_someone_without_a_manager_is_told_and_hr_approves(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org, clock: FixedClock
) -> None:
    modal = open_new_goal(running_app, fake_slack, "ULONE")
    answer = submit(running_app, "ULONE", modal, GOOD)
    confirmation = texts(answer["view"]["blocks"])
    assert "You have no manager recorded" in confirmation and "<@UHR> in HR" in confirmation
    drain(db, fake_slack, clock)
    request = fake_slack.messages[-1]
    assert "has no manager recorded in Kinerja, so HR agrees their goals" in texts(request.blocks)
    goal_id = goal_ids(db)[NASTY]
    click(running_app, fake_slack, "UMGR", APPROVE, f"{goal_id}:1", message=request)
    wait_for(lambda: any("can't find that goal" in t for t in ephemerals(fake_slack)))
    click(running_app, fake_slack, "UHR", APPROVE, f"{goal_id}:1", message=request)
    wait_for(lambda: goal_status(db, goal_id)[0] == "active")


# ------------------------------------------------------------------ languages and limits


def test_everything_renders_in_indonesian(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org, clock: FixedClock
) -> None:
    with db.session() as session:
        for person in (session.merge(org.employee), session.merge(org.manager)):
            person.locale = "id-ID"
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    assert modal["title"]["text"] == "Sasaran baru"
    assert modal["submit"]["text"] == "Kirim untuk persetujuan"
    answer = submit(running_app, "UEMP", modal, {**GOOD, "kr_n1_target": "1.000,5"})
    assert "sudah dikirim ke <@UMGR> untuk disetujui" in texts(answer["view"]["blocks"])
    drain(db, fake_slack, clock)
    request = texts(fake_slack.messages[-1].blocks)
    assert "Sasaran menunggu persetujuan Anda" in request and "Setujui" in request
    assert "dari 0 ke 1.000,5" in request and "31 Des 2026" in request
    goal_id = goal_ids(db)[NASTY]
    click(running_app, fake_slack, "UMGR", APPROVE, f"{goal_id}:1", message=fake_slack.messages[-1])
    wait_for(lambda: goal_status(db, goal_id)[0] == "active")
    drain(db, fake_slack, clock)
    assert "disetujui oleh <@UMGR>" in fake_slack.messages_in("UEMP")[-1].text
    home = open_home(running_app, fake_slack, "UEMP")
    assert "Sasaran saya" in texts(home["blocks"]) and "Aktif" in texts(home["blocks"])
    listing = running_app.slack.command("daftar-sasaran", "UEMP").json()
    assert "Sasaran Anda" in texts(listing["blocks"]) and ESCAPED in texts(listing["blocks"])


def test_the_biggest_goal_fits_slacks_limits(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org, clock: FixedClock
) -> None:
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    for updates in range(4):
        click(running_app, fake_slack, "UEMP", KR_ADD, "add", view=modal)
        modal = last_update(fake_slack, modal["id"], updates)
    typed = {"title": "&" * 150, "description": "<" * 3000, "due": "2026-12-31"}
    for row in ("n1", "n2", "n3", "n4", "n5"):
        typed |= {f"kr_{row}_title": ">" * 150, f"kr_{row}_target": "1", f"kr_{row}_unit": "u" * 32}
    assert submit(running_app, "UEMP", modal, typed)["response_action"] == "update"
    drain(db, fake_slack, clock)
    assert unsent(db) == []  # the fake refuses anything over Slack's limits
    trigger = fake_slack.new_trigger_id("UEMP")
    running_app.slack.command(f"goal edit {goal_ids(db)['&' * 150]}", "UEMP", trigger_id=trigger)
    assert opened_after(fake_slack, trigger)["title"]["text"] == "Edit goal"


def test_a_manager_writes_a_team_goal_that_is_active_at_once(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org
) -> None:
    modal = open_new_goal(running_app, fake_slack, "UMGR")
    typed = {**GOOD, "title": "Open Surabaya", "level": "team"}
    answer = submit(running_app, "UMGR", modal, typed)
    assert "is saved and active" in texts(answer["view"]["blocks"])
    with db.session() as session:
        goal = session.scalar(select(Goal).where(Goal.title == "Open Surabaya"))
        assert goal is not None and (goal.level, goal.status) == ("team", "active")
        assert goal.org_team_id == org.sales.id
    employee_modal = open_new_goal(running_app, fake_slack, "UEMP")
    assert '"block_id": "level"' not in texts(employee_modal["blocks"])
    forged = submit(running_app, "UEMP", employee_modal, GOOD | {"title": "Mine"})
    assert forged["response_action"] == "update"  # a personal goal: the only level he has


def test_goal_commands_answer_ephemerally(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org
) -> None:
    listing = running_app.slack.command("goals", "UEMP").json()
    assert listing["response_type"] == "ephemeral"
    assert "You have no goals yet" in texts(listing["blocks"])
    assert "Sell more" in texts(running_app.slack.command("goals", "UMGR").json()["blocks"])
    missing = running_app.slack.command("goal edit 999", "UEMP").json()
    assert missing["text"].startswith("I can't find that goal")
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(Goal))
    stranger = running_app.slack.command(f"goal edit {goal_ids(db)['Sell more']}", "USTR").json()
    assert stranger["text"] == ":no_entry: You can't do that with this goal."
    assert running_app.slack.command("goal nonsense", "UEMP").json()["text"].startswith("Usage")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == before


def test_the_home_menu_and_approving_from_the_home(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org, clock: FixedClock
) -> None:
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    submit(running_app, "UEMP", modal, GOOD)
    goal_id = goal_ids(db)[NASTY]
    drain(db, fake_slack, clock)
    request = fake_slack.messages[-1]

    # Maya approves from her App Home's "Waiting for your approval"
    maya_home = open_home(running_app, fake_slack, "UMGR")
    assert f'"value": "{goal_id}:1"' in texts(maya_home["blocks"])
    click(running_app, fake_slack, "UMGR", APPROVE, f"{goal_id}:1", view=maya_home)
    wait_for(lambda: goal_status(db, goal_id)[0] == "active")
    drain(db, fake_slack, clock)
    assert request.updated and "Approved by <@UMGR>" in texts(request.blocks)
    # a second click from the Home: there is no message to answer under, so a notice modal
    trigger = click(running_app, fake_slack, "UMGR", APPROVE, f"{goal_id}:1", view=maya_home)
    assert "already approved" in texts(opened_after(fake_slack, trigger)["blocks"])

    home = open_home(running_app, fake_slack, "UEMP")
    menu = next(b for b in home["blocks"] if b.get("block_id") == f"planning_goal_{goal_id}")
    assert [o["value"].split(":")[0] for o in menu["accessory"]["options"]] == [
        "progress",
        "complete",
        "edit",
        "abandon",
    ]
    click(running_app, fake_slack, "UEMP", GOAL_MENU, view=home, selected=f"complete:{goal_id}")
    wait_for(lambda: goal_status(db, goal_id)[0] == "completed")
    wait_for(lambda: "Completed" in texts(fake_slack.views_published["UEMP"]["blocks"]))
    click(running_app, fake_slack, "UEMP", GOAL_MENU, view=home, selected=f"reopen:{goal_id}")
    wait_for(lambda: goal_status(db, goal_id)[0] == "active")
    # someone else's goal id in a forged menu value changes nothing
    trigger = click(
        running_app, fake_slack, "UPEER", GOAL_MENU, view=home, selected=f"abandon:{goal_id}"
    )
    assert "can't find that goal" in texts(opened_after(fake_slack, trigger)["blocks"])
    click(running_app, fake_slack, "UEMP", GOAL_MENU, view=home, selected=f"abandon:{goal_id}")
    wait_for(lambda: goal_status(db, goal_id)[0] == "abandoned")
    with db.session() as session:
        from bot.planning import goal_history
        from storage.models import Employee

        eko = session.scalar(select(Employee).where(Employee.slack_id == "UEMP"))
        assert eko is not None
        actions = [e.action for e in goal_history(session, eko, goal_id)]
    assert actions == ["created", "submitted", "approved", "completed", "reopened", "abandoned"]


def test_a_draft_is_resubmitted_from_the_home(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org, clock: FixedClock
) -> None:
    open_home(running_app, fake_slack, "UEMP")  # he is looking at it when Maya answers
    modal = open_new_goal(running_app, fake_slack, "UEMP")
    submit(running_app, "UEMP", modal, GOOD)
    goal_id = goal_ids(db)[NASTY]
    drain(db, fake_slack, clock)
    trigger = click(
        running_app,
        fake_slack,
        "UMGR",
        REQUEST_CHANGES,
        f"{goal_id}:1",
        message=fake_slack.messages[-1],
    )
    assert submit(running_app, "UMGR", opened_after(fake_slack, trigger), {"reason": "Why?"}) == {}
    wait_for(lambda: "Draft" in texts(fake_slack.views_published["UEMP"]["blocks"]))
    home = fake_slack.views_published["UEMP"]
    trigger = click(
        running_app, fake_slack, "UEMP", GOAL_MENU, view=home, selected=f"submit:{goal_id}"
    )
    assert "sent to <@UMGR> for approval" in texts(opened_after(fake_slack, trigger)["blocks"])
    assert goal_status(db, goal_id) == ("pending_approval", 2)
    drain(db, fake_slack, clock)
    assert unsent(db) == []
    assert any(f'"value": "{goal_id}:2"' in texts(m.blocks) for m in fake_slack.messages)


def test_help_lists_the_goal_commands(running_app: RunningApp, org: Org) -> None:
    help_text = texts(running_app.slack.command("help", "UEMP").json()["blocks"])
    assert "/kinerja goal [edit ID]" in help_text and "/kinerja goals" in help_text


def test_a_development_goal_without_key_results_gets_its_progress_by_hand(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    """No key result is required: Eko saves a development goal with none, Maya approves it,
    Eko sets 40% from his App Home, and the team and company goals roll up from it, as does
    the HR digest's list of goals at risk."""
    from datetime import UTC, datetime

    from bot.planning import approve_goal
    from bot.planning.rollup import rollup_progress
    from bot.reporting import hr_figures

    slack, ids = running_app, goal_ids(db)
    modal = open_new_goal(slack, fake_slack, "UEMP")
    kr_title = next(b for b in modal["blocks"] if b.get("block_id") == "kr_n1_title")
    assert kr_title["optional"] is True
    options = suggest(slack, "UEMP", modal, "sell")
    typed = {
        "title": "Learn to run a retrospective",
        "kind": "development",
        "due": "2026-12-31",
        "parent": options[0],
    }
    saved = submit(slack, "UEMP", modal, typed)
    assert saved["response_action"] == "update", saved
    with db.session() as session:
        goal = session.scalar(select(Goal).where(Goal.title == typed["title"]))
        assert goal is not None and goal.key_results == [] and goal.kind == "development"
        goal_id = goal.id
        maya = session.get(type(goal.owner), org.manager.id)
        assert maya is not None
        approve_goal(session, maya, goal_id, version=goal.version, now=clock.now())
    assert goal_ids(db)["Sell more"] == ids["Sell more"]

    home = open_home(slack, fake_slack, "UEMP")
    assert "No key results" not in texts(home["blocks"])
    trigger = click(slack, fake_slack, "UEMP", GOAL_MENU, view=home, selected=f"progress:{goal_id}")
    progress = opened_after(fake_slack, trigger)
    field = next(b for b in progress["blocks"] if b.get("block_id") == "progress")
    assert field["label"]["text"] == "Progress (%)" and progress["submit"]["text"] == "Save"
    assert submit(slack, "UEMP", progress, {"progress": "140"}) == {
        "response_action": "errors",
        "errors": {"progress": "Enter a number from 0 to 100, such as 40."},
    }
    assert submit(slack, "UEMP", progress, {"progress": "40"}) == {}
    with db.session() as session:
        goals = {g.title: g for g in session.scalars(select(Goal))}
        mine = goals[typed["title"]]
        assert mine.manual_progress == pytest.approx(0.4)
        assert goal_progress(mine) == pytest.approx(0.4)
        assert goal_progress(goals["Sell more"]) == pytest.approx(0.4)
        rolled = rollup_progress(session, [goals["Be the leader"], goals["Sell more"]])
        assert rolled[goals["Be the leader"].id] == pytest.approx(0.4)
        late = datetime(2027, 1, 11, 2, 0, tzinfo=UTC)  # past its due date: behind, at risk
        figures = hr_figures(session, "T0001", now=late, org_tz="Asia/Jakarta")
        at_risk = {g.goal_id: g.progress for g in figures.goals_at_risk}
        assert at_risk[mine.id] == pytest.approx(0.4)
    wait_for(lambda: "▓▓▓▓░░░░░░ 40%" in texts(fake_slack.views_published["UEMP"]["blocks"]))
    again = opened_after(
        fake_slack,
        click(slack, fake_slack, "UEMP", GOAL_MENU, view=home, selected=f"progress:{goal_id}"),
    )
    field = next(b for b in again["blocks"] if b.get("block_id") == "progress")
    assert field["element"]["initial_value"] == "40"
