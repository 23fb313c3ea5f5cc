"""Every string a person reads, in English and Bahasa Indonesia.

The catalogues are standard gettext `.po` files, one per part of the product
(`bot/locales/<locale>/<part>.po`: core, planning, monitoring, …), read with Babel so translators
can use the usual tools (Poedit, Weblate). Message ids are stable keys such as `help.title`;
the English files hold the English text. Placeholders use `{name}`.

Counts use gettext plural entries (`msgid_plural`, `msgstr[0]`, `msgstr[1]`…) read through
`tn`/`Translator.n`: the form is chosen by Babel's plural rule for the language (English has
two forms, Indonesian one), so no text says "1 days" or hedges with a bracketed s.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Protocol

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LOCALES
from storage.models import Employee

LOCALE_DIR = Path(__file__).parent / "locales"


class MissingTranslation(KeyError):
    pass


@cache
def _parts(locale: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(single messages, plural messages) of one language, all parts merged; a key defined
    twice is a mistake and raises."""
    single: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for path in sorted((LOCALE_DIR / locale).glob("*.po")):
        with path.open("rb") as handle:
            parsed = read_po(handle, locale=locale)
        for message in parsed:
            if not message.id or not message.string or message.fuzzy:
                continue
            key = str(message.id[0] if message.pluralizable else message.id)
            if key in single or key in plural:
                raise ValueError(f"{key!r} is defined twice in {locale} catalogues ({path.name})")
            if message.pluralizable:
                plural[key] = tuple(str(form) for form in message.string)
            else:
                single[key] = str(message.string)
    return single, plural


@cache
def catalogue(locale: str) -> dict[str, str]:
    """Every key of one language with its text; a plural entry shows its first form (enough to
    check that both languages have every key with the same placeholders)."""
    single, plural = _parts(locale)
    return {**single, **{key: forms[0] for key, forms in plural.items()}}


def plural_forms(locale: str) -> dict[str, tuple[str, ...]]:
    """The plural entries of one language, each with all its forms."""
    return _parts(locale)[1]


@cache
def plural_rule(locale: str) -> tuple[int, Callable[[int], int]]:
    """(number of forms, the form index for a count) by Babel's plural rules for `locale`."""
    forms, expression = get_plural(locale)
    return forms, gettext.c2py(expression)


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


def tn(locale: str, key: str, count: int, /, **values: object) -> str:
    """Translate the plural entry `key` for `count` (also available as `{count}`)."""
    locale = locale if locale in SUPPORTED_LOCALES else "en"
    try:
        forms = plural_forms(locale)[key]
    except KeyError:
        raise MissingTranslation(f"plural {key!r} missing from the {locale} catalogue") from None
    _, index_of = plural_rule(locale)
    template = forms[min(index_of(abs(count)), len(forms) - 1)]
    return template.format(**{"count": count, **values})


class Translator:
    """`t` bound to one person's language, handed to renderers."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, key: str, /, **values: object) -> str:
        return t(self.locale, key, **values)

    def n(self, key: str, count: int, /, **values: object) -> str:
        """The plural entry `key` for `count`: "1 day", "2 days"; "1 hari", "2 hari"."""
        return tn(self.locale, key, count, **values)


class HasLocale(Protocol):
    locale: str | None


# What a notify module is handed to write for each recipient: `translators(...)` below, or the
# running app's `services.translator_for`.
TranslatorFor = Callable[[Employee], Translator]


def translators(default_locale: str) -> Callable[[HasLocale], Translator]:
    """Each recipient's own language (their Slack locale), else `default_locale`: what every
    message written for someone else (a notification, a reminder) is translated with."""

    def tr_for(person: HasLocale) -> Translator:
        return Translator(resolve_locale(person.locale, default_locale))

    return tr_for
