"""Victims and harms in the schema: min–max pairs (min > max refused), breakdowns within the toll, counted harms
listed, codes from the vocabularies, unknown kept unknown; and the violation/abuse rule."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data.harms import COUNT_COLUMNS, HARM_COLUMNS, violation_kind
from dashboard.data.validate import validate_flat
from tests.factories import flat, row


def problems(*rows):
    result = validate_flat(flat(*rows))
    return result, {(p.row, p.column): p.problem for p in result.rejects.itertuples()}


def test_a_row_without_harm_fields_keeps_every_one_unknown():
    result, found = problems(row())
    assert found == {}
    valid = result.valid
    assert valid[list(HARM_COLUMNS)].isna().all().all()  # never 0
    assert all(str(valid[c].dtype) == "Int64" for c in COUNT_COLUMNS)


def test_a_breakdown_and_harms_pass_and_keep_their_values():
    result, found = problems(row(fatalities_min="10", fatalities_max="10", killed_men_min="9", killed_men_max="9",
                                 killed_women_min="1", killed_women_max="1", harms="livestock_taken;injured",
                                 livestock_taken_min="100", livestock_taken_max="100", cause_of_death="firearm"))
    assert found == {}
    r = result.valid.iloc[0]
    assert (r["killed_women_min"], r["killed_women_max"], r["livestock_taken_min"]) == (1, 1, 100)
    assert pd.isna(r["killed_sex_unknown_min"]) and pd.isna(r["injured_min"])  # listed, number unknown


@pytest.mark.parametrize(
    ("overrides", "column", "problem"),
    [
        ({"killed_women_min": "3", "killed_women_max": "1"}, "killed_women_max", "maximum at least its minimum"),
        ({"harms": "injured", "injured_min": "5", "injured_max": "2"}, "injured_max", "maximum at least its minimum"),
        ({"killed_children_min": "-1"}, "killed_children_min", "greater_than_or_equal_to(0)"),
        ({"killed_men_min": "a few"}, "killed_men_min", "cannot be read"),
        # the factory's toll is 21–37: 30 men and 10 women are more than 37
        ({"killed_men_min": "30", "killed_women_min": "10"}, "fatalities_max", "within the toll"),
        ({"killed_children_min": "40"}, "fatalities_max", "within the toll"),
        # every part of the sex breakdown has a maximum and they add up to 12, fewer than the 21 killed at least
        ({"killed_men_max": "10", "killed_women_max": "1", "killed_sex_unknown_max": "1"}, "fatalities_max",
         "within the toll"),
        ({"livestock_taken_min": "100"}, "harms", "livestock_taken is counted but not listed"),
        ({"harms": "injured;looting"}, "harms", "known harm types"),
        ({"cause_of_death": "machete"}, "cause_of_death", "SDG 16.1.2 cause-of-death codes"),
    ],
)
def test_each_bad_harm_value_is_refused_naming_its_field(overrides, column, problem):
    result, found = problems(row(incident_id="good"), row(incident_id="bad", **overrides))
    assert list(result.valid["incident_id"]) == ["good"]
    assert (3, column) in found, found
    assert problem in found[(3, column)]


def test_a_partial_breakdown_is_not_required_to_add_up():
    """"Ten killed, one of them a woman": the men and the sex-unknown stay empty, which is allowed."""
    _, found = problems(row(fatalities_min="10", fatalities_max="10", killed_women_min="1", killed_women_max="1"))
    assert found == {}


@pytest.mark.parametrize(("categories", "kind"), [
    ("state_forces", "violation"), ("foreign_forces;state_forces", "violation"),
    ("state_forces;progov_militia", "violation"),  # a militia with the army: acting with the state
    ("progov_militia", "abuse"), ("jihadist_group", "abuse"), ("communal_militia;other_armed_group", "abuse"),
    ("state_forces;jihadist_group", "both"), ("unidentified", "unknown"), (None, "unknown"),
])
def test_violation_or_abuse_is_derived_from_the_categories(categories, kind):
    assert violation_kind(categories) == kind


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_the_native_layout_carries_the_harm_fields_both_ways(tmp_path, fmt):
    """An export in the tool's own layout holds the harm columns, and importing it gives the same values back."""
    from dashboard.data.importer import read_any
    from dashboard.data.store import load_bundled
    from dashboard.export import files

    bundled = load_bundled()
    curated = bundled.loc[bundled["dataset"] == "segou-curated"].reset_index(drop=True)
    write = {"csv": files.to_csv_bytes, "geojson": files.to_geojson_bytes, "gpkg": files.to_gpkg_bytes}[fmt]
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(write(curated))
    back = validate_flat(read_any(path)).valid.set_index("incident_id")
    before = curated.set_index("incident_id")
    assert back.loc["SEG-2025-010", "killed_women_max"] == 1 and back.loc["SEG-2025-010", "harms"] == "livestock_taken"
    for column in HARM_COLUMNS:
        pd.testing.assert_series_equal(back[column].sort_index(), before[column].sort_index(), check_dtype=False,
                                       check_names=False)
