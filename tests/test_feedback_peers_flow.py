"""Peer feedback (360) in a review cycle, end to end: the app over HTTP, the fake Slack, the
outbox drained by the real sender, the scheduler ticked by hand.

Hana opens a cycle for team Sales with peer feedback (two peers each, kept for the manager).
The tick opens the cycle and asks each employee to propose peers. Eko proposes Edi and Sari;
in the group DM of Eko and Maya, Eko may not approve his own list; Maya changes it to Edi and
Eva, who are asked by DM. Edi answers, Eva declines, the thread says one of two answered, and
Maya sees Edi's answer when she writes Eko's review — Eko does not, in his self-review.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.blocks.feedback import ANSWER, DECLINE
from bot.blocks.feedback_review import APPROVE, CHANGE, CHANGE_MODAL, PROPOSE, PROPOSE_MODAL
from bot.blocks.review import WRITE_MANAGER, WRITE_SELF
from bot.blocks.review_modals import MANAGER_MODAL, SELF_MODAL
from bot.clock import FixedClock
from bot.review import ReviewInput, submit_self_review
from storage.db import Database
from storage.feedback import PeerSet, PeerSetup
from storage.models import Employee, Team
from storage.reviews import Review, ReviewCycle
from tests import ticking
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack
from tests.feedback_fixtures import Org, make_org
from tests.monitoring_slack import pair_dm
from tests.review_fixtures import COMPETENCIES, QUESTIONS
from tests.review_slack import button, click, drain, ephemerals, opened_after, submit, texts
from tests.waiting import wait_for

TODAY = date(2026, 11, 24)
CYCLE = {
    "name": "2026 year-end",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "opens_on": TODAY.isoformat(),
    "self_due": "2026-12-04",
    "manager_due": "2026-12-11",
    "everyone": [],
    "questions": QUESTIONS,
    "competencies": COMPETENCIES,
    "peer_feedback": ["on"],
    "peer_count": "2",
}


@pytest.fixture(autouse=True)
def _only_these_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("review_cycles", "feedback_peers", "feedback_requests")
    monkeypatch.setattr(ticking, "ONLY", ticking.only(*names))


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
        session.flush()
        session.expunge_all()
    return org


def sales_id(db: Database) -> str:
    with db.session() as session:
        return str(session.scalar(select(Team.id).where(Team.name == "Sales")))


def review_id(db: Database, slack_id: str) -> int:
    with db.session() as session:
        found = session.scalar(
            select(Review.id)
            .join(Employee, Employee.id == Review.employee_id)
            .where(Employee.slack_id == slack_id)
        )
        assert found is not None
        return int(found)


def open_cycle(app: RunningApp, fake: FakeSlack, db: Database, **typed: object) -> dict:
    trigger = fake.new_trigger_id("UHR")
    app.slack.command("review open", "UHR", trigger_id=trigger)
    modal = opened_after(fake, trigger)
    return submit(app, "UHR", modal, {**CYCLE, "teams": [sales_id(db)], **typed})


def test_peers_proposed_approved_asked_and_read_by_the_manager(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack

    # --- HR: peers due after the manager's review is refused inline; then the cycle opens
    late = open_cycle(app, fake, db, peer_due="2026-12-20")
    assert late["errors"] == {"peer_due": "Peers must answer before the manager review is due."}
    assert open_cycle(app, fake, db)["response_action"] == "update"
    with db.session() as session:
        setup = session.scalars(select(PeerSetup)).one()
        assert (setup.peers, setup.due, setup.share_with_employee) == (2, date(2026, 12, 4), False)
        assert session.scalars(select(ReviewCycle)).one().status == "scheduled"
    report = ticking.tick(db, app.services.settings, clock.now())
    assert report.done["feedback_peers"] == 3 and report.failed == []
    drain(db, fake, clock)
    invite = next(m for m in fake.messages_in("UEKO") if PROPOSE in texts(m.blocks))
    assert "Propose up to 2 colleagues" in invite.text
    assert "read by your manager when writing your review" in texts(invite.blocks)

    # --- Eko proposes: not his manager, then Edi and Sari
    trigger = click(app, fake, "UEKO", PROPOSE, button(invite, PROPOSE), message=invite)
    modal = opened_after(fake, trigger)
    assert modal["callback_id"] == PROPOSE_MODAL
    refused = submit(app, "UEKO", modal, {"peers": ["UMGR"]})
    assert refused["errors"] == {"peers": "The manager writes the review: choose other people."}
    done = submit(app, "UEKO", modal, {"peers": ["UEDI", "USARI"]}, fake=fake)
    assert "Sent to <@UMGR>" in texts(done["view"]["blocks"])
    drain(db, fake, clock)
    [root] = fake.messages_in(pair_dm(fake, "UEKO", "UMGR"))
    assert "<@UEKO> proposes: <@UEDI>, <@USARI>" in texts(root.blocks)

    # --- in the group DM, Eko may not approve; Maya changes the list
    approve_value = button(root, APPROVE)
    click(app, fake, "UEKO", APPROVE, approve_value, message=root)
    wait_for(lambda: any("Only <@UMGR>" in e for e in ephemerals(fake)))
    trigger = click(app, fake, "UMGR", CHANGE, button(root, CHANGE), message=root)
    modal = opened_after(fake, trigger)
    assert modal["callback_id"] == CHANGE_MODAL
    peers = next(b for b in modal["blocks"] if b.get("block_id") == "peers")
    assert peers["element"]["initial_users"] == ["UEDI", "USARI"]
    submit(app, "UMGR", modal, {"peers": ["UEDI", "UEVA"]}, fake=fake)
    drain(db, fake, clock)
    messages = fake.messages_in(pair_dm(fake, "UEKO", "UMGR"))
    assert "Approved by <@UMGR>: <@UEDI>, <@UEVA>" in texts(messages[0].blocks)
    assert APPROVE not in texts(messages[0].blocks)  # decided: no buttons any more
    assert "<@UMGR> changed the list" in texts(messages[-1].blocks)
    eko_review = review_id(db, "UEKO")
    with db.session() as session:
        statuses = {s.review_id: s.status for s in session.scalars(select(PeerSet))}
        assert statuses[eko_review] == "approved"
    # a second decision on the old buttons changes nothing
    click(app, fake, "UMGR", APPROVE, approve_value, message=root)
    wait_for(lambda: any("already approved" in e for e in ephemerals(fake)))

    # --- the peers are asked by Maya, about Eko; Eko does not read their answers
    ask = next(m for m in fake.messages_in("UEDI") if ANSWER in texts(m.blocks))
    assert "<@UMGR> asks for your feedback on <@UEKO> for their review (2026 year-end)" in ask.text
    assert "<@UEKO> does not." in texts(ask.blocks)
    trigger = click(app, fake, "UEDI", ANSWER, button(ask, ANSWER), message=ask)
    form = opened_after(fake, trigger)
    assert "visibility" not in {b.get("block_id") for b in form["blocks"]}  # not his to choose
    submit(app, "UEDI", form, {"went_well": "A great <partner> on the ACME deal"}, fake=fake)
    to_eva = next(m for m in fake.messages_in("UEVA") if DECLINE in texts(m.blocks))
    click(app, fake, "UEVA", DECLINE, button(to_eva, DECLINE), message=to_eva)
    wait_for(lambda: any("Ditolak" in e for e in ephemerals(fake)))  # Eva reads Indonesian
    drain(db, fake, clock)
    note = fake.messages_in(pair_dm(fake, "UEKO", "UMGR"))[-1]
    assert "Peer feedback is in: 1 of 2 answered" in note.text
    assert "partner" not in note.text  # the pair's DM never shows an answer

    # --- Eko's self-review shows no peer feedback; Maya's review does
    trigger = click(app, fake, "UEKO", WRITE_SELF, str(eko_review))
    self_modal = opened_after(fake, trigger)
    assert self_modal["callback_id"] == SELF_MODAL
    assert "partner" not in texts(self_modal["blocks"])
    with db.session() as session:
        eko = session.scalar(select(Employee).where(Employee.slack_id == "UEKO"))
        assert eko is not None
        answers = ReviewInput(
            answers={"q0": "Deals", "q1": "Hiring"}, ratings={"teamwork": 4, "craft": 3}
        )
        submit_self_review(session, eko, eko_review, answers, now=clock.now())
    trigger = click(app, fake, "UMGR", WRITE_MANAGER, str(eko_review))
    manager_modal = opened_after(fake, trigger)
    assert manager_modal["callback_id"] == MANAGER_MODAL
    shown = texts(manager_modal["blocks"])
    assert "Peer feedback: 1 of 2 answered" in shown
    assert "<@UEDI>" in shown and "A great &lt;partner&gt; on the ACME deal" in shown


def test_the_employee_reads_peer_feedback_when_the_cycle_shares_it(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database, clock: FixedClock, org: Org
) -> None:
    app, fake = running_app, fake_slack
    assert open_cycle(app, fake, db, peer_share=["on"])["response_action"] == "update"
    ticking.tick(db, app.services.settings, clock.now())
    drain(db, fake, clock)
    invite = next(m for m in fake.messages_in("UEDI") if PROPOSE in texts(m.blocks))
    assert "and by you" in texts(invite.blocks)
    # Maya chooses the peers herself from her App Home's list, before any proposal
    with db.session() as session:
        peer_set = session.scalar(
            select(PeerSet).join(Review, Review.id == PeerSet.review_id)
            .join(Employee, Employee.id == Review.employee_id).where(Employee.slack_id == "UEDI")
        )  # fmt: skip
        assert peer_set is not None
        value = f"{peer_set.id}:{peer_set.version}"
    trigger = click(app, fake, "UMGR", CHANGE, value, home=True)
    submit(app, "UMGR", opened_after(fake, trigger), {"peers": ["UEKO"]}, fake=fake)
    drain(db, fake, clock)
    ask = next(m for m in fake.messages_in("UEKO") if ANSWER in texts(m.blocks))
    assert "and <@UEDI> reads it too" in texts(ask.blocks)
    trigger = click(app, fake, "UEKO", ANSWER, button(ask, ANSWER), message=ask)
    submit(app, "UEKO", opened_after(fake, trigger), {"could_be_better": "Share notes"}, fake=fake)
    trigger = click(app, fake, "UEDI", WRITE_SELF, str(review_id(db, "UEDI")))
    shown = texts(opened_after(fake, trigger)["blocks"])
    assert "Peer feedback: 1 of 1 answered" in shown and "Share notes" in shown


def test_the_cli_opens_a_cycle_with_peer_feedback(
    db: Database,
    running_app: RunningApp,  # the workspace is registered
    clock: FixedClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.shell.cli import main

    with db.session() as session:
        make_org(session, clock.now())
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KINERJA_DEFAULT_LOCALE", "en")
    today = date.today()  # the CLI runs on the real clock
    later = (today + timedelta(days=30)).isoformat()
    args = [
        "review", "open", "--name", "Year end", "--start", f"{today.year}-01-01",
        "--end", f"{today.year}-12-31", "--self-due", later, "--manager-due", later,
        "--team", "sales",
    ]  # fmt: skip
    assert main([*args, "--peers", "9"]) == 1
    assert "--peers: Choose from 1 to 5 peers." in capsys.readouterr().err
    assert main([*args, "--peers-shared"]) == 1
    assert "need --peers N" in capsys.readouterr().err
    with db.session() as session:
        assert session.scalars(select(ReviewCycle)).all() == []
    assert main([*args, "--peers", "3", "--peers-shared"]) == 0
    assert f"peer feedback: 3 peers each, answers due {later}" in capsys.readouterr().out
    with db.session() as session:
        setup = session.scalars(select(PeerSetup)).one()
        assert (setup.peers, setup.share_with_employee) == (3, True)
