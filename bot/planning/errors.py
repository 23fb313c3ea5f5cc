"""What the planning core raises besides PermissionDenied, so handlers can answer precisely."""

from __future__ import annotations


class ValidationError(Exception):
    """Bad input: `errors` maps a field ("title", "kr.2.target", …) to an i18n key.

    Raised before anything is written, so the caller's transaction holds no half-saved goal;
    handlers map each field to its modal block and answer `response_action: errors`.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class GoalNotFound(Exception):
    """No such goal in this workspace. Also raised for a goal the actor may not see, so that
    probing ids tells a stranger nothing about other people's goals."""


class GoalConflict(Exception):
    """The goal is not in a state that allows this (already approved, changed meanwhile…).

    `key` is the i18n key of the explanation; `values` fill its placeholders.
    """

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
