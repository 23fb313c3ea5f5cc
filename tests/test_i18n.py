"""Both catalogues carry every key, placeholders agree, and locales resolve as Slack sends them."""

from __future__ import annotations

import re

import pytest

from bot.i18n import MissingTranslation, catalogue, resolve_locale, t

PLACEHOLDER = re.compile(r"{(\w+)}")


def test_every_key_exists_in_both_languages() -> None:
    english, indonesian = catalogue("en"), catalogue("id")
    assert set(english) - set(indonesian) == set(), "missing from id.po"
    assert set(indonesian) - set(english) == set(), "missing from en.po"


def test_placeholders_agree() -> None:
    english, indonesian = catalogue("en"), catalogue("id")
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(indonesian[key])), key


def test_translations_are_not_copies_of_english() -> None:
    english, indonesian = catalogue("en"), catalogue("id")
    same = [k for k in english if english[k] == indonesian[k] and len(english[k]) > 12]
    assert same == []


@pytest.mark.parametrize(
    ("slack_locale", "default", "expected"),
    [
        ("id-ID", "en", "id"),
        ("en-US", "id", "en"),
        ("en-GB", "id", "en"),
        ("ja-JP", "id", "id"),
        (None, "en", "en"),
        ("", "id", "id"),
        ("id_ID", "en", "id"),
    ],
)
def test_resolve_locale(slack_locale: str | None, default: str, expected: str) -> None:
    assert resolve_locale(slack_locale, default) == expected


def test_unknown_key_raises() -> None:
    with pytest.raises(MissingTranslation):
        t("en", "no.such.key")


def test_values_are_filled() -> None:
    assert t("id", "me.reports", count=3) == "*Bawahan langsung:* 3"
