"""Modals of the feedback cycle: giving feedback (also as the answer to a request) and asking
for it; plus the input pieces the 360 and upward modals share, and reading them back.

Block ids are the core's field names (FeedbackRejected.field), so an error lands on its input.
Every input's action_id is VALUE but the person picker's, which refreshes the goals offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks import payload
from bot.blocks.modals import modal
from bot.blocks.text import context, plain, section, truncate
from bot.i18n import Translator
from storage.feedback import Visibility
from storage.goals import Goal
from storage.models import Employee

GIVE_MODAL = "feedback_give_modal"
REQUEST_MODAL = "feedback_request_modal"
PERSON_PICKED = "feedback_person"  # the person picker dispatches: the goals follow the person
VALUE = "value"
ME = "me"
TEXT_MAX = 2000
QUESTION_MAX = 500
MAX_ASKED = 10
OPTION_LIMIT = 75


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
    action_id: str = VALUE,
    dispatch: bool = False,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": action_id},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    if dispatch:
        block["dispatch_action"] = True
    return block


def text_input(
    value: str = "", *, multiline: bool = False, max_length: int = 3000, placeholder: str = ""
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if value:
        element["initial_value"] = value[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {
        "text": plain(truncate(" ".join(text.split()), OPTION_LIMIT), OPTION_LIMIT),
        "value": value,
    }


def state_of(view: Any, block_id: str, action_id: str = VALUE) -> dict[str, Any]:
    return payload.element_state(view, block_id, action_id)


def text_of(view: Any, block_id: str) -> str:
    value = state_of(view, block_id).get("value")
    return value if isinstance(value, str) else ""


def chosen(view: Any, block_id: str) -> str:
    picked = state_of(view, block_id).get("selected_option")
    value = picked.get("value") if isinstance(picked, dict) else None
    return value if isinstance(value, str) else ""


def users_of(view: Any, block_id: str) -> list[str]:
    users = state_of(view, block_id).get("selected_users")
    return [u for u in users if isinstance(u, str)][:50] if isinstance(users, list) else []


# ------------------------------------------------------------------------ giving feedback


def give_modal(
    tr: Translator,
    *,
    person: Employee | None,
    goals: Sequence[Goal] = (),
    manager: Employee | None = None,
    giver: Employee | None = None,
    fixed: bool = False,
    intro: str | None = None,
    readers: str | None = None,
    metadata: dict[str, Any] | None = None,
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The feedback form. `fixed`: the person is set (an answer to a request), so the form
    says who instead of offering a picker, and `readers`, when given, says who reads the
    answer instead of offering the choice. `typed` keeps what was written when the form is
    rebuilt for another person."""
    typed = typed or {}
    blocks: list[dict[str, Any]] = []
    if intro:
        blocks.append(section(truncate(intro, 3000)))
    if not fixed:
        picker: dict[str, Any] = {
            "type": "users_select",
            "placeholder": plain(tr("feedback.modal.person_placeholder"), 150),
        }
        if person is not None:
            picker["initial_user"] = person.slack_id
        blocks.append(
            input_block(
                "person",
                tr("feedback.modal.person"),
                picker,
                action_id=PERSON_PICKED,
                dispatch=True,
            )
        )
    blocks.append(
        input_block(
            "went_well",
            tr("feedback.field.went_well"),
            text_input(typed.get("went_well", ""), multiline=True, max_length=TEXT_MAX),
            optional=True,
        )
    )
    blocks.append(
        input_block(
            "could_be_better",
            tr("feedback.field.could_be_better"),
            text_input(typed.get("could_be_better", ""), multiline=True, max_length=TEXT_MAX),
            optional=True,
            hint=tr("feedback.modal.texts_hint"),
        )
    )
    if goals:
        select = {
            "type": "static_select",
            "placeholder": plain(tr("feedback.modal.goal_placeholder"), 150),
            "options": [option(goal.title, str(goal.id)) for goal in goals[:100]],
        }
        blocks.append(
            input_block(
                "goal",
                tr("feedback.modal.goal"),
                select,
                optional=True,
                hint=tr("feedback.modal.goal_hint"),
            )
        )
    if readers is not None:
        blocks.append(context(readers))
    elif person is not None:
        blocks.append(_visibility(tr, person, manager, giver))
    return modal(
        tr,
        "feedback.modal.title",
        blocks,
        callback_id=GIVE_MODAL,
        submit_key="feedback.modal.submit",
        metadata=metadata or {},
    )


def _visibility(
    tr: Translator, person: Employee, manager: Employee | None, giver: Employee | None
) -> dict[str, Any]:
    """Only the person, or the person and their manager (when they have one other than the
    giver: a manager's feedback to their report is theirs already)."""
    name = person.name or person.slack_id
    only = option(tr("feedback.modal.visibility_person", name=name), Visibility.PERSON.value)
    options = [only]
    hint = None
    if manager is not None and (giver is None or manager.id != giver.id):
        label = tr(
            "feedback.modal.visibility_manager",
            name=name,
            manager=manager.name or manager.slack_id,
        )
        options.append(option(label, Visibility.PERSON_MANAGER.value))
    elif manager is None:
        hint = tr("feedback.modal.no_manager_hint", name=name)
    element = {"type": "radio_buttons", "options": options, "initial_option": only}
    return input_block("visibility", tr("feedback.modal.visibility"), element, hint=hint)


def typed_texts(view: Any) -> dict[str, str]:
    return {name: text_of(view, name) for name in ("went_well", "could_be_better")}


def picked_person(view: Any) -> str:
    """The Slack id chosen in the person picker ("" when none)."""
    user = state_of(view, "person", PERSON_PICKED).get("selected_user")
    return user if isinstance(user, str) else ""


# ------------------------------------------------------------------------ asking for it


def request_modal(
    tr: Translator,
    *,
    reports: Sequence[Employee] = (),
    asked: Sequence[str] = (),
    days: int,
) -> dict[str, Any]:
    """Whom to ask (up to ten), about whom (oneself, or — for a manager — a report), and
    what about."""
    users: dict[str, Any] = {
        "type": "multi_users_select",
        "placeholder": plain(tr("feedback.request_modal.asked_placeholder"), 150),
        "max_selected_items": MAX_ASKED,
    }
    if asked:
        users["initial_users"] = list(asked)[:MAX_ASKED]
    blocks: list[dict[str, Any]] = [
        input_block(
            "asked",
            tr("feedback.request_modal.asked"),
            users,
            hint=tr("feedback.request_modal.asked_hint", max=MAX_ASKED),
        )
    ]
    if reports:
        me = option(tr("feedback.request_modal.about_me"), ME)
        choices = [me] + [option(p.name or p.slack_id, str(p.id)) for p in reports[:99]]
        select = {"type": "static_select", "options": choices, "initial_option": me}
        blocks.append(input_block("about", tr("feedback.request_modal.about"), select))
    blocks.append(
        input_block(
            "question",
            tr("feedback.request_modal.question"),
            text_input(
                multiline=True,
                max_length=QUESTION_MAX,
                placeholder=tr("feedback.request_modal.question_placeholder"),
            ),
            optional=True,
        )
    )
    blocks.append(context(tr("feedback.request_modal.hint", days=days)))
    return modal(
        tr,
        "feedback.request_modal.title",
        blocks,
        callback_id=REQUEST_MODAL,
        submit_key="feedback.request_modal.submit",
        metadata={},
    )
