"""Reward nominations end to end: the app over HTTP, Slack played by the fake, the outbox
delivered by the real sender.

Maya approved Eko's review (and Eva's, which Eva acknowledged). Maya nominates Eko from the
review thread; HR hears in the HR channel; a non-HR click on Approve is refused; Hana approves
with a reason, which stays in the thread; Maya is told and announces it; only then does Eko hear.
Eva's nomination, made from the App Home, is declined: Maya is told, Eva never is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.nominations import ANNOUNCE, APPROVE, DECIDE_MODAL, DECLINE, NOMINATE
from bot.blocks.review import NEXT_STEP
from bot.clock import FixedClock
from bot.reward.reward_types import reward_types
from storage.db import Database
from storage.models import Employee, OutboxMessage
from storage.nominations import Nomination
from tests.appserver import RunningApp, open_home, settings_for, start_app
from tests.fakeslack import FakeSlack, Message
from tests.nomination_fixtures import HR_CHANNEL, JUSTIFICATION, approved
from tests.review_fixtures import TEAM_ID, Org, make_org, review_of, sales_cycle
from tests.review_slack import (
    button,
    button_in,
    click,
    drain,
    ephemerals,
    has_button,
    opened_after,
    submit,
    texts,
    updates_of,
    with_state,
)
from tests.waiting import wait_for

CYCLE_NAME = "2026 year-end <review> & co"


@pytest.fixture(autouse=True)
def _review_home_only(monkeypatch: pytest.MonkeyPatch, running_app: RunningApp) -> None:
    """Only the Review section on the App Home: another cycle's work in progress must not
    break these tests."""
    from handlers.home import AppHome
    from handlers.review import home_section

    monkeypatch.setattr(running_app.services, "home", AppHome([home_section]))


@pytest.fixture(autouse=True)
def _let_listeners_finish(fake_slack: FakeSlack) -> Iterator[None]:
    yield
    quiet_since, seen = time.monotonic(), len(fake_slack.calls)
    deadline = quiet_since + 5
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.3:
        time.sleep(0.05)
        if len(fake_slack.calls) != seen:
            quiet_since, seen = time.monotonic(), len(fake_slack.calls)


def _start(
    database_url: str, db: Database, clock: FixedClock, fake: FakeSlack, **env: str
) -> Iterator[RunningApp]:
    running = start_app(settings_for(database_url, fake.api_url, **env), db, clock)
    yield running
    running.stop()


@pytest.fixture
def app(
    database_url: str, db: Database, clock: FixedClock, fake_slack: FakeSlack
) -> Iterator[RunningApp]:
    """The app with an HR channel."""
    yield from _start(database_url, db, clock, fake_slack, KINERJA_HR_CHANNEL=HR_CHANNEL)


@pytest.fixture
def app_id(
    database_url: str, db: Database, clock: FixedClock, fake_slack: FakeSlack
) -> Iterator[RunningApp]:
    """The app with an HR channel, in an organisation whose language is Indonesian."""
    yield from _start(
        database_url,
        db,
        clock,
        fake_slack,
        KINERJA_HR_CHANNEL=HR_CHANNEL,
        KINERJA_DEFAULT_LOCALE="id",
    )


def make(db: Database, fake: FakeSlack, clock: FixedClock, *indonesian: str) -> Org:
    """The review organisation, Eko's review approved and Eva's acknowledged, delivered."""
    with db.session() as session:
        org = make_org(session, clock.now())
        for person in org.everyone():
            if person.slack_id in indonesian:
                person.locale = "id-ID"
            fake.add_user(
                id=person.slack_id,
                name=person.name.lower(),
                real_name=person.name,
                locale=person.locale or "en-US",
            )
        sales_cycle(session, org, clock.now(), name=CYCLE_NAME)
        approved(session, org.eko, org.manager, clock.now())
        approved(session, org.eva, org.manager, clock.now(), acknowledge=True)
        session.expunge_all()
    drain(db, fake, clock)
    return org


def review_id(db: Database, person: Employee) -> int:
    with db.session() as session:
        return review_of(session, person).id


def review_step(fake: FakeSlack, review: int) -> Message:
    """The live message of the review thread: its *Next step* button is for either person."""
    found = [
        m
        for m in fake.messages
        if has_button(m.blocks, NEXT_STEP) and button(m, NEXT_STEP).startswith(f"{review}:")
    ]
    assert found, "no Next step button in the review thread"
    assert not has_button(found[-1].blocks, NOMINATE)  # the employee sees that message
    return found[-1]


def nominate_form(app: RunningApp, fake: FakeSlack, review: int) -> dict[str, Any]:
    """Maya's *Next step* on the review thread, then Nominate in it: the form replaces it."""
    message = review_step(fake, review)
    step = opened_after(fake, click(app, fake, "UMGR", NEXT_STEP, button(message, NEXT_STEP)))
    click(app, fake, "UMGR", NOMINATE, button_in(step, NOMINATE), view=step)
    return wait_for(lambda: updates_of(fake, step["id"]))[-1]


def status(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Nomination.status).order_by(Nomination.id)))


def outbox_keys(db: Database) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage.idempotency_key).where(
                    OutboxMessage.idempotency_key.startswith("nomination:")
                )
            )
        )


def undelivered(db: Database) -> list[str]:
    with db.session() as session:
        found = session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
        return [f"{r.idempotency_key}: {r.status} {r.last_error}" for r in found]


def told(fake: FakeSlack, count: int, text: str) -> None:
    """The clicker was told `text` ephemerally (the `count`-th answer so far)."""
    wait_for(lambda: len(fake.responses) >= count)
    assert text in ephemerals(fake)[count - 1], ephemerals(fake)


def replies(fake: FakeSlack, root: Message) -> list[Message]:
    return [m for m in fake.messages if m.thread_ts == root.ts and m.ts != root.ts]


def with_metadata(view: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {**view, "private_metadata": json.dumps(meta)}


def everything(message: Message) -> str:
    return message.text + "\n" + texts(message.blocks)


# ----------------------------------------------------------------------------- approved


def test_a_nomination_from_an_approved_review_through_hr_approval_to_the_employee(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake, org = fake_slack, make(db, fake_slack, clock)
    eko_review = review_id(db, org.eko)
    approval = review_step(fake, eko_review)
    assert approval.channel.startswith("G")  # the review thread of Eko and Maya

    # --- only the manager of record is offered the form; a forged click is refused
    trigger = click(app, fake, "UEKO", NEXT_STEP, button(approval, NEXT_STEP), message=approval)
    assert not has_button(opened_after(fake, trigger)["blocks"], NOMINATE)
    click(app, fake, "UEKO", NOMINATE, str(eko_review), message=approval)
    told(fake, 1, "You can't nominate yourself for a reward.")
    modal = nominate_form(app, fake, eko_review)
    assert modal["title"]["text"] == "Nominate for a reward"
    shown = texts(modal["blocks"])
    assert "after their review in *2026 year-end &lt;review&gt; &amp; co*" in shown
    assert "Extra leave" in shown and "is told only if HR approves it" in shown

    # --- bad input and the wrong person are inline errors; nothing is saved
    assert submit(app, "UMGR", modal, {"nomination_justification": "Great"}) == {
        "response_action": "errors",
        "errors": {"nomination_type": "Choose a reward."},
    }
    assert submit(
        app, "UMGR", modal, {"nomination_type": "bonus", "nomination_justification": " "}
    )["errors"] == {"nomination_justification": "Tell HR why they deserve it."}
    typed = {"nomination_type": "bonus", "nomination_justification": JUSTIFICATION}
    assert submit(app, "UOMGR", modal, typed)["errors"] == {
        "nomination_type": "Only the manager of record for this review can nominate for a reward."
    }
    edi = with_metadata(modal, r=review_id(db, org.edi))
    assert submit(app, "UMGR", edi, typed)["errors"] == {
        "nomination_type": "A reward can be proposed only after the review is approved."
    }
    assert status(db) == [] and outbox_keys(db) == []

    # --- Maya nominates; HR hears in the HR channel; Eko hears nothing
    done = submit(app, "UMGR", modal, typed)
    assert done["response_action"] == "update"
    assert "Your nomination of <@UEKO> for *Bonus* is with HR" in texts(done["view"]["blocks"])
    assert status(db) == ["pending"]
    drain(db, fake, clock)
    [request] = fake.messages_in(HR_CHANNEL)
    shown = everything(request)
    assert "<@UMGR> nominates <@UEKO> for *Bonus*" in shown
    assert "Closed the ACME deal &lt;!channel&gt; &amp; coached &lt;@UEDI&gt;" in shown
    assert "<!channel>" not in shown and "<@UEDI>" not in shown
    assert has_button(request.blocks, APPROVE) and has_button(request.blocks, DECLINE)
    approve_value = button(request, APPROVE)
    assert not any("reward" in everything(m).lower() for m in fake.messages_in("UEKO"))

    # --- a non-HR click on Approve is refused, and changes nothing
    sent, opened = outbox_keys(db), len(fake.opened_views)
    click(app, fake, "UMGR", APPROVE, button(request, APPROVE), message=request)
    told(fake, 2, "Only HR can decide on reward nominations.")
    click(app, fake, "UEDI", DECLINE, button(request, DECLINE), message=request)
    told(fake, 3, "Only HR can decide on reward nominations.")
    assert status(db) == ["pending"] and outbox_keys(db) == sent
    assert len(fake.opened_views) == opened  # no reason modal for them

    # --- Hana approves with a reason: it stays in the thread, Maya is told
    trigger = click(app, fake, "UHR", APPROVE, button(request, APPROVE), message=request)
    reason = opened_after(fake, trigger)
    assert reason["callback_id"] == DECIDE_MODAL and reason["title"]["text"] == "Approve nomination"
    answer = submit(app, "UHR", reason, {"nomination_reason": "Well deserved <b>"})
    assert "Approved. <@UMGR> is told" in texts(answer["view"]["blocks"])
    assert answer["view"]["title"]["text"] == "Nomination approved"  # not "Nominate for a reward"
    assert status(db) == ["approved"]
    drain(db, fake, clock)
    assert request.updated and not has_button(request.blocks, APPROVE)
    assert "Approved by <@UHR>" in texts(request.blocks)
    [decision] = replies(fake, request)
    assert "<@UHR> approved this nomination" in decision.text
    assert "Well deserved &lt;b&gt;" in texts(decision.blocks)
    to_maya = fake.messages_in("UMGR")[-1]
    assert "<@UHR> approved your nomination of <@UEKO> for *Bonus*" in to_maya.text
    assert has_button(to_maya.blocks, ANNOUNCE) and "Announce to Eko" in texts(to_maya.blocks)
    assert not any("Congratulations" in m.text for m in fake.messages_in("UEKO"))

    # --- a second decision is refused
    click(app, fake, "UADMIN", DECLINE, approve_value, message=request)
    told(fake, 4, "<@UHR> already approved this nomination")

    # --- Maya announces: now, and only now, Eko hears; once
    announce_value = button(to_maya, ANNOUNCE)
    click(app, fake, "UMGR", ANNOUNCE, announce_value, message=to_maya)
    told(fake, 5, "Announced: <@UEKO> gets a direct message")
    assert status(db) == ["announced"]
    drain(db, fake, clock)
    to_eko = fake.messages_in("UEKO")[-1]
    assert "Congratulations! <@UMGR> nominated you for *Bonus*" in to_eko.text
    assert "ACME" not in everything(to_eko) and "Well deserved" not in everything(to_eko)
    assert to_maya.updated and not has_button(to_maya.blocks, ANNOUNCE)
    assert "<@UMGR> announced it to <@UEKO>" in replies(fake, request)[-1].text
    click(app, fake, "UMGR", ANNOUNCE, announce_value, message=to_maya)
    told(fake, 6, "You've already announced it.")

    assert undelivered(db) == []  # every message passed the fake's Block Kit checks
    for message in fake.messages:  # never the recognition channel or any other
        assert message.channel[:1] in ("D", "G") or message.channel == HR_CHANNEL


# ----------------------------------------------------------------------------- declined


def test_a_nomination_from_the_app_home_declined_the_employee_never_hears(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    fake, org = fake_slack, make(db, fake_slack, clock)
    eva_review = review_id(db, org.eva)
    home = open_home(app, fake, "UMGR")
    row = next(b for b in home["blocks"] if b.get("block_id") == f"review_team_{eva_review}")
    assert row["accessory"]["action_id"] == NOMINATE
    trigger = click(app, fake, "UMGR", NOMINATE, str(eva_review), view=home)
    modal = opened_after(fake, trigger)
    typed = {"nomination_type": "promotion", "nomination_justification": "Led the launch"}
    assert submit(app, "UMGR", modal, typed)["response_action"] == "update"
    drain(db, fake, clock)
    [request] = fake.messages_in(HR_CHANNEL)
    assert "<@UMGR> nominates <@UEVA> for *Promotion*" in request.text

    trigger = click(app, fake, "UHR", DECLINE, button(request, DECLINE), message=request)
    reason = opened_after(fake, trigger)
    assert reason["title"]["text"] == "Decline nomination"
    assert submit(app, "UHR", reason, {"nomination_reason": "  "}) == {
        "response_action": "errors",
        "errors": {"nomination_reason": "Give a reason: the manager will read it."},
    }
    answer = submit(app, "UHR", reason, {"nomination_reason": "Not this cycle <!here>"})
    assert "Declined. <@UMGR> is told, with your reason; <@UEVA> is not." in texts(
        answer["view"]["blocks"]
    )
    assert answer["view"]["title"]["text"] == "Nomination declined"
    drain(db, fake, clock)
    assert status(db) == ["declined"]
    assert "Declined by <@UHR>" in texts(request.blocks) and not has_button(request.blocks, DECLINE)
    [decision] = replies(fake, request)
    assert "<@UHR> declined this nomination" in decision.text
    assert "Not this cycle &lt;!here&gt;" in texts(decision.blocks)
    to_maya = fake.messages_in("UMGR")[-1]
    assert "declined your nomination of <@UEVA> for *Promotion*" in to_maya.text
    assert "Not this cycle &lt;!here&gt;" in texts(to_maya.blocks)
    assert not has_button(to_maya.blocks, ANNOUNCE)
    assert not [k for k in outbox_keys(db) if k.endswith(":employee")]
    assert not any("Promotion" in everything(m) for m in fake.messages_in("UEVA"))
    assert undelivered(db) == []


# ----------------------------------------------------------------------------- Indonesian


def test_everything_in_indonesian(
    app_id: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    """Maya, Hana and Eva read Indonesian, and so does the HR channel (organisation default)."""
    app, fake = app_id, fake_slack
    org = make(db, fake, clock, "UMGR", "UHR")
    eva_review = review_id(db, org.eva)
    home = open_home(app, fake, "UMGR")  # Eva acknowledged: the review thread has no step left
    trigger = click(app, fake, "UMGR", NOMINATE, str(eva_review), view=home)
    modal = opened_after(fake, trigger)
    assert modal["title"]["text"] == "Usulkan penghargaan"
    assert "Cuti tambahan" in texts(modal["blocks"])
    assert submit(app, "UMGR", modal, {"nomination_justification": "Hebat"})["errors"] == {
        "nomination_type": "Pilih jenis penghargaan."
    }
    typed = {"nomination_type": "extra_leave", "nomination_justification": "Memimpin peluncuran"}
    done = submit(app, "UMGR", modal, typed)
    assert "sudah dikirim ke HR" in texts(done["view"]["blocks"])
    drain(db, fake, clock)
    [request] = fake.messages_in(HR_CHANNEL)
    assert "<@UMGR> mengusulkan <@UEVA> untuk mendapat *Cuti tambahan*" in request.text
    assert "Usulan penghargaan" in texts(request.blocks) and "Setujui" in texts(request.blocks)

    click(app, fake, "UEKO", APPROVE, button(request, APPROVE), message=request)
    told(fake, 1, "Only HR can decide")  # Eko reads English
    trigger = click(app, fake, "UHR", APPROVE, button(request, APPROVE), message=request)
    reason = opened_after(fake, trigger)
    assert reason["title"]["text"] == "Setujui usulan"
    answer = submit(app, "UHR", reason, {"nomination_reason": ""})  # optional to approve
    assert "Disetujui. <@UMGR> diberi tahu" in texts(answer["view"]["blocks"])
    drain(db, fake, clock)
    assert "Disetujui oleh <@UHR>" in texts(request.blocks)
    [decision] = replies(fake, request)
    assert "menyetujui usulan ini" in decision.text and "Tanpa catatan." in texts(decision.blocks)
    to_maya = fake.messages_in("UMGR")[-1]
    assert "<@UHR> menyetujui usulan Anda agar <@UEVA> mendapat *Cuti tambahan*" in to_maya.text
    assert "Umumkan kepada Eva" in texts(to_maya.blocks)
    click(app, fake, "UMGR", ANNOUNCE, button(to_maya, ANNOUNCE), message=to_maya)
    told(fake, 2, "Sudah diumumkan: <@UEVA>")
    drain(db, fake, clock)
    to_eva = fake.messages_in("UEVA")[-1]
    assert "Selamat! <@UMGR> mengusulkan Anda untuk mendapat *Cuti tambahan*" in to_eva.text
    assert undelivered(db) == []


# ----------------------------------------------------------------------------- HR's DMs


def test_without_an_hr_channel_hr_decides_in_a_dm(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    app, fake = running_app, fake_slack
    org = make(db, fake, clock)
    eko_review = review_id(db, org.eko)
    modal = nominate_form(app, fake, eko_review)
    submit(
        app, "UMGR", modal, {"nomination_type": "certificate", "nomination_justification": "Yes"}
    )
    drain(db, fake, clock)
    [request] = [m for m in fake.messages_in("UHR") if has_button(m.blocks, APPROVE)]
    assert not [m for m in fake.messages_in("UADMIN") if has_button(m.blocks, APPROVE)]
    trigger = click(app, fake, "UHR", APPROVE, button(request, APPROVE), message=request)
    submit(app, "UHR", opened_after(fake, trigger), {"nomination_reason": "Agreed"})
    drain(db, fake, clock)
    assert "Approved by <@UHR>" in texts(request.blocks)
    [decision] = replies(fake, request)
    assert decision.channel == request.channel == "DUHR" and "Agreed" in texts(decision.blocks)
    assert undelivered(db) == []


# ----------------------------------------------------------------------------- settings


def test_hr_edits_the_reward_types_in_the_recognition_settings(
    app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    make(db, fake_slack, clock)
    app.slack.command("kudos settings", "UHR", trigger_id=fake_slack.new_trigger_id("UHR"))
    view = wait_for(lambda: fake_slack.opened_views)[-1]["view"]
    types = next(b for b in view["blocks"] if b.get("block_id") == "reward_types")
    assert types["element"]["initial_value"].splitlines()[0] == "bonus | Bonus | Bonus"

    def state(types_text: str) -> dict[str, Any]:
        typed = {
            "reward_monthly": [],
            "reward_values": "care | Care | Peduli",
            "reward_types": types_text,
        }
        return with_state(view, typed)

    bad = app.slack.view_submission("UHR", state("bonus Bonus")).json()
    assert bad["errors"] == {"reward_types": "Line 1: write key | English name | Nama Indonesia."}
    saved = app.slack.view_submission("UHR", state("training | Training | Pelatihan")).json()
    assert saved["response_action"] == "update"
    with db.session() as session:
        assert [t.key for t in reward_types(session, TEAM_ID)] == ["training"]
