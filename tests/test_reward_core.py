"""The reward core without Slack: who may receive kudos, the daily cap in the giver's own zone,
values, settings, and the read functions other cycles rely on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.permissions import PermissionDenied
from bot.reward.errors import KudosRejected, SettingsRejected
from bot.reward.kudos import (
    give_kudos,
    given_today,
    kudos_counts_by_value,
    kudos_left_today,
    kudos_received,
    received_by_value,
    resolve_recipients,
)
from bot.reward.parse import parse_kudos_command, strip_subcommand
from bot.reward.settings import (
    parse_daily_cap,
    recognition_settings,
    settings_form,
    update_recognition_settings,
)
from bot.reward.values import (
    DEFAULT_VALUES,
    active_values,
    all_values,
    find_value,
    parse_values_text,
    values_to_text,
)
from storage.db import Database
from storage.kudos import Kudos, KudosSource
from storage.models import AuditLog, Employee, Workspace
from tests.conftest import TEAM_ID
from tests.reward_fixtures import CHANNEL, configure, outbox, person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Tuesday 10:00 in Jakarta


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as s:
        yield s


def give(session: Session, giver: Employee, *people: Employee, **options: Any) -> Kudos:
    options.setdefault("message", "Thanks for the demo prep!")
    options.setdefault("value_key", None)
    options.setdefault("now", NOW)
    return give_kudos(
        session,
        giver,
        list(people),
        options.pop("message"),
        options.pop("value_key"),
        options.pop("source", KudosSource.COMMAND),
        options.pop("now"),
        **options,
    )


def rejected(call: Any) -> tuple[str, str]:
    with pytest.raises(KudosRejected) as caught:
        call()
    return caught.value.field, caught.value.key


# ----------------------------------------------------------------------------- giving


def test_kudos_is_saved_with_its_channel_post_and_one_dm_per_recipient(session: Session) -> None:
    configure(session, NOW)
    ani, budi, citra = (person(session, s, NOW) for s in ("UANI", "UBUDI", "UCITRA"))
    kudos = give(session, ani, budi, citra, message="  Great launch!\n", value_key="#Kolaborasi")
    assert kudos.message == "Great launch!"
    assert kudos.value is not None and kudos.value.key == "collaboration"
    assert [r.employee_id for r in kudos.recipients] == [budi.id, citra.id]
    rows = outbox(session)
    assert set(rows) == {
        f"kudos:{kudos.id}:channel",
        f"kudos:{kudos.id}:dm:{budi.id}",
        f"kudos:{kudos.id}:dm:{citra.id}",
    }
    assert rows[f"kudos:{kudos.id}:channel"].payload["channel"] == CHANNEL
    assert rows[f"kudos:{kudos.id}:dm:{budi.id}"].payload["channel"] == "UBUDI"


def test_without_a_channel_the_kudos_is_only_sent_to_the_recipients(session: Session) -> None:
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)
    kudos = give(session, ani, budi)
    assert set(outbox(session)) == {f"kudos:{kudos.id}:dm:{budi.id}"}


def test_a_dm_waits_for_the_recipients_working_hours(session: Session) -> None:
    ani = person(session, "UANI", NOW)
    owl = person(session, "UOWL", NOW, tz="America/New_York")  # 22:00 on Monday there
    kudos = give(session, ani, owl)
    row = outbox(session)[f"kudos:{kudos.id}:dm:{owl.id}"]
    assert row.next_attempt_at == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 08:00 in New York


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("nobody", ("recipients", "reward.error.no_recipients")),
        ("self", ("recipients", "reward.error.self")),
        ("self_among_others", ("recipients", "reward.error.self")),
        ("inactive", ("recipients", "reward.error.inactive")),
        ("other_workspace", ("recipients", "reward.error.unknown")),
        ("too_many", ("recipients", "reward.error.too_many")),
        ("empty", ("message", "reward.error.empty")),
        ("blank", ("message", "reward.error.empty")),
        ("too_long", ("message", "reward.error.too_long")),
        ("unknown_value", ("value", "reward.error.unknown_value")),
    ],
)
def test_refusals(session: Session, case: str, expected: tuple[str, str]) -> None:
    session.add(Workspace(team_id="T0002", name="Other", created_at=NOW))
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)
    gone = person(session, "UGONE", NOW, active=False)
    stranger = person(session, "UANI", NOW, team_id="T0002")
    crowd = [person(session, f"UC{i}", NOW) for i in range(11)]
    calls = {
        "nobody": lambda: give(session, ani),
        "self": lambda: give(session, ani, ani),
        "self_among_others": lambda: give(session, ani, budi, ani),
        "inactive": lambda: give(session, ani, budi, gone),
        "other_workspace": lambda: give(session, ani, stranger),
        "too_many": lambda: give(session, ani, *crowd),
        "empty": lambda: give(session, ani, budi, message=""),
        "blank": lambda: give(session, ani, budi, message=" \n\t "),
        "too_long": lambda: give(session, ani, budi, message="x" * 1001),
        "unknown_value": lambda: give(session, ani, budi, value_key="#teamwork"),
    }
    assert rejected(calls[case]) == expected
    assert session.scalar(select(func.count()).select_from(Kudos)) == 0
    assert outbox(session) == {}


def test_a_message_of_exactly_the_limit_is_accepted(session: Session) -> None:
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)
    assert len(give(session, ani, budi, message="x" * 1000).message) == 1000


def test_an_inactive_giver_may_not_give(session: Session) -> None:
    gone, budi = person(session, "UGONE", NOW, active=False), person(session, "UBUDI", NOW)
    with pytest.raises(PermissionDenied):
        give(session, gone, budi)


def test_unknown_value_names_the_valid_ones(session: Session) -> None:
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)
    with pytest.raises(KudosRejected) as caught:
        give(session, ani, budi, value_key="teamwork")
    assert caught.value.values["value"] == "teamwork"
    assert "#collaboration" in str(caught.value.values["values"])


def test_recipients_are_resolved_and_bots_told_apart() -> None:
    budi = Employee(id=2, slack_id="UBUDI", team_id=TEAM_ID, active=True)
    known = {"UBUDI": budi}
    bots = {"UAPP"}

    def resolve(*ids: str) -> list[Employee]:
        return resolve_recipients(ids, find=known.get, is_bot=bots.__contains__)

    assert resolve("UBUDI", "UBUDI") == [budi]
    for ids, key in (
        (("UAPP",), "reward.error.bot"),
        (("USLACKBOT",), "reward.error.bot"),
        (("UBUDI", "UNOBODY"), "reward.error.unknown"),
    ):
        assert rejected(lambda ids=ids: resolve(*ids)) == ("recipients", key)


# ----------------------------------------------------------------------------- daily cap


def test_the_daily_cap_counts_from_midnight_in_the_givers_zone(session: Session) -> None:
    configure(session, NOW, cap=2)
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)  # Jakarta, UTC+7
    give(session, ani, budi, now=datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # 00:00 on the 24th
    give(session, ani, budi, now=NOW)
    late = datetime(2026, 11, 24, 16, 59, tzinfo=UTC)  # 23:59 in Jakarta
    field, key = rejected(lambda: give(session, ani, budi, now=late))
    assert (field, key) == ("message", "reward.error.daily_cap")
    assert kudos_left_today(session, ani, late) == 0
    midnight = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 00:00 on the 25th in Jakarta
    give(session, ani, budi, now=midnight)
    assert given_today(session, ani, midnight) == 1


def test_the_cap_follows_a_giver_in_another_zone(session: Session) -> None:
    configure(session, NOW, cap=1)
    nyc = person(session, "UNYC", NOW, tz="America/New_York")
    budi = person(session, "UBUDI", NOW)
    give(session, nyc, budi, now=datetime(2026, 11, 24, 4, 0, tzinfo=UTC))  # 23:00 on the 23rd
    give(session, nyc, budi, now=datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 01:00 on the 24th
    assert rejected(
        lambda: give(session, nyc, budi, now=datetime(2026, 11, 25, 4, 59, tzinfo=UTC))
    ) == ("message", "reward.error.daily_cap")


def test_a_giver_without_a_zone_uses_the_organisations(session: Session) -> None:
    configure(session, NOW, cap=1)
    nozone, budi = person(session, "UNOZ", NOW, tz=None), person(session, "UBUDI", NOW)
    give(session, nozone, budi, now=datetime(2026, 11, 24, 18, 0, tzinfo=UTC), org_tz="UTC")
    after = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
    give(session, nozone, budi, now=after, org_tz="UTC")  # a new day in UTC
    assert given_today(session, nozone, after, "Asia/Jakarta") == 2  # the same day in Jakarta


def test_the_default_cap_is_five(session: Session) -> None:
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)
    for minute in range(5):
        give(session, ani, budi, now=NOW + timedelta(minutes=minute))
    assert rejected(lambda: give(session, ani, budi))[1] == "reward.error.daily_cap"


# ----------------------------------------------------------------------------- reading


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SELECT statements sent to the database inside the block."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_counts_by_value_per_person_in_one_query(db: Database, workspace: str) -> None:
    clock = FixedClock(NOW)
    with db.session() as session:
        configure(session, NOW, cap=50)
        ani, budi, citra = (person(session, s, NOW) for s in ("UANI", "UBUDI", "UCITRA"))
        give(session, ani, budi, citra, value_key="collaboration")
        give(session, ani, budi, value_key="collaboration")
        give(session, citra, budi, value_key="innovation")
        give(session, citra, ani)  # no value
        give(session, ani, budi, value_key="innovation", now=NOW - timedelta(days=40))
        ids = (ani.id, budi.id, citra.id)
    with db.session() as session, statements(db) as seen:
        counts = kudos_counts_by_value(
            session, TEAM_ID, clock.now() - timedelta(days=30), clock.now() + timedelta(hours=1)
        )
    assert len(seen) == 1
    ani_id, budi_id, citra_id = ids
    assert counts == sorted(
        [
            (ani_id, None, 1),
            (budi_id, "collaboration", 2),
            (budi_id, "innovation", 1),
            (citra_id, "collaboration", 1),
        ]
    )


def test_kudos_received_newest_first_with_everything_loaded(db: Database, workspace: str) -> None:
    with db.session() as session:
        ani, budi, citra = (person(session, s, NOW) for s in ("UANI", "UBUDI", "UCITRA"))
        first = give(session, ani, budi, message="one", now=NOW - timedelta(days=3))
        second = give(session, citra, budi, ani, message="two", value_key="ownership")
        give(session, ani, citra, message="not for budi")
        budi_id = budi.id
    with db.session() as session:
        budi = session.get(Employee, budi_id)
        assert budi is not None
        with statements(db) as seen:
            got = kudos_received(session, budi)
            rendered = [
                (k.message, k.giver.slack_id, k.value and k.value.key, len(k.recipients))
                for k in got
                for _ in [r.employee.slack_id for r in k.recipients]
            ]
        assert len(seen) <= 5  # a fixed number of queries, not one per kudos
        assert [k.id for k in got] == [second.id, first.id]
        assert rendered[0] == ("two", "UCITRA", "ownership", 2)
        assert [k.id for k in kudos_received(session, budi, since=NOW - timedelta(days=1))] == [
            second.id
        ]
        assert [k.id for k in kudos_received(session, budi, until=NOW)] == [first.id]
        counts = received_by_value(session, budi, NOW - timedelta(days=30))
        assert [(v.key if v else None, n) for v, n in counts] == [("ownership", 1), (None, 1)]


# ----------------------------------------------------------------------------- values


def test_default_values_are_bilingual_and_created_once(db: Database, workspace: str) -> None:
    with db.session() as session:
        first = all_values(session, TEAM_ID)
    with db.session() as session:
        again = all_values(session, TEAM_ID)
    assert [v.id for v in first] == [v.id for v in again]
    assert [v.key for v in first] == [spec.key for spec in DEFAULT_VALUES]
    assert all(v.name_en and v.name_id and v.emoji for v in first)
    assert {v.name_id for v in first} >= {"Integritas", "Kolaborasi", "Tanggung jawab"}


@pytest.mark.parametrize(
    "text", ["customer", "#Customer", "Customer focus", "customer-focus", "FOKUS_PELANGGAN"]
)
def test_a_value_is_found_by_key_or_either_name(session: Session, text: str) -> None:
    found = find_value(active_values(session, TEAM_ID), text)
    assert found is not None and found.key == "customer"


def test_admin_renames_adds_and_retires_values(session: Session) -> None:
    hr = person(session, "UHR", NOW, role="hr")
    ani, budi = person(session, "UANI", NOW), person(session, "UBUDI", NOW)
    give(session, ani, budi, value_key="innovation")
    lines = "\n".join(
        [
            "collaboration | Teamwork | Kerja sama | :handshake:",
            "",
            "learning | Learning | Belajar",
            "integrity | Integrity | Integritas | :gem:",
        ]
    )
    update_recognition_settings(
        session,
        hr,
        channel="C0NEW",
        daily_cap=3,
        monthly_summary=False,
        values=parse_values_text(lines),
        now=NOW,
    )
    assert values_to_text(active_values(session, TEAM_ID)) == (
        "collaboration | Teamwork | Kerja sama | :handshake:\n"
        "learning | Learning | Belajar\n"
        "integrity | Integrity | Integritas | :gem:"
    )
    assert recognition_settings(session, TEAM_ID).channel == "C0NEW"
    assert rejected(lambda: give(session, ani, budi, value_key="innovation"))[0] == "value"
    assert give(session, ani, budi, value_key="teamwork").value.key == "collaboration"  # type: ignore[union-attr]
    counts = kudos_counts_by_value(session, TEAM_ID, NOW - timedelta(days=1), NOW + timedelta(1))
    assert (budi.id, "innovation", 1) in counts  # a retired value keeps its past kudos
    actions = session.scalars(select(AuditLog.action).where(AuditLog.actor == "UHR")).all()
    assert sorted(actions) == ["reward.values_changed"] + ["setting.changed"] * 3


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("just one part", "reward.settings.error.values_format"),
        ("Bad Key | A | B", "reward.settings.error.values_key"),
        ("a | A | B\na | C | D", "reward.settings.error.values_duplicate"),
        ("a |  | B", "reward.settings.error.values_name"),
        ("a | A | B | tada", "reward.settings.error.values_emoji"),
        ("\n  \n", "reward.settings.error.values_empty"),
        ("\n".join(f"v{i} | V | V" for i in range(51)), "reward.settings.error.values_too_many"),
    ],
)
def test_bad_value_lines_are_refused_with_the_line_number(text: str, key: str) -> None:
    with pytest.raises(SettingsRejected) as caught:
        parse_values_text(text)
    assert caught.value.errors == {"values": key}
    if key.endswith(("format", "duplicate")):
        assert caught.value.values["line"] in (1, 2)


def test_only_hr_and_admins_change_recognition_settings(session: Session) -> None:
    ani = person(session, "UANI", NOW)
    with pytest.raises(PermissionDenied):
        settings_form(session, ani)
    with pytest.raises(PermissionDenied):
        update_recognition_settings(
            session, ani, channel=None, daily_cap=5, monthly_summary=True, values=[], now=NOW
        )
    admin = person(session, "UADM", NOW, role="admin")
    form = settings_form(session, admin)
    assert form.settings.channel is None and form.settings.daily_cap == 5
    assert form.settings.monthly_summary is True
    assert form.values_text.startswith("integrity | Integrity | Integritas | :gem:")


@pytest.mark.parametrize("text", ["0", "51", "", "five", "2.5"])
def test_daily_cap_must_be_a_sensible_whole_number(text: str) -> None:
    with pytest.raises(SettingsRejected):
        parse_daily_cap(text)
    assert parse_daily_cap(" 7 ") == 7


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "recipients", "value", "message"),
    [
        (
            "<@U123|ani> <@U456>, #collaboration thanks for\nthe demo #1",
            ["U123", "U456"],
            "collaboration",
            "thanks for\nthe demo #1",
        ),
        ("<@U1> <#C99|innovation> nice", ["U1"], "innovation", "nice"),
        ("<@U1> <@U1> <!here> great job <@U999>", ["U1"], None, "<!here> great job <@U999>"),
        ("hello <@U1>", [], None, "hello <@U1>"),
        ("<@U1>", ["U1"], None, ""),
        ("#ownership <@W2> ok", ["W2"], "ownership", "ok"),
        ("", [], None, ""),
    ],
)
def test_command_text_is_parsed(
    text: str, recipients: list[str], value: str | None, message: str
) -> None:
    parsed = parse_kudos_command(text)
    assert (parsed.recipients, parsed.value, parsed.message) == (recipients, value, message)


def test_the_subcommand_is_stripped_keeping_the_message_layout() -> None:
    assert strip_subcommand("kudos <@U1> line one\n  line two") == "<@U1> line one\n  line two"
    assert strip_subcommand("  apresiasi  ") == ""
