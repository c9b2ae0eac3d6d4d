"""Reports → incidents: the toll range, disputes, the most precise date and place, sources, a stable id."""

from __future__ import annotations

import itertools
import json
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.reconcile import incidents as incidents_module
from dashboard.data.reconcile.clusters import reconcile
from dashboard.data.reconcile.incidents import (
    INCIDENT_COLUMNS,
    build_incidents,
    organisation_counts,
    organisation_key,
)
from dashboard.data.schema import COLUMNS, IncidentModel
from tests.data.test_reconcile import POOL, acled, curated
from tests.factories import incidents, row


def one_incident(*rows):
    reports = incidents(*rows)
    return build_incidents(reports, np.zeros(len(reports), dtype=np.int64))


def test_toll_is_lowest_minimum_to_highest_maximum_and_non_overlapping_ranges_are_disputed():
    farabougou = one_incident(curated(fatalities_min="6", fatalities_max=None),
                              acled(fatalities_min="27", fatalities_max="27")).frame.iloc[0]
    assert (farabougou["fatalities_min"], farabougou["fatalities_max"]) == (6, 27)
    assert farabougou["toll_disputed"]  # "at least 6" counts as 6: 6 vs 27 do not overlap
    kamona = one_incident(curated(), acled()).frame.iloc[0]  # 21–37 and 21
    assert (kamona["fatalities_min"], kamona["fatalities_max"]) == (21, 37)
    assert not kamona["toll_disputed"]


def test_an_unknown_toll_neither_widens_nor_disputes_and_at_least_stays_at_least():
    unknown = one_incident(curated(fatalities_min="6", fatalities_max=None),
                           acled(fatalities_min=None, fatalities_max=None)).frame.iloc[0]
    assert unknown["fatalities_min"] == 6 and pd.isna(unknown["fatalities_max"]) and not unknown["toll_disputed"]
    nothing = one_incident(curated(fatalities_min=None, fatalities_max=None),
                           acled(fatalities_min=None, fatalities_max=None)).frame.iloc[0]
    assert pd.isna(nothing["fatalities_min"]) and pd.isna(nothing["fatalities_max"])


def test_the_curated_report_leads_and_date_and_place_come_from_the_most_precise_report():
    frame = one_incident(
        curated(date_start="2025-10-01", date_end="2025-10-31", date_precision="month", geo_precision="1"),
        acled(date_start="2025-10-02", geo_precision="2"),
    ).frame
    inc = frame.iloc[0]
    assert inc["incident_id"] == "SEG-1" and inc["dataset"] == "segou-curated"
    assert inc["date_start"] == pd.Timestamp("2025-10-02") and inc["date_precision"] == "day"
    assert inc["date_from"] == "ACLED-1"
    assert inc["place_from"] == "SEG-1" and inc["location"] == "Kamona (Kamona-Pont)"
    assert inc["summary"] == "Test incident."  # the lead's
    assert (inc["n_reports"], inc["report_ids"], inc["datasets"]) == (2, "SEG-1; ACLED-1", "segou-curated; acled")


def test_perpetrators_and_sources_of_every_report_are_kept_and_unidentified_gives_way():
    inc = one_incident(curated(perpetrator_category="unidentified", perpetrators="Unknown gunmen"),
                       acled(perpetrator_category="jihadist_group", perpetrators="JNIM")).frame.iloc[0]
    assert inc["perpetrator_category"] == "jihadist_group"
    assert inc["perpetrators"] == "Unknown gunmen; JNIM"
    organisations = [s["organisation"] for s in json.loads(inc["sources"])]
    assert organisations == ["Test Desk", "RFI", "ACLED"]


def test_independent_sources_count_organisations_once_however_relayed():
    assert organisation_key("AFP (via Afrique24)") == organisation_key("AFP via enligne.sn") == "afp"
    assert organisation_key("HRW") == organisation_key("Human Rights Watch (reported via RFI/AllAfrica)")
    sources = json.dumps([{"organisation": "RFI via AllAfrica"}, {"organisation": "HRW"}])
    inc = one_incident(curated(sources=sources), acled()).frame.iloc[0]  # + RFI, ACLED
    assert inc["independent_sources"] == 3


def test_a_lone_report_is_its_own_incident_unchanged():
    reports = incidents(curated(), acled(location="Elsewhere"))
    frame = build_incidents(reports, np.arange(2)).frame
    pd.testing.assert_frame_equal(pd.DataFrame(frame[list(COLUMNS)]), pd.DataFrame(reports[list(COLUMNS)]))
    assert frame["n_reports"].tolist() == [1, 1] and frame["report_ids"].tolist() == ["SEG-1", "ACLED-1"]


def test_every_incident_is_a_valid_canonical_row_and_every_report_names_its_incident():
    rec = reconcile(POOL)
    built = build_incidents(POOL, rec.group)
    IncidentModel.validate(pd.DataFrame(built.frame[list(COLUMNS)]), lazy=True)
    assert list(built.frame.columns) == [*COLUMNS, *INCIDENT_COLUMNS, "geometry"]
    assert len(built.frame) == len(set(rec.group)) and built.frame["incident_id"].is_unique
    assert built.frame["n_reports"].sum() == len(POOL)
    members = pd.Series(POOL["incident_id"].to_numpy()).groupby(built.report_incident).agg(set)
    for inc in built.frame.itertuples():
        assert members[inc.incident_id] == set(inc.report_ids.split("; "))
        assert inc.incident_id in members[inc.incident_id]


def test_a_best_estimate_outside_the_merged_range_is_dropped():
    inc = one_incident(curated(fatalities_min="6", fatalities_max=None, fatalities_best="10"),
                       row(incident_id="U-1", dataset="ucdp", source_record_id="1", fatalities_min="8",
                           fatalities_max="8")).frame.iloc[0]
    assert (inc["fatalities_min"], inc["fatalities_max"]) == (6, 8) and pd.isna(inc["fatalities_best"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4), min_size=1, max_size=9),
       st.booleans(), st.integers(1, 4), st.integers(1, 3))
def test_counting_organisations_in_bulk_agrees_with_decoding_each_cell(cells, ascii_only, at_a_time, chunks):
    """Counted a few cells at a time (the slices' bounds anywhere), from a column of one or several Arrow chunks."""
    texts = [json.dumps([{"organisation": o, "url": None} for o in orgs], ensure_ascii=ascii_only) for orgs in cells]
    bounds = np.linspace(0, len(texts), chunks + 1).astype(int)
    sources = pd.concat([pd.Series(texts[lo:hi], dtype="str") for lo, hi in itertools.pairwise(bounds)],
                        ignore_index=True)
    expected = [len({organisation_key(o) for o in orgs}) for orgs in cells]
    with mock.patch.object(incidents_module, "COUNT_CELLS", at_a_time):
        assert organisation_counts(sources).tolist() == expected
    assert organisation_counts(pd.Series(texts)).tolist() == expected  # one slice, plain Python text
    assert organisation_counts(sources.iloc[:0]).tolist() == []


def _each_alone(reports: pd.DataFrame, group: np.ndarray) -> pd.DataFrame:
    """The incidents built one group at a time, in the order of each group's first report."""
    labels = pd.unique(np.asarray(group))
    frames = [build_incidents(reports.iloc[np.flatnonzero(group == label)], np.zeros((group == label).sum(), int))
              .frame for label in labels]
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_grouping_many_incidents_at_once_equals_grouping_each_alone(labels, random):
    """Lone reports and merged incidents interleaved: each incident's row is the one its reports give alone, at the
    place of its first report (merged rows are written over the kept rows: a misplaced or retyped one fails)."""
    reports = POOL.iloc[random.sample(range(len(POOL)), len(labels))].reset_index(drop=True)
    group = np.asarray(labels)
    built = build_incidents(reports, group)
    pd.testing.assert_frame_equal(pd.DataFrame(built.frame), pd.DataFrame(_each_alone(reports, group)))
    assert built.frame.dtypes.to_dict() == build_incidents(reports, np.arange(len(reports))).frame.dtypes.to_dict()
    lead = {i: ids.split("; ") for i, ids in zip(built.frame["incident_id"], built.frame["report_ids"], strict=True)}
    for report, incident in zip(reports["incident_id"], built.report_incident, strict=True):
        assert report in lead[incident]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_grouping_that_takes_the_reports_frame_builds_the_same_incidents(labels, random):
    """``take=True`` (the cold load's grouping, which gives the reports' frame up) moves the kept rows out of the
    frame given, a column at a time, and builds exactly what the copying grouping builds."""
    reports = POOL.iloc[random.sample(range(len(POOL)), len(labels))].reset_index(drop=True)
    group = np.asarray(labels)
    expected = build_incidents(reports, group)
    given_up = reports.copy()
    taken = build_incidents(given_up, group, take=True)
    pd.testing.assert_frame_equal(pd.DataFrame(taken.frame), pd.DataFrame(expected.frame))
    assert taken.frame.crs == expected.frame.crs
    assert list(taken.report_incident) == list(expected.report_incident)
    if len(set(labels)) < len(labels):  # some reports grouped: their columns were moved, not copied beside them
        assert given_up.shape == (len(reports), 0)
        # the columns no report fills: views of one shared empty column, not a copy each (shared_columns)
        blank = [c for c in reports if reports[c].dtype == "Int64" and reports[c].isna().all()
                 and taken.frame[c].isna().all()]  # (a merged incident may fill one, e.g. its best estimate)
        assert len(blank) >= 2
        assert all(np.shares_memory(taken.frame[c].array._data, taken.frame[blank[0]].array._data) for c in blank)


def test_grouping_that_takes_the_reports_frame_needs_rows_numbered_from_zero():
    reports = POOL.iloc[[2, 0, 1]]
    with pytest.raises(ValueError, match="RangeIndex"):
        build_incidents(reports, np.zeros(3, int), take=True)
