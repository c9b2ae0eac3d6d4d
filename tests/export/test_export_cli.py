"""``incident-map export``: the October 2025 briefing pack from the command line, the data formats checked with the
tools people open them with (pdftotext, ogrinfo, the native importer), stories, public mode and bad input."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.importer import read_any
from dashboard.data.schema import INTERNAL_COLUMNS, parse_sources
from dashboard.data.store import dataset_version, load_bundled
from dashboard.data.validate import validate_flat
from dashboard.export.story import Story
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.assets import remote_asset_links
from dashboard.viz.maps import as_points
from tests.factories import bundled_incidents, bundled_version

runner = CliRunner()
OCT = ["--from", "2025-10-01", "--to", "2025-10-31"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("export-cli") / "incidents.gpkg")


@pytest.fixture(scope="module")
def october():
    return filter_incidents(load_bundled(), FilterSpec.from_query_params({"from": "2025-10-01", "to": "2025-10-31"}))


def export(store, *args) -> str:
    result = runner.invoke(app, ["export", "--store", store, *args])
    assert result.exit_code == 0, result.output
    return result.output


def plain(output: str) -> str:
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", output).split())


def text_of(pdf, *, raw: bool = False) -> str:
    """The PDF's text; ``raw`` keeps a hyphen at the end of a line (needed to find wrapped URLs)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def feature_count(path, layer: str | None = None) -> int:
    args = ["ogrinfo", "-so", str(path)] + ([layer] if layer else ["-al"])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Feature Count: (\d+)", out).group(1))


def test_october_2025_briefing_pack(store, october, tmp_path):
    """The issue's proof: `incident-map export --format pdf --from 2025-10-01 --to 2025-10-31 -o oct2025.pdf`."""
    pdf = tmp_path / "oct2025.pdf"
    out = export(store, "--format", "pdf", *OCT, "-o", str(pdf))
    assert f"Wrote {len(october)} incidents to {pdf}" in out
    text = text_of(pdf)
    one_line = " ".join(text.split())
    flat = "".join(text_of(pdf, raw=True).split())
    assert "Kamona" in text and "Balle" in text
    assert "68–86" in text and "at least 68, up to 86" in one_line  # killed, as a range
    assert "Incidents with civilian victims in the Ségou region, 1–31 Oct 2025" in one_line  # FilterSpec.describe
    urls = {s.url for cell in october["sources"] for s in parse_sources(cell) if s.url}
    assert urls and all("".join(u.split()) in flat for u in urls)
    assert f"dataset version {bundled_version()}" in one_line


def test_french_pack_from_the_command_line(store, tmp_path):
    pdf = tmp_path / "oct2025-fr.pdf"
    export(store, "--format", "pdf", *OCT, "--lang", "fr", "--title", "Ségou, octobre 2025", "-o", str(pdf))
    text = " ".join(text_of(pdf).split())
    assert "Ségou, octobre 2025" in text
    assert "CHIFFRES CLÉS" in text and "Tués" in text and "Méthode et mises en garde" in text
    assert "Incidents ayant fait des victimes civiles dans la région de Ségou, 1er–31 oct. 2025" in text
    assert "68–86" in text


def test_the_french_pack_gives_the_bundled_incidents_french_summaries(store, october, tmp_path):
    """Issue 15 item 3: the French pack shows each incident's French summary (written beside the English one in
    the bundled record), not the English text."""
    pdf = tmp_path / "oct2025-fr-summaries.pdf"
    export(store, "--format", "pdf", *OCT, "--lang", "fr", "-o", str(pdf))
    text = " ".join(text_of(pdf).split())
    assert october["summary_fr"].fillna("").str.strip().ne("").all()  # every October incident has one
    for r in october.itertuples():
        assert " ".join(r.summary_fr.split()[:8]) in text, r.incident_id  # the opening words of its French summary
        assert " ".join(r.summary.split()[:8]) not in text, r.incident_id  # and not the English one


def test_geojson_and_geopackage_open_in_ogrinfo_with_the_right_count(store, october, tmp_path):
    geojson, gpkg = tmp_path / "oct.geojson", tmp_path / "oct.gpkg"
    export(store, "--format", "geojson", *OCT, "-o", str(geojson))
    export(store, "--format", "gpkg", *OCT, "-o", str(gpkg))
    assert feature_count(geojson) == len(october) == 7
    assert feature_count(gpkg, "incidents") == len(october)
    assert feature_count(gpkg, "sources") == sum(len(parse_sources(c)) for c in october["sources"])
    everything = tmp_path / "all.geojson"
    export(store, "--format", "geojson", "--scope", "all", "-o", str(everything))
    assert feature_count(everything) == len(bundled_incidents())
    default = tmp_path / "default.geojson"
    export(store, "--format", "geojson", "-o", str(default))
    assert feature_count(default) == len(filter_incidents(bundled_incidents(), FilterSpec()))


def test_csv_round_trips_to_the_same_incidents(store, october, tmp_path):
    csv = tmp_path / "oct.csv"
    export(store, "--format", "csv", *OCT, "-o", str(csv))
    back = validate_flat(read_any(csv))
    assert back.rejects.empty
    assert dataset_version(back.valid) == dataset_version(october)


def test_spreadsheet_safe_csv_from_the_command_line(tmp_path):
    from dashboard.data.store import store_lock, write_store
    from tests.factories import incidents, row

    store = tmp_path / "risky.gpkg"
    with store_lock(store):
        write_store(store, incidents(row(summary="=1+1", location="@Kamona"), row(incident_id="T-2")))
    safe, exact = tmp_path / "safe.csv", tmp_path / "exact.csv"
    export(str(store), "--format", "csv", "--spreadsheet-safe", "-o", str(safe))
    export(str(store), "--format", "csv", "-o", str(exact))
    safe_rows = validate_flat(read_any(safe)).valid.set_index("incident_id")
    exact_rows = validate_flat(read_any(exact)).valid.set_index("incident_id")
    assert (safe_rows.loc["T-1", "summary"], safe_rows.loc["T-1", "location"]) == ("'=1+1", "'@Kamona")
    assert (exact_rows.loc["T-1", "summary"], exact_rows.loc["T-1", "location"]) == ("=1+1", "@Kamona")
    assert safe_rows.loc["T-2", "summary"] == exact_rows.loc["T-2", "summary"] == "Test incident."


def test_html_map_has_no_remote_asset_and_draws_the_selection(store, october, tmp_path):
    page = tmp_path / "oct.html"
    export(store, "--format", "html", *OCT, "--title", "<script>alert(1)</script>", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert remote_asset_links(html) == []
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("incident-marker precision-") == len(as_points(october))
    assert f"Showing 7 of {len(bundled_incidents())} incidents" in html


def test_public_export_coarsens_and_drops_internal_columns(store, tmp_path):
    kamona = ["--from", "2025-10-02", "--to", "2025-10-02"]  # Kamona: an exact village point
    full, public = tmp_path / "full.csv", tmp_path / "public.csv"
    export(store, "--format", "csv", *kamona, "-o", str(full))
    export(store, "--format", "csv", *kamona, "--public", "-o", str(public))
    assert "13.97683" in full.read_text(encoding="utf-8-sig")
    text = public.read_text(encoding="utf-8-sig")
    assert not set(INTERNAL_COLUMNS) & set(text.splitlines()[0].split(","))
    assert "13.97683" not in text and "-5.920579" not in text


def test_story_export_keeps_the_story_order(store, tmp_path):
    story = tmp_path / "story.json"
    story.write_text(Story.of("Two weeks in October", ["SEG-2025-010", "SEG-2025-008"],
                              ["Balle", "Kamona, before"]).to_json(), encoding="utf-8")
    geojson = tmp_path / "story.geojson"
    export(store, "--format", "geojson", "--story", str(story), "-o", str(geojson))
    ids = [f["properties"]["incident_id"] for f in json.loads(geojson.read_text())["features"]]
    assert ids == ["SEG-2025-010", "SEG-2025-008"]
    pdf = tmp_path / "story.pdf"
    export(store, "--format", "pdf", "--story", str(story), "-o", str(pdf))
    text = text_of(pdf)
    assert "Two weeks in October" in text and text.index("Step 1 · Balle") < text.index("Step 2 · Kamona")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--format", "docx", "-o", "x.docx"], 2, "--format must be one of"),
    (["--format", "pdf", "--lang", "de", "-o", "x.pdf"], 2, "--lang must be en or fr"),
    (["--format", "pdf", "--from", "soon", "-o", "x.pdf"], 2, "from must be a date"),
])
def test_bad_options_say_what_is_wrong(store, tmp_path, args, code, message):
    result = runner.invoke(app, ["export", "--store", store, *args])
    assert result.exit_code == code
    assert message in plain(result.output)


def test_bad_stories_are_refused_with_the_reason(store, tmp_path):
    unknown = tmp_path / "unknown.json"
    unknown.write_text(Story.of("t", ["SEG-2025-008", "NOT-AN-ID"]).to_json(), encoding="utf-8")
    result = runner.invoke(app, ["export", "--store", store, "--format", "pdf", "--story", str(unknown), "-o",
                                 str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "not in this dataset: NOT-AN-ID" in result.output
    assert not (tmp_path / "x.pdf").exists()
    result = runner.invoke(app, ["export", "--store", store, "--format", "csv", "--story", str(unknown), *OCT,
                                 "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "leave out the filter options" in plain(result.output)


def test_the_briefings_author_organisation_date_and_marking_from_the_command_line(store, tmp_path):
    pdf = tmp_path / "signed.pdf"
    export(store, "--format", "pdf", *OCT, "--author", "A. Researcher", "--organisation", "Sahel Desk",
           "--analysis-date", "2025-11-03", "--marking", "For internal use", "-o", str(pdf))
    pages = text_of(pdf).split("\f")
    first = " ".join(pages[0].split())
    assert "Prepared by: A. Researcher" in first and "Organisation: Sahel Desk" in first
    assert "Date of analysis: 3 Nov 2025" in first and "Handling: For internal use" in first
    assert all("FOR INTERNAL USE" in page for page in pages if page.strip())
    bad = runner.invoke(app, ["export", "--store", store, "--format", "pdf", "--analysis-date", "last week", "-o",
                              str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "--analysis-date must be a date" in bad.output


def test_csv_metadata_as_comment_lines_or_a_sidecar_from_the_command_line(store, october, tmp_path):
    commented, plain_csv = tmp_path / "c.csv", tmp_path / "p.csv"
    export(store, "--format", "csv", *OCT, "-o", str(commented))
    assert commented.read_text(encoding="utf-8-sig").startswith("# title: ")
    assert not (tmp_path / "c.csv-metadata.json").exists()
    out = export(store, "--format", "csv", *OCT, "--csv-metadata", "sidecar", "-o", str(plain_csv))
    sidecar = tmp_path / "p.csv-metadata.json"
    assert f"Wrote its metadata to {sidecar}" in plain(out)
    assert plain_csv.read_text(encoding="utf-8-sig").startswith("incident_id,")
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    assert meta["url"] == "p.csv" and meta["dc:description"].endswith("1–31 Oct 2025")
    for path in (commented, plain_csv):
        back = validate_flat(read_any(path))
        assert back.rejects.empty and len(back.valid) == len(october)
