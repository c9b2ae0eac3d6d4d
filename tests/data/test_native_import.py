"""import_file end to end: native CSV/GeoJSON/GeoPackage, geocoding, rejects, strict, dry run, dedupe."""

import shutil
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from dashboard.data.geocoder import Geocoder
from dashboard.data.importer import (
    detect_format,
    import_file,
    read_any,
    rejects_path,
)
from dashboard.data.placing import place_rows
from dashboard.data.readers import read_csv_text
from dashboard.data.store import dataset_version, open_store, read_store, store_state, write_store
from dashboard.data.validate import validate_flat
from dashboard.errors import UnreadableFile
from tests.factories import incidents, row

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MACINA_SEAT = "cod-pp:ML040700000"  # the village gazetteer's Ké-Macina ("Macina"), the seat of cercle Macina


@pytest.fixture
def store(tmp_path) -> Path:
    """A store with two incidents of our own, independent of the bundled data."""
    path = tmp_path / "store" / "incidents.gpkg"
    # two distinct incidents (same-looking rows of two datasets would be one incident of two reports)
    write_store(path, incidents(row(), row(incident_id="T-2", source_record_id="T-2", dataset="segou-curated",
                                           date_start="2024-05-01", location="Tongolo Coura")))
    return path


def run(path, store, **kw):
    return import_file(FIXTURES / path if isinstance(path, str) else path, store, **kw)


@pytest.mark.parametrize(("name", "fmt"), [
    ("acled_new_layout.csv", "acled"), ("acled_old_layout.csv", "acled"), ("acled_api.json", "acled"),
    ("ucdp_ged.csv", "ucdp"), ("native.csv", "native"), ("native.geojson", "native"),
    ("native_bad_rows.csv", "native"),
])
def test_detect_format(name, fmt):
    assert detect_format(FIXTURES / name) == fmt


def test_native_csv_imports_and_geocodes(store):
    report = run("native.csv", store)
    assert (report.rows, report.accepted, report.added, report.rejected, report.duplicates) == (4, 4, 4, 0, 0)
    assert report.unresolved_places == ["Nowhereville"]
    assert list(report.ambiguous_places) == ["Sama"]  # two Sama in the region and no cercle: listed, not guessed
    assert [c.split(" cod-pp:")[0] for c in report.ambiguous_places["Sama"]] == ["Sama (Dioro, Ségou)",
                                                                                 "Sama (Diéli, San)"]
    assert "Sama: Sama (Dioro, Ségou) cod-pp:" in report.summary()
    assert report.rejects_file is None
    stored = read_store(store).set_index("incident_id")
    assert len(stored) == 6
    placed = stored.loc["U-2"]  # "Ke Macina", cercle Macina: the one place of that name there
    assert (placed.geometry.y, placed.geometry.x) == (13.957173, -5.362234)
    assert placed["geo_precision"] == 1 and placed["geocoded_from"].startswith(f"{MACINA_SEAT} Macina (Macina, ")
    assert (placed["located_to"], placed["cercle"], placed["commune"]) == ("place", "Macina", "Macina")
    assert stored.loc["U-3"].geometry is None and stored.loc["U-4"].geometry is None
    assert stored.loc["U-1", "summary"] == 'Fixture, with a comma; and "quotes".'
    assert pd.isna(stored.loc["U-2", "fatalities_min"])


def test_native_geojson(store):
    report = run("native.geojson", store)
    assert (report.accepted, report.added, report.rejected) == (2, 2, 0)
    stored = read_store(store).set_index("incident_id")
    assert stored.loc["G-1", "location"] == "Ségou" and stored.loc["G-1"].geometry.x == -6.2157
    assert stored.loc["G-2", "geocoded_from"].startswith(MACINA_SEAT)  # null geometry → gazetteer
    assert stored.loc["G-2", "date_end"].date().isoformat() == "2025-09-08"


def test_native_geopackage_made_from_the_csv_fixture(store, tmp_path):
    flat, _ = place_rows(read_any(FIXTURES / "native.csv"), Geocoder.default())
    valid = validate_flat(flat).valid
    gpkg = tmp_path / "user export.gpkg"
    write_store(gpkg, valid)  # a store, as the app writes them: incidents (its reports) + sources + decisions
    assert {"incidents", "sources", "decisions", "history"} <= {name for name, _ in pyogrio.list_layers(gpkg)}
    assert detect_format(gpkg) == "native"
    report = run(gpkg, store)
    assert (report.accepted, report.added, report.rejected) == (4, 4, 0)
    stored = read_store(store).set_index("incident_id")
    assert stored.loc["U-2", "geocoded_from"].startswith(MACINA_SEAT)
    assert stored.loc["U-4"].geometry is None


def test_bad_rows_are_quarantined_with_reasons_and_original_content(store):
    report = run("native_bad_rows.csv", store)
    assert (report.rows, report.accepted, report.added, report.rejected) == (5, 2, 2, 3)
    assert report.rejects_file == rejects_path(store) == store.with_name("incidents.rejects.csv")
    rejects = read_csv_text(report.rejects_file).set_index("incident_id")
    assert rejects.index.tolist() == ["B-1", "B-2", "B-3"]
    assert rejects["_row"].tolist() == ["3", "4", "5"]  # header = line 1
    assert rejects.loc["B-1", "_column"] == "latitude" and "outside -90..90" in rejects.loc["B-1", "_problem"]
    assert rejects.loc["B-1", "latitude"] == "200"
    assert "date_start: cannot be read" in rejects.loc["B-2", "_problem"]
    assert rejects.loc["B-2", "date_start"] == "3 Octobre 2025"  # original text, not a parsed value
    assert rejects.loc["B-3", "_column"] == "fatalities_max"
    assert "fatalities_max at least fatalities_min" in rejects.loc["B-3", "_problem"]
    assert (rejects.loc["B-3", "fatalities_min"], rejects.loc["B-3", "fatalities_max"]) == ("9", "4")
    assert set(read_store(store)["incident_id"]) == {"T-1", "T-2", "U-1", "U-5"}


def test_fixed_rejects_file_can_be_imported_again(store, tmp_path):
    report = run("native_bad_rows.csv", store)
    fixed = read_csv_text(report.rejects_file)
    fixed.loc[fixed["incident_id"] == "B-1", "latitude"] = "13.4317"
    fixed.loc[fixed["incident_id"] == "B-2", "date_start"] = "2025-10-03"
    fixed.loc[fixed["incident_id"] == "B-3", "fatalities_max"] = "12"
    path = tmp_path / "fixed.csv"
    fixed.to_csv(path, index=False)
    again = run(path, store)
    assert (again.added, again.rejected) == (3, 0)


def test_strict_imports_nothing_if_any_row_is_bad(store):
    before = store.read_bytes()
    report = run("native_bad_rows.csv", store, strict=True)
    assert report.blocked and report.added == 0 and report.rejected == 3
    assert store.read_bytes() == before
    assert report.rejects_file is not None and report.rejects_file.exists()  # so the rows can be fixed


def test_dry_run_writes_nothing(store):
    before = sorted(p.name for p in store.parent.iterdir())
    data = store.read_bytes()
    report = run("native_bad_rows.csv", store, dry_run=True)
    assert (report.accepted, report.added, report.rejected) == (2, 0, 3)
    assert report.rejects_file is None
    assert store.read_bytes() == data
    assert sorted(p.name for p in store.parent.iterdir()) == before


def test_reimport_adds_nothing(store):
    first = run("native.csv", store)
    data = store.read_bytes()
    second = run("native.csv", store)
    assert first.added == 4
    assert (second.accepted, second.added, second.duplicates) == (0, 0, 4)
    assert store.read_bytes() == data


def test_duplicates_by_dataset_and_source_record_id(store, tmp_path):
    run("acled_new_layout.csv", store)
    flat = read_any(FIXTURES / "acled_new_layout.csv")
    flat["incident_id"] = "OTHER-" + flat["source_record_id"]  # new ids, same ACLED records
    native = tmp_path / "native_copy.csv"
    flat.to_csv(native, index=False)
    report = run(native, store)
    assert (report.added, report.duplicates) == (0, 5)


def test_api_json_after_csv_skips_the_shared_event(store):
    run("acled_new_layout.csv", store)
    report = run("acled_api.json", store)
    assert (report.accepted, report.added, report.duplicates) == (2, 2, 1)


def test_missing_required_column_fails_clearly_and_leaves_the_store_identical(store, tmp_path):
    raw = read_csv_text(FIXTURES / "native.csv").drop(columns=["date_start"])
    path = tmp_path / "no_dates.csv"
    raw.to_csv(path, index=False)
    before = store.read_bytes()
    with pytest.raises(UnreadableFile) as err:
        run(path, store)
    message = str(err.value)
    assert message.startswith("no_dates.csv: missing required column(s) date_start")
    assert "\n" not in message
    assert store.read_bytes() == before
    assert not rejects_path(store).exists()


def test_unknown_layout_names_the_file_and_the_layouts(tmp_path):
    path = tmp_path / "shopping.csv"
    path.write_text("item,qty\nmilk,2\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as err:
        read_any(path)
    message = str(err.value)
    assert message.startswith("shopping.csv: unrecognised layout (columns: item, qty)")
    assert "ACLED" in message and "UCDP" in message and "canonical" in message


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("empty.csv", b"", "the file is empty"),
    ("latin1.csv", "incident_id,location\nX,S\xe9gou\n".encode("latin-1"), "not UTF-8"),
    ("broken.json", b"{not json", "not valid JSON"),
    ("sheet.xlsx", b"PK\x03\x04", "save the sheet as UTF-8 CSV"),
    ("point.geojson", b'{"type": "Point", "coordinates": [0, 0]}', "expected a FeatureCollection"),
])
def test_unreadable_files(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=expected):
        read_any(path)


def test_forced_format_that_does_not_fit(tmp_path):
    with pytest.raises(UnreadableFile, match=r"native\.csv: missing UCDP GED column"):
        read_any(FIXTURES / "native.csv", fmt="ucdp")


def test_store_not_created_yet_starts_from_the_bundled_data(tmp_path):
    store = tmp_path / "fresh.gpkg"
    report = run("acled_old_layout.csv", store)
    stored = read_store(store)
    assert report.added == 5
    assert (stored["dataset"] == "acled").sum() == 5
    assert len(stored) > 5  # the bundled incidents are there too


def test_a_failed_write_leaves_the_store_identical(store, monkeypatch):
    """A failure at the very end of the import's transaction (after every row was inserted) rolls it all back."""
    from dashboard.data.engines.base import Store

    def boom(*_a, **_k):
        raise OSError("disk full")

    before = read_store(store)
    history = len(open_store(store).history())
    monkeypatch.setattr(Store, "_bump", boom)
    with pytest.raises(OSError, match="disk full"):
        run("native.csv", store)
    monkeypatch.undo()
    assert dataset_version(read_store(store)) == dataset_version(before) == store_state(store)[0]
    assert len(open_store(store).history()) == history


def test_fixture_copy_with_crlf_and_bom_still_reads(tmp_path):
    target = tmp_path / "copy.csv"
    shutil.copy(FIXTURES / "native.csv", target)
    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    flat = read_any(target)
    assert flat["incident_id"].tolist() == ["U-1", "U-2", "U-3", "U-4"]
    assert flat.loc[2, "summary"] == 'Fixture, with a comma; and "quotes".'


def test_reported_cercle_names_are_kept_and_read_into_the_canonical_cercle(store):
    report = run("ucdp_ged.csv", store)
    stored = read_store(store)
    ucdp = stored.loc[stored["dataset"] == "ucdp"].set_index("incident_id")
    raw = read_csv_text(FIXTURES / "ucdp_ged.csv").set_index("id")
    assert ucdp["admin2"].tolist() == raw["adm_2"].tolist()  # as the file writes them
    assert ucdp.loc["UCDP-900001", ["admin2", "cercle", "cercle_pcode"]].tolist() == ["Macina cercle", "Macina",
                                                                                       "ML0407"]
    assert report.renamed_cercles.get("Niono cercle") == "Niono"
    assert "Niono cercle → Niono" in report.summary()
    assert report.to_dict()["cercles_recognised"]["Niono cercle"] == "Niono"
