"""A function of a row (or of one value) computed once per distinct row, and handed to every row that repeats it.

Incident frames repeat a few hundred tolls, harms, codes or place names over up to a million rows: the Table page
writes its words (``to_dict`` of every row and column of 191,710 incidents alone took 20 s, docs/benchmarks.md) and
reconciliation its place keys this way. One rule for a missing value: every missing value of a column (``None``,
``NaN``, ``pd.NA``) is one value, and ``fn`` is given the first one found, as the row holds it
(:func:`dashboard.data.missing.is_missing` tells it apart).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["distinct_rows", "per_distinct_row", "per_distinct_rows", "per_distinct_value"]


def distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``codes`` (one per row, into the frame's distinct rows, missing values all alike) and the position of each
    distinct row's first occurrence. Codes are combined column by column (each step re-factorised, so they stay
    below the row count and never overflow)."""
    code = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        cells, distinct = pd.factorize(frame[column], use_na_sentinel=True)  # -1: missing
        code, _ = pd.factorize(code * (len(distinct) + 1) + (cells + 1))
    first = np.full(int(code.max()) + 1 if len(code) else 0, len(code), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(code)))
    return code, first


def per_distinct_row(frame: pd.DataFrame, fn: Callable[[dict], object]) -> np.ndarray:
    """``[fn(row) for row in frame.to_dict("records")]`` as an object array, with ``fn`` called once per distinct
    row."""
    return per_distinct_rows(frame, fn)[0]


def per_distinct_rows(frame: pd.DataFrame, *fns: Callable[[dict], object]) -> list[np.ndarray]:
    """:func:`per_distinct_row` of each of ``fns`` on the same frame, its distinct rows found once."""
    if len(frame) == 0:
        return [np.empty(0, dtype=object) for _ in fns]
    code, first = distinct_rows(frame)
    return [_spread(code, [fn(row) for row in frame.take(first).to_dict("records")]) for fn in fns]


def per_distinct_value(values: pd.Series, fn: Callable[[object], object]) -> np.ndarray:
    """:func:`per_distinct_row` of one column: ``fn(value)`` once per distinct value."""
    code, first = distinct_rows(values.to_frame(0))
    return _spread(code, [fn(v) for v in values.take(first)]) if len(values) else np.empty(0, dtype=object)


def _spread(code: np.ndarray, answers: list) -> np.ndarray:
    """Each row's answer from its distinct row's, as an object array (a tuple or list answer is one value, not a
    row of the array: the answers are placed one by one)."""
    words = np.empty(len(answers), dtype=object)
    for i, answer in enumerate(answers):
        words[i] = answer
    return words[code]
