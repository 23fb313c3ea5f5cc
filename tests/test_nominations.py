"""Reward nominations without Slack: who may nominate and decide, the states, a second
decision, announcing once, the messages queued (and to whom), and the digest's query."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.org.settings import set_setting
from bot.permissions import PermissionDenied
from bot.reward.errors import NominationRejected, SettingsRejected
from bot.reward.nomination_notify import Audience
from bot.reward.nominations import (
    MAX_TEXT,
    announce_nomination,
    check_nomination,
    decide_nomination,
    nominate,
    nominations_of,
    pending_nominations,
)
from bot.reward.reward_types import (
    DEFAULT_TYPES,
    TYPES_KEY,
    RewardType,
    parse_types_text,
    reward_types,
    save_reward_types,
    type_name,
    types_to_text,
)
from storage.db import Database
from storage.models import Employee
from storage.nominations import Nomination
from tests.nomination_fixtures import HR_CHANNEL, JUSTIFICATION, approved, keys, me, rows
from tests.review_fixtures import TEAM_ID, Org, make_org, review_of, sales_cycle

CHANNEL = Audience(hr_channel=HR_CHANNEL, locale="en")
DMS = Audience(locale="en")


@pytest.fixture
def org(db: Database, workspace: str, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, clock.now())
        sales_cycle(session, org, clock.now())
        approved(session, org.eko, org.manager, clock.now())
        approved(session, org.eva, org.manager, clock.now(), acknowledge=True)
        session.expunge_all()
        return org


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as session:
        yield session


def refused(call: Callable[[], object]) -> tuple[str, str]:
    with pytest.raises(NominationRejected) as caught:
        call()
    return caught.value.field, caught.value.key


def propose(
    session: Session,
    org: Org,
    now: datetime,
    employee: str = "eko",
    kind: str = "bonus",
    audience: Audience = CHANNEL,
) -> Nomination:
    person = getattr(org, employee)
    review_id = review_of(session, person).id
    return nominate(
        session,
        me(session, org.manager),
        review_id,
        kind,
        JUSTIFICATION,
        now,
        audience=audience,
    )


# ----------------------------------------------------------------------- nominating


def test_the_manager_nominates_and_hr_hears_in_the_hr_channel(
    session: Session, org: Org, clock: FixedClock
) -> None:
    nomination = propose(session, org, clock.now())
    assert (nomination.status, nomination.version, nomination.reward_type) == (
        "pending",
        1,
        "bonus",
    )
    assert nomination.manager_id == org.manager.id and nomination.employee_id == org.eko.id
    [row] = rows(session, nomination.id)
    assert row.idempotency_key == f"nomination:{nomination.id}:hr"
    assert row.payload["channel"] == HR_CHANNEL
    shown = json.dumps(row.payload["blocks"])
    assert "<@UMGR> nominates <@UEKO> for *Bonus*" in shown
    assert "&lt;!channel&gt; &amp; coached &lt;@UEDI&gt;" in shown and "<!channel>" not in shown
    assert f'"value": "{nomination.id}:1"' in shown and "nomination_decline" in shown


def test_without_an_hr_channel_each_hr_person_gets_a_dm_and_admins_only_without_hr(
    session: Session, org: Org, clock: FixedClock
) -> None:
    first = propose(session, org, clock.now(), audience=DMS)
    [row] = rows(session, first.id)
    assert row.idempotency_key == f"nomination:{first.id}:hr:{org.hr.id}"
    assert row.payload["channel"] == "UHR"
    me(session, org.hr).role = "employee"
    second = propose(session, org, clock.now(), kind="certificate", audience=DMS)
    assert [r.payload["channel"] for r in rows(session, second.id)] == ["UADMIN"]
    me(session, org.admin).role = "employee"
    assert refused(lambda: propose(session, org, clock.now(), kind="promotion", audience=DMS)) == (
        "nomination",
        "nominations.error.no_hr",
    )


def test_who_may_nominate_and_when(session: Session, org: Org, clock: FixedClock) -> None:
    now = clock.now()
    eko_review = review_of(session, org.eko).id
    edi_review = review_of(session, org.edi).id  # not started

    def by(person: Employee, review_id: int = eko_review) -> tuple[str, str]:
        return refused(
            lambda: nominate(session, me(session, person), review_id, "bonus", "Good", now)
        )

    assert by(org.manager, edi_review) == ("nomination", "nominations.error.not_approved")
    assert by(org.other_manager) == ("nomination", "nominations.error.not_manager")
    assert by(org.hr) == ("nomination", "nominations.error.not_manager")
    assert by(org.eko) == ("nomination", "nominations.error.self")
    assert by(org.manager, 99999) == ("nomination", "nominations.error.no_review")
    form = check_nomination(session, me(session, org.manager), eko_review)
    assert [t.key for t in form.types] == ["bonus", "promotion", "certificate", "extra_leave"]
    me(session, org.eko).active = False
    assert by(org.manager) == ("nomination", "nominations.error.inactive")
    assert rows(session) == []


@pytest.mark.parametrize(
    ("kind", "text", "error"),
    [
        (None, "Good", ("type", "nominations.error.type_missing")),
        ("yacht", "Good", ("type", "nominations.error.type_unknown")),
        ("bonus", " \n\x00 ", ("justification", "nominations.error.justification_empty")),
        ("bonus", "x" * (MAX_TEXT + 1), ("justification", "nominations.error.too_long")),
    ],
    ids=["no type", "unknown type", "blank", "too long"],
)
def test_bad_input_names_its_field(
    session: Session,
    org: Org,
    clock: FixedClock,
    kind: str | None,
    text: str,
    error: tuple[str, str],
) -> None:
    review_id = review_of(session, org.eko).id
    manager = me(session, org.manager)
    assert refused(lambda: nominate(session, manager, review_id, kind, text, clock.now())) == error


def test_once_per_review_and_type_and_acknowledged_reviews_count(
    session: Session, org: Org, clock: FixedClock
) -> None:
    propose(session, org, clock.now())
    assert refused(lambda: propose(session, org, clock.now())) == (
        "type",
        "nominations.error.duplicate",
    )
    assert propose(session, org, clock.now(), kind="promotion").status == "pending"
    assert propose(session, org, clock.now(), employee="eva").status == "pending"  # acknowledged
    form = check_nomination(session, me(session, org.manager), review_of(session, org.eko).id)
    assert [n.reward_type for n in form.existing] == ["bonus", "promotion"]


# ----------------------------------------------------------------------- HR decides


def test_hr_approves_the_manager_is_told_and_a_second_decision_changes_nothing(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    nomination = propose(session, org, now)
    with pytest.raises(PermissionDenied):
        decide_nomination(session, me(session, org.other_manager), nomination.id, True, "", 1, now)
    decided = decide_nomination(
        session,
        me(session, org.hr),
        nomination.id,
        True,
        " Well deserved ",
        1,
        now,
        audience=CHANNEL,
    )
    assert (decided.status, decided.version, decided.decided_by_id) == ("approved", 2, org.hr.id)
    assert decided.decision_reason == "Well deserved" and decided.decided_at == now
    base = f"nomination:{nomination.id}"
    assert keys(session, nomination.id) == [
        f"{base}:hr",
        f"{base}:hr:v2",
        f"{base}:hr:decision",
        f"{base}:manager",
    ]
    update, reply, manager = rows(session, nomination.id)[1:]
    assert update.method == "chat.update" and update.payload["_update_of"] == f"{base}:hr"
    assert "nomination_approve" not in json.dumps(update.payload["blocks"])
    assert "Approved by <@UHR>" in json.dumps(update.payload["blocks"])
    assert reply.payload["_thread_of"] == f"{base}:hr"
    assert "<@UHR> approved this nomination" in reply.payload["text"]
    assert "Well deserved" in json.dumps(reply.payload["blocks"])
    assert manager.payload["channel"] == "UMGR"
    assert "nomination_announce" in json.dumps(manager.payload["blocks"])
    admin = me(session, org.admin)
    for again in (True, False):
        second = partial(decide_nomination, session, admin, nomination.id, again, "No", 2, now)
        assert refused(second) == ("nomination", "nominations.error.already_approved")
    assert len(rows(session, nomination.id)) == 4
    assert not [r for r in rows(session) if r.payload.get("channel") == "UEKO"]


def test_a_decline_needs_a_reason_and_the_employee_never_hears(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    nomination = propose(session, org, now)
    hr = me(session, org.hr)
    assert refused(lambda: decide_nomination(session, hr, nomination.id, False, "  ", 1, now)) == (
        "reason",
        "nominations.error.reason_required",
    )
    assert refused(
        lambda: decide_nomination(session, hr, nomination.id, False, "x" * 2001, 1, now)
    ) == ("reason", "nominations.error.too_long")
    declined = decide_nomination(session, hr, nomination.id, False, "Budget <b>", 1, now)
    assert (declined.status, declined.decision_reason) == ("declined", "Budget <b>")
    manager = rows(session, nomination.id)[-1]
    assert "nomination_announce" not in json.dumps(manager.payload["blocks"])
    assert "Budget &lt;b&gt;" in json.dumps(manager.payload["blocks"])
    assert refused(
        lambda: announce_nomination(session, me(session, org.manager), nomination.id, now)
    ) == (
        "nomination",
        "nominations.error.not_approved_by_hr",
    )
    assert refused(lambda: decide_nomination(session, hr, nomination.id, True, "", 2, now)) == (
        "nomination",
        "nominations.error.already_declined",
    )
    assert not [r for r in rows(session) if r.payload.get("channel") == "UEKO"]


def test_nobody_decides_a_nomination_about_themselves_or_made_by_themselves(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    hana = me(session, org.hr)
    hana.manager_id, hana.org_team_id = org.other_manager.id, org.ops.id
    session.flush()
    sales_cycle(session, org, now, name="Ops review", team_ids=[org.ops.id])
    approved(session, hana, org.other_manager, now)
    hana_review = review_of(session, hana).id
    about_hana = nominate(
        session, me(session, org.other_manager), hana_review, "bonus", "Great", now, audience=DMS
    )
    # Hana is the only HR person: the admin gets it instead, and decides.
    assert [r.payload["channel"] for r in rows(session, about_hana.id)] == ["UADMIN"]
    assert refused(lambda: decide_nomination(session, hana, about_hana.id, True, "", 1, now)) == (
        "nomination",
        "nominations.error.own",
    )
    assert about_hana.id not in [n.id for n in nominations_of(session, hana)]
    assert about_hana.id in [n.id for n in nominations_of(session, me(session, org.admin))]
    me(session, org.manager).role = "hr"  # Maya manages Eko and is HR too
    mine = propose(session, org, now)
    assert refused(
        lambda: decide_nomination(session, me(session, org.manager), mine.id, True, "", 1, now)
    ) == ("nomination", "nominations.error.own_nomination")
    assert decide_nomination(session, hana, mine.id, True, "", 1, now).status == "approved"
    assert decide_nomination(session, me(session, org.admin), about_hana.id, True, "", 1, now)


def test_a_stale_button_changes_nothing(session: Session, org: Org, clock: FixedClock) -> None:
    nomination = propose(session, org, clock.now())
    nomination.version = 5  # as if something had happened since the message was sent
    hr = me(session, org.hr)
    assert refused(
        lambda: decide_nomination(session, hr, nomination.id, True, "", 1, clock.now())
    ) == ("nomination", "nominations.error.changed")
    assert nomination.status == "pending"


# ----------------------------------------------------------------------- announcing


def test_the_manager_announces_once_and_only_then_the_employee_hears(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    nomination = propose(session, org, now)
    manager = me(session, org.manager)
    assert refused(lambda: announce_nomination(session, manager, nomination.id, now)) == (
        "nomination",
        "nominations.error.not_approved_by_hr",
    )
    decide_nomination(
        session, me(session, org.hr), nomination.id, True, "", 1, now, audience=CHANNEL
    )
    assert refused(
        lambda: announce_nomination(session, me(session, org.other_manager), nomination.id, now)
    ) == ("nomination", "nominations.error.not_nominator")
    assert refused(lambda: announce_nomination(session, me(session, org.eko), nomination.id, now))[
        1
    ] == ("nominations.error.not_nominator")
    done = announce_nomination(session, manager, nomination.id, now, version=2, audience=CHANNEL)
    assert (done.status, done.announced_at, done.version) == ("announced", now, 3)
    base = f"nomination:{nomination.id}"
    assert keys(session, nomination.id)[-3:] == [
        f"{base}:employee",
        f"{base}:manager:v3",
        f"{base}:hr:announced",
    ]
    employee = rows(session, nomination.id)[-3]
    assert employee.payload["channel"] == "UEKO" and employee.next_attempt_at == now
    shown = json.dumps(employee.payload)
    assert "Congratulations! <@UMGR> nominated you for *Bonus*" in shown
    assert "ACME" not in shown  # the justification was written for HR
    assert refused(lambda: announce_nomination(session, manager, nomination.id, now)) == (
        "nomination",
        "nominations.error.already_announced",
    )
    assert len(rows(session, nomination.id)) == 7


def test_an_announcement_at_night_waits_for_the_morning(
    session: Session, org: Org, clock: FixedClock
) -> None:
    night = datetime.fromisoformat("2026-11-24T15:00:00+00:00")  # 22:00 in Jakarta
    nomination = propose(session, org, night)
    decide_nomination(session, me(session, org.hr), nomination.id, True, "", 1, night)
    announce_nomination(session, me(session, org.manager), nomination.id, night)
    employee = next(
        r for r in rows(session, nomination.id) if r.idempotency_key.endswith("employee")
    )
    assert employee.next_attempt_at == datetime.fromisoformat("2026-11-25T01:00:00+00:00")


# ----------------------------------------------------------------------- reading


def test_pending_nominations_in_one_query_and_who_sees_what(
    db: Database, session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    first = propose(session, org, now)
    second = propose(session, org, now, employee="eva", kind="promotion")
    third = propose(session, org, now, kind="certificate")
    decide_nomination(session, me(session, org.hr), second.id, True, "", 1, now)
    session.commit()
    session.expunge_all()
    statements: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        pending = pending_nominations(session, TEAM_ID)
        names = [(n.employee.slack_id, n.manager.slack_id) for n in pending]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [n.id for n in pending] == [first.id, third.id]
    assert names == [("UEKO", "UMGR"), ("UEKO", "UMGR")]
    assert len(statements) == 1, statements
    assert pending_nominations(session, "T0THER") == []

    def seen(person: Employee) -> list[int]:
        return sorted(n.id for n in nominations_of(session, me(session, person)))

    assert seen(org.hr) == seen(org.admin) == [first.id, second.id, third.id]
    assert seen(org.manager) == [first.id, second.id, third.id]
    assert seen(org.other_manager) == seen(org.eko) == seen(org.eva) == []
    announce_nomination(session, me(session, org.manager), second.id, now)
    assert seen(org.eva) == [second.id] and seen(org.eko) == []
    eko_review = review_of(session, org.eko).id
    mine = nominations_of(session, me(session, org.manager), review_id=eko_review)
    assert sorted(n.id for n in mine) == [first.id, third.id]


# ----------------------------------------------------------------------- reward types


def test_reward_types_default_edit_and_retire(
    session: Session, org: Org, clock: FixedClock
) -> None:
    now = clock.now()
    assert reward_types(session, TEAM_ID) == list(DEFAULT_TYPES)
    assert (
        types_to_text(DEFAULT_TYPES).splitlines()[3] == "extra_leave | Extra leave | Cuti tambahan"
    )
    nomination = propose(session, org, now, kind="certificate")
    with pytest.raises(PermissionDenied):
        save_reward_types(session, me(session, org.manager), DEFAULT_TYPES, now=now)
    hr = me(session, org.hr)
    assert save_reward_types(session, hr, list(DEFAULT_TYPES), now=now) is False  # unchanged
    types = parse_types_text("bonus | Cash bonus | Bonus tunai\n\ntraining | Training | Pelatihan")
    assert save_reward_types(session, hr, types, now=now) is True
    assert reward_types(session, TEAM_ID) == types
    assert type_name(types, "bonus", "id") == "Bonus tunai"
    assert type_name(types, nomination.reward_type, "en") == "certificate"  # retired: its key
    assert refused(lambda: propose(session, org, now, kind="certificate"))[1] == (
        "nominations.error.type_unknown"
    )
    assert propose(session, org, now, kind="training").reward_type == "training"
    set_setting(session, TEAM_ID, TYPES_KEY, [{"key": "x"}], actor="UADMIN", now=now)
    assert reward_types(session, TEAM_ID) == list(DEFAULT_TYPES)  # unreadable: the defaults


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("bonus | Bonus", "nominations.settings.error.format"),
        ("Big Bonus | A | B", "nominations.settings.error.key"),
        ("a | A | B\na | C | D", "nominations.settings.error.duplicate"),
        ("a |  | B", "nominations.settings.error.name"),
        (" \n ", "nominations.settings.error.empty"),
        ("\n".join(f"t{i} | T | T" for i in range(21)), "nominations.settings.error.too_many"),
    ],
)
def test_bad_reward_type_lines_are_refused(text: str, key: str) -> None:
    with pytest.raises(SettingsRejected) as caught:
        parse_types_text(text)
    assert caught.value.errors == {"reward_types": key}


def test_a_type_name_is_the_readers_language() -> None:
    leave = RewardType("extra_leave", "Extra leave", "Cuti tambahan")
    assert (leave.name("en"), leave.name("id")) == ("Extra leave", "Cuti tambahan")
