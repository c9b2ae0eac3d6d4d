"""Languages: gettext catalogues read with Babel at run time, and the locale's way of writing dates and numbers.

The English text is in the code, marked for translation (``gettext``/``ngettext``/``pgettext`` calls on a
:class:`Translator`, or :func:`N_`/:func:`NP_` where a string is declared before the language is known); each other
language is one catalogue, ``dashboard/locale/<lang>/LC_MESSAGES/messages.po``, compiled in memory on first use
(``babel.messages.pofile.read_po`` → ``babel.messages.mofile.write_mo``), so no compiled ``.mo`` can drift from its
source. Adding a language is adding its catalogue (``pybabel init``, see ``make messages``).

Month names, the digit grouping and plural rules come from CLDR through Babel ("2 oct. 2025", "1 000 000").
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_group_symbol

__all__ = [
    "DEFAULT",
    "LOCALE_DIR",
    "NP_",
    "N_",
    "Count",
    "Phrase",
    "Translator",
    "check_lang",
    "from_accept_language",
    "from_environment",
    "languages",
    "tr",
]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"  # the language of the code's own text


def N_(message: str) -> str:
    """Marks a string for extraction where it is declared; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """:func:`N_` with a gettext context (the same English word said differently, e.g. after "attributed to")."""
    return message


class Phrase(str):
    """A field of a message (:class:`dashboard.errors.UserError`) that is itself English text marked for translation
    (``Phrase(N_("a ZIP archive"))``): said in the message's language. Any other field is data, kept verbatim."""

    __slots__ = ()


class Count(int):
    """A field of a message that is a quantity: written with the language's digit grouping ("1,000", "1 000")."""

    __slots__ = ()


def languages() -> tuple[str, ...]:
    """English and every language with a catalogue, in that order."""
    return _languages(LOCALE_DIR)


@functools.cache
def _languages(folder: Path) -> tuple[str, ...]:
    """The catalogues are package data: looked for once per folder, not on every translated string (a page run
    asks thousands of times; the folder scan was about 6 % of a page's time at the server)."""
    found = sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT, *[lang for lang in found if lang != DEFAULT])


def check_lang(lang: str) -> str:
    if lang not in languages():
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(languages())}")
    return lang


@functools.cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


@dataclass(frozen=True, slots=True)
class Translator:
    """One language: its catalogue and its locale's formats. Get one with :func:`tr`."""

    lang: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def gettext(self, message: str) -> str:
        return _catalogue(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalogue(self.lang).ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return _catalogue(self.lang).pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return _catalogue(self.lang).npgettext(context, singular, plural, n)

    def number(self, n: int | float) -> str:
        """``1,000,000`` / ``1 000 000`` (CLDR's grouping for the locale)."""
        return format_decimal(n, locale=self.lang)

    @property
    def group_symbol(self) -> str:
        return get_group_symbol(self.lang)

    @property
    def months(self) -> tuple[str, ...]:
        """Abbreviated month names as used in a date ("Oct", "oct.")."""
        names = get_month_names("abbreviated", "format", locale=self.lang)
        return tuple(names[m] for m in range(1, 13))

    def day(self, d: date) -> str:
        """``2 Oct 2025`` / ``2 oct. 2025`` (the first of a month as the language says it: "1er" in French)."""
        from dashboard.wording import format_day

        return format_day(d, self.dates())

    def dates(self):
        from dashboard.wording import date_words

        return date_words(self)

    def words(self):
        from dashboard.wording import filter_words

        return filter_words(self)


@functools.cache
def tr(lang: str = DEFAULT) -> Translator:
    """The translator of ``lang`` (one of :func:`languages`)."""
    return Translator(check_lang(lang))


def from_accept_language(header: str | None) -> str:
    """The first language of an HTTP ``Accept-Language`` header (or a locale like ``fr-FR``) that has a catalogue,
    by quality; English otherwise."""
    if not header:
        return DEFAULT
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, i, tag.strip()))
    for _q, _i, tag in sorted(ranked):
        lang = _language_of(tag)
        if lang:
            return lang
    return DEFAULT


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment's locale when it has a catalogue; English otherwise.

    Read as gettext reads it: ``LANGUAGE`` (a colon-separated list, the first language with a catalogue), then the
    first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set. Hand-written rather than Babel's ``default_locale``,
    which also reads ``LC_CTYPE`` before ``LANG``: Python itself sets ``LC_CTYPE=C.UTF-8`` when ``LANG`` names a
    locale the system has not generated, and macOS terminals set ``LC_CTYPE=UTF-8``, so ``LANG=fr_FR.UTF-8`` would
    read as English."""
    if environ is None:
        from dashboard.settings import locale_env  # the one module that reads the environment

        environ = locale_env()
    env = environ
    for tag in (env.get("LANGUAGE") or "").split(":"):
        lang = _language_of(tag)
        if lang:
            return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return _language_of(env[name]) or DEFAULT
    return DEFAULT


def _language_of(tag: str) -> str | None:
    tag = tag.replace("-", "_").split(".")[0].split("@")[0]
    if not tag or tag == "*":
        return None
    try:
        language = Locale.parse(tag).language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in languages() else None
