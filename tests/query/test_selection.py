"""The selection the pages get gives exactly what the plain definitions give: ``select`` is boolean ``.loc`` (and
the frame itself when every row is kept), ``filtered`` is ``filter_incidents`` plus ``left_out`` of a second
filter pass, and the datasets note's counts are those of splitting every row."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from benchmarks.synthetic import synthetic_incidents
from dashboard.data.search import SearchIndex
from dashboard.query.aggregate import _dataset_counts, datasets_note, datasets_note_of_lists, toll_parts, totals
from dashboard.query.filters import FrameIndex, filter_incidents, filter_mask, select
from dashboard.query.scope import (
    DEFAULT_SCOPE,
    LISTED_COLUMNS,
    REASONS,
    left_out,
    scope,
    scope_choices,
    why_not_counted,
)
from dashboard.query.selection import filtered
from dashboard.query.spec import FilterSpec


@pytest.fixture(scope="module")
def frame():
    return synthetic_incidents(3_000, seed=5, validate="none")


@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.99])
def test_select_is_boolean_indexing(frame, share):
    mask = np.random.default_rng(int(share * 100)).random(len(frame)) < share
    got = select(frame, mask)
    assert type(got) is type(frame)
    assert_frame_equal(got, frame.loc[mask])


def test_select_of_every_row_is_the_frame_itself(frame):
    assert select(frame, np.ones(len(frame), dtype=bool)) is frame


def test_select_refuses_a_mask_of_another_length(frame):
    with pytest.raises(ValueError, match="rows"):
        select(frame, np.ones(len(frame) - 1, dtype=bool))


SPECS = [
    FilterSpec(),
    FilterSpec(scope="all"),
    FilterSpec(scope="civilian"),
    FilterSpec(perpetrator_categories=frozenset({"state_forces"})),
    FilterSpec(perpetrator_categories=frozenset({"state_forces"}), scope="all"),
    FilterSpec(start=date(2022, 1, 1), end=date(2022, 12, 31), text="e"),
    FilterSpec(text="no such words anywhere"),
    FilterSpec(text="https", scope="all"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: repr(s.to_query_params()))
@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "search-index"])
@pytest.mark.parametrize("warmed", [False, True], ids=["computed-here", "kept-by-the-loader"])
def test_filtered_is_the_plain_definition(frame, spec, indexed, warmed):
    index = FrameIndex(frame, SearchIndex.build(frame) if indexed else None)
    got = filtered(frame, spec, index.warmed() if warmed else index)
    view = frame.loc[filter_mask(frame, spec)]  # every part computed for this call, the text scanned
    assert_frame_equal(got.view, view)
    assert got.totals == totals(view)
    if spec.scope == "all":
        expected = left_out(filter_incidents(frame, spec.with_(scope=DEFAULT_SCOPE)), view)
        assert got.left_out is None
        shown = got.counted_in
    else:
        expected = left_out(view, filter_incidents(frame, spec.with_(scope="all")))
        assert got.counted_in is None
        shown = got.left_out
    assert_frame_equal(shown.incidents, expected.incidents[list(shown.incidents.columns)])
    assert set(shown.incidents.columns) == set(LISTED_COLUMNS)
    assert (shown.not_civilian, shown.civilian_unknown, shown.outside, shown.region_unknown) == (
        expected.not_civilian, expected.civilian_unknown, expected.outside, expected.region_unknown)


def test_filtered_with_every_row_kept_holds_no_copy(frame):
    got = filtered(frame, FilterSpec(scope="all"))
    assert got.view is frame


@pytest.mark.parametrize("spec", SPECS[:6], ids=lambda s: repr(s.to_query_params()))
@pytest.mark.parametrize("names", [["summary"], ["incident_id", "geometry", "date_start"], ["fatalities_max"]])
def test_columns_are_those_of_the_whole_view(frame, spec, names):
    got = filtered(frame, spec)
    part = got.columns(names)
    assert type(part) is type(frame[names])  # a GeoDataFrame when the geometry is among them
    assert_frame_equal(part, frame.loc[filter_mask(frame, spec)][names])
    assert got.columns(names) is part  # kept for the next page
    assert len(got) == len(part)


def test_no_row_is_taken_whole_until_the_view_is_asked_for(frame, monkeypatch):
    taken = []
    take = type(frame).take

    def counted(self, indices, axis=0, **kwargs):
        if axis in (0, "index"):  # rows (a list of columns is taken along the other axis)
            taken.append(self.shape[1])
        return take(self, indices, axis=axis, **kwargs)

    monkeypatch.setattr(type(frame), "take", counted)
    monkeypatch.setattr(pd.DataFrame, "take", counted)
    got = filtered(frame, FilterSpec(perpetrator_categories=frozenset({"state_forces"})), FrameIndex(frame).warmed())
    assert taken == []  # the totals are read by position; the scope note's rows wait for its list
    assert len(got.left_out) > 0 and taken == []
    assert len(got.left_out.incidents) == len(got.left_out) and taken[-1] == len(LISTED_COLUMNS)
    got.columns(["incident_id", "summary"])
    assert taken[-1] == 2
    assert len(got.view) == len(got) and taken[-1] == frame.shape[1]
    assert got.view is got.view and got.left_out.incidents is got.left_out.incidents  # taken once


@pytest.mark.parametrize("spec", SPECS[:6], ids=lambda s: repr(s.to_query_params()))
@pytest.mark.parametrize("n", [0, 7, 10_000])
def test_first_is_the_sorted_head_taking_only_those_rows_whole(frame, spec, n, monkeypatch):
    by = ["date_start", "incident_id"]
    expected = filtered(frame, spec).view.sort_values(by).head(n)
    got = filtered(frame, spec)
    taken = []
    take = type(frame).take

    def counted(self, indices, axis=0, **kwargs):
        if axis in (0, "index"):
            taken.append((self.shape[1], len(indices)))
        return take(self, indices, axis=axis, **kwargs)

    monkeypatch.setattr(type(frame), "take", counted)
    monkeypatch.setattr(pd.DataFrame, "take", counted)
    assert_frame_equal(got.first(n, by), expected)
    whole = [rows for width, rows in taken if width == frame.shape[1]]
    assert whole == [min(n, len(got))]  # the keys of the others, and only those n rows whole


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: repr(s.to_query_params()))
def test_part_is_those_rows_of_the_view(frame, spec):
    got = filtered(frame, spec)
    view = got.view
    rng = np.random.default_rng(len(view))
    mask = rng.random(len(view)) < 0.3
    names = ["incident_id", "geometry", "location"]
    assert_frame_equal(got.part(mask).columns(names), view[names].loc[mask])
    positions = np.sort(rng.choice(len(view), size=min(5, len(view)), replace=False))
    assert_frame_equal(got.part(positions).columns(names), view[names].iloc[positions])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: repr(s.to_query_params()))
@pytest.mark.parametrize("column", ["dataset", "cercle", "perpetrator_category", "geo_precision"])
def test_value_counts_are_those_of_the_view(frame, spec, column):
    got = filtered(frame, spec, FrameIndex(frame))
    counts = got.value_counts(column)
    expected = got.view[column].value_counts()  # missing values left out, as here
    assert dict(zip(counts.index, counts.to_numpy().tolist(), strict=True)) == expected.to_dict()
    assert (counts > 0).all()
    assert got.value_counts(column) is counts  # kept


def test_the_datasets_note_of_the_counted_lists_is_that_of_the_rows():
    rng = np.random.default_rng(4)
    cells = np.array(["acled", "ucdp", "acled; ucdp", "segou-curated; acled; ucdp", "user", "", None], dtype=object)
    incidents = pd.DataFrame({"datasets": pd.Series(cells[rng.integers(0, len(cells), 500)], dtype="str")})
    mask = rng.random(len(incidents)) < 0.5
    held = incidents["datasets"].loc[mask].value_counts()
    note = datasets_note_of_lists(held)
    assert note is not None
    assert note == datasets_note(incidents.loc[mask])


@pytest.mark.parametrize("share", [0.0, 0.02, 0.5, 1.0])
def test_toll_parts_sum_to_the_totals(frame, share):
    """Totals summed by position from each row's parts are the totals of the rows, with unknown and open-ended
    tolls among them (the frame has both)."""
    lo, hi = frame["fatalities_min"], frame["fatalities_max"]
    assert (lo.isna() & hi.isna()).any() and (lo.notna() & hi.isna()).any() and (hi > lo).any()
    mask = np.random.default_rng(int(share * 100)).random(len(frame)) < share
    positions = np.flatnonzero(mask)
    assert toll_parts(frame).totals(positions) == totals(frame.loc[mask])
    assert toll_parts(frame).totals() == totals(frame)


def test_the_kept_scopes_are_the_scopes_masks_and_reasons(frame):
    kept = FrameIndex(frame).scopes
    for name in scope_choices():
        assert np.array_equal(kept.mask(name), scope(name).mask(frame))
    words = np.array([*REASONS, None], dtype=object)
    assert list(words[kept.reasons]) == list(why_not_counted(frame))


def _plain_counts(incidents: pd.DataFrame) -> tuple[dict[str, int], int]:
    """The definition, row by row: every report's dataset, and the incidents with more than one report."""
    counts: dict[str, int] = {}
    shared = 0
    for cell in incidents["datasets"]:
        names = [] if pd.isna(cell) else [n for n in str(cell).split("; ") if n]
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        shared += len(names) > 1
    return counts, shared


def test_dataset_counts_are_those_of_every_row():
    rng = np.random.default_rng(3)
    cells = np.array(["acled", "ucdp", "acled; ucdp", "segou-curated; acled; ucdp", "user", "", None], dtype=object)
    incidents = pd.DataFrame({"datasets": pd.Series(cells[rng.integers(0, len(cells), 500)], dtype="str")})
    assert _dataset_counts(incidents) == _plain_counts(incidents)
    note = datasets_note(incidents)
    counts, shared = _plain_counts(incidents)
    assert note is not None and f"{shared} incidents are reported by more than one" in note
    assert all(f"{n} {name}" in note for name, n in counts.items())
