"""Issue 8, property tests: whatever people type — a goal, a key result, a reason, a check-in,
a reply, a `/kinerja` command, an org CSV — Kinerja never crashes, every message, modal and Home
it renders passes the fake Slack's Block Kit validator, no `<!…>`, `<@…>`, `<#…>` or `<http…>`
they typed reaches Slack unescaped, and what it refuses comes back as a named, translated error.

Kudos messages: tests/test_reward_escaping.py. Unreadable CSV: tests/test_org_import.py (here:
readable files with arbitrary values).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks import planning as planning_blocks
from bot.blocks.monitoring import summary_message
from bot.blocks.monitoring_home import section_blocks
from bot.blocks.monitoring_modals import checkin_modal
from bot.blocks.people import profile_message
from bot.blocks.planning_form import form_for_goal, parent_option
from bot.blocks.planning_modals import goal_modal, progress_modal, reason_modal
from bot.clock import FixedClock, zone_of
from bot.config import Settings
from bot.i18n import Translator
from bot.monitoring import (
    CheckinAnswers,
    MonitoringValidationError,
    checkin_form,
    checkin_status,
    reply_to_checkin,
    set_obstacle_status,
    submit_checkin,
)
from bot.monitoring.summary import summary_of
from bot.org.csv_import import import_org
from bot.org.overview import profile_of
from bot.planning import (
    GoalInput,
    KeyResultInput,
    ValidationError,
    alignable_parents,
    alignment_chain,
    create_goal,
    request_changes,
)
from bot.planning.forms import clean_text
from bot.slack.services import Services
from handlers.commands import handle_kinerja
from handlers.cycles import catalog
from handlers.home import HomeContext
from handlers.planning import home_section
from storage.checkins import ObstacleStatus
from storage.db import Database
from storage.models import Employee
from tests.appserver import settings_for
from tests.conftest import BOT_TOKEN, TEAM_ID
from tests.fakeslack import FakeSlack
from tests.planning_fixtures import make_org
from tests.property_checks import (
    FAST,
    LOCALES,
    check_blocks,
    check_errors,
    check_message,
    check_outbox,
    check_view,
    free_text,
    typed,
    untrusted,
)

HOME_SETTINGS = settings_for("sqlite:///unused.db", "http://127.0.0.1:9/api/")


@pytest.fixture
def app_settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


# ------------------------------------------------------------------ planning


@FAST
@given(
    title=typed(150),
    description=typed(3000) | st.just(""),
    kr_title=typed(150),
    unit=typed(32) | st.just(""),
    check_title=typed(150),
    reason=typed(2000),
    search=st.just("") | untrusted,
)
def test_goal_texts(
    db: Database,
    workspace: str,
    clock: FixedClock,
    title: str,
    description: str,
    kr_title: str,
    unit: str,
    check_title: str,
    reason: str,
    search: str,
) -> None:
    now = clock.now()
    data = GoalInput(
        title=title,
        description=description,
        due_date=date(2026, 12, 31),
        key_results=[
            KeyResultInput(title=kr_title, start="0", target="10", unit=unit),
            KeyResultInput(title=check_title, kind="check"),
        ],
    )
    with db.session(dry_run=True) as session:
        org = make_org(session, TEAM_ID, now)
        try:
            goal = create_goal(session, org.employee, data, now=now).goal
        except ValidationError as refused:
            fields = {"title", "description"} | {
                f"kr.{i}.{part}" for i in (0, 1) for part in ("title", "unit")
            }
            check_errors(refused.errors, fields, {})
            event("goal refused")
            return
        event("goal saved")
        assert goal.title == clean_text(title) and goal.status == "pending_approval"
        assert "\x00" not in goal.title + goal.description
        chain = alignment_chain(session, goal)
        for locale in LOCALES:
            tr = Translator(locale)
            request = planning_blocks.approval_request(
                tr, goal, chain, approver_slack="UMGR", via_hr=False
            )
            check_message(request)
            check_message(planning_blocks.goals_list(tr, [(goal, chain)]))
            check_message(
                planning_blocks.outcome_for_owner(
                    tr, goal, outcome="changes_requested", actor_slack="UMGR", reason=reason
                )
            )
            for view in (
                goal_modal(tr, form_for_goal(tr, goal)),
                progress_modal(tr, goal),
                reason_modal(tr, goal, {"g": goal.id, "v": 1}),
            ):
                check_view(view)
            for person in (org.employee, org.manager):
                home = home_section(HomeContext(session, person, tr, now, HOME_SETTINGS))
                check_blocks(home, "home")
        # What someone types into the parent-goal search box, with Maya's team goal (named
        # like Eko's) to find.
        team = GoalInput(
            title=goal.title,
            level="team",
            due_date=date(2026, 12, 31),
            key_results=[KeyResultInput(title="Sales", start="0", target="1")],
        )
        create_goal(session, org.manager, team, now=now)
        found = alignable_parents(session, org.employee, search[:100], level="personal")
        if not search:
            assert found
        for locale in LOCALES:
            options = [parent_option(Translator(locale), parent) for parent in found]
            assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)
        try:
            request_changes(session, org.manager, goal.id, version=1, reason=reason, now=now)
        except ValidationError as refused:
            check_errors(refused.errors, {"reason"}, {})
        check_outbox(session)


# ------------------------------------------------------------------ monitoring


@FAST
@given(
    wins=typed(1000),
    obstacles=st.lists(typed(300), max_size=6).map("\n".join) | free_text,
    support=typed(1000) | st.just(""),
    plans=typed(1000),
    reply=typed(2000),
)
def test_checkin_texts(
    db: Database,
    workspace: str,
    clock: FixedClock,
    app_settings: Settings,
    wins: str,
    obstacles: str,
    support: str,
    plans: str,
    reply: str,
) -> None:
    now = clock.now()
    answers = CheckinAnswers(
        period="2026-W48", mood="3", wins=wins, obstacles=obstacles, support=support, plans=plans
    )
    with db.session(dry_run=True) as session:
        org = make_org(session, TEAM_ID, now)
        try:
            with session.begin_nested():
                result = submit_checkin(
                    session, org.employee, answers, settings=app_settings, now=now
                )
        except MonitoringValidationError as refused:
            fields = {"wins", "obstacles", "support", "plans"}
            check_errors(refused.errors, fields, refused.values)
            event("check-in refused")
            return
        event(f"check-in saved, {len(result.checkin.obstacles)} obstacles")
        checkin = result.checkin
        try:
            with session.begin_nested():
                reply_to_checkin(
                    session, org.manager, checkin.id, reply, settings=app_settings, now=now
                )
        except MonitoringValidationError as refused:
            check_errors(refused.errors, {"reply"}, refused.values)
        for obstacle in checkin.obstacles[:1]:
            set_obstacle_status(
                session,
                org.manager,
                obstacle.id,
                ObstacleStatus.HELPING,
                settings=app_settings,
                now=now,
            )
        check_outbox(session)
        zone = zone_of(org.employee.tz, app_settings.default_tz)
        for locale in LOCALES:
            tr = Translator(locale)
            summary = summary_of(session, checkin)
            check_message(summary_message(tr, summary, org.manager.slack_id))
            check_message(summary_message(tr, summary, org.manager.slack_id, stand_in=True))
            form = checkin_form(session, org.employee, settings=app_settings, now=now)
            check_view(checkin_modal(tr, form, zone))
            for person in (org.employee, org.manager):
                status = checkin_status(session, person, settings=app_settings, now=now)
                check_blocks(section_blocks(tr, status, now), "home")


# ------------------------------------------------------------------ the /kinerja command

CATALOG = catalog()
NAMES = sorted({c.name for c in CATALOG} | {a for c in CATALOG for a in c.aliases})


@pytest.fixture
def router(
    db: Database, workspace: str, clock: FixedClock, app_settings: Settings, fake_slack: FakeSlack
) -> Services:
    with db.session() as session:
        make_org(session, TEAM_ID, clock.now())
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    return Services(app_settings, db, clock, client)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    user=st.sampled_from(["UEMP", "UMGR", "UHR", "UADMIN"]),
    first=st.sampled_from(NAMES) | untrusted,
    rest=untrusted,
)
# A NUL in the text: PostgreSQL refuses it in any text column a subcommand stores or looks up.
@example(user="UADMIN", first="admin", rest="\x00")
@example(user="UHR", first="review", rest="open \x00")
def test_any_command_text_is_answered(router: Services, user: str, first: str, rest: str) -> None:
    text = f"{first} {rest}" if rest else first
    acks: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    command = {
        "team_id": TEAM_ID,
        "user_id": user,
        "text": text,
        "command": "/kinerja",
        "channel_id": "C0GENERAL",
        "trigger_id": "T.1",
        "response_url": "http://127.0.0.1:9/unused",
    }

    handle_kinerja(
        router,
        CATALOG,
        lambda *a, **kw: acks.append(kw if not a else {"text": a[0], **kw}),  # type: ignore[arg-type]
        command,
        lambda *a, **kw: responses.append(kw if not a else {"text": a[0], **kw}),  # type: ignore[arg-type]
    )

    assert len(acks) == 1, acks  # acknowledged exactly once, never left hanging
    for answer in acks + responses:
        if answer:
            assert answer.get("text") or answer.get("blocks"), answer
            check_message(answer)
    words = text.split()
    if not words or words[0].lower() not in NAMES:
        shown = acks[0].get("text", "")
        assert shown.startswith(("Kinerja — what you can do", "Kinerja — yang bisa Anda lakukan"))


# ------------------------------------------------------------------ the org CSV


@pytest.fixture
def staff(db: Database, workspace: str, clock: FixedClock) -> list[str]:
    with db.session() as session:
        for slack_id in ("U1", "U2", "U3"):
            session.add(
                Employee(
                    team_id=TEAM_ID,
                    slack_id=slack_id,
                    name=slack_id,
                    active=True,
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
    return ["U1", "U2", "U3"]


def _csv(rows: list[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["slack_id", "manager_slack_id", "role", "team"])
    writer.writerows(rows)
    return out.getvalue()


ROLES_TYPED = ["employee", "Manager", "HR", "admin", " hr "]


@st.composite
def org_rows(draw: st.DrawFn) -> list[tuple[str, str, str, str]]:
    """A file that mostly makes sense (managers above their reports: no loops), with any team
    name, and now and then one cell replaced by anything at all."""
    people = list(draw(st.permutations(["U1", "U2", "U3"])))[: draw(st.integers(1, 3))]
    rows = [
        (
            person,
            draw(st.sampled_from(["", *people[:index]])),
            draw(st.sampled_from(ROLES_TYPED)),
            draw(untrusted.map(lambda t: t[:80]) | st.just("Sales")),
        )
        for index, person in enumerate(people)
    ]
    if draw(st.booleans()):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, 3))
        cells = list(rows[row])
        cells[column] = draw(free_text)
        rows[row] = (cells[0], cells[1], cells[2], cells[3])
    return rows


@FAST
@given(rows=org_rows())
def test_org_csv_values(
    db: Database, clock: FixedClock, staff: list[str], rows: list[tuple[str, str, str, str]]
) -> None:
    text = _csv(rows)
    lines = len(io.StringIO(text, newline="").readlines())  # as an editor shows them
    with db.session(dry_run=True) as session:
        result = import_org(session, None, TEAM_ID, text, clock.now(), actor=None)
        for problem in result.problems:  # a clear error: its line, one short line of text
            assert 1 <= problem.line <= lines
            assert problem.message.strip() and len(problem.message) <= 300
            assert "\n" not in problem.message and "\r" not in problem.message
        event("import applied" if result.ok else "import refused")
        if not result.ok:
            return
        for slack_id in staff:
            person = session.scalars(select(Employee).where(Employee.slack_id == slack_id)).one()
            for locale in LOCALES:
                check_message(profile_message(Translator(locale), profile_of(session, person)))
