"""Licences per dataset and per row (issue 16, item 4): with ACLED-like rows imported (written here, never ACLED
data), the raw exports and the public view hold no ACLED row, say how many were left out and count them by cercle
and month, and carry ACLED's attribution; ``--include-restricted`` keeps them with a warning. UCDP rows are
exported with UCDP's CC BY citation. The rule for an incident joining reports of several datasets is tested on
frames written in code."""

from __future__ import annotations

import html
import json
import sqlite3

import pandas as pd
import pyogrio
import pytest
from typer.testing import CliRunner

from dashboard.attribution import ATTRIBUTIONS
from dashboard.cli import app
from dashboard.data.licensing import redistributable
from dashboard.data.reconcile.incidents import build_incidents
from dashboard.data.reconcile.view import reports_of
from dashboard.data.schema import DATASETS
from dashboard.data.sources.licences import ACLED
from dashboard.data.sources.registry import ADAPTERS, licence_of
from tests.factories import ACLED_FIXTURE, incidents, row

runner = CliRunner()
MARK = "ZZLICENCE"  # in every note of the ACLED-like rows: must appear in no file made without --include-restricted
ACLED_LINE = "Armed Conflict Location & Event Data (ACLED), www.acleddata.com"
SEP_2026 = ["--from", "2026-09-01", "--to", "2026-09-30"]


def acled_like(path):
    """Two ACLED-layout rows (written for this test) that report no incident of the bundled record: Sokolo (Niono)
    and Tominian, September 2026."""
    template = pd.read_csv(ACLED_FIXTURE, dtype=str, keep_default_na=False).iloc[:1]
    rows = [
        template.assign(event_id_cnty="MLI77001", event_date="2026-09-10", year="2026", admin2="Niono",
                        admin3="Sokolo", location="Sokolo", latitude="14.7333", longitude="-6.1167", fatalities="4",
                        notes=f"{MARK} fixture: four villagers killed near Sokolo."),
        template.assign(event_id_cnty="MLI77002", event_date="2026-09-21", year="2026", admin2="Tominian",
                        admin3="Tominian", location="Tominian", latitude="13.2867", longitude="-4.3894",
                        fatalities="2", notes=f"{MARK} fixture: two traders killed near Tominian."),
    ]
    pd.concat(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("licences")
    location = str(folder / "incidents.gpkg")
    for file in (acled_like(folder / "acled_like.csv"), ACLED_FIXTURE):  # the second links to curated incidents
        result = runner.invoke(app, ["import", str(file), "--store", location])
        assert result.exit_code == 0, result.output
    return location


def export(store, path, *args) -> str:
    result = runner.invoke(app, ["export", "--store", store, "-o", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


# ---- the registry ---------------------------------------------------------------------------------------------
def test_every_dataset_has_a_licence_and_acled_alone_is_restricted():
    assert {d: licence_of(d).redistribute for d in DATASETS} == {
        "segou-curated": True, "ucdp-ged-21.1": True, "acled": False, "ucdp": True, "user": True}
    assert all(licence_of(d).attribution for d in DATASETS)
    assert {a.dataset: a.licence for a in ADAPTERS}["acled"] is licence_of("acled")
    assert not licence_of("a-dataset-nobody-declared").redistribute  # unknown: treated as restricted


def test_the_bundled_ucdp_citation_is_the_one_line_of_the_attribution_list():
    line = next(a.line for a in ATTRIBUTIONS if a.layer == "Conflict events")
    assert licence_of("ucdp-ged-21.1").attribution == (line,)
    assert "CC BY 4.0" in line and "Sundberg" in line


# ---- the rule for incidents of several datasets ---------------------------------------------------------------
def _two_level():
    reports = incidents(
        row(incident_id="SEG-T-1", dataset="segou-curated", summary="Curated words.", fatalities_min="5",
            fatalities_max="5"),
        row(incident_id="ACLED-T-1", dataset="acled", summary=f"{MARK} joined", fatalities_min="40",
            fatalities_max="40", perpetrators="Only ACLED names this", location="Elsewhere", geo_precision="1",
            sources=json.dumps([{"organisation": "ACLED", "title": MARK, "url": "https://acleddata.example/x",
                                 "published": "2025-10-03"}])),
        row(incident_id="ACLED-T-2", dataset="acled", summary=f"{MARK} alone", date_start="2025-11-05",
            admin2="Tominian"),
    ).reset_index(drop=True)
    built = build_incidents(reports, [0, 0, 1])
    return built.frame, reports_of(built.frame, reports, built.report_incident)


def test_a_joined_incident_is_given_from_its_redistributable_reports_only():
    frame, reports = _two_level()
    out = redistributable(frame, reports)
    assert list(out.incidents["incident_id"]) == ["SEG-T-1"]
    kept = out.incidents.iloc[0]
    assert kept["summary"] == "Curated words." and kept["fatalities_max"] == 5 and kept["n_reports"] == 1
    assert kept["datasets"] == "segou-curated" and kept["report_ids"] == "SEG-T-1"
    assert "Only ACLED names this" not in str(kept["perpetrators"]) and kept["location"] == "Kamona"
    assert MARK not in out.incidents.to_csv() + out.reports.to_csv()
    assert list(out.reports["dataset"]) == ["segou-curated"]
    held = out.withheld
    assert held.incident_licences == {ACLED: 1} and held.reports_dropped == {ACLED: 1}
    assert held.note().startswith("1 ACLED incident left out: ACLED's terms forbid redistributing its rows; "
                                  "counts by cercle and month below.")
    assert "1 ACLED report of exported incidents left out" in held.note()
    assert held.count_lines() == ["Niono, 2025-11: 1 incident"]  # the computed cercle of the point (Kamona)


def test_without_the_reports_an_incident_with_a_restricted_dataset_is_left_out_whole():
    frame, _ = _two_level()
    out = redistributable(frame, None)
    assert out.incidents.empty and MARK not in out.incidents.to_csv()
    assert out.withheld.incident_licences == {ACLED: 2}


def test_include_restricted_keeps_everything_and_warns():
    frame, reports = _two_level()
    out = redistributable(frame, reports, include=True)
    assert out.incidents.equals(frame)
    assert out.withheld.warning().startswith("WARNING: made with --include-restricted, this file holds 2 reports "
                                             "of ACLED")


# ---- the exports from the command line ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "html", "json", "reports"])
def test_raw_exports_hold_no_acled_row_and_say_so(store, tmp_path, fmt):
    out = tmp_path / f"sep.{fmt}"
    printed = export(store, out, "--format", fmt, *SEP_2026)
    assert "2 ACLED incidents left out: ACLED's terms forbid redistributing its rows" in printed
    data = out.read_bytes()
    text = _text(out, fmt)
    assert MARK.encode() not in data and "MLI77001" not in text and "ACLED-" not in _rows(out, fmt)
    assert "2 ACLED incidents left out" in text and ACLED_LINE in text
    assert "Niono, 2026-09: 1 incident" in text and "Tominian, 2026-09: 1 incident" in text


def test_joined_incidents_are_exported_without_their_acled_reports(store, tmp_path):
    out = tmp_path / "oct.json"
    printed = export(store, out, "--format", "json", "--from", "2025-10-01", "--to", "2025-10-31")
    assert "ACLED reports of exported incidents left out" in printed
    doc = json.loads(out.read_bytes())
    kamona = next(r for r in doc["records"] if r["incident_id"] == "SEG-2025-008")
    assert [x["dataset"] for x in kamona["reports"]] == ["segou-curated"]
    assert kamona["fatalities_min"] == 21 and "Fixture" not in json.dumps(doc)  # the fixture's ACLED notes


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "html"])
def test_include_restricted_keeps_the_rows_with_a_warning(store, tmp_path, fmt):
    out = tmp_path / f"all.{fmt}"
    printed = export(store, out, "--format", fmt, "--include-restricted", *SEP_2026)
    assert "WARNING: made with --include-restricted" in printed
    text = _text(out, fmt)
    assert "ACLED-MLI77001" in text and "ACLED-MLI77002" in text
    assert "WARNING: made with --include-restricted, this file holds 2 reports of ACLED" in text
    assert ACLED_LINE in text


def test_include_restricted_is_refused_in_public_mode(store, tmp_path):
    result = runner.invoke(app, ["export", "--store", store, "-o", str(tmp_path / "x.csv"), "--format", "csv",
                                 "--public", "--include-restricted"])
    assert result.exit_code == 2 and "private use" in result.output


def test_public_html_export_holds_no_acled_row(store, tmp_path):
    out = tmp_path / "public.html"
    export(store, out, "--format", "html", "--public", *SEP_2026)
    text = html.unescape(out.read_text(encoding="utf-8"))
    assert MARK not in text and "2 ACLED incidents left out" in text and ACLED_LINE in text


def test_ucdp_rows_are_exported_with_the_cc_by_citation(store, tmp_path):
    out = tmp_path / "ucdp.csv"
    export(store, out, "--format", "csv", "--dataset", "ucdp-ged-21.1", "--scope", "all")
    text = out.read_text(encoding="utf-8-sig")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert sum(line.startswith("UCDP-") for line in body) > 10
    attribution = next(line for line in text.splitlines() if line.startswith("# attribution:"))
    assert "UCDP Georeferenced Event Dataset v21.1" in attribution and "CC BY 4.0" in attribution
    assert "Sundberg" in attribution and "left_out_by_licence" not in text


def test_the_briefing_pack_counts_and_credits_acled(store, tmp_path):
    import subprocess

    out = tmp_path / "sep.pdf"
    export(store, out, "--format", "pdf", *SEP_2026)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert MARK not in text and "2 ACLED incidents left out" in text and "acleddata.com" in text


def _text(path, fmt: str) -> str:
    """Everything a file says, metadata included (the GeoPackage's tables read with sqlite3)."""
    if fmt == "html":
        return html.unescape(path.read_text(encoding="utf-8"))  # the header box is escaped HTML
    if fmt != "gpkg":
        return path.read_bytes().decode("utf-8-sig")
    with sqlite3.connect(path) as db:
        meta = " ".join(f"{k}: {v}" for k, v in db.execute("SELECT key, value FROM export_metadata"))
    return meta + " " + pyogrio.read_dataframe(path, layer="incidents").to_json()


def _rows(path, fmt: str) -> str:
    """The rows alone (ids of the incidents and reports the file lists)."""
    if fmt == "gpkg":
        return " ".join(pyogrio.read_dataframe(path, layer="incidents")["incident_id"])
    text = path.read_bytes().decode("utf-8-sig")
    if fmt in ("csv", "reports"):
        return "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    if fmt == "geojson":
        return json.dumps(json.loads(text)["features"])
    if fmt == "json":
        return json.dumps(json.loads(text)["records"])
    return text  # html: the whole document


# ---- user files: the licence declared at import ---------------------------------------------------------------
NATIVE = ACLED_FIXTURE.parent / "native.csv"


def test_a_user_file_declared_not_redistributable_is_counted_not_exported(tmp_path):
    location = str(tmp_path / "incidents.gpkg")
    result = runner.invoke(app, ["import", str(NATIVE), "--store", location, "--licence", "Team notes, internal",
                                 "--attribution", "Field notes of the team (Ségou desk).", "--no-redistribution"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "user.csv"
    printed = export(location, out, "--format", "csv", "--dataset", "user", "--scope", "all")
    assert "user file incidents left out: their importer declared that they may not be redistributed" in printed
    text = out.read_text(encoding="utf-8-sig")
    assert "U-1" not in _rows(out, "csv") and "Fixture, with a comma" not in text
    assert "Field notes of the team (Ségou desk)." in text and "user file: Team notes, internal" in text
    kept = tmp_path / "kept.csv"
    export(location, kept, "--format", "csv", "--dataset", "user", "--scope", "all", "--include-restricted")
    assert "U-2" in _rows(kept, "csv") and "1 report of user file" not in kept.read_text(encoding="utf-8-sig")


def test_a_user_file_declared_cc_by_is_exported_with_its_line(tmp_path):
    location = str(tmp_path / "incidents.gpkg")
    result = runner.invoke(app, ["import", str(NATIVE), "--store", location, "--licence", "CC BY 4.0",
                                 "--attribution", "Desk data, CC BY 4.0 (test line)."])
    assert result.exit_code == 0, result.output
    out = tmp_path / "user.csv"
    export(location, out, "--format", "csv", "--dataset", "user", "--scope", "all")
    text = out.read_text(encoding="utf-8-sig")
    assert "U-2" in _rows(out, "csv") and "Desk data, CC BY 4.0 (test line)." in text
    assert "left_out_by_licence" not in text


def test_without_a_declaration_user_rows_are_undeclared(tmp_path):
    location = str(tmp_path / "incidents.gpkg")
    assert runner.invoke(app, ["import", str(NATIVE), "--store", location]).exit_code == 0
    out = tmp_path / "user.csv"
    export(location, out, "--format", "csv", "--dataset", "user", "--scope", "all")
    text = out.read_text(encoding="utf-8-sig")
    assert "U-2" in _rows(out, "csv") and "licence not declared at import" in text


@pytest.mark.parametrize(("args", "message"), [
    ([str(ACLED_FIXTURE), "--licence", "CC BY 4.0"], "carry ACLED's licence"),
    ([str(NATIVE), "--no-redistribution"], "give it with --licence"),
])
def test_a_licence_is_declared_only_for_own_layout_files(tmp_path, args, message):
    result = runner.invoke(app, ["import", *args, "--store", str(tmp_path / "s.gpkg")])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
