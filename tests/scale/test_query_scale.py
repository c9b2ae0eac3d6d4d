"""The vectorised paths used at scale give exactly what the plain row-by-row definitions give: filters matched
once per distinct value, the timeline summed with bincount, distinct values taken before splitting."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

from benchmarks.synthetic import synthetic_incidents
from dashboard.data.schema import PERPETRATOR_LABELS
from dashboard.data.search import SearchIndex
from dashboard.query.aggregate import distinct_values
from dashboard.query.filters import SEARCH_COLUMNS, FrameIndex, filter_mask
from dashboard.query.spec import FilterSpec
from dashboard.viz.timeline import timeline_table


@pytest.fixture(scope="module")
def frame():
    return synthetic_incidents(8_000, seed=21, validate="none")


def reference_mask(incidents: pd.DataFrame, spec: FilterSpec) -> np.ndarray:
    keep = np.ones(len(incidents), dtype=bool)
    if spec.perpetrator_categories:
        keep &= np.array([any(c in str(cell).split(";") for c in spec.perpetrator_categories)
                          for cell in incidents["perpetrator_category"]])
    if spec.actors:
        pattern = re.compile("|".join(re.escape(a) for a in spec.actors), re.IGNORECASE)
        keep &= np.array([isinstance(v, str) and bool(pattern.search(v)) for v in incidents["perpetrators"]])
    if spec.text:
        needle = py_fold(spec.text)
        keep &= np.array([any(isinstance(v, str) and needle in py_fold(v) for v in values)
                          for values in zip(*(incidents[c] for c in SEARCH_COLUMNS), strict=True)])
    return keep


def py_fold(text: str) -> str:
    """Case and accents ignored, written with Python's own Unicode tables (Arrow's agree on this text)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


@pytest.mark.parametrize("spec", [
    FilterSpec(perpetrator_categories=frozenset({"state_forces"})),
    FilterSpec(perpetrator_categories=frozenset({"progov_militia", "foreign_forces", "unidentified"})),
    FilterSpec(actors=frozenset({"wagner", "JNIM"})),
    FilterSpec(text="Dogofry"),
    FilterSpec(text="niono"),
    FilterSpec(text="reliefweb"),
    FilterSpec(text="peulh"),
    FilterSpec(text="ségou"),
    FilterSpec(text="SEGOU"),
    FilterSpec(text="were reported"),
    FilterSpec(text="(niono, s"),
], ids=lambda s: s.describe())
def test_filters_matched_per_distinct_value_equal_the_row_by_row_definition(frame, index, spec):
    spec = spec.with_(scope="all")  # the matching itself (the scope is tested in tests/query/test_scope.py)
    got = filter_mask(frame, spec)
    assert got.sum() > 0
    assert (got == reference_mask(frame, spec)).all()
    assert (filter_mask(frame, spec, FrameIndex(frame, index)) == got).all()
    assert (filter_mask(frame, spec, FrameIndex(frame, index).warmed()) == got).all()


@pytest.fixture(scope="module")
def index(frame):
    return SearchIndex.build(frame)


def reference_timeline(incidents: pd.DataFrame, freq: str) -> pd.DataFrame:
    """The timeline by definition: one count per incident, under its first-named category, in the ISO week
    (starting on the Monday on or before its start day), month or year of its start."""
    rows = incidents[["incident_id", "date_start", "fatalities_min", "fatalities_max"]].copy()
    rows["category"] = incidents["perpetrator_category"].str.split(";").str[0].str.strip()
    rows["precise"] = incidents["date_precision"] == "day"
    day = rows["date_start"].dt.normalize()
    rows["period"] = {
        "week": lambda: day - pd.to_timedelta(day.dt.weekday, unit="D"),
        "month": lambda: day - pd.to_timedelta(day.dt.day - 1, unit="D"),
        "year": lambda: pd.to_datetime(day.dt.year.astype(str) + "-01-01"),
    }[freq]()
    rows["hi"] = rows["fatalities_max"].fillna(rows["fatalities_min"])
    table = rows.groupby(["period", "category", "precise"], as_index=False).agg(
        incidents=("incident_id", "nunique"),
        killed_min=("fatalities_min", lambda s: int(s.sum(skipna=True))),
        killed_max=("hi", lambda s: int(s.sum(skipna=True))),
    )
    table["label"] = table["category"].map(PERPETRATOR_LABELS)
    table["date_known"] = table["precise"].map({True: "to the day", False: "only to the week/month/year"})
    return table


@pytest.mark.parametrize("freq", ["week", "month", "year"])
def test_the_vectorised_timeline_equals_the_groupby_definition(frame, freq):
    got = timeline_table(frame, freq)
    want = reference_timeline(frame, freq)
    got = got[list(want.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False, check_datetimelike_compat=True)
    assert got["incidents"].sum() == len(frame)  # every incident counts exactly once


def test_distinct_values_are_those_of_every_cell(frame):
    cells = frame["perpetrators"].dropna()
    want = sorted({v.strip() for cell in cells for v in cell.split(";") if v.strip()})
    assert distinct_values(frame, "perpetrators", split=";") == want
    assert distinct_values(frame, "admin2") == sorted(frame["admin2"].dropna().unique())
