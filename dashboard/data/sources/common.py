"""The helpers the source adapters share to read a raw table.

An adapter maps the rows of one file layout (as :mod:`dashboard.data.readers` read them: text, indexed by the
user's row numbers) to the *flat* canonical frame: the canonical columns plus ``latitude``/``longitude``, as text,
with the same index. Checking is left to :func:`dashboard.data.validate.validate_flat`, so every unusable row is
reported, not dropped. :mod:`dashboard.data.sources.registry` lists the adapters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from dashboard.errors import LayoutError
from dashboard.i18n import N_

__all__ = ["ISO_DAY", "codes", "column_reader", "english_where_given", "lowered", "parse_dates", "text"]

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def lowered(columns: Iterable[object]) -> set[str]:
    """Column names as the adapters recognise them: stripped, lower case."""
    return {str(c).strip().lower() for c in columns}


def column_reader(raw: pd.DataFrame, required: Iterable[str], layout: str):
    """Lower-case the headers, raise :class:`LayoutError` naming the ``required`` columns that are missing, and
    return ``(raw, col)`` where ``col(name)`` is that column as cleaned text (all missing if absent)."""
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise LayoutError(N_("missing {layout} column(s) {columns}"), layout=layout, columns=", ".join(missing))

    def col(name: str) -> pd.Series:
        return text(raw[name]) if name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="string")

    return raw, col


def text(series: pd.Series) -> pd.Series:
    """Any column → stripped text with blanks as missing (numbers from JSON become their text)."""
    out = series.astype(object).where(series.notna(), None).map(lambda v: None if v is None else str(v))
    out = out.astype("string").str.strip()
    return out.mask(out == "", pd.NA)


def english_where_given(summary: pd.Series) -> pd.Series:
    """``summary_lang`` of a source that writes its text in English (ACLED's notes, UCDP GED's descriptions): ``en``
    where there is a summary, unknown where there is none (an absent text has no language)."""
    blank = summary.isna() | summary.astype("string").str.strip().eq("").fillna(True)
    return pd.Series("en", index=summary.index, dtype=object).where(~blank, None)


def codes(series: pd.Series) -> pd.Series:
    """``"2"``, ``"2.0"`` → ``"2"``; anything else is kept so that validation can report it."""
    return series.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def parse_dates(series: pd.Series, formats: Iterable[str]) -> pd.Series:
    """Dates in any of ``formats`` → ``YYYY-MM-DD`` text; unreadable values pass through unchanged."""
    parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    # a time of day after the date (UCDP's "2019-03-23 00:00:00.000") is dropped, not parsed
    day_part = series.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T].*$", r"\1", regex=True)
    for fmt in formats:
        todo = parsed.isna() & day_part.notna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(day_part[todo], format=fmt, errors="coerce")
    iso = parsed.dt.strftime("%Y-%m-%d")
    return iso.astype(object).where(parsed.notna(), series.astype(object))
