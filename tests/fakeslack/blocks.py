"""Block Kit validation with Slack's documented limits.

Why: Slack rejects a whole message or view (`invalid_blocks` / `invalid_arguments`) when one
block breaks one limit, and the app would only learn that in production. Checking the same
limits in the fake makes a test fail with a precise path such as
"blocks[3].text.text: must be at most 3000 characters".

Both functions are pure and return a list of error strings (empty when valid).
"""

from __future__ import annotations

import re
from typing import Any

MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
BLOCK_TYPES = frozenset(
    {"section", "divider", "header", "context", "actions", "input", "image", "rich_text", "file"}
)
TEXT_TYPES = ("plain_text", "mrkdwn")
PLAIN = ("plain_text",)

SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker", "radio_buttons", "checkboxes"})
ACTIONS_ELEMENTS = SELECTS | PICKERS | {"button", "overflow", "workflow_button", "rich_text_input"}
ACCESSORY_ELEMENTS = SELECTS | PICKERS | {"button", "overflow", "workflow_button", "image"}
INPUT_ELEMENTS = (
    SELECTS
    | PICKERS
    | {
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
        "rich_text_input",
        "file_input",
    }
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")


class _Checker:
    """Collects errors while walking the blocks; every check names the JSON path it looked at."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def string(self, path: str, value: Any, limit: int, required: bool = False) -> None:
        if value is None:
            if required:
                self.err(path, "is required")
            return
        if not isinstance(value, str):
            self.err(path, "must be a string")
        elif len(value) > limit:
            self.err(path, f"must be at most {limit} characters")

    def text(
        self,
        path: str,
        obj: Any,
        limit: int,
        types: tuple[str, ...] = TEXT_TYPES,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.err(path, "is required")
            return
        if not isinstance(obj, dict):
            self.err(path, "must be a text object")
            return
        if obj.get("type") not in types:
            self.err(f"{path}.type", "must be " + " or ".join(types))
        value = obj.get("text")
        if not isinstance(value, str):
            self.err(f"{path}.text", "must be a string")
        elif not value:
            self.err(f"{path}.text", "must not be empty")
        elif len(value) > limit:
            self.err(f"{path}.text", f"must be at most {limit} characters")

    def array(self, path: str, value: Any, low: int, high: int, what: str) -> list[Any]:
        if not isinstance(value, list):
            self.err(path, "must be an array")
            return []
        if len(value) < low:
            self.err(path, f"must contain at least {low} {what}")
        elif len(value) > high:
            self.err(path, f"must contain at most {high} {what}")
        return value

    def confirm(self, path: str, obj: Any) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict):
            self.err(path, "must be a confirmation object")
            return
        self.text(f"{path}.title", obj.get("title"), 100, PLAIN)
        self.text(f"{path}.text", obj.get("text"), 300)
        self.text(f"{path}.confirm", obj.get("confirm"), 30, PLAIN)
        self.text(f"{path}.deny", obj.get("deny"), 30, PLAIN)

    def options(self, path: str, value: Any, high: int, types: tuple[str, ...]) -> list[str]:
        """Check an options array; returns the option values, to check `initial_option`s."""
        values: list[str] = []
        for i, option in enumerate(self.array(path, value, 1, high, "options")):
            opath = f"{path}[{i}]"
            if not isinstance(option, dict):
                self.err(opath, "must be an option object")
                continue
            self.text(f"{opath}.text", option.get("text"), 75, types)
            self.string(f"{opath}.value", option.get("value"), 150, required=True)
            self.text(f"{opath}.description", option.get("description"), 75, types, False)
            self.string(f"{opath}.url", option.get("url"), 3000)
            if isinstance(option.get("value"), str):
                values.append(option["value"])
        return values

    def initial(self, path: str, el: dict[str, Any], values: list[str]) -> None:
        """Slack rejects an initial option that is not one of the element's options."""
        picked: list[Any] = []
        if isinstance(el.get("initial_option"), dict):
            picked.append((f"{path}.initial_option", el["initial_option"]))
        if isinstance(el.get("initial_options"), list):
            picked += [
                (f"{path}.initial_options[{i}]", o) for i, o in enumerate(el["initial_options"])
            ]
        for opath, option in picked:
            if not isinstance(option, dict) or option.get("value") not in values:
                self.err(opath, "must match one of the options")

    def element(self, path: str, el: Any, allowed: frozenset[str]) -> str | None:
        """Validate one block element; returns its action_id (for the uniqueness check)."""
        if not isinstance(el, dict):
            self.err(path, "must be an element object")
            return None
        kind = el.get("type")
        if kind not in allowed:
            self.err(f"{path}.type", f"unsupported element type {kind!r} here")
            return None
        self.string(f"{path}.action_id", el.get("action_id"), 255)
        self.confirm(f"{path}.confirm", el.get("confirm"))
        if kind in SELECTS or kind in ("datepicker", "timepicker", "datetimepicker"):
            self.text(f"{path}.placeholder", el.get("placeholder"), 150, PLAIN, False)
        if kind == "button":
            self.text(f"{path}.text", el.get("text"), 75, PLAIN)
            self.string(f"{path}.value", el.get("value"), 2000)
            self.string(f"{path}.url", el.get("url"), 3000)
            if el.get("style") not in (None, "primary", "danger"):
                self.err(f"{path}.style", "must be primary or danger")
        elif kind in ("static_select", "multi_static_select"):
            self._static_select(path, el)
        elif kind == "overflow":
            self.options(f"{path}.options", el.get("options"), 5, PLAIN)
        elif kind in ("radio_buttons", "checkboxes"):
            values = self.options(f"{path}.options", el.get("options"), 10, TEXT_TYPES)
            self.initial(path, el, values)
        elif kind == "plain_text_input":
            self._text_input(path, el)
        elif kind == "datepicker" and el.get("initial_date") is not None:
            if not _DATE.match(str(el["initial_date"])):
                self.err(f"{path}.initial_date", "must be formatted YYYY-MM-DD")
        elif kind == "timepicker" and el.get("initial_time") is not None:
            if not _TIME.match(str(el["initial_time"])):
                self.err(f"{path}.initial_time", "must be formatted HH:mm")
        elif kind == "number_input" and not isinstance(el.get("is_decimal_allowed"), bool):
            self.err(f"{path}.is_decimal_allowed", "is required and must be a boolean")
        elif kind == "image":
            self._image(path, el)
        most = el.get("max_selected_items")
        if (
            kind.startswith("multi_")
            and most is not None
            and (not isinstance(most, int) or most < 1)
        ):
            self.err(f"{path}.max_selected_items", "must be an integer of at least 1")
        action_id = el.get("action_id")
        return action_id if isinstance(action_id, str) else None

    def _static_select(self, path: str, el: dict[str, Any]) -> None:
        has_options, has_groups = "options" in el, "option_groups" in el
        if has_options == has_groups:
            self.err(path, "must have exactly one of options or option_groups")
            return
        if has_options:
            values = self.options(f"{path}.options", el["options"], 100, PLAIN)
        else:
            values = []
            groups = self.array(f"{path}.option_groups", el["option_groups"], 1, 100, "groups")
            for i, group in enumerate(groups):
                gpath = f"{path}.option_groups[{i}]"
                if not isinstance(group, dict):
                    self.err(gpath, "must be an option group object")
                    continue
                self.text(f"{gpath}.label", group.get("label"), 75, PLAIN)
                values += self.options(f"{gpath}.options", group.get("options"), 100, PLAIN)
        self.initial(path, el, values)

    def _text_input(self, path: str, el: dict[str, Any]) -> None:
        low, high = el.get("min_length"), el.get("max_length")
        for name, value in (("min_length", low), ("max_length", high)):
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                self.err(f"{path}.{name}", "must be an integer")
            elif not (0 if name == "min_length" else 1) <= value <= 3000:
                self.err(
                    f"{path}.{name}",
                    "must be between 0 and 3000"
                    if name == "min_length"
                    else "must be between 1 and 3000",
                )
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.err(f"{path}.min_length", "must not be greater than max_length")
        self.text(f"{path}.placeholder", el.get("placeholder"), 150, PLAIN, False)
        initial = el.get("initial_value")
        if isinstance(high, int) and isinstance(initial, str) and len(initial) > high:
            self.err(f"{path}.initial_value", f"must be at most {high} characters")

    def _image(self, path: str, el: dict[str, Any]) -> None:
        if el.get("image_url") is None and el.get("slack_file") is None:
            self.err(path, "must have image_url or slack_file")
        self.string(f"{path}.image_url", el.get("image_url"), 3000)
        self.string(f"{path}.alt_text", el.get("alt_text"), 2000, required=True)

    def block(self, path: str, block: dict[str, Any], kind: str) -> None:
        if kind == "section":
            if block.get("text") is None and block.get("fields") is None:
                self.err(path, "section must have text or fields")
            self.text(f"{path}.text", block.get("text"), 3000, required=False)
            if block.get("fields") is not None:
                fields = self.array(f"{path}.fields", block["fields"], 1, 10, "fields")
                for i, item in enumerate(fields):
                    self.text(f"{path}.fields[{i}]", item, 2000)
            if block.get("accessory") is not None:
                self.element(f"{path}.accessory", block["accessory"], ACCESSORY_ELEMENTS)
        elif kind == "header":
            self.text(f"{path}.text", block.get("text"), 150, PLAIN)
        elif kind == "context":
            for i, el in enumerate(
                self.array(f"{path}.elements", block.get("elements"), 1, 10, "elements")
            ):
                epath = f"{path}.elements[{i}]"
                if isinstance(el, dict) and el.get("type") == "image":
                    self._image(epath, el)
                else:
                    self.text(epath, el, 3000)
        elif kind == "actions":
            seen: set[str] = set()
            elements = self.array(f"{path}.elements", block.get("elements"), 1, 25, "elements")
            for i, el in enumerate(elements):
                action_id = self.element(f"{path}.elements[{i}]", el, ACTIONS_ELEMENTS)
                if action_id is not None:
                    if action_id in seen:
                        self.err(
                            f"{path}.elements[{i}].action_id",
                            f"duplicate action_id {action_id!r} in this block",
                        )
                    seen.add(action_id)
        elif kind == "input":
            self.text(f"{path}.label", block.get("label"), 2000, PLAIN)
            if block.get("element") is None:
                self.err(f"{path}.element", "is required")
            else:
                self.element(f"{path}.element", block["element"], INPUT_ELEMENTS)
            self.text(f"{path}.hint", block.get("hint"), 2000, PLAIN, False)
        elif kind == "image":
            self._image(path, block)
            self.text(f"{path}.title", block.get("title"), 2000, PLAIN, False)
        elif kind == "rich_text":
            self.array(f"{path}.elements", block.get("elements"), 1, 10_000, "elements")
        elif kind == "file":
            self.string(f"{path}.external_id", block.get("external_id"), 255, required=True)
            if block.get("source") != "remote":
                self.err(f"{path}.source", "must be remote")


def validate_blocks(blocks: Any, surface: str = "message") -> list[str]:
    """Errors for a `blocks` array on a surface ("message", "modal" or "home")."""
    if surface not in MAX_BLOCKS:
        raise ValueError(f"unknown surface {surface!r}")
    check = _Checker()
    if not isinstance(blocks, list):
        return ["blocks: must be an array"]
    limit = MAX_BLOCKS[surface]
    if len(blocks) > limit:
        check.err("blocks", f"must contain at most {limit} blocks")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        path = f"blocks[{i}]"
        if not isinstance(block, dict):
            check.err(path, "must be a block object")
            continue
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            check.err(f"{path}.type", f"unknown block type {kind!r}")
            continue
        block_id = block.get("block_id")
        check.string(f"{path}.block_id", block_id, 255)
        if isinstance(block_id, str):
            if block_id in block_ids:
                check.err(f"{path}.block_id", f"duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        check.block(path, block, kind)
    return check.errors


def validate_view(view: Any) -> list[str]:
    """Errors for a modal or App Home view, with paths under "view." like Slack's json-pointers."""
    if not isinstance(view, dict):
        return ["view: must be an object"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return ["view.type: must be modal or home"]
    check = _Checker()
    blocks = view.get("blocks")
    if kind == "modal":
        check.text("view.title", view.get("title"), 24, PLAIN)
        check.text("view.submit", view.get("submit"), 24, PLAIN, required=False)
        check.text("view.close", view.get("close"), 24, PLAIN, required=False)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            check.err("view.submit", "is required when the view contains input blocks")
    check.string("view.private_metadata", view.get("private_metadata"), 3000)
    check.string("view.callback_id", view.get("callback_id"), 255)
    check.string("view.external_id", view.get("external_id"), 255)
    if blocks is None:
        check.err("view.blocks", "is required")
    else:
        check.errors += ["view." + e for e in validate_blocks(blocks, kind)]
    return check.errors
