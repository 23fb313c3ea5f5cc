"""An upward round as HR types it (the modal), parsed and checked: pure, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import t
from bot.sanitize import clean_text

NAME_MAX = 150
QUESTION_MAX = 200
MAX_QUESTIONS = 8
COMMENT_MAX = 2000
SCALE = (1, 2, 3, 4, 5)
HIGHEST_MINIMUM = 50
DEFAULT_QUESTIONS = 4


@dataclass
class RoundInput:
    name: str = ""
    questions: str = ""  # one a line: "English | Indonesia", or one text for both
    closes_on: date | None = None
    min_answers: int | None = None  # None: the organisation's floor


@dataclass(frozen=True)
class RoundSpec:
    name: str
    questions: list[dict[str, str]]
    closes_on: date
    min_answers: int


def default_questions() -> str:
    keys = (f"feedback.upward.default.q{n}" for n in range(1, DEFAULT_QUESTIONS + 1))
    return "\n".join(f"{t('en', key)} | {t('id', key)}" for key in keys)


def question_text(question: dict[str, Any], locale: str) -> str:
    preferred = question.get("label_id" if locale == "id" else "label_en")
    return str(preferred or question.get("label_en") or question.get("label_id") or "")


def _questions(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    questions = []
    for raw in clean_text(text).splitlines():
        line = raw.strip().lstrip("-•*").strip()
        if not line:
            continue
        english, bar, indonesian = (part.strip() for part in line.partition("|"))
        if not bar:
            indonesian = english
        if english or indonesian:
            questions.append({"label_en": english or indonesian, "label_id": indonesian or english})
    if not questions:
        errors["questions"] = "feedback.upward.error.questions_required"
    elif len(questions) > MAX_QUESTIONS:
        errors["questions"] = "feedback.upward.error.questions_many"
    elif any(len(v) > QUESTION_MAX for q in questions for v in q.values()):
        errors["questions"] = "feedback.upward.error.question_long"
    return questions


def round_errors(
    data: RoundInput, *, today: date, floor: int
) -> tuple[RoundSpec | None, dict[str, str]]:
    """The round as it will be stored, or the problems by field (i18n keys)."""
    errors: dict[str, str] = {}
    name = " ".join(clean_text(data.name).split())
    if not name:
        errors["name"] = "feedback.upward.error.name_required"
    elif len(name) > NAME_MAX:
        errors["name"] = "feedback.upward.error.name_long"
    questions = _questions(data.questions, errors)
    if data.closes_on is None:
        errors["closes_on"] = "feedback.upward.error.date_required"
    elif data.closes_on < today:
        errors["closes_on"] = "feedback.upward.error.date_past"
    minimum = data.min_answers if data.min_answers is not None else floor
    if not max(3, floor) <= minimum <= HIGHEST_MINIMUM:
        errors["min_answers"] = "feedback.upward.error.min_answers"
    if errors or data.closes_on is None:
        return None, errors
    return RoundSpec(name, questions, data.closes_on, minimum), {}
