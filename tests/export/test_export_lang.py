"""Exported files follow the export's language (``export --lang``, the app's language on the Export page): the HTML
map's legend, cards, panel, credits, footer and notes, and the metadata sentences of the data files (the filter
sentence, the record statement, the licence notes and names, the attribution lines). Keys and column names are the
data's schema and stay English. ACLED-like rows written for the test (never ACLED data) bring the licence notes."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from tests.export.test_licences import SEP_2026, acled_like
from tests.factories import ACLED_FIXTURE

runner = CliRunner()
ENGLISH = ("Data credits", "dataset version", "left out", "A curated record of publicly documented incidents",
           "Armed Conflict Location & Event Data (ACLED), www.acleddata.com. ACLED's terms", "Legend ·",
           "counts by cercle and month below", "WARNING")
FRENCH_RECORD = "Un registre"  # the start of the record statement in French


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export_lang")
    location = str(folder / "incidents.gpkg")
    for file in (acled_like(folder / "acled_like.csv"), ACLED_FIXTURE):
        result = runner.invoke(app, ["import", str(file), "--store", location])
        assert result.exit_code == 0, result.output
    return location


def export(store, path, *args) -> str:
    result = runner.invoke(app, ["export", "--store", store, "-o", str(path), *args])
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8") if path.suffix != ".gpkg" else ""


def metadata_of(fmt: str, path) -> dict:
    if fmt == "geojson":
        return json.loads(path.read_text(encoding="utf-8"))["metadata"]
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))["metadata"]
    if fmt == "gpkg":
        with sqlite3.connect(path) as db:
            return dict(db.execute("SELECT key, value FROM export_metadata").fetchall())
    lines = [line[2:] for line in path.read_text(encoding="utf-8-sig").splitlines() if line.startswith("# ")]
    return dict(line.split(": ", 1) for line in lines)


OCT_2025_TO_SEP_2026 = ["--from", "2025-10-01", "--to", "2026-09-30"]  # curated incidents and ACLED-only rows


def test_the_html_map_in_french(store, tmp_path):
    text = export(store, tmp_path / "map.html", "--format", "html", "--lang", "fr", *OCT_2025_TO_SEP_2026)
    assert "Sources des données : limites : OCHA COD-AB" in text and "L\\u00e9gende \\u00b7 7 sur la carte" in text
    assert "version du jeu de données" in text and "incidents affichés sur" in text and "Hors carte (3)" in text
    assert '"Pays voisins"' in text and '"R\\u00e9gions du Mali (avant 2016)"' in text  # the layer control
    assert "MAURITANIE" in text and "MAURITANIA" not in text  # CLDR's name of the country, in capitals
    assert "<b>Victimes :</b>" in text and "<b>Auteurs présumés :</b>" in text
    assert "incidents ACLED écartés" in text and "Les conditions d&#x27;utilisation d&#x27;ACLED" in text
    assert FRENCH_RECORD in text and "Violences contre les civils dans la région de Ségou" in text
    for english in ENGLISH:
        assert english not in text, english
    for english in ("Neighbouring countries", "Regions of Mali", "Not on the map", "Victims:"):
        assert english not in text, english


def test_the_html_map_is_english_by_default(store, tmp_path):
    text = export(store, tmp_path / "map.html", "--format", "html", "--lang", "en", *OCT_2025_TO_SEP_2026)
    assert "Data credits: boundaries" in text and "dataset version" in text and "left out" in text
    assert "Neighbouring countries" in text and "MAURITANIA" in text and "Not on the map (3)" in text
    assert "Sources des données" not in text and "Pays voisins" not in text


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "json"])
def test_the_data_files_metadata_in_french_keys_unchanged(store, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    export(store, path, "--format", fmt, "--lang", "fr", *SEP_2026)
    meta = metadata_of(fmt, path)
    assert {"title", "selection", "record", "dataset_version", "left_out_by_licence", "attribution"} <= set(meta)
    assert meta["record"].startswith(FRENCH_RECORD)
    assert meta["selection"].startswith("Incidents") and "sept. 2026" in meta["selection"]
    assert "incidents ACLED écartés" in meta["left_out_by_licence"]
    said = json.dumps(meta, ensure_ascii=False)
    assert "Les conditions d'utilisation d'ACLED" in said and "conditions d'utilisation d'ACLED (restreintes" in said
    for english in ENGLISH:
        assert english not in said, english


def test_the_data_files_metadata_in_english(store, tmp_path):
    path = tmp_path / "out.geojson"
    export(store, path, "--format", "geojson", "--lang", "en", *SEP_2026)
    meta = metadata_of("geojson", path)
    assert meta["record"].startswith("A curated record") and "Sep 2026" in meta["selection"]
    assert "ACLED incidents left out" in meta["left_out_by_licence"]


def test_the_include_restricted_warning_in_french(store, tmp_path):
    path = tmp_path / "out.json"
    export(store, path, "--format", "json", "--lang", "fr", "--include-restricted", *SEP_2026)
    warning = metadata_of("json", path)["warning"]
    assert warning.startswith("AVERTISSEMENT : produit avec --include-restricted, ce fichier contient 2 rapports ACLED")
