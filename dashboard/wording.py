"""How things are said: one function per formatting rule (a toll, a date, a period, a list, a filter sentence).

Each function takes the words it needs as a small frozen value (English by default), so a language is a second set
of words, never a second function: :mod:`dashboard.export.i18n` holds the French ones. The filter sentence's
pieces (:class:`Words`) go through ``Words.translate`` so that a gettext catalogue can be plugged in later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dashboard.data.missing import is_missing

__all__ = ["DATES_EN", "ENGLISH", "TOLL", "TOLL_BOUNDS", "DateWords", "TollWords", "Words", "describe_period",
           "either", "format_day", "toll_text", "when_text"]


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


TOLL = TollWords()  # "21–37", "10", "at least 6", "up to 9", "unknown"; a total: "37–53+"
TOLL_BOUNDS = TollWords(exact="at least {lo}", range="at least {lo} (up to {hi})")  # captions


def toll_text(lo: Any, hi: Any, *, open_ended: bool = False, words: TollWords = TOLL,
              thousands: bool = False) -> str:
    """The one way a toll is written: a range is never collapsed, unknown is never 0, and a total whose upper bound
    is open (some incidents report only "at least") says so with ``+``."""
    lo = None if is_missing(lo) else int(lo)
    hi = None if is_missing(hi) else int(hi)

    def number(n: int) -> str:
        return f"{n:,}" if thousands else str(n)

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

    def either(self, items: Sequence[str]) -> str:
        return either(items, self.translate(self.conjunction))

    def sentence(self, head: str, parts: Sequence[str], tail: Sequence[str]) -> str:
        text = head + (self.head_separator + self.part_separator.join(parts) if parts else "")
        return text + (self.tail_separator + self.tail_separator.join(tail) if tail else "")


ENGLISH = Words()
