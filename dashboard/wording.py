"""How things are said: one function per formatting rule (a toll, a date, a period, a list, a filter sentence).

Each function takes the words it needs as a small frozen value (English by default), so a language is a second set
of words, never a second function: :func:`date_words`, :func:`toll_words` and :func:`filter_words` build them for a
language from its gettext catalogue and its CLDR locale (:mod:`dashboard.i18n`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dashboard.data.missing import is_missing

__all__ = ["DATES_EN", "ENGLISH", "TOLL", "TOLL_BOUNDS", "DateWords", "TollWords", "Words", "date_words",
           "describe_period", "either", "filter_words", "format_day", "toll_text", "toll_words", "when_text"]


def either(items: Sequence[str], word: str = "or") -> str:
    """``"a"``, ``"a or b"``, ``"a, b or c"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


# ---- tolls ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TollWords:
    """Templates for a toll; ``{lo}``/``{hi}`` are the formatted bounds (``hi`` with a ``+`` when open-ended)."""

    exact: str = "{lo}"
    range: str = "{lo}–{hi}"
    at_least: str = "at least {lo}"
    up_to: str = "up to {hi}"
    unknown: str = "unknown"
    group: str = ","  # the digit group separator when thousands are shown (CLDR's for the locale)


TOLL = TollWords()  # "21–37", "10", "at least 6", "up to 9", "unknown"; a total: "37–53+"
TOLL_BOUNDS = TollWords(exact="at least {lo}", range="at least {lo} (up to {hi})")  # captions


def toll_text(lo: Any, hi: Any, *, open_ended: bool = False, words: TollWords = TOLL,
              thousands: bool = False) -> str:
    """The one way a toll is written: a range is never collapsed, unknown is never 0, and a total whose upper bound
    is open (some incidents report only "at least") says so with ``+``."""
    lo = None if is_missing(lo) else int(lo)
    hi = None if is_missing(hi) else int(hi)

    def number(n: int) -> str:
        return f"{n:,}".replace(",", words.group) if thousands else str(n)

    if lo is None and hi is None:
        return words.unknown
    if hi is None:
        return words.at_least.format(lo=number(lo))
    if lo is None:
        return words.up_to.format(hi=number(hi))
    if lo == hi and not open_ended:
        return words.exact.format(lo=number(lo))
    return words.range.format(lo=number(lo), hi=number(hi) + ("+" if open_ended else ""))


# ---- dates ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DateWords:
    """Templates for days, periods and an incident's date; ``{d1}`` is the first day as said alone ("1er")."""

    months: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    first_day: str = "1"
    on: str = "on {end}"
    same_month: str = "{d1}–{d2} {m2} {y}"
    same_year: str = "{d1} {m1} – {end}"
    between: str = "{start} – {end}"
    since: str = "from {start}"
    until: str = "until {end}"
    known_year: str = "{y} (date known to the year)"
    known_month: str = "{m} {y} (date known to the month)"
    span: str = "{start} – {end}"
    known_to: Mapping[str, str] = field(default_factory=lambda: {
        "week": " (date known to the week)", "month": " (date known to the month)"})


DATES_EN = DateWords()


def _day_number(d: date, words: DateWords) -> str:
    return words.first_day if d.day == 1 else str(d.day)


def format_day(d: date, words: DateWords = DATES_EN) -> str:
    """``2 Oct 2025``."""
    return f"{_day_number(d, words)} {words.months[d.month - 1]} {d.year}"


def describe_period(start: date | None, end: date | None, words: DateWords = DATES_EN) -> str:
    """"1–31 Oct 2025", "from 1 Jan 2024", "until 5 Mar 2022", or "" when open on both sides."""
    if start and end:
        values = {"start": format_day(start, words), "end": format_day(end, words), "d1": _day_number(start, words),
                  "d2": str(end.day), "m1": words.months[start.month - 1], "m2": words.months[end.month - 1],
                  "y": str(end.year)}
        if start == end:
            return words.on.format(**values)
        if (start.year, start.month) == (end.year, end.month):
            return words.same_month.format(**values)
        if start.year == end.year:
            return words.same_year.format(**values)
        return words.between.format(**values)
    if start:
        return words.since.format(start=format_day(start, words))
    if end:
        return words.until.format(end=format_day(end, words))
    return ""


def when_text(row: Mapping[str, Any], words: DateWords = DATES_EN) -> str:
    """When an incident happened, with its date precision: "2 Oct 2025", "Oct 2025 (date known to the month)"."""
    start, end, precision = row["date_start"], row["date_end"], row["date_precision"]
    if precision == "year":
        return words.known_year.format(y=start.year)
    if precision == "month" and start.day == 1 and end.month == start.month:
        return words.known_month.format(m=words.months[start.month - 1], y=start.year)
    if is_missing(end) or end == start:
        return format_day(start.date(), words)
    span = words.span.format(start=format_day(start.date(), words), end=format_day(end.date(), words))
    return span + words.known_to.get(precision, "")


# ---- the filter sentence -------------------------------------------------------------------------------------
def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Words:
    """What a filter sentence needs in one language. ``translate`` maps an English template to the language's
    (a gettext ``gettext`` fits); the filters' describers pass every template through it."""

    translate: Callable[[str], str] = _same
    conjunction: str = "or"
    dates: DateWords = DATES_EN
    quote: Callable[[str], str] = repr
    part_separator: str = ", "
    tail_separator: str = "; "
    head_separator: str = " "  # between the head ("Incidents of type X") and the first part
    ngettext: Callable[[str, str, int], str] = lambda singular, plural, n: singular if n == 1 else plural
    pgettext: Callable[[str, str], str] = lambda _context, message: message

    def either(self, items: Sequence[str]) -> str:
        return either(items, self.translate(self.conjunction))

    def sentence(self, head: str, parts: Sequence[str], tail: Sequence[str]) -> str:
        text = head + (self.head_separator + self.part_separator.join(parts) if parts else "")
        return text + (self.tail_separator + self.tail_separator.join(tail) if tail else "")


ENGLISH = Words()


# ---- a language's words --------------------------------------------------------------------------------------
def date_words(t) -> DateWords:
    """The :class:`DateWords` of a :class:`~dashboard.i18n.Translator`: CLDR's month names, the catalogue's
    templates."""
    return DateWords(
        months=t.months,
        first_day=t.pgettext("the first day of a month, in a date", "1"),
        on=t.gettext("on {end}"), same_month=t.gettext("{d1}–{d2} {m2} {y}"), same_year=t.gettext("{d1} {m1} – {end}"),
        between=t.gettext("{start} – {end}"), since=t.gettext("from {start}"), until=t.gettext("until {end}"),
        known_year=t.gettext("{y} (date known to the year)"), known_month=t.gettext("{m} {y} (date known to the month)"),
        span=t.pgettext("an incident's date span", "{start} – {end}"),
        known_to={"week": t.gettext(" (date known to the week)"), "month": t.gettext(" (date known to the month)")})


def toll_words(t, *, bounds: bool = False) -> TollWords:
    """The :class:`TollWords` of a translator: "21–37", "at least 6"...; ``bounds`` for captions ("at least 21 (up
    to 37)")."""
    if bounds:
        return TollWords(exact=t.gettext("at least {lo}"), range=t.gettext("at least {lo} (up to {hi})"),
                         at_least=t.gettext("at least {lo}"), up_to=t.gettext("up to {hi}"),
                         unknown=t.pgettext("a toll", "unknown"), group=t.group_symbol)
    return TollWords(range=t.pgettext("a toll from lo to hi", "{lo}–{hi}"), at_least=t.gettext("at least {lo}"),
                     up_to=t.gettext("up to {hi}"), unknown=t.pgettext("a toll", "unknown"), group=t.group_symbol)


def filter_words(t) -> Words:
    """The :class:`Words` of a translator, for :meth:`FilterSpec.describe`."""
    return Words(translate=t.gettext, conjunction=t.pgettext("between the last two of a list", "or"),
                 dates=date_words(t),
                 quote=lambda text: t.pgettext("a quoted search text", "{text!r}").format(text=text),
                 part_separator=t.pgettext("between the parts of the filter sentence", ", "),
                 tail_separator=t.pgettext("before the last parts of the filter sentence", "; "),
                 ngettext=t.ngettext, pgettext=t.pgettext)
