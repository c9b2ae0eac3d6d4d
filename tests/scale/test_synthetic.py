"""The synthetic generator yields canonical incidents: valid through the import validator, with the mix the
benchmarks rely on (clustered places, unknown and ranged tolls, region-level rows without points, 1–3 sources)."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.synthetic import check, synthetic_incidents, to_flat
from dashboard.data.schema import parse_sources
from dashboard.data.validate import empty_incidents, validate_flat

N = 6_000


@pytest.fixture(scope="module")
def frame():
    return synthetic_incidents(N, seed=7, validate="none")


def test_a_sample_of_2000_rows_passes_the_import_validator(frame):
    sample = frame.sample(2_000, random_state=1)
    result = validate_flat(to_flat(sample), source_name="synthetic")
    assert result.rejects.empty, result.rejects.head(10).to_string()
    assert len(result.valid) == 2_000
    # what the validator returns is what the generator built (same values, same dtypes)
    back = result.valid.set_index("incident_id").sort_index()
    built = sample.set_index("incident_id").sort_index()
    pd.testing.assert_frame_equal(pd.DataFrame(back.drop(columns="geometry")),
                                  pd.DataFrame(built.drop(columns="geometry")), check_index_type=False)
    assert back.geometry.equals(built.geometry)


def test_dtypes_are_those_of_a_validated_frame(frame):
    assert frame.dtypes.astype(str).to_dict() == empty_incidents().dtypes.astype(str).to_dict()
    assert frame.crs == "EPSG:4326"
    assert list(frame.index) == list(range(N))
    check(frame, sample=500)  # the generator's own whole-frame checks


def test_same_seed_same_frame_other_seed_other_frame():
    a, b, c = (synthetic_incidents(500, seed=s, validate="none") for s in (3, 3, 4))
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    assert not a["summary"].equals(c["summary"])


def test_the_mix_is_acled_like(frame):
    no_point = frame.geometry.isna()
    assert 0.03 < no_point.mean() < 0.12
    assert (frame.loc[no_point, "geo_precision"] == 3).all()  # only region-level rows lack a point
    assert set(frame["geo_precision"].unique()) == {1, 2, 3}
    assert set(frame["date_precision"].unique()) == {"day", "week", "month", "year"}
    unknown = frame["fatalities_min"].isna() & frame["fatalities_max"].isna()
    ranged = frame["fatalities_max"] > frame["fatalities_min"]
    open_ended = frame["fatalities_min"].notna() & frame["fatalities_max"].isna()
    assert 0.1 < unknown.mean() < 0.3
    assert ranged.fillna(False).mean() > 0.1
    assert open_ended.mean() > 0.02
    assert frame["perpetrator_category"].str.contains(";").mean() > 0.05  # some incidents name two categories
    assert 0.25 < (frame["admin1"] == "Ségou").mean() < 0.45  # Ségou-heavy, the rest across the Sahel
    assert frame["admin1"].nunique() > 10
    # clustering: far fewer distinct coordinates than incidents
    points = frame.geometry[~no_point]
    assert points.x.round(6).astype(str).str.cat(points.y.round(6).astype(str), sep=",").nunique() < len(points) / 3


def test_every_incident_has_1_to_3_sources_with_https_urls(frame):
    counts = []
    for cell in frame["sources"].sample(300, random_state=2):
        sources = parse_sources(cell)
        counts.append(len(sources))
        assert all(s.url.startswith("https://") for s in sources)
    assert set(counts) == {1, 2, 3}


def test_bursts_cluster_incidents_in_time(frame):
    per_day = frame.groupby(["admin2", "date_start"]).size()
    assert per_day.max() >= 5  # a town hit repeatedly within days


def test_zero_rows_is_an_empty_canonical_frame():
    empty = synthetic_incidents(0)
    assert empty.empty
    assert list(empty.columns) == list(empty_incidents().columns)
