"""What the feedback core raises besides PermissionDenied, so listeners answer precisely."""

from __future__ import annotations


class FeedbackRejected(Exception):
    """Bad input, refused before anything is written. `field` names the part of the form at
    fault (a modal's block id), `key` the i18n key of the explanation, `values` its
    placeholders (they may hold typed text: renderers escape them)."""

    def __init__(self, field: str, key: str, /, **values: object) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.values = values


class FeedbackConflict(Exception):
    """The thing clicked is no longer in that state (answered, declined, expired, closed)."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class FeedbackNotFound(LookupError):
    """No such request, ask, peer set or round in the person's workspace, or not theirs to
    see: both are told the same, so an id says nothing about what exists."""
