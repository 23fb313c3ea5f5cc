"""The org CSV import: all-or-nothing, every problem with its line, loops caught.

Why the database is compared before and after every failing import: "nothing changed" is the
promise HR relies on when they fix a file and run it again.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import select

from bot.clock import FixedClock
from bot.org.csv_import import ImportProblem, ImportResult, import_org, render_org_tree
from bot.slack.directory import SlackDirectory
from storage.db import Database
from storage.models import AuditLog, Employee, Team
from tests.fakeslack import FakeSlack

HEADER = "slack_id,manager_slack_id,role,team\n"
ROLES = "employee, manager, hr, admin"


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.api_url)


@pytest.fixture
def people(db: Database, workspace: str, clock: FixedClock) -> dict[str, int]:
    """Ani, Budi, Cici and Dewi (who left); Cici reports to Ani already."""
    ids: dict[str, int] = {}
    with db.session() as session:
        for slack_id, name, active in (
            ("U1", "Ani", True),
            ("U2", "Budi", True),
            ("U3", "Cici", True),
            ("U4", "Dewi", False),
        ):
            employee = Employee(
                team_id=workspace,
                slack_id=slack_id,
                name=name,
                email=f"{name.lower()}@example.com",
                active=active,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
            session.add(employee)
            session.flush()
            ids[slack_id] = employee.id
        cici = session.get(Employee, ids["U3"])
        assert cici is not None
        cici.manager_id = ids["U1"]
    return ids


def run(
    db: Database, clock: FixedClock, text: str, client: WebClient | None = None
) -> ImportResult:
    with db.session() as session:
        directory = SlackDirectory(client) if client is not None else None
        return import_org(session, directory, "T0001", text, clock.now(), actor="UADMIN")


def snapshot(db: Database) -> tuple[Any, ...]:
    with db.session() as session:
        employees = session.execute(
            select(
                Employee.slack_id,
                Employee.name,
                Employee.manager_id,
                Employee.role,
                Employee.org_team_id,
                Employee.active,
                Employee.updated_at,
            ).order_by(Employee.slack_id)
        ).all()
        teams = session.execute(select(Team.id, Team.name).order_by(Team.id)).all()
        audits = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
        return tuple(employees), tuple(teams), tuple(audits)


def org(db: Database) -> dict[str, tuple[str | None, str, str | None]]:
    """slack_id -> (manager's slack_id, role, team name)."""
    with db.session() as session:
        return {
            e.slack_id: (
                e.manager.slack_id if e.manager else None,
                e.role,
                e.org_team.name if e.org_team else None,
            )
            for e in session.scalars(select(Employee))
        }


def test_happy_path_with_slack_ids(db: Database, clock: FixedClock, people: dict[str, int]) -> None:
    text = HEADER + "U1,,admin,Leadership\nU2,U1,Manager ,Sales\nU3,U2,employee,Sales\n"

    result = run(db, clock, text)

    assert result == ImportResult(ok=True, problems=[], changed=3, teams_created=2)
    assert org(db) == {
        "U1": (None, "admin", "Leadership"),
        "U2": ("U1", "manager", "Sales"),
        "U3": ("U2", "employee", "Sales"),
        "U4": (None, "employee", None),
    }
    with db.session() as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "org.import")).one()
        assert audit.actor == "UADMIN"
        assert audit.detail == {"rows": 3, "changed": 3, "teams_created": 2, "people_created": 0}

    again = run(db, clock, text)
    assert again == ImportResult(ok=True, problems=[], changed=0, teams_created=0)


def test_email_columns_in_any_order_with_bom_crlf_and_blank_lines(
    db: Database,
    clock: FixedClock,
    people: dict[str, int],
    fake_slack: FakeSlack,
    client: WebClient,
) -> None:
    fake_slack.add_user(id="U7", real_name="Eko", email="Eko@Example.com", tz="Asia/Jayapura")
    text = (
        "\ufeffTeam, Role ,manager_email,EMAIL\r\n"
        "\r\n"
        "Sales,manager,,BUDI@example.com\r\n"
        "Sales,employee,budi@example.com,eko@example.com\r\n"
        "  \r\n"
        ",employee,eko@example.com,cici@example.com\r\n"
    )

    result = run(db, clock, text, client)

    assert result == ImportResult(ok=True, problems=[], changed=3, teams_created=1)
    assert [call.args["email"] for call in fake_slack.calls_to("users.lookupByEmail")] == [
        "eko@example.com"
    ]
    current = org(db)
    assert current["U2"] == (None, "manager", "Sales")
    assert current["U7"] == ("U2", "employee", "Sales")
    assert current["U3"] == ("U7", "employee", None)
    with db.session() as session:
        eko = session.scalars(select(Employee).where(Employee.slack_id == "U7")).one()
        assert (eko.name, eko.tz, eko.active) == ("Eko", "Asia/Jayapura", True)


def test_existing_teams_are_reused_whatever_the_case(
    db: Database, clock: FixedClock, people: dict[str, int]
) -> None:
    with db.session() as session:
        session.add(Team(team_id="T0001", name="Sales", created_at=clock.now()))
    result = run(db, clock, HEADER + "U1,,employee,sales\nU2,,employee,SALES\n")
    assert result.ok and result.teams_created == 0
    assert org(db)["U1"][2] == org(db)["U2"][2] == "Sales"


CASES: list[tuple[str, str, list[tuple[int, str]]]] = [
    ("empty file", "", [(1, "the file is empty; start with slack_id,manager_slack_id,role,team")]),
    (
        "no header",
        "U1,,admin,Sales\n",
        [(1, "the first line must be the header slack_id,manager_slack_id,role,team")],
    ),
    (
        "missing column",
        "slack_id,role,team\nU1,admin,\n",
        [(1, "missing column manager_slack_id (or manager_email)")],
    ),
    (
        "unknown column",
        "slack_id,manager_slack_id,role,team,salary\nU1,,admin,,1\n",
        [(1, "unknown column 'salary'")],
    ),
    (
        "both id columns",
        "slack_id,email,manager_slack_id,role,team\n",
        [(1, "use either slack_id or email, not both")],
    ),
    (
        "column twice",
        "slack_id,role,manager_slack_id,role,team\n",
        [(1, "column role appears twice")],
    ),
    ("wrong width", HEADER + "U1,,admin\n", [(2, "3 values, but the header has 4 columns")]),
    ("empty id", HEADER + "U1,,admin,\n ,U1,employee,\n", [(3, "slack_id is empty")]),
    ("empty email", "email,manager_email,role,team\n,,admin,\n", [(2, "email is empty")]),
    ("unknown person", HEADER + "U1,,admin,\nU9,U1,employee,\n", [(3, "unknown person U9")]),
    (
        "unknown email",
        "email,manager_email,role,team\nzed@x.io,,hr,\n",
        [(2, "unknown person 'zed@x.io'")],
    ),
    ("inactive person", HEADER + "U4,,employee,\n", [(2, "Dewi (U4) is inactive")]),
    ("inactive manager", HEADER + "U2,U4,employee,\n", [(2, "manager Dewi (U4) is inactive")]),
    (
        "bad role",
        HEADER + "U1,,admin,\nU2,,admin,\nU3,U1,boss,\n",
        [(4, f"role 'boss' is not one of {ROLES}")],
    ),
    ("empty role", HEADER + "U1,,,\n", [(2, f"role is empty; use one of {ROLES}")]),
    (
        "listed twice",
        HEADER + "U1,,admin,\nU2,U1,manager,\nu1,,hr,\n",
        [(4, "Ani (U1) is listed twice (lines 2 and 4)")],
    ),
    ("own manager", HEADER + "U2,U2,manager,\n", [(2, "Budi (U2) cannot be their own manager")]),
    (
        "unknown manager",
        HEADER + "U2,U9,employee,\n",
        [(2, "manager U9 is neither in the file nor an employee")],
    ),
    (
        "loop in the file",
        HEADER + "U2,U3,employee,\nU3,U1,employee,\nU1,U2,admin,\n",
        [(2, "reporting loop: Budi (U2) → Cici (U3) → Ani (U1) → Budi (U2)")],
    ),
    (
        "team too long",
        HEADER + "U1,,admin," + "x" * 81 + "\n",
        [(2, "team name is 81 characters long; the limit is 80")],
    ),
    (
        "every problem at once",
        HEADER + "U9,,admin,\n\nU1,U1,chief,\nU2,U8,employee,\nU2,,employee,\n",
        [
            (2, "unknown person U9"),
            (4, "Ani (U1) cannot be their own manager"),
            (4, f"role 'chief' is not one of {ROLES}"),
            (5, "manager U8 is neither in the file nor an employee"),
            (6, "Budi (U2) is listed twice (lines 5 and 6)"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_problem_is_reported_and_nothing_changes(
    db: Database,
    clock: FixedClock,
    people: dict[str, int],
    client: WebClient,
    text: str,
    expected: list[tuple[int, str]],
) -> None:
    before = snapshot(db)

    result = run(db, clock, text, client)

    assert not result.ok
    assert [(p.line, p.message) for p in result.problems] == expected
    assert (result.changed, result.teams_created) == (0, 0)
    assert snapshot(db) == before


def test_slack_lookups_create_nobody_when_the_file_fails(
    db: Database,
    clock: FixedClock,
    people: dict[str, int],
    fake_slack: FakeSlack,
    client: WebClient,
) -> None:
    fake_slack.add_user(id="U7", real_name="Eko")
    fake_slack.add_user(id="UB1", name="deploybot", is_bot=True)
    fake_slack.add_user(id="U8", real_name="Gone", deleted=True)
    before = snapshot(db)

    result = run(db, clock, HEADER + "U7,U1,employee,New team\nUB1,,employee,\nU8,,hr,\n", client)

    assert [str(problem) for problem in result.problems] == [
        "line 3: UB1 is a bot, not a person",
        "line 4: U8 has left Slack (deactivated account)",
    ]
    assert snapshot(db) == before


def test_without_a_client_strangers_are_unknown(
    db: Database, clock: FixedClock, people: dict[str, int]
) -> None:
    result = run(db, clock, HEADER + "U7,,employee,\n")
    assert result.problems == [ImportProblem(2, "unknown person U7")]


def test_a_loop_through_an_existing_reporting_line(
    db: Database, clock: FixedClock, people: dict[str, int]
) -> None:
    """Cici already reports to Ani and is not in the file; Ani → Budi → Cici closes a loop."""
    before = snapshot(db)

    result = run(db, clock, HEADER + "U2,U3,manager,\nU1,U2,admin,\n")

    assert result.problems == [
        ImportProblem(2, "reporting loop: Budi (U2) → Cici (U3) → Ani (U1) → Budi (U2)")
    ]
    assert snapshot(db) == before


def test_moving_a_person_out_of_the_way_breaks_no_loop(
    db: Database, clock: FixedClock, people: dict[str, int]
) -> None:
    """The same two lines succeed once the file also moves Cici to the top."""
    result = run(db, clock, HEADER + "U2,U3,manager,\nU1,U2,admin,\nU3,,hr,\n")
    assert result.ok
    assert org(db)["U3"] == (None, "hr", None)


def test_render_org_tree(db: Database, clock: FixedClock, people: dict[str, int]) -> None:
    with db.session() as session:
        assert render_org_tree(session, "T0001").count("\n") == 3
    text = HEADER + "U1,,admin,Leadership\nU2,U1,manager,Sales\nU3,U2,employee,Sales\n"
    assert run(db, clock, text).ok
    with db.session() as session:
        dewi = session.scalars(select(Employee).where(Employee.slack_id == "U4")).one()
        dewi.manager_id = people["U2"]
        session.add(
            Employee(
                team_id="T0001",
                slack_id="U5",
                name="Agus",
                role="hr",
                active=True,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )

    with db.session() as session:
        tree = render_org_tree(session, "T0001")

    assert tree == (
        "Agus @U5 (hr)\n"
        "Ani @U1 (admin, Leadership)\n"
        "  Budi @U2 (manager, Sales)\n"
        "    Cici @U3 (employee, Sales)\n"
        "    Dewi @U4 (employee) [inactive]"
    )


def test_render_org_tree_of_an_empty_workspace(db: Database, workspace: str) -> None:
    with db.session() as session:
        assert render_org_tree(session, workspace) == "(no people yet)"


def _physical_lines(text: str) -> int:
    return max(1, len(io.StringIO(text.removeprefix("\ufeff"), newline="").readlines()))


CSV_ALPHABET = st.sampled_from(list('U1234,\n\r" \ufeffadmin@x.ioreamgt'))
CSV_LIKE = st.one_of(
    st.text(),
    st.text(CSV_ALPHABET),
    st.builds(lambda body: HEADER + body, st.text(CSV_ALPHABET)),
    st.builds(
        lambda rows: HEADER + "\n".join(",".join(row) for row in rows),
        st.lists(
            st.tuples(
                st.sampled_from(["U1", "U2", "U3", "U4", "U9", "", "u2"]),
                st.sampled_from(["U1", "U2", "U3", "U4", "U9", ""]),
                st.sampled_from(["admin", "HR", "employee", "boss", ""]),
                st.sampled_from(["", "Sales", "x" * 81]),
            ),
            max_size=6,
        ),
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=CSV_LIKE)
def test_any_text_gives_a_result_never_an_exception(
    db: Database, clock: FixedClock, people: dict[str, int], text: str
) -> None:
    with db.session(dry_run=True) as session:
        result = import_org(session, None, "T0001", text, clock.now(), actor=None)
    assert result.ok is (not result.problems)
    last = _physical_lines(text)
    for problem in result.problems:
        assert 1 <= problem.line <= last
        assert problem.message and isinstance(problem.message, str)
