"""What the review core raises besides PermissionDenied, so handlers can answer precisely."""

from __future__ import annotations


class ReviewValidationError(Exception):
    """Bad input: `errors` maps a field (a modal block_id such as "self_due" or
    "rating_teamwork") to an i18n key; `values` fill the keys' placeholders.

    Raised before anything is written, so the caller's transaction holds nothing half-saved.
    """

    def __init__(self, errors: dict[str, str], **values: object) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.values = values


class ReviewNotFound(Exception):
    """No such review or cycle in this workspace."""


class ReviewConflict(Exception):
    """The review or cycle is not in a state that allows this (already approved, closed…).

    `key` is the i18n key of the explanation; `values` fill its placeholders. Nothing changed.
    """

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
