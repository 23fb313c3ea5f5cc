"""The App Home's Feedback section: what each person sees, loaded by the core and rendered
without a query, valid Block Kit in both languages, typed text escaped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.blocks.feedback_home import feedback_home_blocks
from bot.feedback.give import FeedbackInput, give_feedback
from bot.feedback.home import load_home
from bot.feedback.peer_setup import PeerSetupInput
from bot.feedback.peers import invite_proposers, propose_peers, save_peer_setup
from bot.feedback.requests import request_feedback
from bot.feedback.upward import RoundInput, open_round
from bot.i18n import Translator
from storage.db import Database
from storage.feedback import PeerSet
from tests.fakeslack import validate_blocks
from tests.feedback_fixtures import TR_FOR, TZ, Org, make_org
from tests.review_fixtures import review_of, sales_cycle
from tests.review_slack import texts

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session) -> Org:
    org = make_org(session, NOW)
    cycle = sales_cycle(session, org, NOW, name="Year <end>").cycle
    save_peer_setup(session, cycle, PeerSetupInput(enabled=True, peers=2), now=NOW)
    invite_proposers(session, org.eko.team_id, NOW, TR_FOR, TZ)
    peer_set = session.query(PeerSet).filter_by(review_id=review_of(session, org.edi).id).one()
    propose_peers(session, org.edi, peer_set.id, [org.eva], now=NOW, tr_for=TR_FOR)
    give_feedback(
        session, org.edi, org.eko, FeedbackInput(went_well="Fixed <!channel> fast"),
        now=NOW, source="home", tr_for=TR_FOR, org_tz=TZ,
    )  # fmt: skip
    request_feedback(
        session, org.eko, [org.edi, org.eva], now=NOW, days=14, tr_for=TR_FOR, org_tz=TZ
    )
    open_round(
        session, org.hr, RoundInput("Q4 <round>", "Clear goals", date(2026, 11, 27), 3),
        now=NOW, tz=TZ, floor=3, tr_for=TR_FOR,
    )  # fmt: skip
    return org


@pytest.mark.parametrize("locale", ["en", "id"])
def test_each_person_sees_their_own_part(session: Session, org: Org, locale: str) -> None:
    tr = Translator(locale)

    def shown(who: str) -> str:
        blocks = feedback_home_blocks(tr, load_home(session, getattr(org, who), NOW))
        assert validate_blocks(blocks, "home") == []
        return texts(blocks)

    eko = shown("eko")
    edi = shown("edi")
    maya = shown("manager")
    hana = shown("hr")
    if locale == "en":
        assert "Feedback you received (1)" in eko and "Fixed &lt;!channel&gt; fast" in eko
        assert "About you: 0 of 2 answered, 0 declined" in eko
        assert "Your review in _Year &lt;end&gt;_ includes peer feedback" in eko
        assert "<@UEKO> asks for your feedback" in edi
        assert "Anonymous feedback about your manager <@UMGR> (_Q4 &lt;round&gt;_)" in edi
        assert "<@UEDI> proposed peers for their review" in maya
        assert "results after the round closes" in maya
        assert "#1 _Q4 &lt;round&gt;_: 0 of 3 answered" in hana
        assert "feedback_upward_new" in hana and "feedback_upward_new" not in maya
    else:
        assert "Umpan balik yang Anda terima (1)" in eko
    for text in (eko, edi, maya, hana):
        assert "<!channel>" not in text and "<round>" not in text
    assert "Fixed" not in maya and "Fixed" not in hana  # Eko's feedback is his
