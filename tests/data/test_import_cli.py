"""``incident-map import``: summary, JSON, exit codes, and imported rows visible to ``query``."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.readers import read_csv_text
from dashboard.data.store import load_bundled, read_store, write_store
from tests.factories import incidents, row

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "incidents.gpkg"
    # two distinct incidents (same-looking rows of two datasets would be one incident of two reports)
    write_store(path, incidents(row(), row(incident_id="T-2", source_record_id="T-2", dataset="segou-curated",
                                           date_start="2024-05-01", location="Tongolo Coura")))
    return path


def cli(*args: str):
    return runner.invoke(app, list(args))


def import_(path, store, *extra):
    return cli("import", str(FIXTURES / path if isinstance(path, str) else path), "--store", str(store), *extra)


def test_import_prints_a_summary(store):
    result = import_("acled_new_layout.csv", store)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "acled_new_layout.csv (acled): 5 rows read; 5 added" in out
    assert "accepted          5" in out and "rejected          0" in out and "duplicates        0" in out
    assert "rejects file      -" in out and "places not found  -" in out


def test_json_summary_and_reimport_adds_nothing(store):
    first = json.loads(import_("ucdp_ged.csv", store, "--json").stdout)
    assert {k: first[k] for k in ("format", "rows", "accepted", "added", "rejected", "duplicates")} == {
        "format": "ucdp", "rows": 5, "accepted": 5, "added": 5, "rejected": 0, "duplicates": 0}
    data = store.read_bytes()
    again = import_("ucdp_ged.csv", store, "--json")
    assert again.exit_code == 0
    second = json.loads(again.stdout)
    assert (second["added"], second["duplicates"]) == (0, 5)
    assert store.read_bytes() == data


def test_rejected_rows_listed_with_reasons_and_exit_0(store):
    result = import_("native_bad_rows.csv", store, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["added"], report["rejected"]) == (2, 3)
    assert report["rejects_file"] == str(store.with_name("incidents.rejects.csv"))
    assert {(p["row"], p["column"]) for p in report["problems"]} >= {
        (3, "latitude"), (4, "date_start"), (5, "fatalities_max")}


def test_places_not_found_and_ambiguous_are_listed(store):
    result = import_("native.csv", store)
    assert result.exit_code == 0
    assert "places not found  Nowhereville" in result.stdout
    assert "places ambiguous  Sama (no point given" in result.stdout
    assert "Sama: Sama (Dioro, Ségou) cod-pp:ML040207022; Sama (Diéli, San) cod-pp:ML040404030" in result.stdout


def test_another_village_gazetteer(store, tmp_path):
    """--gazetteer reads a village gazetteer in the bundled layout: here a copy with one place added."""
    from dashboard import bundled

    lines = bundled.path("segou_villages.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    added = dict.fromkeys(header, "")
    added.update(source_id="user:1", name="Nowhereville", latitude="14.1", longitude="-5.9", feature_code="PPL",
                 cercle="Niono", cercle_pcode="ML0405", commune="Niono", commune_pcode="ML040506", place_id="user:1",
                 point_commune_pcode="ML040506", km_outside_commune="0.0", source="a user's own survey")
    gazetteer = tmp_path / "villages.csv"
    gazetteer.write_text("\n".join([*lines, ",".join(added[c] for c in header)]) + "\n", encoding="utf-8")
    report = json.loads(import_("native.csv", store, "--json", "--gazetteer", str(gazetteer)).stdout)
    assert report["places_not_found"] == [] and list(report["places_ambiguous"]) == ["Sama"]
    placed = read_store(store).set_index("incident_id").loc["U-3"]
    assert (placed.geometry.y, placed.geometry.x, placed["geo_precision"]) == (14.1, -5.9, 1)
    assert placed["geocoded_from"].startswith("user:1 Nowhereville (Niono, Niono)")


def test_a_gazetteer_in_another_layout_is_refused(store):
    result = import_("native.csv", store, "--gazetteer", str(FIXTURES / "native.csv"))
    assert result.exit_code == 2
    assert "native.csv: a village gazetteer needs the columns of segou_villages.csv" in result.stderr


def test_strict_exits_1_and_imports_nothing(store):
    before = store.read_bytes()
    result = import_("native_bad_rows.csv", store, "--strict")
    assert result.exit_code == 1
    assert "strict: nothing imported" in result.stdout
    assert store.read_bytes() == before


def test_dry_run(store):
    before = store.read_bytes()
    result = import_("acled_old_layout.csv", store, "--dry-run", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["accepted"], report["added"], report["dry_run"]) == (5, 0, True)
    assert store.read_bytes() == before


def test_unreadable_file_exits_2_with_one_line_on_stderr(store, tmp_path):
    missing_column = tmp_path / "bad.csv"
    read_csv_text(FIXTURES / "native.csv").drop(columns=["sources"]).to_csv(missing_column, index=False)
    before = store.read_bytes()
    result = import_(missing_column, store)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: bad.csv: missing required column(s) sources")
    assert store.read_bytes() == before


def test_unknown_layout_exits_2(store, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    result = import_(path, store)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: notes.txt: unrecognised layout")


def test_bad_format_option_is_a_usage_error(store):
    result = import_("native.csv", store, "--format", "excel")
    assert result.exit_code == 2
    assert "--format" in result.output


def test_forced_format(store):
    result = import_("acled_old_layout.csv", store, "--format", "acled", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["added"] == 5
    wrong = import_("native.csv", store, "--format", "acled")
    assert wrong.exit_code == 2 and "missing ACLED column" in wrong.stderr


def test_imported_rows_show_up_in_query_beside_existing_ones(store):
    assert import_("acled_new_layout.csv", store).exit_code == 0
    acled = json.loads(cli("query", "--store", str(store), "--json", "--dataset", "acled", "--scope", "all").stdout)
    assert [r["incident_id"] for r in acled] == [f"ACLED-MLI9000{i}" for i in range(1, 6)]
    first = acled[0]
    assert first["location"] == "Ké-Macina" and first["perpetrator_category"] == ["state_forces", "foreign_forces"]
    assert first["sources"][-1] == {"organisation": "ACLED", "title": "event MLI90001", "url": None,
                                    "published": None}
    everything = json.loads(cli("query", "--store", str(store), "--json", "--scope", "all").stdout)
    assert {r["dataset"] for r in everything} == {"acled", "user", "segou-curated"}
    assert len(everything) == 7
    assert acled[1]["fatalities_min"] is None  # unknown toll stays unknown through the CLI


def test_import_into_a_new_store_sits_beside_the_bundled_incidents(tmp_path):
    store = tmp_path / "fresh.gpkg"
    result = import_("acled_api.json", store)
    assert result.exit_code == 0, result.output
    everything = json.loads(cli("query", "--store", str(store), "--json", "--scope", "all").stdout)
    bundled = load_bundled()
    reports = json.loads(cli("query", "--store", str(store), "--json", "--reports", "--scope", "all").stdout)
    assert len(reports) == len(read_store(store)) == len(bundled) + 3
    assert {r["report_id"] for r in reports} >= set(bundled["incident_id"])
    grouped = sum(r["n_reports"] - 1 for r in everything)  # reports joined to another report's incident
    assert len(everything) == len(reports) - grouped
    acled = json.loads(cli("query", "--store", str(store), "--json", "--dataset", "acled", "--scope", "all").stdout)
    assert len(acled) == 3
