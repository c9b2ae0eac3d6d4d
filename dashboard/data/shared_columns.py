"""Columns with no value at all held as views of one shared empty column per dtype, not a copy each.

Why: most of the canonical frame's 28 count columns (killed women, displaced, livestock taken...) and several texts
(a French summary, an override's reason...) are empty in what ACLED, UCDP and the synthetic stores hold; made one by
one, each costs as much memory as a full column (an ``Int64`` column 8.7 MB per million rows, a text 7.8 MB). Used
where a frame is made whole: a cached frame read back (:mod:`dashboard.data.frame_files`), the store's reports read
a chunk at a time (:mod:`dashboard.data.store`) and the rows grouping keeps
(:func:`dashboard.data.reconcile.incidents.build_incidents`). Measured: docs/benchmarks.md, "The empty columns
shared, freed memory handed back" (at a million incidents, 34 such columns of 81). Sharing is pandas' own
copy-on-write: a write into one of the columns copies that column first and the others stay empty (tested)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

STRING = pd.StringDtype("pyarrow", na_value=np.nan)  # the canonical text dtype ("str"; frame_files.STRING)

EMPTY = {  # the dtypes whose all-empty columns are shared, and how one such column is made
    STRING: lambda rows: pd.array(pa.nulls(rows, pa.large_string()), dtype=STRING),
    pd.Int64Dtype(): lambda rows: pd.arrays.IntegerArray(np.zeros(rows, np.int64), np.ones(rows, bool)),
}


def blank_columns(frames: list[pd.DataFrame]) -> dict[str, object]:
    """The columns (name: dtype) that :func:`with_empty` can share and that have no value in any of ``frames``
    (the chunks of one frame: same columns and dtypes)."""
    return {name: dtype for name, dtype in frames[0].dtypes.items()
            if dtype in EMPTY and sum(map(len, frames)) and all(f[name].isna().all() for f in frames)}


def with_empty(frame: pd.DataFrame, blank: dict[str, object], order: list[str],
               empty: dict[object, pd.Series] | None = None) -> pd.DataFrame:
    """``frame`` with the ``blank`` columns (name: dtype, every value missing) added, in ``order``: each a view of
    one empty column per dtype (``empty``: made by the first such column, shared by further calls)."""
    if not blank:
        return frame
    empty = {} if empty is None else empty
    for dtype in blank.values():
        if dtype not in empty:
            empty[dtype] = pd.DataFrame({"empty": EMPTY[dtype](len(frame))}, index=frame.index, copy=False)["empty"]
    shared = pd.concat([empty[dtype].rename(name) for name, dtype in blank.items()], axis=1)
    return pd.concat([frame, shared], axis=1)[order]
