"""The Review cycle end to end: the app over HTTP, Slack played by the fake, the outbox
delivered by the real sender, the scheduler ticked by hand.

Hana (HR) schedules a cycle for team Sales — Maya and her reports Eko, Edi and Eva — which the
tick opens on its day. Eko writes his self-review with his year's evidence in view, saves a
draft and resumes it, submits; a group DM of Eko and Maya opens; Maya's review lands in its
thread; she approves; Eko asks to discuss, Maya approves again, Eko acknowledges. Reminders go
out once, and HR's counts are right at every step.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from bot.blocks.nominations import NOMINATE
from bot.blocks.review import ACKNOWLEDGE, APPROVE, DISCUSS, NEXT_STEP, WRITE_MANAGER, WRITE_SELF
from bot.blocks.review_modals import DISCUSS_MODAL, MANAGER_MODAL, SAVE_DRAFT, SELF_MODAL
from bot.clock import FixedClock
from bot.review import cycle_progress
from storage.db import Database
from storage.models import Employee, OutboxMessage, Team
from storage.reviews import Review, ReviewCycle
from tests.appserver import RunningApp, open_home
from tests.fakeslack import FakeSlack, Message
from tests.monitoring_slack import pair_dm
from tests.review_fixtures import (
    COMPETENCIES,
    QUESTIONS,
    Org,
    jakarta,
    keys,
    make_org,
    only_review_tasks,
    seed_evidence,
    tick,
)
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
)
from tests.waiting import wait_for

MONDAY = date(2026, 11, 30)
WEDNESDAY = date(2026, 12, 2)
CYCLE = {
    "name": "2026 year-end <review>",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "opens_on": MONDAY.isoformat(),
    "self_due": "2026-12-04",
    "manager_due": "2026-12-11",
    "everyone": [],
    "questions": QUESTIONS,
    "competencies": COMPETENCIES,
}


@pytest.fixture(autouse=True)
def _review_only(monkeypatch: pytest.MonkeyPatch, running_app: RunningApp) -> None:
    """Only this cycle's Home section and scheduled tasks, so another cycle's work in
    progress can neither break these tests nor push reviews off the Home view."""
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
        seed_evidence(session, org.eko, org.edi, clock.now())
        session.flush()
        session.expunge_all()
    return org


def sales_id(db: Database) -> str:
    with db.session() as session:
        return str(session.scalar(select(Team.id).where(Team.name == "Sales")))


def open_cycle_modal(app: RunningApp, fake: FakeSlack, user: str = "UHR") -> dict:
    trigger = fake.new_trigger_id(user)
    response = app.slack.command("review open", user, trigger_id=trigger)
    assert response.status_code == 200 and not response.text
    return opened_after(fake, trigger)


def counts(db: Database, clock: FixedClock) -> dict[str, int]:
    with db.session() as session:
        hr = session.scalar(select(Employee).where(Employee.slack_id == "UHR"))
        cycle_id = session.scalar(select(ReviewCycle.id))
        assert hr is not None and cycle_id is not None
        progress = cycle_progress(session, hr, cycle_id, now=clock.now())
        return {k: v for k, v in progress.counts.items() if v}


def state(db: Database, slack_id: str) -> str:
    with db.session() as session:
        return str(
            session.scalar(
                select(Review.status)
                .join(Employee, Employee.id == Review.employee_id)
                .where(Employee.slack_id == slack_id)
            )
        )


def undelivered(db: Database) -> list[str]:
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
        return [f"{r.idempotency_key}: {r.status} {r.last_error}" for r in rows]


def thread(fake: FakeSlack, root: Message) -> list[Message]:
    return [m for m in fake.messages if m.thread_ts == root.ts and m.ts != root.ts]


def open_and_schedule(app: RunningApp, fake: FakeSlack, db: Database, clock: FixedClock) -> None:
    modal = open_cycle_modal(app, fake)
    answer = submit(app, "UHR", modal, {**CYCLE, "teams": [sales_id(db)]})
    assert answer["response_action"] == "update", answer
    done = texts(answer["view"]["blocks"])
    assert "is scheduled: it opens on Nov 30, 2026 at 09:00 (3 people" in done
    assert "&lt;review&gt;" in done and "<review>" not in done
    assert "<@UMGR>" in done and "<@ULINA>" in done  # left out: no manager recorded
    assert counts(db, clock) == {}
    assert tick(db, app.services.settings, jakarta(MONDAY, 8, 59)).total == 0
    clock.set(jakarta(MONDAY, 9, 0))
    assert tick(db, app.services.settings, clock.now()).done["review_cycles"] == 4
    drain(db, fake, clock)
    assert counts(db, clock) == {"not_started": 3}


def test_a_cycle_for_a_manager_and_three_reports(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack
    open_and_schedule(app, fake, db, clock)
    invites = {u: fake.messages_in(u)[-1] for u in ("UEKO", "UEDI", "UEVA")}
    assert all(m.channel == f"D{u}" for u, m in invites.items())
    assert "Time for your self-review" in texts(invites["UEKO"].blocks)
    assert "Saatnya menulis reviu diri" in texts(invites["UEVA"].blocks)  # Eva reads Indonesian
    hr_notice = fake.messages_in("UHR")[-1]
    assert "3 people were invited" in hr_notice.text and "<@ULINA>" in texts(hr_notice.blocks)
    assert fake.messages_in("UMGR") == []  # Maya reviews; she is not reviewed in this cycle

    # --- Eko opens the self-review: the year's evidence is shown, last year's is not
    eko_review = button(invites["UEKO"], WRITE_SELF)
    trigger = click(app, fake, "UEKO", WRITE_SELF, eko_review, message=invites["UEKO"])
    modal = opened_after(fake, trigger)
    assert modal["callback_id"] == SELF_MODAL
    shown = texts(modal["blocks"])
    assert "Grow revenue &lt;b&gt;* — 20% done (active)" in shown
    assert "Launch the webinar* — 100% done (completed)" in shown
    assert "Closed the ACME deal &lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "Waiting for legal (2026-W47) — open" in shown
    assert "<@UEDI> (Customer care): Thanks for the demo!" in shown
    assert "An old win" not in shown and "Old goal from 2025" not in shown

    # --- a draft is saved inside the modal, and resumed later
    typed = {"answer_0": "Closed ACME & two more <deals>", "rating_teamwork": "4"}
    click(app, fake, "UEKO", SAVE_DRAFT, eko_review, view=modal, typed=typed)
    saved = wait_for(lambda: updates_of(fake, modal["id"]))[-1]
    assert "Draft saved at 9:00" in texts(saved["blocks"])
    assert state(db, "UEKO") == "not_started"
    trigger = click(app, fake, "UEKO", WRITE_SELF, eko_review, message=invites["UEKO"])
    resumed = opened_after(fake, trigger)
    first = next(b for b in resumed["blocks"] if b.get("block_id") == "answer_0")
    assert first["element"]["initial_value"] == "Closed ACME & two more <deals>"
    rating = next(b for b in resumed["blocks"] if b.get("block_id") == "rating_teamwork")
    assert rating["element"]["initial_option"]["value"] == "4"

    # --- a missing rating is an inline error on that competency; then submit and confirm
    answer = submit(app, "UEKO", resumed, {"answer_1": "Hiring was slow"})
    assert answer == {
        "response_action": "errors",
        "errors": {"rating_craft": "Choose a rating for this competency."},
    }
    answer = submit(app, "UEKO", resumed, {"answer_1": "Hiring was slow", "rating_craft": "3"})
    assert answer["response_action"] == "push"
    assert "can't change it" in texts(answer["view"]["blocks"])
    assert submit(app, "UEKO", answer["view"]) == {"response_action": "clear"}
    assert state(db, "UEKO") == "self_submitted"
    assert counts(db, clock) == {"not_started": 2, "self_submitted": 1}

    # --- the conversation opens between exactly Eko and Maya, with the self-review
    drain(db, fake, clock)
    opened = [c.args.get("users") for c in fake.calls_to("conversations.open")]
    assert any(set(str(u).split(",")) == {"UEKO", "UMGR"} for u in opened), opened
    root = next(m for m in fake.messages if "Review conversation" in texts(m.blocks))
    assert root.channel.startswith("G")
    body = texts(root.blocks)
    assert "Closed ACME &amp; two more &lt;deals&gt;" in body and "<deals>" not in body
    assert "*Craft*: 3 of 5 · Meets expectations" in body
    assert has_button(root.blocks, NEXT_STEP) and not has_button(root.blocks, WRITE_MANAGER)
    assert invites["UEKO"].updated and not has_button(invites["UEKO"].blocks, WRITE_SELF)

    # --- Maya writes her review (Next step opens it); a missing overall rating is refused
    trigger = click(app, fake, "UMGR", NEXT_STEP, button(root, NEXT_STEP), message=root)
    review_modal = opened_after(fake, trigger)
    assert review_modal["callback_id"] == MANAGER_MODAL
    assert "Closed ACME &amp; two more" in texts(review_modal["blocks"])  # the self-review
    assert "Thanks for the demo!" in texts(review_modal["blocks"])  # and the evidence
    mine = {
        "mrating_teamwork": "5",
        "mrating_craft": "3",
        "summary": "A strong year; lead the Q1 launch.",
    }
    answer = submit(app, "UMGR", review_modal, mine)
    assert answer == {
        "response_action": "errors",
        "errors": {"overall": "Choose an overall rating."},
    }
    assert submit(app, "UMGR", review_modal, {**mine, "overall": "4"}) == {}
    assert counts(db, clock) == {"not_started": 2, "manager_submitted": 1}
    drain(db, fake, clock)
    posted = thread(fake, root)[-1]
    assert posted.channel == root.channel
    assert "Manager review by <@UMGR>" in posted.text
    assert "*Overall:* 4 of 5 · Exceeds expectations" in texts(posted.blocks)
    assert "Manager review submitted" in texts(root.blocks)
    assert has_button(posted.blocks, NEXT_STEP) and not has_button(posted.blocks, APPROVE)

    # --- a peer learns nothing; Maya approves in her Next step; a second click changes nothing
    click(app, fake, "UEDI", NEXT_STEP, button(posted, NEXT_STEP), message=posted)
    wait_for(lambda: any("That isn't your review" in t for t in ephemerals(fake)))
    assert "UEKO" not in ephemerals(fake)[-1] and "UMGR" not in ephemerals(fake)[-1]
    assert state(db, "UEKO") == "manager_submitted"
    trigger = click(app, fake, "UMGR", NEXT_STEP, button(posted, NEXT_STEP), message=posted)
    step = opened_after(fake, trigger)
    assert has_button(step["blocks"], APPROVE) and has_button(step["blocks"], WRITE_MANAGER)
    click(app, fake, "UMGR", APPROVE, button_in(step, APPROVE), view=step)
    wait_for(lambda: state(db, "UEKO") == "approved")
    done = wait_for(lambda: updates_of(fake, step["id"]))[-1]
    assert "You approved the review" in texts(done["blocks"])
    assert has_button(done["blocks"], NOMINATE)  # the offer, where only Maya sees it
    sent = keys(db)
    click(app, fake, "UMGR", APPROVE, button_in(step, APPROVE), view=step)
    wait_for(lambda: "already approved" in texts(updates_of(fake, step["id"])[-1]["blocks"]))
    assert keys(db) == sent
    drain(db, fake, clock)
    assert posted.updated and not has_button(posted.blocks, NEXT_STEP)
    assert "Approved by <@UMGR>" in texts(posted.blocks)
    approval = thread(fake, root)[-1]
    assert has_button(approval.blocks, NEXT_STEP)
    for own in (ACKNOWLEDGE, DISCUSS, NOMINATE):
        assert not has_button(approval.blocks, own)
    assert counts(db, clock) == {"not_started": 2, "approved": 1}

    # --- Eko asks to discuss: the comment goes to the thread, the review back to Maya
    trigger = click(app, fake, "UEKO", NEXT_STEP, button(approval, NEXT_STEP), message=approval)
    step = opened_after(fake, trigger)
    assert not has_button(step["blocks"], NOMINATE)
    click(app, fake, "UEKO", DISCUSS, button_in(step, DISCUSS), view=step)
    discuss = wait_for(lambda: updates_of(fake, step["id"]))[-1]
    assert discuss["callback_id"] == DISCUSS_MODAL
    assert submit(app, "UEKO", discuss, {"comment": " "}) == {
        "response_action": "errors",
        "errors": {"comment": "Tell your manager what you'd like to discuss."},
    }
    assert submit(app, "UEKO", discuss, {"comment": "Craft is a 4? <!here>"}) == {}
    assert state(db, "UEKO") == "manager_submitted"
    assert counts(db, clock) == {"not_started": 2, "manager_submitted": 1}
    drain(db, fake, clock)
    comment = thread(fake, root)[-1]
    assert "Craft is a 4? &lt;!here&gt;" in texts(comment.blocks)
    assert "<!here>" not in texts(comment.blocks)
    assert not has_button(approval.blocks, NEXT_STEP)
    assert "asked to discuss it" in texts(approval.blocks)

    # --- Maya approves again; Eko acknowledges; the review is complete
    trigger = click(app, fake, "UMGR", NEXT_STEP, button(comment, NEXT_STEP), message=comment)
    step = opened_after(fake, trigger)
    assert "Approve again" in texts(step["blocks"])
    click(app, fake, "UMGR", APPROVE, button_in(step, APPROVE), view=step)
    wait_for(lambda: state(db, "UEKO") == "approved")
    drain(db, fake, clock)
    again = thread(fake, root)[-1]
    trigger = click(app, fake, "UEKO", NEXT_STEP, button(again, NEXT_STEP), message=again)
    step = opened_after(fake, trigger)
    click(app, fake, "UEKO", ACKNOWLEDGE, button_in(step, ACKNOWLEDGE), view=step)
    wait_for(lambda: state(db, "UEKO") == "acknowledged")
    assert "You acknowledged the review" in texts(
        wait_for(lambda: updates_of(fake, step["id"]))[-1]["blocks"]
    )
    drain(db, fake, clock)
    assert "acknowledged the review" in thread(fake, root)[-1].text
    assert "Acknowledged" in texts(root.blocks) and not has_button(root.blocks, NEXT_STEP)
    assert counts(db, clock) == {"not_started": 2, "acknowledged": 1}

    # --- reminders: once each, two working days before the due date, during working hours
    clock.set(jakarta(WEDNESDAY, 10))
    assert tick(db, app.services.settings, clock.now()).done["review_reminders"] == 2
    assert tick(db, app.services.settings, jakarta(WEDNESDAY, 14)).total == 0
    assert tick(db, app.services.settings, jakarta(date(2026, 12, 3), 10)).total == 0
    drain(db, fake, clock)
    assert "Reminder: your self-review" in fake.messages_in("UEDI")[-1].text
    assert "Pengingat: reviu diri Anda" in fake.messages_in("UEVA")[-1].text

    # --- after the due date HR sees who is late; nobody sees a review in a channel
    clock.set(jakarta(date(2026, 12, 7), 10))
    hr_home = texts(open_home(app, fake, "UHR")["blocks"])
    assert "Overdue (2)" in hr_home and "<@UEDI>: self-review was due" in hr_home
    assert "Acknowledged: *1*" in hr_home and "Not started: *2*" in hr_home
    maya_home = texts(open_home(app, fake, "UMGR")["blocks"])
    assert "Your team's reviews" in maya_home and "<@UEKO>" in maya_home
    edi_home = texts(open_home(app, fake, "UEDI")["blocks"])
    assert (
        "*Overdue*: your self-review was due Dec 4, 2026" in edi_home and "<@UEKO>" not in edi_home
    )
    assert undelivered(db) == []  # every message passed the fake's Block Kit checks
    for message in fake.messages:
        assert message.channel[:1] in ("D", "G"), (message.channel, message.text)
    group_dms = {m.channel for m in fake.messages if m.channel.startswith("G")}
    assert group_dms == {root.channel}


def test_everything_renders_in_indonesian(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    """Eva and Maya read Indonesian; HR's modal too."""
    app, fake = running_app, fake_slack
    with db.session() as session:
        for slack_id in ("UMGR", "UHR"):
            person = session.scalar(select(Employee).where(Employee.slack_id == slack_id))
            assert person is not None
            person.locale = "id-ID"
    modal = open_cycle_modal(app, fake)
    assert modal["title"]["text"] == "Siklus reviu baru"
    assert "Apa yang berjalan baik" in texts(modal["blocks"])  # default questions, in Indonesian
    answer = submit(app, "UHR", modal, {**CYCLE, "opens_on": "", "teams": [sales_id(db)]})
    assert "penjadwal mengundang 3 orang" in texts(answer["view"]["blocks"])
    assert tick(db, app.services.settings, clock.now()).done["review_cycles"] == 4
    drain(db, fake, clock)
    assert "sudah dibuka: 3 orang diundang" in fake.messages_in("UHR")[-1].text
    invite = fake.messages_in("UEVA")[-1]
    trigger = click(app, fake, "UEVA", WRITE_SELF, button(invite, WRITE_SELF), message=invite)
    own = opened_after(fake, trigger)
    assert own["title"]["text"] == "Reviu diri"
    assert "Kerja sama" in texts(own["blocks"]) and "Tidak ada sasaran" in texts(own["blocks"])
    answer = submit(
        app, "UEVA", own, {"answer_0": "Baik", "answer_1": "Sulit", "rating_teamwork": "4"}
    )
    assert answer["errors"] == {"rating_craft": "Pilih nilai untuk kompetensi ini."}
    answer = submit(
        app,
        "UEVA",
        own,
        {"answer_0": "Baik", "answer_1": "Sulit", "rating_teamwork": "4", "rating_craft": "5"},
    )
    assert answer["view"]["title"]["text"] == "Kirim reviu diri?"
    submit(app, "UEVA", answer["view"])
    drain(db, fake, clock)
    root = next(m for m in fake.messages if m.channel.startswith("G"))
    assert "Percakapan reviu" in texts(root.blocks) and "Langkah berikutnya" in texts(root.blocks)
    assert "5 dari 5 · Luar biasa" in texts(root.blocks)
    assert undelivered(db) == []
    listing = app.slack.command("reviu", "UEVA").json()
    assert "Reviu Anda" in texts(listing["blocks"])
    assert "Reviu diri terkirim" in texts(listing["blocks"])


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        (
            {"self_due": "2025-12-01", "opens_on": ""},
            {"self_due": "The self-review can't be due before the period starts."},
        ),
        (
            {"teams": [], "everyone": []},
            {"teams": 'Tick "Everyone with a manager" or choose teams.'},
        ),
        (
            {"teams": ["PEOPLE"]},
            {"teams": "Nobody would take part: nobody in scope has a manager recorded."},
        ),
        ({"period_end": "2025-12-31"}, {"period_end": "The period can't end before it starts."}),
    ],
    ids=["due before the period", "nobody chosen", "no participants", "period backwards"],
)
def test_bad_cycles_get_inline_errors(
    running_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    org: Org,
    typed: dict,
    errors: dict,
) -> None:
    with db.session() as session:
        people = str(session.scalar(select(Team.id).where(Team.name == "People")))
    if typed.get("teams") == ["PEOPLE"]:
        typed = {**typed, "teams": [people]}
    modal = open_cycle_modal(running_app, fake_slack)
    values = {**CYCLE, "teams": [sales_id(db)], **typed}
    assert submit(running_app, "UHR", modal, values) == {
        "response_action": "errors",
        "errors": errors,
    }
    with db.session() as session:
        assert session.scalars(select(ReviewCycle)).all() == []


def test_only_hr_opens_a_cycle(running_app: RunningApp, fake_slack: FakeSlack, org: Org) -> None:
    answer = running_app.slack.command("review open", "UMGR").json()
    assert "Only HR and admins open, close, reopen or reassign reviews" in answer["text"]
    answer = running_app.slack.command("review-cycle close 1", "UEKO").json()
    assert "Only HR and admins open, close, reopen or reassign reviews" in answer["text"]


def test_hr_only_subcommands_answer_before_any_look_up(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    """Eko may not reopen or reassign anything, and the answer must not tell him who has a
    review in the open cycle: Edi has one, Ada (admin, no manager) has none, Zed is nobody."""
    app = running_app
    modal = open_cycle_modal(app, fake_slack)
    submit(app, "UHR", modal, {**CYCLE, "opens_on": "", "teams": [sales_id(db)]})
    tick(db, app.services.settings, clock.now())
    sent = keys(db)
    answers = {
        text: app.slack.command(text, "UEKO").json()["text"]
        for text in (
            "review reopen <@UEDI|edi>",
            "review reopen <@UADMIN|ada>",
            "review reopen <@UZED|zed>",
            "review reopen 1",
            "review reopen 99999",
            "reviu buka-lagi <@UEDI|edi>",
            "review reassign <@UEDI|edi> <@UEKO|eko>",
            "review reassign <@UADMIN|ada> <@UEKO|eko>",
            "review alihkan 99999",
            "review close 1",
            "review close 99999",
            "review open",
            "review-cycle reopen <@UEDI|edi>",
            "siklus-reviu tutup 99999",
        )
    }
    refusal = answers["review reopen <@UEDI|edi>"]
    assert refusal.startswith(":no_entry: Only HR and admins")
    assert {text: refusal for text in answers} == answers
    assert "UEDI" not in refusal and "UADMIN" not in refusal
    eva = app.slack.command("reviu buka-lagi <@UEDI|edi>", "UEVA").json()["text"]  # Indonesian
    assert eva.startswith(":no_entry: Hanya HR dan admin")
    assert keys(db) == sent


def test_hr_reopens_reassigns_and_closes_from_slack(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack
    modal = open_cycle_modal(app, fake)
    submit(app, "UHR", modal, {**CYCLE, "opens_on": "", "teams": [sales_id(db)]})
    tick(db, app.services.settings, clock.now())
    drain(db, fake, clock)
    invite = fake.messages_in("UEKO")[-1]
    trigger = click(app, fake, "UEKO", WRITE_SELF, button(invite, WRITE_SELF), message=invite)
    own = opened_after(fake, trigger)
    typed = {"answer_0": "Good", "answer_1": "Hard", "rating_teamwork": "4", "rating_craft": "4"}
    submit(app, "UEKO", submit(app, "UEKO", own, typed)["view"])
    assert state(db, "UEKO") == "self_submitted"

    def say(text: str, user: str = "UHR") -> str:
        return str(app.slack.command(text, user).json()["text"])

    assert "has no review in an open cycle" in say("review reopen <@ULINA|lina>")
    assert "is open again" in say("review reopen <@UEKO|eko>")
    assert state(db, "UEKO") == "not_started"
    assert "Only HR and admins" in say("review reopen <@UEDI|edi>", user="UMGR")
    assert say("review reassign <@UEKO|eko> <@UOMGR|omar>") == (
        "<@UOMGR> can't review <@UEKO>: choose someone in their reporting line (<@UMGR>),"
        " or a person in HR or an admin to review as HR."
    )
    with db.session() as session:  # Eko moved to Omar's team: Omar is his manager now
        eko = session.get(Employee, org.eko.id)
        assert eko is not None
        eko.manager_id = org.other_manager.id
    assert "now goes to <@UOMGR>" in say("reviu alihkan <@UEKO|eko> <@UOMGR|omar>")
    assert "can't be the manager" in say("review reassign <@UEKO|eko> <@UEKO|eko>")
    with db.session() as session:
        review = session.scalar(
            select(Review)
            .join(Employee, Employee.id == Review.employee_id)
            .where(Employee.slack_id == "UEKO")
        )
        assert review is not None and review.manager_id == org.other_manager.id
        cycle_id = review.cycle_id
    assert "is closed" in say(f"review close {cycle_id}")
    assert "already closed" in say(f"review-cycle tutup {cycle_id}")
    click(app, fake, "UEKO", WRITE_SELF, button(invite, WRITE_SELF), message=invite)
    wait_for(lambda: any("is closed; its reviews can only be read" in t for t in ephemerals(fake)))
    drain(db, fake, clock)
    # The notice is in the group DM of Eko and Hana (HR), not a 1:1 DM: a question Eko types
    # under it reaches her. Its button is Eko's alone.
    notice = next(m for m in fake.messages if "reopened your self-review" in m.text)
    assert notice.channel == pair_dm(fake, "UEKO", "UHR")
    assert "Questions? Ask <@UHR> here" in texts(notice.blocks)
    assert not [m for m in fake.messages_in("UEKO") if "reopened" in m.text]
