"""The Briefing & exports page and the Story page in-process (AppTest).

Download buttons build their file when clicked (deferred): the tests run that same callable through Streamlit's
media file manager, so they check the bytes a user would get, for exactly the filtered incidents."""

from __future__ import annotations

import io
import json
import subprocess

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.data.importer import read_any
from dashboard.data.schema import INTERNAL_COLUMNS
from dashboard.data.store import STORE_ENV, load_bundled, store_lock, write_store
from dashboard.data.validate import validate_flat
from dashboard.export.story import Story
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.ui.common import md_escape
from dashboard.viz.assets import remote_asset_links
from dashboard.viz.maps import SEGOU_CENTER, as_points
from tests.factories import incidents, row
from tests.ui.test_app import _walk, open_page, page_script, qp, store  # noqa: F401  (store: autouse fixture)

OCT = {"from": "2025-10-01", "to": "2025-10-31"}
OCT_IDS = ["SEG-2025-013", "SEG-2025-008", "SEG-2025-014", "SEG-2025-015", "SEG-2025-009", "SEG-2025-010",
           "SEG-2025-016"]  # every October 2025 incident, in date order
OCT_STATE = {**OCT, "cat": "state_forces"}  # the army's October 2025 operations: four incidents, each with a point
KAMONA, DOUGABOUGOU, BALLE, MARKALA = "SEG-2025-008", "SEG-2025-009", "SEG-2025-010", "SEG-2025-016"
REGION_ONLY = {"from": "2025-10-03", "to": "2025-10-03"}  # two abductions on the Ségou roads: no point


class RecordingMediaFileManager(MediaFileManager):
    """AppTest builds one media file manager per run; keep the last so that deferred downloads can be run."""

    last: RecordingMediaFileManager | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingMediaFileManager.last = self


@pytest.fixture(autouse=True)
def recording_media(monkeypatch):
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaFileManager)


def download_buttons(at) -> dict[str, object]:
    return {el.proto.id.rsplit("-", 1)[-1]: el.proto for el in _walk(at.main) if el.type == "download_button"}


def download(at, key: str) -> bytes:
    """What clicking a download button gives: a deferred button's callable is run (as Streamlit does on click);
    an immediate one's file is read from where it was stored."""
    proto = download_buttons(at)[key]
    manager = RecordingMediaFileManager.last
    url = manager.execute_deferred(proto.deferred_file_id) if proto.HasField("deferred_file_id") else proto.url
    return manager.read_file(url.rsplit("/", 1)[-1]).content


def html_bodies(at) -> list[str]:
    return [el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html"]


def map_args(at) -> dict:
    found = [el for el in _walk(at.main) if getattr(el, "type", None) == "component_instance"]
    assert found, "no st_folium component on the page"
    return json.loads(found[0].proto.json_args)


def point_of(ident: str) -> list[float]:
    g = load_bundled().set_index("incident_id").geometry[ident]
    return [g.y, g.x]


# ---- Briefing & exports ---------------------------------------------------------------------------------------
def test_export_page_offers_every_format_for_exactly_the_filtered_set(tmp_path):
    at = open_page("export", **OCT)
    assert at.title[0].value == "Briefing and exports"
    buttons = download_buttons(at)
    assert set(buttons) == {"dl_pdf_en", "dl_pdf_fr", "dl_html", "dl_csv", "dl_geojson", "dl_gpkg", "dl_json",
                            "dl_reports", "dl_pack"}
    assert all(b.HasField("deferred_file_id") for b in buttons.values())  # built on click, not on every rerun
    assert buttons["dl_csv"].label == "CSV (spreadsheet)"
    expected = filter_incidents(load_bundled(), FilterSpec.from_query_params(OCT))
    csv = tmp_path / "page.csv"
    csv.write_bytes(download(at, "dl_csv"))
    back = validate_flat(read_any(csv)).valid
    assert list(back["incident_id"]) == list(expected["incident_id"]) == OCT_IDS
    features = json.loads(download(at, "dl_geojson"))["features"]
    assert [f["properties"]["incident_id"] for f in features] == list(expected["incident_id"])
    assert download(at, "dl_gpkg").startswith(b"SQLite format 3\x00")
    reports = tmp_path / "reports.csv"
    reports.write_bytes(download(at, "dl_reports"))  # the second level: here, one report per incident
    rows = "".join(line for line in reports.read_text(encoding="utf-8-sig").splitlines(keepends=True)
                   if not line.startswith("#"))  # the metadata lines (licences and attribution among them)
    assert list(pd.read_csv(io.StringIO(rows))["belongs_to_incident"]) == OCT_IDS
    html = download(at, "dl_html").decode("utf-8")
    assert remote_asset_links(html) == [] and html.count("incident-marker precision-") == len(as_points(expected))


def test_export_page_pdf_is_the_briefing_of_the_filter(tmp_path):
    at = open_page("export", **OCT)
    at.text_input(key="export_title").set_value("Ségou — October 2025").run()
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(download(at, "dl_pdf_fr"))
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Ségou — October 2025" in text and ("Incidents ayant fait des victimes civiles dans la région de Ségou, 1er–31 oct. 2025"
                                                    in text)
    assert "Kamona" in text and "68–86" in text and "CHIFFRES CLÉS" in text


def test_export_page_in_public_mode_offers_no_raw_data(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = open_page("export", **{"from": "2025-10-02", "to": "2025-10-02"})  # Kamona: an exact village point
    assert set(download_buttons(at)) == {"dl_pdf_en", "dl_pdf_fr", "dl_html", "dl_pack"}
    assert any("not offered in the public view" in i.value for i in at.info)
    html = download(at, "dl_html").decode("utf-8")
    assert "13.97683" not in html and "-5.920579" not in html


def test_the_page_csv_is_spreadsheet_safe_unless_unticked(tmp_path, monkeypatch):
    risky = tmp_path / "risky.gpkg"
    with store_lock(risky):
        write_store(risky, incidents(row(summary='=HYPERLINK("http://evil.example","x")')))
    monkeypatch.setenv(STORE_ENV, str(risky))
    at = open_page("export")
    assert at.checkbox(key="csv_safe").value is True
    assert "\"'=HYPERLINK(" in download(at, "dl_csv").decode("utf-8-sig")
    at.checkbox(key="csv_safe").uncheck().run()
    exact = tmp_path / "exact.csv"
    exact.write_bytes(download(at, "dl_csv"))
    assert validate_flat(read_any(exact)).valid.loc[:, "summary"].tolist() == ['=HYPERLINK("http://evil.example","x")']


def test_export_page_with_nothing_selected_says_so():
    at = open_page("export", **{"from": "2014-01-01", "to": "2014-12-31"})  # no curated incident in 2014
    assert any("No incidents match" in i.value for i in at.info)
    assert download_buttons(at) == {}


# ---- Story ----------------------------------------------------------------------------------------------------
def test_story_starts_as_the_filtered_incidents_and_steps_with_prev_next():
    at = open_page("story", **OCT_STATE)
    assert at.multiselect(key="story_ids").value == [KAMONA, DOUGABOUGOU, BALLE, MARKALA]
    assert qp(at, "step") == ["1"]
    args = map_args(at)
    assert args["center"] == point_of(KAMONA) and args["zoom"] == 10
    assert args["returned_objects"] == []  # stepping and panning never rerun the page from the map
    assert "story-current" in args["feature_group"]  # the ring: a dynamic layer, the map is not re-mounted
    assert any(f'data-incident-id="{KAMONA}"' in h for h in html_bodies(at))
    assert at.button(key="story_prev").disabled and not at.button(key="story_next").disabled
    script = args["script"]

    at.button(key="story_next").click().run()
    assert qp(at, "step") == ["2"]
    args = map_args(at)
    assert args["center"] == point_of(DOUGABOUGOU)
    assert args["script"] == script  # same map, only the view moves
    assert any(f'data-incident-id="{DOUGABOUGOU}"' in h for h in html_bodies(at))
    assert not any(f'data-incident-id="{KAMONA}"' in h for h in html_bodies(at))

    at.button(key="story_next").click().run()
    assert qp(at, "step") == ["3"] and map_args(at)["center"] == point_of(BALLE)
    at.button(key="story_next").click().run()
    assert qp(at, "step") == ["4"] and at.button(key="story_next").disabled
    assert map_args(at)["center"] == point_of(MARKALA)
    at.button(key="story_prev").click().run()
    assert qp(at, "step") == ["3"]


def test_a_region_level_step_shows_the_whole_region_and_says_so():
    at = open_page("story", **REGION_ONLY)
    assert at.multiselect(key="story_ids").value == ["SEG-2025-014", "SEG-2025-015"]
    assert map_args(at)["center"] == list(SEGOU_CENTER)
    assert any("known only to the region" in c.value for c in at.caption)


def test_a_step_in_the_url_reopens_that_step():
    at = open_page("story", **OCT_STATE, step="2")
    assert any(f'data-incident-id="{DOUGABOUGOU}"' in h for h in html_bodies(at))
    assert map_args(at)["center"] == point_of(DOUGABOUGOU)
    at = open_page("story", **OCT_STATE, step="99")  # out of range: the last step, not an error
    assert qp(at, "step") == ["4"]


def test_picking_incidents_orders_the_story():
    at = open_page("story", **OCT_STATE)
    at.multiselect(key="story_ids").set_value([BALLE, KAMONA]).run()
    assert any(f'data-incident-id="{BALLE}"' in h for h in html_bodies(at))
    at.button(key="story_next").click().run()
    assert any(f'data-incident-id="{KAMONA}"' in h for h in html_bodies(at))
    saved = Story.from_json(download(at, "story_save"))
    assert saved.incident_ids == (BALLE, KAMONA)


def test_loading_a_story_file_and_exporting_it_as_pdf(tmp_path):
    story = Story.of("Niono <b>briefing</b>", [DOUGABOUGOU, "SEG-2017-001"], ["The fair", "Ké-Macina, 2017"])
    at = open_page("story", **OCT)
    at.file_uploader(key="story_upload").upload("story.json", story.to_json().encode(), "application/json").run()
    assert not at.exception
    assert at.multiselect(key="story_ids").value == [DOUGABOUGOU, "SEG-2017-001"]  # outside the filter: allowed
    assert at.text_input(key="story_title").value == "Niono <b>briefing</b>"
    assert any("The fair" in h and "story-note" in h for h in html_bodies(at))
    assert [s.value for s in at.subheader] == [md_escape("Niono <b>briefing</b>")]  # shown as text
    pdf = tmp_path / "story.pdf"
    pdf.write_bytes(download(at, "story_pdf_en"))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.index("Step 1 · en route to the weekly fair") < text.index("Step 2 · near Ké-Macina")


def test_a_bad_story_file_is_refused_with_the_reason():
    at = open_page("story", **OCT_STATE)
    bad = json.dumps({"title": "x", "steps": ["NOT-AN-ID"]}).encode()
    at.file_uploader(key="story_upload").upload("bad.json", bad, "application/json").run()
    assert any("NOT" in e.value and "not in this dataset" in e.value for e in at.error)
    assert at.multiselect(key="story_ids").value == [KAMONA, DOUGABOUGOU, BALLE, MARKALA]  # unchanged


def test_story_in_public_mode_shows_coarsened_places(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = open_page("story", **{"from": "2025-10-02", "to": "2025-10-02"})  # Kamona: an exact village point
    args = map_args(at)
    assert "13.97683" not in json.dumps(args) and args["center"] != [13.97683, -5.920579]
    assert any("Public view" in w.value for w in at.warning)
    for col in INTERNAL_COLUMNS:
        assert all(col not in h for h in html_bodies(at))


def test_the_evidence_pack_holds_every_file_and_a_manifest_that_verifies(tmp_path):
    import zipfile

    from typer.testing import CliRunner

    from dashboard.cli import app

    at = open_page("export", **OCT)
    with zipfile.ZipFile(io.BytesIO(download(at, "dl_pack"))) as pack:
        pack.extractall(tmp_path)
        names = set(pack.namelist())
    assert {"manifest.json"} < names and any(n.endswith("_briefing-en.pdf") for n in names)
    assert {n.rsplit(".", 1)[-1] for n in names} == {"json", "pdf", "html", "csv", "geojson", "gpkg"}
    manifest = json.loads((tmp_path / "manifest.json").read_bytes())
    assert [i["incident_id"] for i in manifest["incidents"]] == OCT_IDS
    assert manifest["selection"]["query_params"] == OCT
    result = CliRunner().invoke(app, ["verify", str(tmp_path / "manifest.json")])
    assert result.exit_code == 0 and f"All {len(names) - 1} files match" in result.output, result.output
