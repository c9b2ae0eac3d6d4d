"""The frame's index (what the filters read besides the rows, kept per loaded frame) and the two small "compute once"
pieces it shares with the selection: each gives what computing it on the spot gives, for exactly its own frame."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from benchmarks.synthetic import synthetic_incidents
from dashboard.data.reconcile.view import incidents_of
from dashboard.data.search import SearchIndex
from dashboard.data.store import load_bundled
from dashboard.query.aggregate import distinct_of_cells, distinct_values
from dashboard.query.frame_index import CODED_COLUMNS, FrameIndex
from dashboard.query.registry import FILTERS
from dashboard.query.rows import Kept, Rows


@pytest.fixture(scope="module")
def frame():
    return synthetic_incidents(2_000, seed=9, validate="none")


def test_warmed_computes_every_part(frame):
    index = FrameIndex(frame).warmed()
    present = [c for c in CODED_COLUMNS if c in frame.columns]
    assert len(present) >= 8  # a frame of reports: no incident's "datasets", "grade" or "status"
    assert index.computed() == {"scopes", "points", "tolls", *(("coded", c) for c in present)}


@pytest.mark.parametrize("column", ["perpetrator_category", "cercle", "geo_precision", "dataset"])
def test_codes_give_back_the_column(frame, column):
    codes, values = FrameIndex(frame).coded(column)
    assert codes.dtype == np.int32 and values.dtype == frame[column].dtype
    back = pd.Series(values.to_numpy(dtype=object)[codes], dtype=object).where(codes >= 0, None)
    expected = frame[column].astype(object).where(frame[column].notna(), None).reset_index(drop=True)
    assert back.tolist() == expected.tolist()


def test_per_distinct_is_the_test_on_every_row_and_a_missing_value_never_matches():
    frame = pd.DataFrame({"c": pd.array(["a", None, "b", "a", None, "ab"], dtype="str")})
    index = FrameIndex(frame)
    got = index.per_distinct("c", lambda v: v.str.contains("a").fillna(False).to_numpy(bool))
    assert got.tolist() == [True, False, False, True, False, True]
    asked = []
    index.per_distinct("c", lambda v: asked.append(list(v)) or np.zeros(len(v), dtype=bool))
    assert asked == [["a", "b", "ab"]]  # each distinct value once, the missing one never


def test_an_index_answers_for_its_own_frame_only(frame):
    index = FrameIndex(frame)
    assert index.of(frame) is index
    with pytest.raises(ValueError, match="another frame"):
        index.of(frame.copy())
    with pytest.raises(ValueError, match="rows"):
        FrameIndex(frame.iloc[:10], SearchIndex.build(frame, words=False))


def test_kept_computes_each_value_once_when_threads_ask_at_once():
    kept, calls = Kept(), []

    def compute():
        calls.append(1)
        time.sleep(0.05)  # long enough for the other threads to ask meanwhile
        return object()

    got = []
    threads = [threading.Thread(target=lambda: got.append(kept.get("k", compute))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 4 and all(g is got[0] for g in got)
    assert kept.keys() == {"k"}


@pytest.mark.parametrize("positions", [None, np.array([5, 0, 17, 3])])
def test_rows_are_the_frames_rows_taken_once(frame, positions):
    rows = Rows(frame, positions)
    whole = frame if positions is None else frame.take(positions)
    assert len(rows) == len(whole)
    assert_frame_equal(rows.whole, whole)
    part = rows.columns(["incident_id", "geometry"])
    assert_frame_equal(part, whole[["incident_id", "geometry"]])
    assert rows.columns(["incident_id", "geometry"]) is part and rows.whole is rows.whole
    if positions is None:
        assert rows.whole is frame  # every row: the frame itself, not a copy


@pytest.mark.parametrize("f", [f for f in FILTERS if f.options], ids=lambda f: f.name)
def test_the_sidebars_options_from_the_kept_cells_are_the_columns_distinct_values(f):
    """The sidebar offers the distinct values the frame's index keeps (ui/cache.filter_options): the same list as
    reading the column, multi-valued cells split."""
    loaded = incidents_of(load_bundled(), ()).frame
    index = FrameIndex(loaded).warmed()
    assert ("coded", f.options) in index.computed()  # computed ahead by the loader
    expected = distinct_values(loaded, f.options, split=f.split)
    assert len(expected) > 1
    assert distinct_of_cells(index.coded(f.options).values, split=f.split) == expected
