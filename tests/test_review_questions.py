"""Review questions in both languages: parsed like competencies, shown in each reader's
language with the other as fallback, and older one-language cycles carried over by 0014c."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, update

from bot.blocks.review import answers_blocks
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.review.forms import CycleInput, question_text, validate_cycle
from storage.db import Database
from storage.reviews import ReviewCycle
from tests.review_fixtures import make_org, sales_cycle

MIGRATION = (
    Path(__file__).resolve().parent.parent
    / "storage/migrations/versions/0014c_review_questions_bilingual.py"
)


def _validated(questions: str) -> list[dict[str, str]]:
    data = CycleInput(
        name="Year end",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        self_due=date(2026, 12, 4),
        manager_due=date(2026, 12, 11),
        everyone=True,
        questions=questions,
        competencies="Craft | Keahlian",
    )
    return validate_cycle(data, date(2026, 11, 24)).questions


def test_a_question_line_holds_both_languages_or_one() -> None:
    assert _validated("- Wins? | Keberhasilan?\nGrowth?\n | Hanya Indonesia") == [
        {"label_en": "Wins?", "label_id": "Keberhasilan?"},
        {"label_en": "Growth?", "label_id": "Growth?"},
        {"label_en": "", "label_id": "Hanya Indonesia"},
    ]


def test_each_reader_gets_their_language_and_the_other_when_one_is_missing() -> None:
    both = {"label_en": "Wins?", "label_id": "Keberhasilan?"}
    only_id = {"label_en": "", "label_id": "Hanya Indonesia"}
    assert question_text(both, "en") == "Wins?" and question_text(both, "id") == "Keberhasilan?"
    assert question_text(only_id, "en") == "Hanya Indonesia"
    assert question_text("Legacy question", "id") == "Legacy question"
    cycle = ReviewCycle(questions=[both, only_id])
    shown = str(answers_blocks(Translator("id"), cycle, {"q0": "Banyak"}))
    assert "*Keberhasilan?*" in shown and "*Hanya Indonesia*" in shown and "Wins?" not in shown


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("questions_0014c", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_turns_one_language_questions_into_pairs_and_back(
    db: Database, workspace: str, clock: FixedClock
) -> None:
    with db.session() as session:
        org = make_org(session, clock.now())
        cycle_id = sales_cycle(session, org, clock.now()).cycle.id
        session.execute(
            update(ReviewCycle)
            .where(ReviewCycle.id == cycle_id)
            .values(questions=["Apa yang berjalan baik?", "Apa yang sulit?"])
        )
    migration = _migration()

    def run(step: str) -> list[object]:
        with db.engine.begin() as connection:
            with Operations.context(MigrationContext.configure(connection)):
                getattr(migration, step)()
            return list(
                connection.execute(
                    select(ReviewCycle.questions).where(ReviewCycle.id == cycle_id)
                ).scalar_one()
            )

    assert run("upgrade") == [
        {"label_en": "Apa yang berjalan baik?", "label_id": "Apa yang berjalan baik?"},
        {"label_en": "Apa yang sulit?", "label_id": "Apa yang sulit?"},
    ]
    assert run("upgrade")[1] == {"label_en": "Apa yang sulit?", "label_id": "Apa yang sulit?"}
    assert run("downgrade") == ["Apa yang berjalan baik?", "Apa yang sulit?"]
