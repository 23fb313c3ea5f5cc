"""Feedback given and requested, end to end: signed requests to the app over HTTP, the fake
Slack (which validates every view and message's Block Kit), the outbox drained by the real
sender.

Eko gives Eva feedback from the command and shares it with her manager Maya; he asks Edi and
Eva for feedback about himself; Edi answers from his DM, Eva declines; Eko reads the answer in
his DM and on his App Home. Bots and leavers are refused with a clear message; the form's
person picker brings the chosen person's goals.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.feedback import ANSWER, DECLINE, GIVE, REQUEST
from bot.blocks.feedback_modals import GIVE_MODAL, PERSON_PICKED, REQUEST_MODAL
from bot.clock import FixedClock
from handlers.feedback import home_section as feedback_section
from handlers.home import AppHome
from storage.db import Database
from storage.feedback import AskStatus, Feedback, FeedbackAsk, Visibility
from storage.models import Employee
from tests.appserver import RunningApp, open_home
from tests.conftest import TEAM_ID
from tests.fakeslack import FakeSlack
from tests.feedback_fixtures import Org, goal, make_org
from tests.review_slack import button, click, drain, opened_after, submit, texts
from tests.slack_payloads import TEAM, USER_TEAM, with_state
from tests.waiting import wait_for


@pytest.fixture(autouse=True)
def _feedback_home_only(monkeypatch: pytest.MonkeyPatch, running_app: RunningApp) -> None:
    monkeypatch.setattr(running_app.services, "home", AppHome([feedback_section]))


@pytest.fixture(autouse=True)
def _let_listeners_finish(running_app: RunningApp) -> Iterator[None]:
    yield
    assert running_app.services.after_ack.wait_idle(5)
    time.sleep(0.05)


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
        goal(session, org.eva, "Launch the <beta>", clock.now())
        session.flush()
        session.expunge_all()
    fake_slack.add_user(id="UAPP", name="deploybot", is_bot=True)
    return org


def command(app: RunningApp, fake: FakeSlack, user: str, text: str) -> tuple[int, str]:
    """`/kinerja <text>`: (HTTP status, the ack's or the response_url's text)."""
    before = len(fake.responses)
    trigger = fake.new_trigger_id(user)
    response = app.slack.command(text, user, trigger_id=trigger, response_url=fake.response_url())
    assert response.status_code == 200
    if response.text:
        return 200, str(response.json().get("text", ""))
    answers = wait_for(
        lambda: (
            fake.responses[before:] or [o for o in fake.opened_views if o["trigger_id"] == trigger]
        )
    )
    first = answers[0]
    return 200, str(first.get("text", "")) if "text" in first else "modal"


def rows(db: Database, model: Any) -> list[Any]:
    with db.session() as session:
        found = list(session.scalars(select(model).order_by(model.id)))
        session.expunge_all()
        return found


# ------------------------------------------------------------------------- giving


def test_giving_feedback_from_the_command_reaches_the_person_and_their_manager(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack
    trigger = fake.new_trigger_id("UEKO")
    response = app.slack.command("feedback <@UEVA|eva>", "UEKO", trigger_id=trigger)
    assert response.status_code == 200 and not response.text
    view = opened_after(fake, trigger)
    assert view["callback_id"] == GIVE_MODAL
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["person"]["element"]["initial_user"] == "UEVA"
    choices = [o["text"]["text"] for o in blocks["visibility"]["element"]["options"]]
    assert choices == ["Only Eva", "Eva and their manager Maya"]
    assert "goal" not in blocks  # Eva's personal goal is hers and Maya's to see
    answer = submit(
        app,
        "UEKO",
        view,
        {
            "went_well": "Your demo <!channel> & the Q&A",
            "could_be_better": "Send the slides first",
            "visibility": "person_manager",
        },
        fake=fake,
    )
    assert answer["response_action"] == "update"
    assert "on its way to <@UEVA>" in texts(answer["view"]["blocks"])
    [feedback] = rows(db, Feedback)
    assert feedback.visibility == Visibility.PERSON_MANAGER and feedback.source == "command"
    drain(db, fake, clock)
    [to_eva] = fake.messages_in("UEVA")
    shown = texts(to_eva.blocks)
    assert "<@UEKO> memberi Anda umpan balik" in to_eva.text  # Eva reads Indonesian
    assert "Your demo &lt;!channel&gt; &amp; the Q&amp;A" in shown and "<!channel>" not in shown
    assert "atasan Anda <@UMGR> bisa membaca ini" in shown
    [to_maya] = fake.messages_in("UMGR")
    assert "<@UEKO> gave <@UEVA> feedback and shared it with you" in to_maya.text
    assert fake.messages_in("UEDI") == []


def test_the_forms_person_picker_brings_that_persons_goals(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org
) -> None:
    app, fake = running_app, fake_slack
    trigger = fake.new_trigger_id("UMGR")
    app.slack.command("feedback", "UMGR", trigger_id=trigger)
    view = opened_after(fake, trigger)
    assert "goal" not in {b.get("block_id") for b in view["blocks"]}
    typed = {"person": "UEVA", "went_well": "Kept the launch on track"}
    payload = {
        "type": "block_actions",
        "user": {"id": "UMGR", "team_id": USER_TEAM},
        "team": TEAM,
        "trigger_id": fake.new_trigger_id("UMGR"),
        "container": {"type": "view", "view_id": view["id"]},
        "view": with_state(view, typed),
        "actions": [
            {"action_id": PERSON_PICKED, "block_id": "person", "type": "users_select",
             "selected_user": "UEVA", "action_ts": f"{time.time():.6f}"},
        ],
    }  # fmt: skip
    assert app.slack.interaction(payload).status_code == 200
    updated = wait_for(lambda: [o for o in fake.opened_views if o["method"] == "views.update"])[-1][
        "view"
    ]
    blocks = {b.get("block_id"): b for b in updated["blocks"]}
    assert [o["text"]["text"] for o in blocks["goal"]["element"]["options"]] == [
        "Launch the <beta>"  # plain text: shown as typed, never as markup
    ]
    assert blocks["went_well"]["element"]["initial_value"] == "Kept the launch on track"
    manager_copy = [o["text"]["text"] for o in blocks["visibility"]["element"]["options"]]
    assert manager_copy == ["Only Eva"]  # Maya is Eva's manager: nobody else to add
    with db.session() as session:
        goal_id = session.scalar(select(Feedback.id))
    assert goal_id is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feedback <@UAPP|deploybot>", None),
        ("feedback <@UBOT|kinerja>", "Feedback is for people: bots and apps can't take part."),
        ("feedback <@UEKO|eko>", "You can't give feedback to yourself."),
        ("feedback <@UEVA|eva> <@UEDI|edi>", "Usage: `/kinerja feedback @person`"),
        ("feedback request about <@UEVA|eva>", "name at least one person to ask"),
        ("feedback request <@UAPP|deploybot>", "Feedback is for people: bots and apps"),
        ("feedback request <@USARI|sari>", "Sari is no longer active in Kinerja"),
        ("feedback request <@UEDI|edi> about <@UEVA|eva>", "about one of your direct reports"),
        ("feedback upward open", "Only HR and admins run anonymous upward rounds."),
    ],
)
def test_bots_leavers_and_wrong_uses_get_a_clear_answer(
    running_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    org: Org,
    text: str,
    expected: str | None,
) -> None:
    with db.session() as session:
        sari = session.scalar(select(Employee).where(Employee.slack_id == "USARI"))
        assert sari is not None
        sari.active = False
    status, answer = command(running_app, fake_slack, "UEKO", text)
    if expected is None:  # a bot Kinerja never met: the form opens, and its submission says no
        assert answer == "modal"
        view = [o for o in fake_slack.opened_views][-1]["view"]
        refused = submit(running_app, "UEKO", view, {"person": "UAPP", "went_well": "Hi"})
        assert (
            refused["errors"]["person"] == "Feedback is for people: bots and apps can't take part."
        )
    else:
        assert expected in answer
    assert rows(db, Feedback) == [] and rows(db, FeedbackAsk) == []


def test_give_feedback_on_a_message_quotes_it_and_refuses_a_bots(
    running_app: RunningApp, fake_slack: FakeSlack, org: Org
) -> None:
    app, fake = running_app, fake_slack

    def shortcut(message: dict[str, Any]) -> dict[str, Any]:
        trigger = fake.new_trigger_id("UEKO")
        app.slack.interaction(
            {
                "type": "message_action",
                "callback_id": "give_feedback",
                "trigger_id": trigger,
                "user": {"id": "UEKO", "team_id": TEAM_ID},
                "channel": {"id": "C0GENERAL", "name": "general"},
                "message_ts": message["ts"],
                "message": {"type": "message", **message},
                "response_url": fake.response_url(),
            }
        )
        return opened_after(fake, trigger)

    view = shortcut({"user": "UEDI", "ts": "1.1", "text": "Fixed the build <!here>"})
    assert view["callback_id"] == GIVE_MODAL
    assert "Fixed the build &lt;!here&gt;" in texts(view["blocks"])
    person = next(b for b in view["blocks"] if b.get("block_id") == "person")
    assert person["element"]["initial_user"] == "UEDI"
    refused = shortcut({"bot_id": "B1", "ts": "1.2", "text": "Deployed"})
    assert "posted by a bot or an app" in texts(refused["blocks"])


# ------------------------------------------------------------------------- requests


def test_a_request_answered_declined_and_read(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack
    _, answer = command(app, fake, "UEKO", "feedback request <@UEDI|edi> <@UEVA|eva> my demo")
    assert answer.startswith("Asked <@UEDI>, <@UEVA> for feedback.")
    drain(db, fake, clock)
    [to_edi] = fake.messages_in("UEDI")
    assert "<@UEKO> asks for your feedback" in to_edi.text and "my demo" in texts(to_edi.blocks)

    # Edi answers from his DM; the form knows who asks and offers who may read it
    edi_ask = button(to_edi, ANSWER)
    trigger = click(app, fake, "UEDI", ANSWER, edi_ask, message=to_edi)
    view = opened_after(fake, trigger)
    assert "person" not in {b.get("block_id") for b in view["blocks"]}  # Eko, fixed
    done = submit(app, "UEDI", view, {"could_be_better": "Start on time <@UEVA>"}, fake=fake)
    assert "<@UEKO> gets your answer by DM" in texts(done["view"]["blocks"])
    drain(db, fake, clock)
    [answer_dm] = fake.messages_in("UEKO")
    assert "<@UEDI> answered your request for feedback" in answer_dm.text
    assert "Start on time &lt;@UEVA&gt;" in texts(answer_dm.blocks)  # no ping through a text
    [edi_now] = fake.messages_in("UEDI")
    assert "You answered. Thank you!" in texts(edi_now.blocks)
    assert ANSWER not in texts(edi_now.blocks)  # the buttons are gone

    # Eva declines; Eko hears how the request ended
    [to_eva] = fake.messages_in("UEVA")
    click(app, fake, "UEVA", DECLINE, button(to_eva, DECLINE), message=to_eva)
    wait_for(lambda: [a for a in rows(db, FeedbackAsk) if a.status == AskStatus.DECLINED])
    drain(db, fake, clock)
    closing = fake.messages_in("UEKO")[-1]
    assert "Answered: 1 · declined: 1" in texts(closing.blocks)

    # a second click on the old message changes nothing and says why
    click(app, fake, "UEDI", ANSWER, edi_ask, message=to_edi)
    wait_for(lambda: any("already" in str(r.get("text")) for r in fake.responses))

    home = open_home(app, fake, "UEKO")
    shown = texts(home["blocks"])
    assert "Feedback you received (1)" in shown and "Start on time &lt;@UEVA&gt;" in shown
    assert GIVE in shown and REQUEST in shown


def test_the_request_form_from_the_app_home(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, org: Org
) -> None:
    app, fake = running_app, fake_slack
    trigger = click(app, fake, "UMGR", REQUEST, "home", home=True)
    view = opened_after(fake, trigger)
    assert view["callback_id"] == REQUEST_MODAL
    about = next(b for b in view["blocks"] if b.get("block_id") == "about")
    options = [o["text"]["text"] for o in about["element"]["options"]]
    assert options == ["Me", "Edi", "Eko", "Eva"]  # Maya may ask about her reports
    eva = next(o["value"] for o in about["element"]["options"] if o["text"]["text"] == "Eva")
    refused = submit(app, "UMGR", view, {"asked": ["UEVA"], "about": eva})
    assert refused["errors"] == {"asked": "Eva is who the feedback is about: ask other people."}
    done = submit(app, "UMGR", view, {"asked": ["UEDI"], "about": eva, "question": "Leading?"})
    assert "for feedback about <@UEVA>" in texts(done["view"]["blocks"])
    [ask] = rows(db, FeedbackAsk)
    assert ask.request.kind == "report" and ask.request.question == "Leading?"
