"""ACLED adapter: both CSV layouts and the API JSON map to the canonical columns as documented."""

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data.importer import detect_format, read_any
from dashboard.data.schema import parse_sources
from dashboard.data.sources.acled import CURRENT_COLUMNS, acled_to_flat, looks_like_acled
from dashboard.data.sources.actors import categorise, category_from_name, inter_code
from dashboard.data.validate import LayoutError, validate_flat
from dashboard.errors import UnreadableFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def valid(name: str) -> pd.DataFrame:
    result = validate_flat(read_any(FIXTURES / name), source_name=name)
    assert result.rejects.empty, result.rejects.to_string()
    return result.valid.set_index("incident_id", drop=False)


# ---- current (2023-) CSV layout: UTF-8 BOM, CRLF line ends, notes with commas, quotes and a line break -----
def test_new_layout_fixture_really_is_awkward():
    data = (FIXTURES / "acled_new_layout.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and "Ségou".encode() in data


def test_new_layout_reads_every_row_with_row_numbers():
    flat = read_any(FIXTURES / "acled_new_layout.csv")
    assert detect_format(FIXTURES / "acled_new_layout.csv") == "acled"
    assert list(flat.index) == [2, 3, 4, 5, 6]  # header is row 1; a note's line break does not shift rows
    assert flat.loc[2, "incident_id"] == "ACLED-MLI90001"


def test_new_layout_values():
    df = valid("acled_new_layout.csv")
    assert len(df) == 5
    first = df.loc["ACLED-MLI90001"]
    assert first["source_record_id"] == "MLI90001" and first["dataset"] == "acled"
    assert first["location"] == "Ké-Macina" and first["admin1"] == "Ségou" and first["admin3"] == "Kokry"
    assert (first.geometry.y, first.geometry.x) == (13.9626, -5.3572)
    assert first["summary"].startswith('Fixture event. On 15 March 2024, soldiers and "foreign" troops')
    assert "\n" in first["summary"]
    assert first["perpetrators"] == "Military Forces of Mali (2021-); Wagner Group"
    assert first["perpetrator_category"] == "state_forces;foreign_forces"
    assert first["victims"] == "Civilians (Mali); Fulani Ethnic Group (Mali)"
    assert first["fatalities_min"] == first["fatalities_max"] == 12
    assert pd.isna(first["fatalities_best"])
    assert bool(first["civilian_targeting"]) is True
    assert first["verification"] == "reported" and first["attribution_basis"] == "source_attributed"
    assert [(s.organisation, s.title) for s in parse_sources(first["sources"])] == [
        ("Malijet", None), ("Studio Tamani", None), ("ACLED", "event MLI90001")]


def test_empty_fatalities_stay_unknown_and_zero_stays_zero():
    df = valid("acled_new_layout.csv")
    assert pd.isna(df.loc["ACLED-MLI90002", "fatalities_min"]) and pd.isna(df.loc["ACLED-MLI90002", "fatalities_max"])
    assert df.loc["ACLED-MLI90003", "fatalities_min"] == 0


def test_time_precision_maps_to_day_week_month_spans():
    df = valid("acled_new_layout.csv")
    spans = {i: (r.date_precision, r.date_start.date().isoformat(), r.date_end.date().isoformat())
             for i, r in df.iterrows()}
    assert spans["ACLED-MLI90001"] == ("day", "2024-03-15", "2024-03-15")
    assert spans["ACLED-MLI90002"] == ("week", "2024-04-10", "2024-04-16")
    assert spans["ACLED-MLI90003"] == ("month", "2024-05-01", "2024-05-31")  # 20 May → the whole of May


def test_civilian_targeting_column_and_geo_precision():
    df = valid("acled_new_layout.csv")
    assert df["civilian_targeting"].tolist() == [True, True, False, True, True]  # empty cell → false
    assert df["geo_precision"].tolist() == [1, 2, 3, 1, 2]
    assert df.loc["ACLED-MLI90003", "event_type"] == "Battles"
    assert pd.isna(df.loc["ACLED-MLI90003", "victims"])  # actor2 is an armed group, not civilians


def test_unidentified_perpetrator_has_unknown_attribution():
    df = valid("acled_new_layout.csv")
    row = df.loc["ACLED-MLI90004"]
    assert row["perpetrator_category"] == "unidentified" and row["attribution_basis"] == "unknown"


def test_categories_of_the_new_layout():
    df = valid("acled_new_layout.csv")
    assert df["perpetrator_category"].tolist() == [
        "state_forces;foreign_forces", "jihadist_group", "progov_militia", "unidentified", "communal_militia"]


# ---- pre-2023 layout -----------------------------------------------------------------------------------
def test_old_layout_values():
    df = valid("acled_old_layout.csv")
    assert len(df) == 5
    assert df["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-10-02", "2019-11-14", "2019-12-01", "2020-01-05", "2020-01-20"]
    assert df.loc["ACLED-MLI80003", "date_end"].date().isoformat() == "2019-12-31"
    # no civilian_targeting column: true exactly for "Violence against civilians"
    assert df["civilian_targeting"].tolist() == [True, False, True, True, False]
    assert df["perpetrator_category"].tolist() == [
        "state_forces", "jihadist_group", "progov_militia", "communal_militia", "jihadist_group"]
    assert df.loc["ACLED-MLI80001", "victims"] == "Civilians (Mali)"  # inter2 = 7
    assert pd.isna(df.loc["ACLED-MLI80003", "fatalities_min"])
    assert [s.organisation for s in parse_sources(df.loc["ACLED-MLI80002", "sources"])] == [
        "Reuters", "Jeune Afrique", "ACLED"]


def test_old_layout_upper_case_headers_are_recognised():
    raw = pd.read_csv(FIXTURES / "acled_old_layout.csv", dtype=str)
    raw.columns = [c.upper() for c in raw.columns]
    assert looks_like_acled(raw.columns)
    assert acled_to_flat(raw)["incident_id"].tolist()[0] == "ACLED-MLI80001"


# ---- API JSON --------------------------------------------------------------------------------------------
def test_api_json_with_numbers_as_numbers():
    df = valid("acled_api.json")
    assert len(df) == 3
    first = df.loc["ACLED-MLI70001"]
    assert first["perpetrator_category"] == "state_forces;foreign_forces"  # Africa Corps
    assert first["fatalities_min"] == 6 and (first.geometry.y, first.geometry.x) == (14.4, -5.7)
    assert df.loc["ACLED-MLI70002", "perpetrator_category"] == "jihadist_group"
    assert df.loc["ACLED-MLI70002", "fatalities_max"] == 0


def test_api_json_as_a_bare_list(tmp_path):
    doc = json.loads((FIXTURES / "acled_api.json").read_text(encoding="utf-8"))
    bare = tmp_path / "records.json"
    bare.write_text(json.dumps(doc["data"]), encoding="utf-8")
    flat = read_any(bare)
    assert flat["incident_id"].tolist() == ["ACLED-MLI70001", "ACLED-MLI70002", "ACLED-MLI90001"]
    assert list(flat.index) == [1, 2, 3]


def test_api_error_response_is_one_clear_message(tmp_path):
    bad = tmp_path / "error.json"
    bad.write_text(json.dumps({"status": 403, "success": False, "error": {"message": "Access denied"}}))
    with pytest.raises(UnreadableFile, match=r"^error\.json: JSON without a list of records .*Access denied"):
        read_any(bad)


# ---- layout errors ---------------------------------------------------------------------------------------
def test_missing_acled_column_names_it():
    raw = pd.DataFrame([dict.fromkeys(CURRENT_COLUMNS, "1")]).drop(columns=["latitude"])
    with pytest.raises(LayoutError, match="missing ACLED column.*latitude"):
        acled_to_flat(raw)


def test_missing_acled_column_in_a_file(tmp_path):
    raw = pd.read_csv(FIXTURES / "acled_old_layout.csv", dtype=str).drop(columns=["geo_precision"])
    path = tmp_path / "cut.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(UnreadableFile, match=r"^cut\.csv: missing ACLED column\(s\) geo_precision"):
        read_any(path)


def test_unparseable_event_date_is_left_for_validation_to_report():
    raw = pd.DataFrame([dict.fromkeys(CURRENT_COLUMNS, "")])
    raw = raw.assign(event_id_cnty="MLI1", event_date="sometime in May", time_precision="1",
                     event_type="Violence against civilians", actor1="Unidentified Armed Group (Mali)",
                     location="Niono", latitude="14.25", longitude="-5.99", geo_precision="1")
    raw.index = pd.RangeIndex(2, 3)
    result = validate_flat(acled_to_flat(raw))
    assert result.valid.empty
    assert ("date_start", "sometime in May") in set(zip(result.rejects["column"], result.rejects["value"],
                                                       strict=True))


# ---- actor table -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "inter", "expected"), [
    ("Military Forces of Mali (2021-)", "1", "state_forces"),
    ("Police Forces of Mali (2021-)", "State forces", "state_forces"),
    ("Government of Mali", None, "state_forces"),
    ("Wagner Group", "8", "foreign_forces"),
    ("Africa Corps", None, "foreign_forces"),
    ("Military Forces of Russia", "1", "foreign_forces"),
    ("Military Forces of France (Operation Barkhane)", "8", "foreign_forces"),
    ("MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali", "8", "foreign_forces"),
    ("Dozo Communal Militia (Mali)", "4", "progov_militia"),
    ("Dan Na Ambassagou", "3", "progov_militia"),
    ("Koglweogo Militia", "3", "progov_militia"),
    ("JNIM: Group for Support of Islam and Muslims", "2", "jihadist_group"),
    ("Katiba Macina", "2", "jihadist_group"),
    ("Islamic State Sahel Province", "Rebel group", "jihadist_group"),
    ("IS", None, "jihadist_group"),
    ("Ansaroul Islam", "2", "jihadist_group"),
    ("Fulani Ethnic Militia (Mali)", "4", "communal_militia"),
    ("Unidentified Communal Militia (Mali)", "4", "communal_militia"),
    ("Unidentified Armed Group (Mali)", "3", "unidentified"),
    ("CMA: Coordination of Azawad Movements", "2", "other_armed_group"),
    ("Some Political Militia", "Political militia", "other_armed_group"),
    ("Some Identity Group Militia", "Identity militia", "communal_militia"),
    ("Rioters (Mali)", "5", "unidentified"),
    ("", None, "unidentified"),
])
def test_actor_table(name, inter, expected):
    assert categorise(name, inter=inter) == expected


def test_a_community_is_not_a_perpetrator_category():
    assert category_from_name("Fulani Ethnic Group (Mali)") is None
    assert category_from_name("Civilians (Mali)") is None


@pytest.mark.parametrize(("value", "code"), [
    (1, "1"), ("4", "4"), ("4.0", "4"), ("Identity militia", "4"), ("External/Other forces", "8"),
    ("State forces", "1"), ("", None), (None, None),
])
def test_inter_codes_as_numbers_or_text(value, code):
    assert inter_code(value) == code
