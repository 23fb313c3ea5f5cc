"""Every modal the app builds, in both languages: no optional input says "(optional)" itself.

Why: Slack prints its own "(optional)" marker after the label of an input marked
`optional: true`, so a label that carries the word shows it twice. The modals are built here
from real records, and a guard below fails when a new modal builder appears that this file
does not build, so the rule keeps covering every modal.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from bot.blocks import (
    feedback_modals,
    feedback_review,
    feedback_upward,
    modals,
    monitoring_modals,
    nominations,
    oneonone_modals,
    planning_modals,
    review_cycle,
    review_modals,
    review_steps,
    reward_modals,
)
from bot.blocks.planning_form import GoalForm, form_for_goal
from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.feedback.upward_results import QuestionResult, UpwardResults
from bot.i18n import Translator
from bot.monitoring.checkin_form import checkin_form
from bot.monitoring.schedule import ScheduleSpec
from bot.oneonone.views import ItemForm, NotesForm, SeriesForm, SeriesView
from bot.planning import create_goal
from bot.review.evidence import gather
from bot.review.turns import turn_in
from bot.reward.nominations import nominate
from bot.reward.settings import RecognitionSettings
from bot.reward.values import all_values
from storage.db import Database
from storage.goals import Goal
from storage.reviews import Review
from storage.upward import UpwardInvitation, UpwardRound
from tests.nomination_fixtures import approved
from tests.planning_fixtures import goal_input
from tests.review_fixtures import Org, make_org, review_of, sales_cycle

BLOCKS_DIR = Path(__file__).resolve().parent.parent / "bot" / "blocks"
OPTIONAL_WORD = re.compile(r"\b(optional|opsional|tidak wajib)\b", re.IGNORECASE)
LOCALES = ("en", "id")

Builder = Callable[[Translator], dict[str, Any]]


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "secret",
            "DATABASE_URL": database_url,
        }
    )


@pytest.fixture
def builders(session: Session, clock: FixedClock, settings: Settings) -> dict[str, Builder]:
    """One way to build each modal, from records made through the core."""
    now = clock.now()
    org: Org = make_org(session, now)
    sales_cycle(session, org, now)
    goal: Goal = create_goal(session, org.eko, goal_input("Grow revenue"), now=now).goal
    review: Review = approved(session, org.eko, org.manager, now)
    nomination = nominate(session, org.manager, review.id, "bonus", "Closed the deal", now)
    pending: Review = review_of(session, org.edi)
    evidence = gather(session, pending)
    form = checkin_form(session, org.eko, settings=settings, now=now)
    values = all_values(session, org.hr.team_id)
    recognition = RecognitionSettings(channel="C0KUDOS", daily_cap=5, monthly_summary=True)
    spec = ScheduleSpec()
    round_ = UpwardRound(
        name="Q4 <round>", questions=[{"label_en": "Clear goals", "label_id": "Sasaran jelas"}],
        min_answers=3, closes_on=now.date(), tz="Asia/Jakarta", status="closed",
    )  # fmt: skip
    invitation = UpwardInvitation(id=1, round=round_, manager=org.manager, employee=org.eko)
    released = UpwardResults(
        round_, True, "released", 3, (QuestionResult(round_.questions[0], 4.0),), ("Good",)
    )
    series = SeriesView(
        1, "active", "weekly", now.date(), "10:00", "Asia/Jakarta", "UMGR", "UEKO", now
    )
    notes = NotesForm(1, now, "Asia/Jakarta", "UMGR", "Mine", "Private", "Theirs")
    return {
        "feedback_modals.give_modal": lambda tr: feedback_modals.give_modal(
            tr, person=org.eko, goals=[goal], manager=org.manager, giver=org.edi
        ),
        "feedback_modals.give_modal:answer": lambda tr: feedback_modals.give_modal(
            tr, person=org.eko, fixed=True, readers="Maya reads it.", metadata={"a": 1}
        ),
        "feedback_modals.request_modal": lambda tr: feedback_modals.request_modal(
            tr, reports=[org.eko, org.edi], days=14
        ),
        "feedback_review.peers_modal": lambda tr: feedback_review.peers_modal(
            tr, callback_id=feedback_review.PROPOSE_MODAL, set_id=1, version=1, most=3,
            intro="Propose peers.",
        ),
        "feedback_upward.round_modal": lambda tr: feedback_upward.round_modal(
            tr, floor=3, questions="Clear goals | Sasaran jelas"
        ),
        "feedback_upward.answer_modal": lambda tr: feedback_upward.answer_modal(tr, invitation),
        "feedback_upward.results_modal": lambda tr: feedback_upward.results_modal(tr, released),
        "modals.notice_modal": lambda tr: modals.notice_modal(tr, "Done.", "review.notice.title"),
        "monitoring_modals.checkin_modal": lambda tr: monitoring_modals.checkin_modal(
            tr, form, ZoneInfo("Asia/Jakarta")
        ),
        "monitoring_modals.reply_modal": lambda tr: monitoring_modals.reply_modal(
            tr, 1, org.eko.slack_id, "this week"
        ),
        "monitoring_modals.schedule_modal": lambda tr: monitoring_modals.schedule_modal(
            tr, spec, team_id=org.sales.id, team_name="Sales", escalation_days=3
        ),
        "nominations.nominate_modal": lambda tr: nominations.nominate_modal(
            tr, review.id, org.eko, "2026 year-end review", [("spot_award", "Spot award")]
        ),
        "nominations.decide_modal:approve": lambda tr: nominations.decide_modal(
            tr, nomination, "Spot award", True
        ),
        "nominations.decide_modal:decline": lambda tr: nominations.decide_modal(
            tr, nomination, "Spot award", False
        ),
        "planning_modals.goal_modal:new": lambda tr: planning_modals.goal_modal(tr, GoalForm()),
        "planning_modals.goal_modal:edit": lambda tr: planning_modals.goal_modal(
            tr, form_for_goal(tr, goal)
        ),
        "planning_modals.reason_modal": lambda tr: planning_modals.reason_modal(
            tr, goal, {"g": goal.id}
        ),
        "planning_modals.progress_modal": lambda tr: planning_modals.progress_modal(tr, goal),
        "review_cycle.cycle_modal": lambda tr: review_cycle.cycle_modal(
            tr, [(org.sales.id, "Sales"), (org.ops.id, "Ops")]
        ),
        "review_modals.self_modal": lambda tr: review_modals.self_modal(tr, pending, evidence),
        "review_modals.self_confirm_modal": lambda tr: review_modals.self_confirm_modal(
            tr, pending
        ),
        "review_modals.manager_modal": lambda tr: review_modals.manager_modal(
            tr, pending, evidence
        ),
        "review_modals.discuss_modal": lambda tr: review_modals.discuss_modal(tr, review),
        "review_steps.step_modal:manager": lambda tr: review_steps.step_modal(
            tr, turn_in(org.manager, review)
        ),
        "review_steps.step_modal:employee": lambda tr: review_steps.step_modal(
            tr, turn_in(org.eko, review), done="Done."
        ),
        "oneonone_modals.series_modal:new": lambda tr: oneonone_modals.series_modal(
            tr, SeriesForm(org.eko.id, "UEKO", "Asia/Jakarta", now.date())
        ),
        "oneonone_modals.series_modal:edit": lambda tr: oneonone_modals.series_modal(
            tr, SeriesForm(org.eko.id, "UEKO", "Asia/Jakarta", now.date(), series)
        ),
        "oneonone_modals.propose_modal": lambda tr: oneonone_modals.propose_modal(
            tr, series, now.date()
        ),
        "oneonone_modals.point_modal": lambda tr: oneonone_modals.point_modal(
            tr, "UMGR", meeting_id=1, when_text="Tue 1 Dec, 10:00"
        ),
        "oneonone_modals.notes_modal": lambda tr: oneonone_modals.notes_modal(tr, notes),
        "oneonone_modals.item_modal": lambda tr: oneonone_modals.item_modal(
            tr, ItemForm(1, "UMGR", "UEKO", now.date())
        ),
        "reward_modals.give_modal": lambda tr: reward_modals.give_modal(
            tr, values, source="command", channel=None, left_today=3
        ),
        "reward_modals.settings_modal": lambda tr: reward_modals.settings_modal(
            tr, recognition, "teamwork | Teamwork | Kerja sama", values, "bonus | Bonus | Bonus"
        ),
    }


def _optional_labels(view: dict[str, Any]) -> list[str]:
    return [
        str(block["label"]["text"])
        for block in view.get("blocks") or []
        if block.get("type") == "input" and block.get("optional")
    ]


def test_no_optional_input_says_optional_in_its_label(builders: dict[str, Builder]) -> None:
    doubled = []
    seen_optional = 0
    for name, build in builders.items():
        for locale in LOCALES:
            labels = _optional_labels(build(Translator(locale)))
            seen_optional += len(labels)
            doubled += [
                f"{name} [{locale}]: {text}" for text in labels if OPTIONAL_WORD.search(text)
            ]
    assert doubled == []
    assert seen_optional > 10  # the modals above do have optional inputs to look at


def _modal_builders_in_source() -> set[str]:
    """Public functions in bot/blocks whose body builds a modal view or calls a modal frame."""
    found = set()
    for path in sorted(BLOCKS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            source = ast.get_source_segment(path.read_text(encoding="utf-8"), node) or ""
            frames = ('"type": "modal"', "_modal(", "modal(\n", " modal(")
            if node.name.endswith("modal") or any(frame in source for frame in frames):
                found.add(f"{path.stem}.{node.name}")
    return found


def test_every_modal_builder_is_covered(builders: dict[str, Builder]) -> None:
    covered = {name.split(":")[0] for name in builders}
    frames = {"review_inputs.modal", "modals.modal"}  # frames, built through every modal
    assert _modal_builders_in_source() - frames - covered == set()
