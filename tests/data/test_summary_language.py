"""``summary_fr`` and ``summary_lang`` (issue 15): every adapter says the language of the text it brings and never
guesses one; a native file's own columns are kept; the columns travel through the store and the file exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data.importer import import_file, read_any
from dashboard.data.schema import COLUMNS, FLAT_COLUMNS, LANGUAGE_CHECK
from dashboard.data.sources.acled import acled_to_flat
from dashboard.data.store import dataset_version, read_store, write_store
from dashboard.data.ucdp_layer import ucdp_flat
from dashboard.data.validate import empty_incidents, validate_flat
from dashboard.export.files import to_csv_bytes, to_geojson_bytes, to_gpkg_bytes, to_json_bytes
from tests.factories import flat, incidents, row

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NEW = ("summary_fr", "summary_lang")


def _valid(flat: pd.DataFrame) -> pd.DataFrame:
    result = validate_flat(flat)
    assert result.rejects.empty, result.rejects.to_string()
    return result.valid.set_index("incident_id", drop=False)


def test_the_columns_are_canonical_text_after_the_summary():
    i = COLUMNS.index("summary")
    assert COLUMNS[i: i + 3] == ("summary", *NEW) and set(NEW) <= set(FLAT_COLUMNS)


@pytest.mark.parametrize("name", ["acled_new_layout.csv", "acled_old_layout.csv", "acled_api.json"])
def test_acled_notes_are_english(name):
    df = _valid(read_any(FIXTURES / name))
    assert df["summary"].notna().all()
    assert set(df["summary_lang"]) == {"en"} and df["summary_fr"].isna().all()


def test_an_acled_row_without_notes_has_no_language():
    raw = pd.read_csv(FIXTURES / "acled_old_layout.csv", dtype=str, keep_default_na=False).head(2)
    raw.loc[1, "notes"] = "  "
    flat = acled_to_flat(raw)
    assert flat["summary_lang"].tolist() == ["en", None] and flat["summary_fr"].isna().all()


def test_ucdp_text_is_english_and_the_bundled_layer_too():
    ged = _valid(read_any(FIXTURES / "ucdp_ged.csv"))
    assert set(ged["summary_lang"]) == {"en"} and ged["summary_fr"].isna().all()
    layer = ucdp_flat()
    has_text = layer["summary"].notna()
    assert has_text.any() and (layer.loc[has_text, "summary_lang"] == "en").all()
    assert layer.loc[~has_text, "summary_lang"].isna().all() and layer["summary_fr"].isna().all()


def test_a_native_file_without_the_columns_leaves_the_language_unknown(tmp_path):
    flat = read_any(FIXTURES / "native.csv")
    assert not set(NEW) & set(pd.read_csv(FIXTURES / "native.csv", nrows=0).columns)
    assert _valid(flat)[list(NEW)].isna().all().all()  # no language is guessed, even for English text
    store = tmp_path / "s.gpkg"
    write_store(store, empty_incidents())
    assert import_file(FIXTURES / "native.csv", store).added == 4
    assert read_store(store)[list(NEW)].isna().all().all()


def test_a_native_file_with_the_columns_keeps_them(tmp_path):
    raw = pd.read_csv(FIXTURES / "native.csv", dtype=str, keep_default_na=False)
    raw["summary_lang"] = ["fr", "EN", "", "en"]
    raw["summary_fr"] = ["Résumé « entre guillemets », et <b>balisé</b>.", "", "", "Un résumé."]
    raw.loc[0, "summary"] = "Texte saisi en français."  # imported text stays in its language
    path = tmp_path / "native_lang.csv"
    raw.to_csv(path, index=False)
    df = _valid(read_any(path))
    assert df["summary_lang"].tolist()[:2] == ["fr", "en"] and pd.isna(df["summary_lang"].iloc[2])
    assert df.loc["U-1", "summary"] == "Texte saisi en français."
    assert df.loc["U-1", "summary_fr"] == "Résumé « entre guillemets », et <b>balisé</b>."
    store = tmp_path / "s.gpkg"
    write_store(store, empty_incidents())
    assert import_file(path, store).added == 4
    stored = read_store(store).set_index("incident_id")
    assert stored.loc["U-1", "summary_fr"] == df.loc["U-1", "summary_fr"]
    assert stored.loc["U-2", "summary_lang"] == "en" and pd.isna(stored.loc["U-2", "summary_fr"])


def test_a_language_that_is_not_a_code_is_reported_not_guessed():
    result = validate_flat(flat(row(summary_lang="English"), row(incident_id="T-2", summary_lang="fr-FR")))
    assert result.valid.empty
    assert set(result.rejects["column"]) == {"summary_lang"} and set(result.rejects["problem"]) == {LANGUAGE_CHECK}


@pytest.fixture
def bilingual():
    return incidents(row(summary_fr="Incident de test : 21 à 37 tués.", summary_lang="en"),
                     row(incident_id="T-2", latitude="", longitude="", geo_precision="3", summary="Texte.",
                         summary_lang="fr"),
                     row(incident_id="T-3", date_start="2025-10-03"))


def _check_back(back: pd.DataFrame, bilingual) -> None:
    back = back.set_index("incident_id")
    assert back.loc["T-1", "summary_fr"] == "Incident de test : 21 à 37 tués." and back.loc["T-1", "summary_lang"] == "en"
    assert back.loc["T-2", "summary_lang"] == "fr" and pd.isna(back.loc["T-2", "summary_fr"])
    assert back.loc["T-3", list(NEW)].isna().all()


@pytest.mark.parametrize(("suffix", "write"), [("csv", to_csv_bytes), ("geojson", to_geojson_bytes),
                                               ("gpkg", to_gpkg_bytes)])
def test_exports_carry_the_columns_and_read_back(tmp_path, bilingual, suffix, write):
    path = tmp_path / f"export.{suffix}"
    path.write_bytes(write(bilingual))
    result = validate_flat(read_any(path))
    assert result.rejects.empty, result.rejects.to_string()
    _check_back(result.valid, bilingual)
    assert dataset_version(result.valid) == dataset_version(bilingual)


def test_the_csv_header_and_the_geojson_properties_name_them(bilingual):
    header = to_csv_bytes(bilingual).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[header.index("summary") + 1: header.index("summary") + 3] == list(NEW)
    feature = json.loads(to_geojson_bytes(bilingual))["features"][0]["properties"]
    assert (feature["summary_fr"], feature["summary_lang"]) == ("Incident de test : 21 à 37 tués.", "en")
    record = json.loads(to_json_bytes(bilingual))[0]
    assert (record["summary_fr"], record["summary_lang"]) == ("Incident de test : 21 à 37 tués.", "en")


def test_the_store_keeps_them_on_both_engines(store_location, bilingual):
    write_store(store_location, bilingual)
    _check_back(read_store(store_location), bilingual)
