"""The bundled reference geography is exactly what scripts/build_reference_data.py builds from data/reference/."""

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from dashboard import bundled

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_reference_data", ROOT / "scripts" / "build_reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("bundled")
    return out, _build_module().build(REFERENCE, out)


def test_the_committed_files_are_what_the_script_builds_byte_for_byte(rebuilt):
    out, names = rebuilt
    assert set(names) == {"segou_cercles.geojson", "segou_communes.geojson", "segou_region_cod.geojson",
                          "segou_villages.csv", "admin_names.csv", "ucdp_ged211_segou.csv",
                          "segou_region.geojson", "mali_regions.geojson"}
    for name in names:
        assert (out / name).read_bytes() == bundled.path(name).read_bytes(), f"{name} differs: re-run the script"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_populated_place_is_kept_and_each_seat_duplicate_is_folded_into_its_seat():
    source = _rows(REFERENCE / "segou_gazetteer.csv")
    villages = _rows(bundled.path("segou_villages.csv"))
    kept = [r["source_id"] for r in villages]
    folded = [s for r in villages for s in r["also_source_ids"].split("|") if s]
    assert sorted(kept + folded) == sorted(r["source_id"] for r in source)  # the 6,272 ids, each once
    assert len(source) == 6272 and len(folded) == len(source) - len(villages) > 0
    by_id = {r["source_id"]: r for r in source}
    for r in villages:
        for other in filter(None, r["also_source_ids"].split("|")):
            assert r["source_id"].endswith("000") and not other.endswith("000")  # a seat absorbed a plain record
            assert abs(float(by_id[other]["lat"]) - float(r["latitude"])) <= 1e-5
            assert by_id[other]["admin3_pcode"] == r["commune_pcode"]
    seats = [p for r in villages for p in r["seat_of"].split()]
    communes = json.loads(bundled.path("segou_communes.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(p for p in seats if len(p) == 8) == sorted(f["properties"]["commune_pcode"] for f in communes)


def test_units_have_names_and_pcodes():
    cercles = json.loads(bundled.path("segou_cercles.geojson").read_text(encoding="utf-8"))["features"]
    communes = json.loads(bundled.path("segou_communes.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["cercle"] for f in cercles) == [
        "Barouéli", "Bla", "Macina", "Niono", "San", "Ségou", "Tominian"]
    assert len(communes) == 119
    pogo = next(f["properties"] for f in communes if f["properties"]["commune"] == "Pogo")
    assert (pogo["commune_pcode"], pogo["cercle"], pogo["cercle_pcode"]) == ("ML040507", "Niono", "ML0405")


def test_name_table_says_where_every_mapping_comes_from():
    rows = _rows(bundled.path("admin_names.csv"))
    assert all(r["basis"] and r["cercle_pcode"] for r in rows)
    markala = next(r for r in rows if r["name"] == "Markala" and r["level"] == "cercle")
    assert (markala["kind"], markala["cercle"], markala["status"]) == ("reform", "Ségou", "contains")
    assert "not available offline" in markala["basis"]
    san = next(r for r in rows if r["level"] == "region")
    assert (san["cercle"], san["cercle_pcode"]) == ("San|Tominian", "ML0404|ML0406")


def test_ucdp_extract_is_the_65_events_unchanged():
    rows = _rows(bundled.path("ucdp_ged211_segou.csv"))
    assert len(rows) == 65
    assert (REFERENCE / "segou_ged211_juanr_subset.csv").read_bytes() == bundled.path("ucdp_ged211_segou.csv").read_bytes()
