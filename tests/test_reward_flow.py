"""Kudos end to end: the app over HTTP, the fake Slack, and the outbox drained by the sender.

Ani (Indonesian) and Citra (Indonesian) and Budi (English) work in Jakarta; the organisation's
default language in these tests is English, so the channel post is English and each DM is in
its recipient's language.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.modals import NOTICE_CALLBACK
from bot.clock import FixedClock
from bot.reward.settings import recognition_settings
from bot.reward.values import active_values
from storage.db import Database
from storage.kudos import Kudos
from storage.models import Employee
from tests.appserver import RunningApp
from tests.conftest import TEAM_ID
from tests.fakeslack import FakeSlack, Message
from tests.reward_fixtures import CHANNEL, block_texts, configure, drain, person
from tests.slack_payloads import with_state
from tests.waiting import wait_for

PEOPLE = {
    "UANI": ("ani", "id-ID", "employee"),
    "UBUDI": ("budi", "en-US", "employee"),
    "UCITRA": ("citra", "id-ID", "employee"),
    "UHR": ("hana", "en-US", "hr"),
}


@pytest.fixture
def app(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> Iterator[RunningApp]:
    for slack_id, (name, locale, role) in PEOPLE.items():
        fake_slack.add_user(id=slack_id, name=name, real_name=name.title(), locale=locale)
        with db.session() as session:
            person(session, slack_id, clock.now(), locale=locale, role=role)
    fake_slack.add_user(id="UAPP", name="deploybot", is_bot=True)
    with db.session() as session:
        configure(session, clock.now())
    yield running_app


def everything(message: Message) -> str:
    return message.text + "\n" + block_texts(message.blocks)


def kudos_command(app: RunningApp, fake_slack: FakeSlack, text: str, user: str) -> str:
    """Send `/kinerja <text>`; return the ephemeral answer posted to the response_url."""
    before = len(fake_slack.responses)
    response = app.slack.command(text, user, response_url=fake_slack.response_url())
    assert response.status_code == 200
    answers = wait_for(lambda: fake_slack.responses[before:])
    return str(answers[0]["text"])


def opened(fake_slack: FakeSlack, count: int = 1) -> dict[str, Any]:
    views = wait_for(lambda: len(fake_slack.opened_views) >= count and fake_slack.opened_views)
    return dict(views[count - 1]["view"])


def submitted(
    view: dict[str, Any], users: list[str], message: str, value: str | None = None
) -> dict[str, Any]:
    """The kudos modal as Slack sends it back: who, the words and, if picked, the value."""
    typed: dict[str, Any] = {"kudos_recipients": users, "kudos_message": message}
    if value is not None:
        typed["kudos_value"] = value
    return with_state(view, typed)


def message_action(fake_slack: FakeSlack, user: str, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "give_kudos",
        "trigger_id": fake_slack.new_trigger_id(user),
        "user": {"id": user, "team_id": TEAM_ID},
        "channel": {"id": "C0GENERAL", "name": "general"},
        "message_ts": message["ts"],
        "message": {"type": "message", **message},
        "response_url": fake_slack.response_url(),
        "action_ts": f"{time.time():.6f}",
    }


def kudos_rows(db: Database) -> list[Kudos]:
    with db.session() as session:
        return list(session.scalars(select(Kudos).order_by(Kudos.id)))


# ----------------------------------------------------------------------------- the command


def test_command_posts_to_the_channel_and_dms_each_recipient_in_their_language(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    text = "kudos <@UBUDI|budi> <@UCITRA|citra> #Kolaborasi Terima kasih atas demo kemarin!"
    answer = kudos_command(app, fake_slack, text, "UANI")
    assert answer.startswith(":tada: Terima kasih! Apresiasi Anda untuk <@UBUDI>, <@UCITRA>")
    assert "<#C0KUDOS>" in answer
    assert drain(db, fake_slack, clock).sent == 3
    [post] = fake_slack.messages_in(CHANNEL)
    assert post.text.startswith(":tada: <@UANI> gave kudos to <@UBUDI>, <@UCITRA>")
    assert "*Value:* :handshake: Collaboration" in everything(post)
    assert ">Terima kasih atas demo kemarin!" in everything(post)
    [to_budi] = fake_slack.messages_in("UBUDI")
    assert to_budi.text.startswith(":tada: <@UANI> gave you kudos! (together with <@UCITRA>)")
    [to_citra] = fake_slack.messages_in("UCITRA")
    assert to_citra.text.startswith(":tada: <@UANI> memberi Anda apresiasi! (bersama <@UBUDI>)")
    assert "*Nilai:* :handshake: Kolaborasi" in everything(to_citra)
    [kudos] = kudos_rows(db)
    assert (kudos.source, kudos.value_id is not None) == ("command", True)


def test_a_kudos_message_pings_nobody(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    answer = kudos_command(app, fake_slack, "kudos <@UBUDI|budi> <!here> great job <@U999>", "UHR")
    assert "<!here>" not in answer
    drain(db, fake_slack, clock)
    for message in (*fake_slack.messages_in(CHANNEL), *fake_slack.messages_in("UBUDI")):
        shown = everything(message)
        assert "&lt;!here&gt; great job &lt;@U999&gt;" in message.text
        assert "&lt;!here&gt; great job &lt;@U999&gt;" in block_texts(message.blocks)
        assert "<!here>" not in shown and "<@U999>" not in shown


def test_without_a_channel_the_giver_learns_how_to_set_one(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    with db.session() as session:
        configure(session, clock.now(), channel="")
    answer = kudos_command(app, fake_slack, "kudos <@UANI> thanks!", "UBUDI")
    assert "no recognition channel is set" in answer
    assert "`/kinerja kudos settings`" in answer
    assert drain(db, fake_slack, clock).sent == 1
    assert fake_slack.messages_in(CHANNEL) == []
    assert len(fake_slack.messages_in("UANI")) == 1


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("UBUDI", "kudos", "Type `/kinerja kudos @person #value your message`"),
        ("UANI", "apresiasi", "Ketik `/kinerja apresiasi @orang #nilai pesan Anda`"),
        ("UBUDI", "kudos thanks everyone", "I need at least one @person and a message."),
        ("UANI", "kudos terima kasih", "Saya perlu setidaknya satu @orang dan sebuah pesan."),
    ],
)
def test_usage_help_in_the_persons_language(
    app: RunningApp, user: str, text: str, expected: str
) -> None:
    body = app.slack.command(text, user).json()
    assert body["response_type"] == "ephemeral"
    shown = block_texts(body["blocks"])
    assert expected in shown
    assert "`#integrity`" in shown
    actions = [b for b in body["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == "reward_give_open"


def test_refusals_from_the_command_are_clear(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    with db.session() as session:
        configure(session, clock.now(), cap=1)
    assert "can't give them to yourself" in kudos_command(
        app, fake_slack, "kudos <@UBUDI> me!", "UBUDI"
    )
    assert "bots and apps can't receive them" in kudos_command(
        app, fake_slack, "kudos <@UAPP|deploybot> thanks", "UBUDI"
    )
    assert "There is no value “teamwork”" in kudos_command(
        app, fake_slack, "kudos <@UANI> #teamwork thanks", "UBUDI"
    )
    assert ":tada:" in kudos_command(app, fake_slack, "kudos <@UANI> thanks", "UBUDI")
    capped = kudos_command(app, fake_slack, "kudos <@UCITRA> thanks too", "UBUDI")
    assert capped.startswith("You've given 1 kudos today, which is the daily limit.")
    indonesian = kudos_command(app, fake_slack, "kudos <@UANI> makasih", "UANI")
    assert indonesian.startswith("Apresiasi untuk menghargai orang lain")
    assert len(kudos_rows(db)) == 1


def test_mentions_without_a_message_open_the_form_prefilled(
    app: RunningApp, fake_slack: FakeSlack
) -> None:
    trigger = fake_slack.new_trigger_id("UANI")
    response = app.slack.command("kudos <@UBUDI|budi> #innovation", "UANI", trigger_id=trigger)
    assert response.status_code == 200
    view = opened(fake_slack)
    assert view["callback_id"] == "reward_give"
    assert view["title"]["text"] == "Beri apresiasi"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["kudos_recipients"]["element"]["initial_users"] == ["UBUDI"]
    assert blocks["kudos_value"]["element"]["initial_option"]["value"] == "innovation"
    assert blocks["kudos_message"]["element"]["max_length"] == 1000
    assert json.loads(view["private_metadata"]) == {"source": "command"}


# ----------------------------------------------------------------------------- the shortcut


def test_shortcut_prefills_the_author_and_the_kudos_is_posted(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    original = {"user": "UBUDI", "ts": "1764000000.000100", "text": "Fixed the build <!channel>"}
    assert app.slack.interaction(message_action(fake_slack, "UANI", original)).status_code == 200
    view = opened(fake_slack)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["kudos_recipients"]["element"]["initial_users"] == ["UBUDI"]
    assert "&lt;!channel&gt;" in block_texts(view["blocks"])
    assert "<!channel>" not in block_texts(view["blocks"])
    answer = app.slack.view_submission("UANI", submitted(view, ["UBUDI"], "Mantap!", "excellence"))
    body = answer.json()
    assert body["response_action"] == "update"
    assert "Terima kasih!" in block_texts(body["view"]["blocks"])
    [kudos] = kudos_rows(db)
    assert kudos.source == "shortcut"
    drain(db, fake_slack, clock)
    [post] = fake_slack.messages_in(CHANNEL)
    assert ":trophy: Excellence" in everything(post)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"bot_id": "B0DEPLOY", "text": "Deployed", "ts": "1.1"}, "posted by a bot or an app"),
        ({"user": "UBOT", "text": "Reminder", "ts": "1.2"}, "posted by a bot or an app"),
        ({"user": "UBUDI", "text": "My own", "ts": "1.3"}, "can't give them to yourself"),
    ],
)
def test_shortcut_refuses_bots_and_own_messages(
    app: RunningApp, fake_slack: FakeSlack, db: Database, message: dict, expected: str
) -> None:
    app.slack.interaction(message_action(fake_slack, "UBUDI", message))
    view = opened(fake_slack)
    assert view["callback_id"] == NOTICE_CALLBACK and not view.get("submit")  # no form
    assert expected in block_texts(view["blocks"])
    assert kudos_rows(db) == []


def test_shortcut_on_an_unsynced_author_checks_slack_after_opening_the_form(
    app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.add_user(id="UDEWI", name="dewi", locale="id-ID")
    app.slack.interaction(message_action(fake_slack, "UBUDI", {"user": "UAPP", "ts": "2.1"}))
    form = opened(fake_slack)
    assert form["callback_id"] == "reward_give"
    replaced = opened(fake_slack, 2)
    assert fake_slack.opened_views[1]["method"] == "views.update"
    assert "posted by a bot or an app" in block_texts(replaced["blocks"])
    app.slack.interaction(message_action(fake_slack, "UBUDI", {"user": "UDEWI", "ts": "2.2"}))
    form = opened(fake_slack, 3)
    assert form["callback_id"] == "reward_give"
    time.sleep(0.3)
    assert len(fake_slack.opened_views) == 3  # a person: the form stays
    with db.session() as session:
        assert session.scalar(select(Employee.name).where(Employee.slack_id == "UDEWI"))


# ----------------------------------------------------------------------------- the modal


def test_home_button_opens_the_form_and_submissions_are_checked(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    trigger = fake_slack.new_trigger_id("UBUDI")
    app.slack.block_action("UBUDI", "reward_give_open", "home", trigger_id=trigger)
    view = opened(fake_slack)
    assert view["title"]["text"] == "Give kudos"
    assert json.loads(view["private_metadata"]) == {"source": "modal"}
    cases = [
        (["UBUDI"], "thanks", "kudos_recipients", "can't give them to yourself"),
        (["UAPP"], "thanks", "kudos_recipients", "bots and apps can't receive them"),
        (["UNOBODY"], "thanks", "kudos_recipients", "can't find one of the people"),
        (["UANI"], "   ", "kudos_message", "Write a few words"),
    ]
    for users, text, block, expected in cases:
        body = app.slack.view_submission("UBUDI", submitted(view, users, text)).json()
        assert body["response_action"] == "errors"
        assert expected in body["errors"][block]
    assert kudos_rows(db) == []
    body = app.slack.view_submission("UBUDI", submitted(view, ["UANI", "UCITRA"], "Great!")).json()
    assert body["response_action"] == "update"
    assert [k.source for k in kudos_rows(db)] == ["modal"]
    assert drain(db, fake_slack, clock).sent == 3


def test_the_daily_cap_in_the_form_is_an_inline_error(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    with db.session() as session:
        configure(session, clock.now(), cap=1)
    app.slack.block_action("UANI", "reward_give_open", trigger_id=fake_slack.new_trigger_id())
    view = opened(fake_slack)
    assert "Sisa apresiasi yang bisa Anda berikan hari ini: 1" in block_texts(view["blocks"])
    first = app.slack.view_submission("UANI", submitted(view, ["UBUDI"], "Makasih!")).json()
    assert first["response_action"] == "update"
    again = app.slack.view_submission("UANI", submitted(view, ["UCITRA"], "Makasih!")).json()
    assert again["errors"]["kudos_message"].startswith("Anda sudah memberi 1 apresiasi hari ini")


def test_home_tab_shows_kudos_received_and_a_give_button(
    app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    kudos_command(app, fake_slack, "kudos <@UBUDI> #ownership <b>owned</b> the outage", "UANI")
    event = {"type": "app_home_opened", "user": "UBUDI", "tab": "home", "event_ts": "1.0"}
    app.slack.event(event, event_id="EvHome1")
    view = wait_for(lambda: fake_slack.views_published.get("UBUDI"))
    shown = block_texts(view["blocks"])
    assert "Latest kudos for you" in shown
    assert "*1 kudos received in 2026*, by value:" in shown
    assert "&lt;b&gt;owned&lt;/b&gt; the outage" in shown and "<b>" not in shown
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert any(b["action_id"] == "reward_give_open" for b in buttons)


# ----------------------------------------------------------------------------- settings


def test_recognition_settings_are_for_hr_and_admins(
    app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    refused = app.slack.command("kudos settings", "UBUDI").json()
    assert refused["text"].startswith(":no_entry: You don't have permission")
    assert "`/kinerja kudos settings`" not in block_texts(
        app.slack.command("help", "UBUDI").json()["blocks"]
    )
    assert "`/kinerja kudos settings`" in block_texts(
        app.slack.command("help", "UHR").json()["blocks"]
    )
    app.slack.command("kudos settings", "UHR", trigger_id=fake_slack.new_trigger_id())
    view = opened(fake_slack)
    assert view["callback_id"] == "reward_settings"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["reward_channel"]["element"]["initial_channel"] == CHANNEL
    assert blocks["reward_cap"]["element"]["initial_value"] == "5"
    lines = blocks["reward_values"]["element"]["initial_value"].splitlines()
    assert lines[0] == "integrity | Integrity | Integritas | :gem:"

    def state(values_text: str, cap: str = "3") -> dict[str, Any]:
        typed = {
            "reward_channel": "C0WINS",
            "reward_cap": cap,
            "reward_monthly": [],
            "reward_values": values_text,
        }
        return with_state(view, typed)

    bad = app.slack.view_submission("UHR", state("integrity Integrity")).json()
    assert bad["errors"]["reward_values"].startswith("Line 1: write key | English name")
    kept = "\n".join(lines[:2] + ["learning | Learning | Belajar | :books:"])
    saved = app.slack.view_submission("UHR", state(kept)).json()
    assert saved["response_action"] == "update"
    assert "Recognition settings saved." in block_texts(saved["view"]["blocks"])
    assert saved["view"]["title"]["text"] == "Recognition settings"  # not "Give kudos"
    with db.session() as session:
        settings = recognition_settings(session, TEAM_ID)
        keys = [v.key for v in active_values(session, TEAM_ID)]
    assert (settings.channel, settings.daily_cap, settings.monthly_summary) == ("C0WINS", 3, False)
    assert keys == ["integrity", "collaboration", "learning"]
    sneaky = app.slack.view_submission("UBUDI", state(kept, cap="50")).json()
    assert sneaky["response_action"] == "errors"
