"""What an erasure removes and what it keeps, as README's privacy section lists it, and what a
person's export holds of the kudos they received."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reporting import erase_person, export_person
from storage.checkins import Checkin, CheckinReply
from storage.db import Database
from storage.goals import GoalEvent
from storage.kudos import Kudos
from storage.models import SlackDm
from storage.nominations import Nomination
from storage.reviews import Review
from tests.reporting_fixtures import DIGEST_AT, TEAM_ID, Seeded, kudos, seed

MAYA_REVIEW = "Esti led the Garuda launch; Maya would hire her again"
MAYA_REPLY = "Thanks, let us talk about the Garuda pipeline on Monday"
MAYA_REASON = "Please make the Garuda target measurable"
MAYA_KUDOS = "You rescued the Garuda demo, thank you"


@pytest.fixture
def seeded(db: Database, workspace: str) -> Seeded:
    with db.session() as session:
        return seed(session)


def what_maya_wrote(session: Session, seeded: Seeded) -> None:
    """Maya (manager of Eko, Edi, Esti) wrote: Esti's manager review, a reply under Eko's
    check-in, a change request on Eko's goal and kudos to Edi; she nominated Esti twice
    and owns the team goal G5 (tests/reporting_fixtures.py)."""
    maya, eko, esti = seeded["Maya"], seeded["Eko"], seeded["Esti"]
    review = session.scalars(select(Review).where(Review.employee_id == esti.id)).one()
    review.manager_answers, review.manager_submitted_at = {"summary": MAYA_REVIEW}, DIGEST_AT
    checkin = session.scalars(select(Checkin).where(Checkin.employee_id == eko.id)).first()
    assert checkin is not None
    session.add(CheckinReply(team_id=TEAM_ID, checkin_id=checkin.id, author_id=maya.id,
                             text=MAYA_REPLY, created_at=DIGEST_AT))  # fmt: skip
    session.add(GoalEvent(team_id=TEAM_ID, goal_id=seeded.goals["G1"].id, actor_id=maya.id,
                          at=DIGEST_AT, action="changes_requested",
                          detail={"reason": MAYA_REASON}))  # fmt: skip
    kudos(session, maya, [seeded["Edi"]], date(2026, 11, 28), None, message=MAYA_KUDOS)
    for nomination in session.scalars(select(Nomination)):
        nomination.justification = "Esti carried the quarter, says Maya"
    session.flush()


def test_erasing_a_manager_keeps_what_belongs_to_others_and_says_so(
    seeded: Seeded, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bot.shell.cli import main

    with db.session() as session:
        what_maya_wrote(session, seeded)
    monkeypatch.setenv("DATABASE_URL", database_url)
    kept = (
        "kept, with their name, Slack id and e-mail taken out (README, Personal data):\n"
        "  1 manager review they wrote about other people: a review is the record of the "
        "employee it is about\n"
        "  2 reward nominations they made or decided for other people: part of that "
        "person's reward record\n"
        "  1 team or company goal they owned: the organisation's goals, to which other "
        "people's goals are aligned\n"
    )
    assert main(["person", "erase", "UMAYA"]) == 2
    assert kept in capsys.readouterr().out  # said before anything is erased
    assert main(["person", "erase", "UMAYA", "--yes"]) == 0
    assert kept in capsys.readouterr().out

    with db.session() as session:
        esti = session.scalars(select(Review).where(Review.employee_id == seeded["Esti"].id))
        assert esti.one().manager_answers == {
            "summary": "Esti led the Garuda launch; [erased] would hire her again"
        }
        assert {n.justification for n in session.scalars(select(Nomination))} == {
            "Esti carried the quarter, says [erased]"
        }
        g5 = session.get_one(type(seeded.goals["G5"]), seeded.goals["G5"].id)
        assert (g5.title, g5.owner_id) == ("Sales target", seeded["Maya"].id)
        reply = session.scalars(select(CheckinReply).where(CheckinReply.text.contains("Garuda")))
        assert reply.all() == []  # a conversation, not a record: removed
        events = session.scalars(select(GoalEvent).where(GoalEvent.action == "changes_requested"))
        assert [e.detail for e in events] == [{}]
        assert session.scalar(select(Kudos.message).where(Kudos.giver_id == seeded["Maya"].id)) \
            == "[erased]"  # fmt: skip


def test_erasing_an_employee_removes_their_review_and_nominations_about_them(
    seeded: Seeded, db: Database
) -> None:
    with db.session() as session:
        what_maya_wrote(session, seeded)
        result = erase_person(session, TEAM_ID, "UESTI", actor="cli", now=DIGEST_AT)
    assert result.kept == {}
    with db.session() as session:
        review = session.scalars(select(Review).where(Review.employee_id == seeded["Esti"].id))
        assert review.one().manager_answers == {"summary": "[erased]"}
        assert {n.justification for n in session.scalars(select(Nomination))} == {"[erased]"}


def test_a_persons_export_holds_the_kudos_they_received_with_who_gave_them(
    seeded: Seeded, db: Database
) -> None:
    with db.session() as session:
        data = export_person(session, TEAM_ID, "UEKO", now=DIGEST_AT)
    received = data["kudos_received"]
    assert [(k["from"], k["with"], k["message"]) for k in received] == [
        ({"slack_id": "UEDI", "name": "Edi"}, [], "Thank you for the help"),
        (
            {"slack_id": "USARI", "name": "Sari"},
            [{"slack_id": "USULE", "name": "Sule"}],
            "Thank you for the help",
        ),
    ]
    assert received[0]["value"] == {"key": "teamwork", "name_en": "Teamwork",
                                    "name_id": "Kerja sama"}  # fmt: skip
    assert received[0]["given_at"] == "2026-11-25T04:00:00+00:00"
    json.dumps(data)  # all of it JSON-ready


def test_erasure_forgets_the_persons_dm_that_the_sender_remembered(
    seeded: Seeded, db: Database
) -> None:
    """The sender keeps a person's DM id (slack_dms) so crash look-ups need no
    conversations.open; once the person is erased nothing may tie them to that DM."""
    with db.session() as session:
        session.add_all(
            [
                SlackDm(team_id=TEAM_ID, user_id="UESTI", channel_id="DESTI"),
                SlackDm(team_id=TEAM_ID, user_id="UEKO", channel_id="DEKO"),
            ]
        )
    with db.session() as session:
        erase_person(session, TEAM_ID, "UESTI", actor="cli", now=DIGEST_AT)
    with db.session() as session:
        kept = session.execute(select(SlackDm.user_id, SlackDm.channel_id)).all()
    assert [tuple(row) for row in kept] == [("UEKO", "DEKO")]
