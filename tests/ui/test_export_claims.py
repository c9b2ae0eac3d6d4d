"""Every claim the Briefing & exports page makes, checked on the files its buttons give (issue 19, item 3): each file
holds exactly the selected incidents, the filter sentence, the dataset version and the time it was made, in the way
its format allows; the HTML map lists the incidents it cannot draw; each data file can be imported again."""

from __future__ import annotations

import html
import json
import re
import subprocess

import pyogrio
import pytest

from dashboard.data.importer import read_any
from dashboard.data.validate import validate_flat
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import unplotted
from tests.factories import bundled_incidents, bundled_version
from tests.ui.test_app import open_page, store  # noqa: F401  (store: autouse fixture)
from tests.ui.test_export_pages import OCT, download, download_buttons, recording_media  # noqa: F401

TIME = re.compile(r"20\d\d-\d\d-\d\d[T ]\d\d:\d\d")
SELECTED = OCT  # two of its incidents have no point
YEAR_2021 = {"from": "2021-01-01", "to": "2021-12-31"}  # related incidents the default leaves out


@pytest.fixture(scope="module")
def expected():
    spec = FilterSpec.from_query_params(SELECTED)
    bundled = bundled_incidents()  # what a fresh store counts: reports grouped into incidents
    view = filter_incidents(bundled, spec)
    return {"spec": spec, "view": view, "sentence": spec.describe(), "version": bundled_version(),
            "ids": sorted(view["incident_id"])}


def reimported(tmp_path, name: str, data: bytes) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    result = validate_flat(read_any(path))
    assert result.rejects.empty, result.rejects.to_string()
    return sorted(result.valid["incident_id"])


def test_the_page_says_what_the_files_hold(expected):
    at = open_page("export", **SELECTED)
    text = "\n".join(m.value for m in at.markdown)
    n = len(expected["view"])
    assert n > 1 and (f"Every file below holds **exactly these {n} incidents** and says what they are: the filter "
                      f"sentence above, the dataset version **{expected['version']}** and the time it was made.") in text
    assert len(unplotted(expected["view"])) > 0  # the HTML claim below is tested on incidents without a point


def test_csv_holds_its_metadata_as_comment_lines_and_imports_again(tmp_path, expected):
    at = open_page("export", **SELECTED)
    data = download(at, "dl_csv").decode("utf-8-sig")
    head = [line for line in data.splitlines() if line.startswith("#")]
    assert f"# selection: {expected['sentence']}" in head
    assert f"# dataset_version: {expected['version']}" in head
    assert any(line.startswith("# generated_at: ") and TIME.search(line) for line in head)
    assert reimported(tmp_path, "page.csv", data.encode("utf-8")) == expected["ids"]


def test_csv_metadata_can_go_to_a_sidecar_instead(tmp_path, expected):
    at = open_page("export", **SELECTED)
    at.radio(key="csv_metadata").set_value("sidecar").run()
    data = download(at, "dl_csv").decode("utf-8-sig")
    assert data.startswith("incident_id,")  # a plain CSV
    assert "dl_csv_metadata" in download_buttons(at)
    sidecar = json.loads(download(at, "dl_csv_metadata"))
    assert sidecar["dc:description"] == expected["sentence"]
    assert sidecar["segou:dataset_version"] == expected["version"]
    assert TIME.search(sidecar["dc:created"])
    assert "http://www.w3.org/ns/csvw" in sidecar["@context"] and sidecar["url"].endswith(".csv")
    assert reimported(tmp_path, "plain.csv", data.encode("utf-8")) == expected["ids"]


def test_geojson_holds_its_metadata_as_a_foreign_member(tmp_path, expected):
    at = open_page("export", **SELECTED)
    data = download(at, "dl_geojson")
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection"
    assert doc["metadata"]["selection"] == expected["sentence"]
    assert doc["metadata"]["dataset_version"] == expected["version"] and TIME.search(doc["metadata"]["generated_at"])
    assert sorted(f["properties"]["incident_id"] for f in doc["features"]) == expected["ids"]
    assert reimported(tmp_path, "page.geojson", data) == expected["ids"]


def test_geopackage_holds_a_metadata_table(tmp_path, expected):
    at = open_page("export", **SELECTED)
    path = tmp_path / "page.gpkg"
    path.write_bytes(download(at, "dl_gpkg"))
    layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    assert {"incidents", "export_metadata"} <= layers
    meta = dict(pyogrio.read_dataframe(path, layer="export_metadata")[["key", "value"]].itertuples(index=False))
    assert meta["selection"] == expected["sentence"] and meta["dataset_version"] == expected["version"]
    assert TIME.search(meta["generated_at"])
    listed = subprocess.run(["ogrinfo", "-so", str(path)], capture_output=True, text=True, check=True).stdout
    assert "export_metadata" in listed  # QGIS and ogrinfo see it
    assert reimported(tmp_path, "again.gpkg", path.read_bytes()) == expected["ids"]


def test_json_holds_metadata_and_records(tmp_path, expected):
    at = open_page("export", **SELECTED)
    data = download(at, "dl_json")
    doc = json.loads(data)
    assert doc["metadata"]["selection"] == expected["sentence"]
    assert doc["metadata"]["dataset_version"] == expected["version"] and TIME.search(doc["metadata"]["generated_at"])
    assert sorted(r["incident_id"] for r in doc["records"]) == expected["ids"]


def test_the_html_map_lists_the_incidents_it_cannot_draw_and_says_what_it_is(expected):
    at = open_page("export", **SELECTED)
    page = download(at, "dl_html").decode("utf-8")
    missing = unplotted(expected["view"])
    assert f"Not on the map ({len(missing)})" in page
    for ident in missing["incident_id"]:
        assert f'data-incident-id="{ident}"' in page, ident
    text = html.unescape(page)
    assert expected["sentence"] in text and f"dataset version {expected['version']}" in text
    assert re.search(r"generated 20\d\d-\d\d-\d\d \d\d:\d\d UTC", text)


def test_the_pdf_says_the_selection_version_and_time(tmp_path, expected):
    at = open_page("export", **SELECTED)
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(download(at, "dl_pdf_en"))
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert expected["sentence"] in text and f"dataset version {expected['version']}" in text
    assert re.search(r"generated 20\d\d-\d\d-\d\d \d\d:\d\d UTC", text)


def test_every_file_says_which_related_incidents_it_leaves_out(tmp_path):
    from dashboard.query.scope import left_out

    spec = FilterSpec.from_query_params(YEAR_2021)
    bundled = bundled_incidents()  # what a fresh store counts: reports grouped into incidents
    left = left_out(filter_incidents(bundled, spec), filter_incidents(bundled, spec.with_(scope="all")))
    assert len(left) > 0
    at = open_page("export", **YEAR_2021)
    assert json.loads(download(at, "dl_geojson"))["metadata"]["not_counted"] == left.sentence()
    assert f"# not_counted: {left.sentence()}" in download(at, "dl_csv").decode("utf-8-sig")
    assert left.sentence() in html.unescape(download(at, "dl_html").decode("utf-8"))


def test_the_briefings_author_organisation_date_and_marking_are_set_on_the_page(tmp_path):
    import datetime as dt

    at = open_page("export", **SELECTED)
    at.text_input(key="export_author").set_value("A. Researcher")
    at.text_input(key="export_organisation").set_value("Sahel Desk")
    at.date_input(key="export_analysis_date").set_value(dt.date(2025, 11, 3))
    at.text_input(key="export_marking").set_value("For internal use").run()
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(download(at, "dl_pdf_en"))
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    first = " ".join(pages[0].split())
    assert "Prepared by: A. Researcher" in first and "Organisation: Sahel Desk" in first
    assert "Date of analysis: 3 Nov 2025" in first and "Executive summary" in first
    assert all("FOR INTERNAL USE" in page for page in pages if page.strip())
