"""The once-per-distinct-row helpers (:mod:`dashboard.data.distinct`) are their plain row-by-row definitions, and
reconciliation's place features built with them are too."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.distinct import distinct_rows, per_distinct_row, per_distinct_rows, per_distinct_value
from dashboard.data.missing import is_missing
from dashboard.data.reconcile.features import _commune_key, features
from dashboard.data.reconcile.names import name_keys
from dashboard.data.store import load_bundled

_cells = st.one_of(st.none(), st.just(np.nan), st.integers(0, 3), st.sampled_from(["a", "b", "a;b"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_cells, _cells, st.one_of(st.none(), st.integers(0, 2))), max_size=40))
def test_per_distinct_row_calls_once_per_distinct_row_and_gives_each_rows_answer(rows):
    frame = pd.DataFrame(rows, columns=["x", "y", "n"]).astype({"n": "Int64"})
    calls = []

    def key(row):  # missing values alike, as the table's writers treat them
        calls.append(row)
        return tuple("missing" if is_missing(v) else v for v in row.values())

    got = per_distinct_row(frame, key)
    expected = [tuple("missing" if is_missing(v) else v for v in r.values()) for r in frame.to_dict("records")]
    assert list(got) == expected
    assert len(calls) == len(set(expected))
    codes, first = distinct_rows(frame)
    assert [expected[i] for i in first] == [expected[list(codes).index(c)] for c in range(len(first))]
    assert list(per_distinct_value(frame["x"], lambda v: "missing" if is_missing(v) else v)) == [
        e[0] for e in expected]
    calls.clear()
    both = per_distinct_rows(frame, key, lambda row: key(row)[::-1])  # two writers, the distinct rows found once
    assert [list(w) for w in both] == [expected, [e[::-1] for e in expected]]
    assert len(calls) == 2 * len(set(expected))


def test_every_missing_value_of_a_column_is_one_value_and_fn_gets_the_first_as_found():
    values = pd.Series(["a", np.nan, None, "a", pd.NA, "b"], dtype=object)
    seen = []

    def fn(v):
        seen.append(v)
        return "missing" if is_missing(v) else v.upper()

    assert list(per_distinct_value(values, fn)) == ["A", "missing", "missing", "A", "missing", "B"]
    assert len(seen) == 3 and seen[0] == "a" and seen[2] == "b"
    assert isinstance(seen[1], float) and np.isnan(seen[1])  # the first missing value, NaN here, not None
    assert list(per_distinct_value(values.iloc[:0], fn)) == []


def test_a_tuple_or_list_answer_is_one_value_per_row():
    values = pd.Series(["x", "y", "x"])
    assert list(per_distinct_value(values, lambda v: (v, v))) == [("x", "x"), ("y", "y"), ("x", "x")]
    assert list(per_distinct_row(values.to_frame("v"), lambda r: [r["v"]])) == [["x"], ["y"], ["x"]]


def test_the_place_features_are_their_row_by_row_definitions():
    reports = load_bundled()
    reports.loc[reports.index[:3], "location"] = [None, np.nan, pd.NA]  # every kind of missing name
    got = features(reports)
    assert list(got.names) == [name_keys(v) for v in reports["location"]]
    assert not any(got.names[:3])
    units = [f"{'' if is_missing(c) else c}\x00{'' if is_missing(m) else m}"
             for c, m in zip(reports["admin2"], reports["admin3"], strict=True)]
    assert list(got.commune) == [_commune_key(u) for u in units]
    assert {None} < set(got.commune)  # some communes unknown in the bundled record, others known
