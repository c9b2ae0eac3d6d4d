"""Hostile files through the real CLI (``incident-map import``), each with its exact outcome (``hostile_files.py``).

For every file, refused or imported: the listener on 127.0.0.1 (which a VRT or a linked CRS would call) receives
no request, and no byte of the server file a VRT points at appears on stdout, stderr, in the store or in the
rejects file. A refused file: exit code 2, exactly one line on stderr, the store byte-identical, no rejects file.

Also here: the corpus is armed (GDAL, asked directly as the old reader did, reads the server file and calls the
listener; the view expands to its 200,000 rows), and the import limits (size, rows, columns, time) refuse with the
limit named and nothing written.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest

from dashboard.data.geopackage import _OFFLINE
from dashboard.data.importer import rejects_path
from dashboard.data.readers import read_csv_text
from dashboard.data.store import read_store
from dashboard.settings import LIMIT_ENV
from tests.hardening.hostile_files import (
    CASES,
    SECRET,
    VIEW_ROWS,
    Refused,
    _local_vrt,
    _url_vrt,
    build_view_gpkg,
    csv_of,
    good,
    listening,
    sha256,
)
from tests.hardening.synthetic import write_native

CLI = str(Path(sys.executable).parent / "incident-map")


def cli_import(path: Path, store: Path, **limits: int) -> subprocess.CompletedProcess:
    env = {**os.environ, **{LIMIT_ENV[k]: str(v) for k, v in limits.items()}}
    return subprocess.run([CLI, "import", str(path), "--store", str(store), "--json"], capture_output=True, text=True,
                          timeout=300, env=env)


def assert_refused(result: subprocess.CompletedProcess, message: str, store: Path, before: str) -> None:
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert result.stderr.splitlines() == [f"error: {message}"]
    assert sha256(store) == before
    assert not rejects_path(store).exists()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case, store, tmp_path):
    with listening() as listener:
        path = tmp_path / case.name
        path.write_bytes(case.make(tmp_path, listener.url))
        before = sha256(store)
        result = cli_import(path, store)
        assert listener.requests == [], "the import called a URL"
    assert SECRET not in result.stdout + result.stderr
    assert SECRET.encode() not in store.read_bytes()
    expected = case.outcome()
    if isinstance(expected, Refused):
        assert_refused(result, expected.message, store, before)
        return
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rejected_rows = {r for r, _, _ in expected.rejects}
    assert (report["added"], report["rejected"]) == (expected.added, len(rejected_rows)), report["problems"]
    assert len(read_store(store)) == 1 + expected.added
    problems = [(p["row"], p["column"], p["problem"]) for p in report["problems"]]
    for number, column, problem in expected.rejects:
        assert any(r == number and c == column and problem in p for r, c, p in problems), (number, column, problems)
    if rejected_rows:
        rejects = rejects_path(store).read_bytes()
        assert SECRET.encode() not in rejects
        assert set(read_csv_text(rejects_path(store))["_row"].astype(int)) == rejected_rows


@contextlib.contextmanager
def gdal_as_installed():
    """GDAL without the offline options an import in this process may have set (they are process-wide), restored
    afterwards: the old reader ran with GDAL's own defaults."""
    saved = {k: pyogrio.get_gdal_config_option(k) for k in _OFFLINE}
    pyogrio.set_gdal_config_options(dict.fromkeys(_OFFLINE))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(saved)


def test_the_corpus_is_armed(tmp_path):
    """What the files would do if GDAL opened them as the old reader did (so the tests above test something)."""
    with gdal_as_installed():
        _armed(tmp_path)


def _armed(tmp_path: Path) -> None:
    local = tmp_path / "local.gpkg"
    local.write_bytes(_local_vrt(tmp_path, ""))
    assert SECRET in pyogrio.read_dataframe(local)["location"].tolist()  # a server file read as incidents
    with listening() as listener:
        url = tmp_path / "url.gpkg"
        url.write_bytes(_url_vrt(tmp_path, listener.url))
        pyogrio.read_dataframe(url)
        assert listener.requests  # the server fetched the URL
    view = tmp_path / "view.gpkg"
    build_view_gpkg(view)
    assert pyogrio.read_info(view, layer="incidents")["features"] == VIEW_ROWS  # 200,000 rows from one


def test_provenance_is_the_importers(store, tmp_path):
    """The rows of claims.csv that were imported: the importer's dataset, a claimed verification kept as a claim,
    and the rejects file's formula cells defused."""
    case = next(c for c in CASES if c.name == "claims.csv")
    path = tmp_path / case.name
    path.write_bytes(case.make(tmp_path, ""))
    assert cli_import(path, store).returncode == 0
    stored = read_store(store).set_index("incident_id")
    added = stored.loc["U-9"]
    assert (added["dataset"], added["verification"]) == ("user", "reported")
    assert added["verification_note"].startswith("Verification claimed by the source file: confirmed.")
    quarantined = read_csv_text(rejects_path(store)).set_index("incident_id")
    assert quarantined.loc["U-10", "summary"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert quarantined.loc["U-10", "longitude"] == "-5.993"  # a number is not a formula


@pytest.mark.parametrize(("limit", "value", "make", "message"), [
    ("import_rows", 100, lambda t: write_native(t / "rows.csv", 101, "R"),
     "rows.csv: more than 100 rows, the limit per import; split the file"),
    ("upload_mb", 1, lambda t: write_native(t / "size.csv", 5_000, "S"),
     "size.csv: {mb} MB, larger than the limit of 1 MB per import; split the file"),
    ("import_columns", 300, lambda t: (t / "wide.csv").write_bytes(
        (",".join(f"c{i}" for i in range(1_000)) + "\n" + ",".join("1" * 1_000) + "\n").encode()) and t / "wide.csv",
     "wide.csv: 1,000 columns, more than the limit of 300"),
    ("json_depth", 3, lambda t: (t / "nest.json").write_text('{"data": [{"a": [[1]]}]}') and t / "nest.json",
     "nest.json: JSON nested 5 levels deep, more than the limit of 3; expected JSON records or GeoJSON"),
    ("import_seconds", 1, lambda t: write_native(t / "slow.csv", 30_000, "T"),
     "slow.csv: the import took longer than the limit of 1 s and was stopped; nothing was written"),
])
def test_an_import_over_a_limit_is_refused_naming_it(limit, value, make, message, store, tmp_path):
    path = make(tmp_path)
    before = sha256(store)
    started = time.monotonic()
    result = cli_import(path, store, **{limit: value})
    print(f"{limit}={value}: refused after {time.monotonic() - started:.1f} s")
    assert_refused(result, message.format(mb=f"{path.stat().st_size / 2**20:.1f}"), store, before)


def test_a_cell_over_the_limit_rejects_its_row(store, tmp_path):
    path = tmp_path / "cell.csv"
    path.write_bytes(csv_of(good(summary="x" * 501), good(incident_id="F-2", source_record_id="F-2")))
    result = cli_import(path, store, cell_chars=500)
    report = json.loads(result.stdout)
    assert (report["added"], report["rejected"]) == (1, 1)
    assert "text of 501 characters is longer than the limit of 500" in report["problems"][0]["problem"]
