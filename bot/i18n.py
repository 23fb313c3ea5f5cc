"""Every string a person reads, in English and Bahasa Indonesia.

The catalogues are standard gettext `.po` files, one per part of the product
(`bot/locales/<locale>/<part>.po`: core, planning, monitoring, …), read with Babel so translators
can use the usual tools (Poedit, Weblate). Message ids are stable keys such as `help.title`;
the English files hold the English text. Placeholders use `{name}`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LOCALES

LOCALE_DIR = Path(__file__).parent / "locales"


class MissingTranslation(KeyError):
    pass


@cache
def catalogue(locale: str) -> dict[str, str]:
    """All parts of one language merged; a key defined in two parts is a mistake and raises."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / locale).glob("*.po")):
        with path.open("rb") as handle:
            parsed = read_po(handle, locale=locale)
        for message in parsed:
            if not message.id or not message.string or message.fuzzy:
                continue
            key = str(message.id)
            if key in merged:
                raise ValueError(f"{key!r} is defined twice in {locale} catalogues ({path.name})")
            merged[key] = str(message.string)
    return merged


def resolve_locale(slack_locale: str | None, default: str) -> str:
    """Slack gives `id-ID`, `en-US`, `en-GB`…; anything we do not speak falls back to default."""
    if slack_locale:
        language = slack_locale.replace("_", "-").split("-")[0].lower()
        if language in SUPPORTED_LOCALES:
            return language
    return default if default in SUPPORTED_LOCALES else "en"


def t(locale: str, key: str, /, **values: object) -> str:
    """Translate `key`; an unknown key is a programming error and raises, caught by the tests."""
    messages = catalogue(locale if locale in SUPPORTED_LOCALES else "en")
    try:
        template = messages[key]
    except KeyError:
        raise MissingTranslation(f"{key!r} missing from the {locale} catalogue") from None
    return template.format(**values) if values else template


class Translator:
    """`t` bound to one person's language, handed to renderers."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, key: str, /, **values: object) -> str:
        return t(self.locale, key, **values)
