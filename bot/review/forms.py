"""What a person typed into the review modals (or the CLI), parsed and validated.

Nothing here touches the database: the same checks serve the modal (inline errors keyed by
block_id), the CLI (one line per problem) and the tests. Field names are the modal's block
ids, so a handler maps an error to its input without a translation table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.i18n import t
from bot.review.errors import ReviewValidationError
from bot.sanitize import clean_text

NAME_MAX = 150
QUESTION_MAX = 300
LABEL_MAX = 60
ANSWER_MAX = 3000
MAX_QUESTIONS = 10
MAX_COMPETENCIES = 10
SCALE_MIN, SCALE_MAX = 2, 10
DEFAULT_COMPETENCIES = ("quality", "collaboration", "ownership", "communication", "growth")
DEFAULT_QUESTIONS = 3
DEFAULT_SCALE = 5
SUMMARY = "summary"


@dataclass
class CycleInput:
    """A cycle as typed: dates may be missing, lists are one item per line."""

    name: str = ""
    period_start: date | None = None
    period_end: date | None = None
    opens_on: date | None = None  # None: open today
    self_due: date | None = None
    manager_due: date | None = None
    everyone: bool = False
    team_ids: list[int] = field(default_factory=list)
    questions: str = ""  # "English question | Pertanyaan Indonesia", or one text for both
    competencies: str = ""  # "English label | Label Indonesia", or one label for both
    scale: str = ""  # lowest first; empty: the default 1–5 labels


@dataclass(frozen=True)
class CycleSpec:
    name: str
    period_start: date
    period_end: date
    opens_on: date
    self_due: date
    manager_due: date
    everyone: bool
    team_ids: list[int]
    questions: list[dict[str, str]]  # {"label_en": …, "label_id": …}, one side may be empty
    competencies: list[dict[str, str]]
    scale: list[dict[str, Any]]


def lines_of(text: str) -> list[str]:
    """Non-empty lines without the bullets people paste."""
    found = []
    for raw in clean_text(text).splitlines():
        line = raw.strip().lstrip("-•*").strip()
        if line:
            found.append(line)
    return found


def bilingual(line: str) -> tuple[str, str]:
    english, bar, indonesian = line.partition("|")
    english, indonesian = english.strip(), indonesian.strip()
    return english, (indonesian if bar and indonesian else english)


def slug(text: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return cleaned[:40] or "competency"


def default_questions() -> str:
    """The default questions in both languages, one "English | Indonesia" line each, so a
    cycle opened by an English- or an Indonesian-speaking HR person reads well to everyone."""
    keys = (f"review.default.q{n}" for n in range(1, DEFAULT_QUESTIONS + 1))
    return "\n".join(f"{t('en', key)} | {t('id', key)}" for key in keys)


def default_competencies() -> str:
    keys = (f"review.competency.{name}" for name in DEFAULT_COMPETENCIES)
    return "\n".join(f"{t('en', key)} | {t('id', key)}" for key in keys)


def default_scale() -> str:
    keys = (f"review.scale.{n}" for n in range(1, DEFAULT_SCALE + 1))
    return "\n".join(f"{t('en', key)} | {t('id', key)}" for key in keys)


def _competencies(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    taken: set[str] = set()
    lines = lines_of(text)
    if not lines:
        errors["competencies"] = "review.error.competencies_required"
    elif len(lines) > MAX_COMPETENCIES:
        errors["competencies"] = "review.error.competencies_many"
    for line in lines:
        english, indonesian = bilingual(line)
        if not english or len(english) > LABEL_MAX or len(indonesian) > LABEL_MAX:
            errors.setdefault("competencies", "review.error.label_long")
            continue
        key, n = slug(english), 2
        while key in taken:
            key, n = f"{slug(english)}_{n}", n + 1
        taken.add(key)
        items.append({"key": key, "label_en": english, "label_id": indonesian})
    return items


def _scale(text: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    lines = lines_of(text or default_scale())
    if not SCALE_MIN <= len(lines) <= SCALE_MAX:
        errors["scale"] = "review.error.scale_size"
    scale: list[dict[str, Any]] = []
    for value, line in enumerate(lines, start=1):
        english, indonesian = bilingual(line)
        if not english or len(english) > LABEL_MAX or len(indonesian) > LABEL_MAX:
            errors.setdefault("scale", "review.error.label_long")
        scale.append({"value": value, "label_en": english, "label_id": indonesian})
    return scale


def _questions(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    """One question a line: "English | Indonesia" for both languages, or one text that both
    see (" | Indonesia" gives only the Indonesian, which English readers then see too)."""
    questions: list[dict[str, str]] = []
    for line in lines_of(text):
        english, bar, indonesian = (part.strip() for part in line.partition("|"))
        if not bar:
            indonesian = english
        if english or indonesian:
            questions.append({"label_en": english, "label_id": indonesian})
    if not questions:
        errors["questions"] = "review.error.questions_required"
    elif len(questions) > MAX_QUESTIONS:
        errors["questions"] = "review.error.questions_many"
    elif any(len(text) > QUESTION_MAX for q in questions for text in q.values()):
        errors["questions"] = "review.error.question_long"
    return questions


def _dates(data: CycleInput, today: date, errors: dict[str, str]) -> None:
    for name in ("period_start", "period_end", "self_due", "manager_due"):
        if getattr(data, name) is None:
            errors[name] = "review.error.date_required"
    start, end = data.period_start, data.period_end
    if start and end and end < start:
        errors["period_end"] = "review.error.period_order"
    if start and data.self_due and data.self_due < start:
        errors["self_due"] = "review.error.due_before_period"
    elif data.self_due and data.self_due < today:
        errors["self_due"] = "review.error.due_past"
    if data.self_due and data.manager_due and data.manager_due < data.self_due:
        errors["manager_due"] = "review.error.manager_due_order"
    opens = data.opens_on or today
    if opens < today:
        errors["opens_on"] = "review.error.opens_past"
    elif data.self_due and opens > data.self_due and "self_due" not in errors:
        errors["opens_on"] = "review.error.opens_after_due"


def validate_cycle(data: CycleInput, today: date) -> CycleSpec:
    """A complete, consistent cycle, or ReviewValidationError naming every bad field."""
    errors: dict[str, str] = {}
    name = " ".join(clean_text(data.name).split())
    if not name:
        errors["name"] = "review.error.name_required"
    elif len(name) > NAME_MAX:
        errors["name"] = "review.error.name_long"
    _dates(data, today, errors)
    questions = _questions(data.questions, errors)
    competencies = _competencies(data.competencies, errors)
    scale = _scale(data.scale, errors)
    team_ids = sorted(set(data.team_ids))
    if not data.everyone and not team_ids:
        errors["teams"] = "review.error.participants_required"
    if errors:
        raise ReviewValidationError(errors)
    assert data.period_start and data.period_end and data.self_due and data.manager_due
    return CycleSpec(
        name=name,
        period_start=data.period_start,
        period_end=data.period_end,
        opens_on=data.opens_on or today,
        self_due=data.self_due,
        manager_due=data.manager_due,
        everyone=data.everyone,
        team_ids=[] if data.everyone else team_ids,
        questions=questions,
        competencies=competencies,
        scale=scale,
    )


@dataclass
class ReviewInput:
    """Answers by question position and ratings by competency key, as typed; a manager's
    input also has an overall rating and a summary (answers["summary"])."""

    answers: dict[str, str] = field(default_factory=dict)
    ratings: dict[str, int | None] = field(default_factory=dict)
    overall: int | None = None


def answer_field(index: int, manager: bool = False) -> str:
    return f"{'mcomment' if manager else 'answer'}_{index}"


def rating_field(key: str, manager: bool = False) -> str:
    return f"{'mrating' if manager else 'rating'}_{key}"


def clean_review(
    questions: list[Any],
    competencies: list[dict[str, str]],
    scale: list[dict[str, Any]],
    data: ReviewInput,
    *,
    complete: bool,
    manager: bool = False,
) -> tuple[dict[str, str], dict[str, int]]:
    """(answers, ratings) to store. `complete` (a submission) requires an answer to every
    question from the employee, every rating, and from a manager the overall rating and a
    summary; a draft only has to be well-formed."""
    errors: dict[str, str] = {}
    values = {int(item["value"]) for item in scale}
    answers: dict[str, str] = {}
    for index in range(len(questions)):
        text = clean_text(data.answers.get(f"q{index}") or "")
        if len(text) > ANSWER_MAX:
            errors[answer_field(index, manager)] = "review.error.answer_long"
        elif not text and complete and not manager:
            errors[answer_field(index, manager)] = "review.error.answer_required"
        if text:
            answers[f"q{index}"] = text
    ratings: dict[str, int] = {}
    for item in competencies:
        value = data.ratings.get(item["key"])
        name = rating_field(item["key"], manager)
        if value is None:
            if complete:
                errors[name] = "review.error.rating_required"
        elif value not in values:
            errors[name] = "review.error.rating_invalid"
        else:
            ratings[item["key"]] = value
    if manager:
        summary = clean_text(data.answers.get(SUMMARY) or "")
        if len(summary) > ANSWER_MAX:
            errors[SUMMARY] = "review.error.answer_long"
        elif not summary and complete:
            errors[SUMMARY] = "review.error.summary_required"
        if summary:
            answers[SUMMARY] = summary
        if data.overall is None and complete:
            errors["overall"] = "review.error.overall_required"
        elif data.overall is not None and data.overall not in values:
            errors["overall"] = "review.error.rating_invalid"
    if errors:
        raise ReviewValidationError(errors)
    return answers, ratings


def label(item: dict[str, Any], locale: str) -> str:
    """A question's, a competency's or a scale step's label in the reader's language, or in
    the other one when it was written in one language only."""
    mine, other = ("label_id", "label_en") if locale == "id" else ("label_en", "label_id")
    return str(item.get(mine) or item.get(other) or "")


def question_text(question: str | dict[str, Any], locale: str) -> str:
    """A cycle's question for this reader (a plain string is one text for both languages)."""
    return question if isinstance(question, str) else label(question, locale)
