"""The evidence manifest (issue 16, item 5): written beside every CLI export and inside the Export page's pack;
``incident-map verify`` passes on a fresh export and names a file changed by one byte or missing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.schema import parse_sources
from dashboard.export.exporters import EXPORTERS, ExportRequest
from dashboard.export.manifest import MANIFEST_IN_PACK, build_pack
from dashboard.query.spec import FilterSpec
from tests.factories import bundled_incidents

runner = CliRunner()
OCT = ["--from", "2025-10-01", "--to", "2025-10-31"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("manifest") / "incidents.gpkg")


def export(store, out, *args):
    result = runner.invoke(app, ["export", "--store", store, "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.with_name(out.name + ".manifest.json")


def verify(manifest):
    return runner.invoke(app, ["verify", str(manifest)])


def test_a_fresh_export_has_a_manifest_that_verifies(store, tmp_path):
    manifest = export(store, tmp_path / "oct.csv", "--format", "csv", *OCT)
    doc = json.loads(manifest.read_bytes())
    data = (tmp_path / "oct.csv").read_bytes()
    assert doc["files"] == [{"name": "oct.csv", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}]
    assert doc["selection"]["query_params"] == {"from": "2025-10-01", "to": "2025-10-31"}
    assert doc["selection"]["query"] == "?from=2025-10-01&to=2025-10-31"
    assert doc["selection"]["description"] == "Incidents with civilian victims in the Ségou region, 1–31 Oct 2025"
    assert len(doc["dataset_version"]) == 12 and doc["captures"] == []
    kamona = next(i for i in doc["incidents"] if i["incident_id"] == "SEG-2025-008")
    stored = bundled_incidents().set_index("incident_id").at["SEG-2025-008", "sources"]
    assert [s["url"] for s in kamona["sources"]] == [s.url for s in parse_sources(stored)]
    assert len(kamona["sources"]) > 1
    assert [i["incident_id"] for i in doc["incidents"]][:2] == ["SEG-2025-013", "SEG-2025-008"]
    assert any("segou-curated" in line for line in doc["attribution"])
    result = verify(manifest)
    assert result.exit_code == 0, result.output
    assert "ok       oct.csv" in result.output and "1 file matches" in result.output


def test_a_one_byte_change_is_named(store, tmp_path):
    manifest = export(store, tmp_path / "oct.geojson", "--format", "geojson", *OCT)
    path = tmp_path / "oct.geojson"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte: same size
    path.write_bytes(bytes(data))
    result = verify(manifest)
    assert result.exit_code == 1
    assert "CHANGED  oct.geojson: SHA-256" in result.output and "1 file of 1 does not match" in result.output


def test_a_missing_file_is_named_and_the_others_still_checked(store, tmp_path):
    manifest = export(store, tmp_path / "oct.csv", "--format", "csv", "--csv-metadata", "sidecar", *OCT)
    assert [f["name"] for f in json.loads(manifest.read_bytes())["files"]] == ["oct.csv", "oct.csv-metadata.json"]
    (tmp_path / "oct.csv-metadata.json").unlink()
    result = verify(manifest)
    assert result.exit_code == 1
    assert "ok       oct.csv" in result.output and "MISSING  oct.csv-metadata.json" in result.output


@pytest.mark.parametrize("doc", [
    b"not json",
    json.dumps({"files": []}).encode(),
    json.dumps({"manifest": "segou-incident-map evidence manifest 1",
                "files": [{"name": "../outside.csv", "sha256": "00"}]}).encode(),
])
def test_an_unreadable_manifest_stops_with_exit_2(tmp_path, doc):
    path = tmp_path / "m.manifest.json"
    path.write_bytes(doc)
    result = verify(path)
    assert result.exit_code == 2 and "error" in result.output.lower()


def test_the_page_pack_holds_the_files_and_a_manifest_that_verifies(tmp_path):
    request = ExportRequest.of_filter(bundled_incidents(), FilterSpec.from_query_params({"from": "2025-10-01",
                                                                                          "to": "2025-10-31"}),
                                      version="v1", generated_at=datetime(2026, 1, 1, tzinfo=UTC))
    chosen = [e for e in EXPORTERS if e.name in ("html", "csv", "geojson")]
    pack = build_pack(request, [(e.filename("oct"), e.build) for e in chosen])
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        z.extractall(tmp_path)
        names = sorted(z.namelist())
    assert names == sorted(["oct_map.html", "oct.csv", "oct.geojson", MANIFEST_IN_PACK])
    result = verify(tmp_path / MANIFEST_IN_PACK)
    assert result.exit_code == 0, result.output
    assert "All 3 files match" in result.output
