"""Columns with no value at all held as views of one shared empty column per dtype, not a copy each; and the texts
whose values repeat held as categories (:data:`REPEATING`, :func:`compact`; below).

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


# The texts whose values repeat (a vocabulary's codes, a place's names, what grading and the review status derive):
# held as categories, one small integer per row and each value once. Why: at a million incidents (after an import
# linked some reports) these columns held about 0.4 GB as Arrow strings; a warm load's peak went from 2.24-2.25 GB
# to 1.80-1.81 GB, a cold load's from 2.33-2.43 GB to 1.94 GB (docs/benchmarks.md, "The repeating texts held as
# categories"). Free texts (a summary, a note, a reason) and per-row ids stay texts.
REPEATING = ("date_precision", "admin1", "admin2", "admin3", "cercle", "cercle_pcode", "commune", "commune_pcode",
             "located_to", "geocoded_from", "event_type", "sub_event_type", "perpetrators", "perpetrator_category",
             "attribution_basis", "victims", "injured", "abducted", "harms", "cause_of_death", "summary_lang",
             "verification", "dataset", "grade_override",
             "datasets", "grade", "grade_rule", "source_types", "status")


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (changed in place, and returned) with its :data:`REPEATING` texts held as categories: exactly the
    values its rows hold, sorted, as texts. So a frame's categories never depend on how it was made (grouped,
    joined, read back), only on its values."""
    for name in REPEATING:
        if name not in frame.columns:
            continue
        values = frame[name]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            frame[name] = values.astype(pd.CategoricalDtype(pd.Index(values.dropna().unique(), dtype=STRING)
                                                            .sort_values()))
            continue
        codes = values.cat.codes.to_numpy()
        changed = not np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)).all()
        if changed:  # some value none of the rows holds
            values = values.cat.remove_unused_categories()
        categories = values.cat.categories
        if categories.dtype != STRING or not categories.is_monotonic_increasing:  # (Arrow gives an empty one
            # back as object)
            values, changed = values.cat.set_categories(pd.Index(categories, dtype=STRING).sort_values()), True
        if changed:
            frame[name] = values
    return frame


def joined(parts: list[pd.Series]) -> pd.Series:
    """The parts of one column joined (their indexes not kept); categories joined as categories, the union of
    theirs sorted (``pd.concat`` gives texts when the parts' categories differ)."""
    if parts and all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
        union = pd.api.types.union_categoricals([p.array for p in parts], sort_categories=True)
        return pd.Series(union, name=parts[0].name)
    return pd.concat(parts, ignore_index=True)


def written(values: pd.Series, rows: np.ndarray, new: pd.Series) -> pd.Series:
    """``values`` (a copy, changed in place) with ``new`` written at the positions ``rows``. A category gains the
    new values first (its categories kept sorted): written as they are, a value not yet among them would be lost."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        added = pd.Index(new.dropna().astype(str).unique()).difference(values.cat.categories)
        if len(added):
            values = values.cat.set_categories(values.cat.categories.append(added).sort_values())
        values.iloc[rows] = np.asarray(new, dtype=object)
        return values
    values.iloc[rows] = new.astype(values.dtype).array
    return values


def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of the same columns, their rows joined (``pd.concat``, indexes not kept), each category first given
    the union of the frames' categories (sorted), so it is joined as a category, not as texts (what ``pd.concat``
    gives for categories that differ; made categories again, the same result took 2.02 s at a million incidents
    against 0.74 s so, measured)."""
    frames = [f.copy(deep=False) for f in frames]  # (new columns set below; the frames given are left as they are)
    for name in frames[0].columns:
        if all(isinstance(f[name].dtype, pd.CategoricalDtype) for f in frames):
            union = frames[0][name].cat.categories
            for f in frames[1:]:
                union = union.union(f[name].cat.categories)
            for f in frames:
                f[name] = f[name].cat.set_categories(union.sort_values())
    return compact(pd.concat(frames, ignore_index=True))  # (a category's values none of the rows kept holds: gone)


def filled(values: pd.Series, missing: str) -> pd.Series:
    """``values`` with their missing values as ``missing`` (a category gains it first: ``fillna`` refuses a value
    that is not among a category's values)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.isna().any() \
            and missing not in values.cat.categories:
        values = values.cat.add_categories([missing])
    return values.fillna(missing)


def counted(values: pd.Series) -> pd.Series:
    """``values.value_counts()`` of the values held: a category's ``value_counts`` also lists, with 0, the values
    none of its rows holds."""
    counts = values.value_counts()
    return counts[counts > 0]
