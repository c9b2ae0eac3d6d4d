"""Interrupted and concurrent imports never leave a partial store and never lose an update.

* ``incident-map import`` of 50,000 synthetic rows is killed (SIGKILL) after random delays and once exactly while
  its temporary GeoPackage is being written; each time the store is readable and is either the store from before
  or the fully imported one (``dataset_version``), never something in between; the temporary file left behind is
  never read as the store; the lock is released and the next import works.
* Two imports started together into the same store both complete and the store holds both files' rows: the
  read-modify-write in ``import_file`` runs under ``store_lock``.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.data.store import dataset_version, read_store, write_store
from tests.factories import incidents, row
from tests.hardening.synthetic import write_native

CLI = str(Path(sys.executable).parent / "incident-map")
BIG = 50_000


def start_import(file: Path, store: Path) -> subprocess.Popen:
    return subprocess.Popen([CLI, "import", str(file), "--store", str(store)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".tmp" in p.name)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The big file, the store before, and the version after a complete import (and how long one takes)."""
    folder = tmp_path_factory.mktemp("big")
    file = write_native(folder / "big.csv", BIG, "S")
    before = folder / "before.gpkg"
    write_store(before, incidents(row()))
    full = folder / "full" / "incidents.gpkg"
    full.parent.mkdir()
    shutil.copy(before, full)
    t0 = time.monotonic()
    proc = start_import(file, full)
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    elapsed = time.monotonic() - t0
    stored = read_store(full)
    assert len(stored) == BIG + 1
    return {"file": file, "before": before, "v0": dataset_version(read_store(before)),
            "v1": dataset_version(stored), "seconds": elapsed}


def fresh_store(big, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "incidents.gpkg"
    shutil.copy(big["before"], store)
    return store


def check_after_kill(store: Path, big) -> str:
    stored = read_store(store)  # reads and validates every row: a partial store fails here
    version = dataset_version(stored)
    assert version in (big["v0"], big["v1"]), f"partial store: {len(stored)} rows, version {version}"
    assert len(stored) in (1, BIG + 1)
    # a temporary file is never the store: reading the folder's store path gives the same data whatever is left
    for tmp in temp_files(store.parent):
        assert tmp.name.startswith(f".{store.name}.") and tmp != store
    return "before" if version == big["v0"] else "after"


def test_killed_imports_leave_the_old_or_the_new_store(big, tmp_path):
    rnd = random.Random(5)
    outcomes = []
    for i, fraction in enumerate((0.2, 0.5, 0.75, 0.88, 0.97)):
        store = fresh_store(big, tmp_path / f"k{i}")
        proc = start_import(big["file"], store)
        time.sleep(big["seconds"] * fraction * rnd.uniform(0.9, 1.1))
        kill(proc)
        outcomes.append(check_after_kill(store, big))
    assert "before" in outcomes
    print("outcomes after SIGKILL:", outcomes)


def test_killed_while_writing_the_temporary_file(big, tmp_path):
    for i in range(2):
        store = fresh_store(big, tmp_path / f"w{i}")
        proc = start_import(big["file"], store)
        deadline = time.monotonic() + 120
        while not temp_files(store.parent) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        assert proc.poll() is None, "the import finished before its temporary file was seen"
        time.sleep(0.1 * i)  # at the start of the write, and a little later
        kill(proc)
        assert check_after_kill(store, big) == "before"
        left = temp_files(store.parent)
        assert left, "SIGKILL leaves the temporary file behind (no cleanup can run)"
        if i:
            continue
        # the lock died with the process; the next import works and replaces the store atomically
        retry = start_import(big["file"], store)
        assert retry.wait(timeout=300) == 0, retry.stderr.read().decode()
        assert check_after_kill(store, big) == "after"
        assert temp_files(store.parent) == [], "the next write removes what the killed one left"


def test_concurrent_imports_are_serialised(tmp_path):
    store = tmp_path / "incidents.gpkg"
    write_store(store, incidents(row()))
    files = [write_native(tmp_path / f"{p}.csv", 5_000, p, seed=k) for k, p in enumerate(("A", "B", "C"))]
    procs = [start_import(f, store) for f in files]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read().decode()
    ids = set(read_store(store)["incident_id"])
    assert len(ids) == 1 + 3 * 5_000
    for prefix in ("A", "B", "C"):
        assert f"{prefix}-000000" in ids and f"{prefix}-004999" in ids


def test_import_file_holds_the_lock_across_read_modify_write(tmp_path, monkeypatch):
    """In-process: while one import is between reading and writing the store, another waits for the lock."""
    import threading

    import dashboard.data.importer as importer

    store = tmp_path / "incidents.gpkg"
    write_store(store, incidents(row()))
    a = write_native(tmp_path / "a.csv", 50, "A")
    b = write_native(tmp_path / "b.csv", 50, "B", seed=1)
    real_existing = importer._existing
    in_window = threading.Event()
    release = threading.Event()

    def slow_existing(path):
        out = real_existing(path)
        if threading.current_thread().name == "first":
            in_window.set()
            release.wait(10)
        return out

    monkeypatch.setattr(importer, "_existing", slow_existing)
    first = threading.Thread(target=importer.import_file, args=(a, store), name="first")
    first.start()
    assert in_window.wait(30)
    second_done = threading.Event()
    second = threading.Thread(target=lambda: (importer.import_file(b, store), second_done.set()), name="second")
    second.start()
    assert not second_done.wait(1.0), "the second import wrote while the first held the store"
    release.set()
    first.join(30)
    second.join(30)
    assert second_done.is_set()
    assert len(read_store(store)) == 101
