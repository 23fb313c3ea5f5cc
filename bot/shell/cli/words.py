"""Counts in the command line's English output: "1 row", "2 rows", with no bracketed s."""

from __future__ import annotations


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`number` with the noun in the form that number takes (English: one, or other)."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number} {noun}"
