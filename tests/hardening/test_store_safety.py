"""The store's safety measures on the engine-based store (issue 22 item 3, after the team store of issue 13).

* ``export -o`` never writes over the store or a file it uses (its SQLite journal, creation lock, fast caches of
  reports and incidents, search index, rejects file, the bundled reports and decisions a new store is made from),
  through a symbolic link or a hard link too; a refused export leaves the store as it was;
* an import through a symbolically linked store writes the file the link names, and the link stays a link;
* an import whose child is stopped at the time limit says whether its change set was written (its id is chosen
  before the child starts), instead of always "nothing was written";
* a row of a native file that names another dataset for a record the store holds (an ACLED export imported again)
  is that record: skipped, never added as a user row.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import bundled
from dashboard.data.import_job import ImportRequest, _too_long
from dashboard.data.importer import import_file
from dashboard.data.store import (
    cache_path,
    incident_cache_path,
    load_store,
    read_store,
    rejects_path,
    search_path,
    store_state,
    uses,
    write_store,
)
from dashboard.export.files import to_csv_bytes
from tests.factories import incidents, row
from tests.hardening.hostile_files import csv_of, good, sha256

CLI = str(Path(sys.executable).parent / "incident-map")


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "store" / "incidents.gpkg"
    write_store(path, incidents(row()))
    load_store(path)  # its fast cache and search index exist too
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("target", ["store", "link", "hardlink", "wal", "lock", "cache", "incident_cache", "search",
                                    "rejects", "bundled_decisions", "bundled_reports"])
def test_an_export_is_refused_over_the_store_or_a_file_it_uses(store, tmp_path, target):
    outputs = {
        "store": store,
        "link": tmp_path / "link.gpkg",
        "hardlink": tmp_path / "hard.gpkg",
        "wal": store.with_name(store.name + "-wal"),
        "lock": store.with_name(store.name + ".lock"),
        "cache": cache_path(store),
        "incident_cache": incident_cache_path(store),
        "search": search_path(store),
        "rejects": rejects_path(store),
        "bundled_decisions": bundled.path("decisions.csv"),
        "bundled_reports": bundled.path("incidents.csv"),
    }
    (tmp_path / "link.gpkg").symlink_to(store)
    os.link(store, tmp_path / "hard.gpkg")
    output = outputs[target]
    assert uses(store, output)
    before, target_before = sha256(store), sha256(output) if output.exists() else None
    result = cli("export", "--store", str(store), "--format", "csv", "-o", str(output))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [f"error: -o {output.name} would write over the store or a file it uses; "
                                          "choose another file"]
    assert sha256(store) == before
    assert (sha256(output) if output.exists() else None) == target_before
    assert read_store(store)["incident_id"].tolist() == ["T-1"]


def test_an_export_elsewhere_is_written_whole_and_leaves_no_temporary_file(store, tmp_path):
    output = tmp_path / "out" / "all.csv"
    output.parent.mkdir()
    output.write_text("an older export\n")
    assert not uses(store, output)
    result = cli("export", "--store", str(store), "--format", "csv", "--scope", "all", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "T-1" in output.read_text(encoding="utf-8-sig")
    assert sorted(p.name for p in output.parent.iterdir()) == ["all.csv", "all.csv.manifest.json"]  # its manifest


def test_an_import_through_a_symlinked_store_writes_its_target(store, tmp_path):
    link = tmp_path / "link.gpkg"
    link.symlink_to(store)
    path = tmp_path / "two.csv"
    path.write_bytes(csv_of(good(incident_id="U-2", source_record_id="U-2"), good(incident_id="U-3", date_start="x")))
    result = cli("import", str(path), "--store", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == store.resolve()
    assert sorted(read_store(store)["incident_id"]) == ["T-1", "U-2"]
    assert rejects_path(link) == rejects_path(store) and rejects_path(store).exists()  # beside the target
    assert not (tmp_path / "link.rejects.csv").exists()


def test_an_import_stopped_at_the_limit_says_whether_it_was_written(store, tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes(csv_of(good(incident_id="U-2", source_record_id="U-2")))
    written = ImportRequest(path=path, store=store)
    revision = store_state(store)[1]
    report = import_file(path, store, changeset_id=written.changeset_id)  # as the child does
    assert report.added == 1 and report.changeset_id == written.changeset_id
    assert store_state(store)[1] == revision + 1
    message = str(_too_long(written))
    assert f"just after its rows were written (change set {written.changeset_id})" in message
    assert "nothing was written" not in message
    not_written = ImportRequest(path=path, store=store)
    assert str(_too_long(not_written)).endswith("was stopped; nothing was written")


def test_a_native_row_naming_a_stored_acled_record_is_that_record(tmp_path):
    store = tmp_path / "store.gpkg"
    acled = incidents(row(incident_id="ACLED-MLI1", dataset="acled", source_record_id="MLI1"))
    write_store(store, acled)
    path = tmp_path / "again.csv"  # the ACLED row exported and imported as a native file, under another id
    path.write_bytes(to_csv_bytes(acled.assign(incident_id="X-1")))
    report = import_file(path, store)
    assert (report.added, report.duplicates, report.rejected) == (0, 1, 0)
    assert read_store(store)["incident_id"].tolist() == ["ACLED-MLI1"]


def _said(value):
    """An error's state as plain data: nested errors (a conflict's "who changed it") compared by their own state."""
    if isinstance(value, Exception):
        return (type(value).__name__, _said(value.__dict__))
    if isinstance(value, dict):
        return {k: _said(v) for k, v in value.items()}
    return value


def test_a_user_error_crosses_from_the_import_child_whole():
    """The import child sends the importer's error to the parent pickled: every kind arrives with its message,
    detail and fields, the store's conflict (whose __init__ takes other arguments) too."""
    import pickle

    from dashboard.data.engines.changes import ConflictError
    from dashboard.errors import UnreadableFile
    from dashboard.i18n import tr

    by = {"changeset_id": "cs-1", "author": "a", "at": "2026-01-01T00:00:00Z", "kind": "import", "reason": "r"}
    for exc in (UnreadableFile("f.csv: too big", detail="row 3"), ConflictError("DEC-1", 1, 2, by)):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.message == exc.message
        assert _said(back) == _said(exc)
        assert back.text(tr("fr")) == exc.text(tr("fr"))
    assert back.text(tr("fr")) != back.text(tr("en"))  # the conflict is still said in the reader's language
    assert pickle.loads(pickle.dumps(ConflictError("DEC-1", 1, None, None))).stored is None


SLOW_WRITER = """
import os, pathlib, sys, time

def write_half_then_wait(self, data):  # every Path.write_bytes of the export: half, then a long pause
    with open(self, "wb") as fh:
        fh.write(data[: len(data) // 2])
        fh.flush()
        os.fsync(fh.fileno())
        print(f"HALF {self}", flush=True)
        time.sleep(120)
        fh.write(data[len(data) // 2:])
    return len(data)

pathlib.Path.write_bytes = write_half_then_wait
from dashboard.cli import app
app(sys.argv[1:], prog_name="incident-map")
"""


def test_an_export_killed_mid_write_leaves_the_previous_file_whole(store, tmp_path):
    """``export`` killed with SIGKILL while half of the new file is written: the previous export is still there,
    byte for byte (before, the export truncated it first: a killed export left half a CSV, which imported again
    as fewer rows without a word). Only a hidden temporary file beside it is left, which nothing reads."""
    import signal

    output = tmp_path / "out" / "all.csv"
    output.parent.mkdir()
    first = cli("export", "--store", str(store), "--format", "csv", "--scope", "all", "-o", str(output))
    assert first.returncode == 0, first.stderr
    good_export = output.read_bytes()
    assert b"T-1" in good_export
    manifest = output.with_name(output.name + ".manifest.json")  # written beside every export (issue 16)
    good_manifest = manifest.read_bytes()
    write_store(store, incidents(row(), row(incident_id="T-2", source_record_id="T-2")))  # the next export differs
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, "export", "--store", str(store), "--format", "csv",
                             "--scope", "all", "-o", str(output)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        line = proc.stdout.readline()  # blocks until half the new file is on disk (or the process ended)
        assert line.startswith("HALF "), (line, proc.stderr.read() if proc.poll() is not None else "")
        written = Path(line.split(" ", 1)[1].strip())
        assert written.parent == output.parent and written.stat().st_size > 0
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert output.read_bytes() == good_export and manifest.read_bytes() == good_manifest
    assert [p for p in output.parent.iterdir() if p not in (output, manifest)] == [written]  # the temporary file
    assert written.name.startswith(".all.csv.")
    again = cli("export", "--store", str(store), "--format", "csv", "--scope", "all", "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert b"T-2" in output.read_bytes()
