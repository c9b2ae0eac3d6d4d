import json

import pytest

from dashboard.data.schema import COLUMNS, SourceError, parse_sources
from dashboard.data.validate import LayoutError, validate_flat
from tests.factories import flat, row


def problems(*rows):
    result = validate_flat(flat(*rows))
    return result, {(p.row, p.column): p.problem for p in result.rejects.itertuples()}


def test_a_good_row_passes_with_canonical_types():
    result, found = problems(row())
    assert found == {}
    valid = result.valid
    assert list(valid.columns) == [*COLUMNS, "geometry"]
    assert str(valid["fatalities_min"].dtype) == "Int64"
    assert valid.crs.to_epsg() == 4326
    assert valid.geometry.iloc[0].x == pytest.approx(-5.993)
    assert valid["date_end"].iloc[0] == valid["date_start"].iloc[0]  # one day: end = start


@pytest.mark.parametrize(
    ("overrides", "column", "problem"),
    [
        ({"latitude": "200"}, "latitude", "outside -90..90"),
        ({"longitude": "-181"}, "longitude", "outside -180..180"),
        ({"latitude": "0", "longitude": "0"}, "latitude", "(0, 0) is a placeholder"),
        ({"latitude": "14.1", "longitude": ""}, "latitude", "both be given"),
        ({"date_start": "32/13/2025"}, "date_start", "cannot be read"),
        ({"date_start": "2025-10-05", "date_end": "2025-10-01"}, "date_end", "on or after date_start"),
        ({"fatalities_min": "9", "fatalities_max": "3"}, "fatalities_max", "at least fatalities_min"),
        ({"fatalities_min": "-1", "fatalities_max": ""}, "fatalities_min", "greater_than_or_equal_to(0)"),
        ({"fatalities_min": "a few"}, "fatalities_min", "cannot be read"),
        ({"date_precision": "fortnight"}, "date_precision", "not one of the allowed values"),
        ({"geo_precision": "4"}, "geo_precision", "not one of the allowed values"),
        ({"perpetrator_category": "state_forces;aliens"}, "perpetrator_category", "known perpetrator category"),
        ({"verification": "true"}, "verification", "not one of the allowed values"),
        ({"sources": "[]"}, "sources", "JSON list of sources"),
        ({"sources": json.dumps([{"organisation": "X", "url": "javascript:alert(1)"}])}, "sources", "JSON list"),
        ({"location": ""}, "location", "required value is empty"),
        ({"event_type": "Massacre"}, "event_type", "not one of the allowed values"),
    ],
)
def test_each_kind_of_bad_row_is_rejected_naming_the_field(overrides, column, problem):
    result, found = problems(row(incident_id="good"), row(incident_id="bad", **overrides))
    assert list(result.valid["incident_id"]) == ["good"]
    assert (3, column) in found, found
    assert problem in found[(3, column)]


def test_every_problem_of_a_row_is_reported_at_once():
    _, found = problems(row(latitude="200", verification="maybe", perpetrator_category="nobody"))
    assert {c for _, c in found} == {"latitude", "verification", "perpetrator_category"}


def test_unknown_tolls_stay_unknown():
    result, _ = problems(row(fatalities_min="", fatalities_max=""))
    assert result.valid["fatalities_min"].isna().all()
    assert result.valid["fatalities_max"].isna().all()


def test_coarse_dates_get_the_end_of_their_period():
    result, _ = problems(row(incident_id="m", date_start="2024-02-01", date_precision="month"),
                         row(incident_id="y", date_start="2021-01-01", date_precision="year"),
                         row(incident_id="w", date_start="2021-03-01", date_precision="week"))
    ends = dict(zip(result.valid["incident_id"], result.valid["date_end"].dt.strftime("%Y-%m-%d"), strict=True))
    assert ends == {"m": "2024-02-29", "y": "2021-12-31", "w": "2021-03-07"}


def test_duplicate_ids_keep_the_first_and_name_it():
    _, found = problems(row(), row())
    assert found == {(3, "incident_id"): "duplicate incident_id (first at row 2)"}


def test_a_missing_required_column_fails_the_whole_file():
    frame = flat(row()).drop(columns=["sources"])
    with pytest.raises(LayoutError, match="missing required column.*sources"):
        validate_flat(frame, source_name="x.csv")


def test_sources_codec_rejects_non_http_links_and_unknown_fields():
    ok = parse_sources(json.dumps([{"organisation": "HRW", "url": "https://hrw.org/x", "published": "2025-11"}]))
    assert ok[0].published == "2025-11"
    for bad in ('[{"organisation": ""}]', '[{"organisation": "A", "url": "ftp://x"}]',
                '[{"organisation": "A", "colour": "red"}]', "not json", '{"organisation": "A"}',
                '[{"organisation": "A", "published": "last week"}]'):
        with pytest.raises(SourceError):
            parse_sources(bad)


def test_an_unreadable_start_date_is_reported_once():
    _, found = problems(row(date_start="3 Octobre 2025"))
    assert set(found) == {(2, "date_start")}
