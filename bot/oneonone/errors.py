"""What the 1:1 core refuses, as message keys the listeners put into words.

`Invalid` is bad input in a modal (a field error per field); `Refused` is an action the person
may not take, or not any more (told only to them); `NotFound` is a series, meeting or action
item that is not theirs or does not exist — one answer for both, so ids cannot be probed.
"""

from __future__ import annotations


class OneOnOneError(Exception):
    """Base of the refusals below."""


class Invalid(OneOnOneError):
    """Field → message key; `values` fill the keys' placeholders."""

    def __init__(self, errors: dict[str, str], **values: object) -> None:
        super().__init__(", ".join(f"{f}: {k}" for f, k in errors.items()))
        self.errors = errors
        self.values = values


class Refused(OneOnOneError):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class NotFound(OneOnOneError):
    def __init__(self, what: object = None) -> None:
        super().__init__(str(what))
