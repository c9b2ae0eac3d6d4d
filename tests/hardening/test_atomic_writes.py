"""Interrupted and concurrent writes, on both engines, with real processes (``incident-map`` subprocesses):

* an import killed with SIGKILL while its transaction is open (seen from outside: the GeoPackage's write lock is
  taken / the PostGIS table lock is held) leaves the store exactly as before, readable, with no trace in the
  history; the next import then lands whole;
* two processes editing one incident from the same version: one succeeds, the other is refused with the conflict
  message naming the winner's change set, and nothing is lost;
* eight importers started together, of different files (one of which repeats reports of another under other
  incident ids): every report is stored exactly once, each import is one change set.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from dashboard.data.engines import is_postgres_url
from dashboard.data.store import dataset_version, open_store, read_store, store_state, write_store
from tests.factories import incidents, row
from tests.hardening.synthetic import native_frame, write_native

pytestmark = pytest.mark.slow
CLI = str(Path(sys.executable).parent / "incident-map")
BIG = 20_000


def cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, **(env or {})})


def kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def writer_in_transaction(location) -> bool:
    """Is some process inside a write transaction on this store right now (seen from outside)?"""
    if is_postgres_url(str(location)):
        with psycopg.connect(str(location), autocommit=True) as conn:
            return conn.execute("""SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                                   WHERE c.relname = 'incidents' AND l.mode = 'ShareRowExclusiveLock'
                                   AND l.granted""").fetchone()[0] > 0
    conn = sqlite3.connect(location, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")  # only one writer at a time: if we get the lock, nobody is writing
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        conn.close()


@pytest.fixture
def one_row_store(store_location):
    write_store(store_location, incidents(row()))
    return store_location


def test_an_import_killed_inside_its_transaction_leaves_the_store_as_before(one_row_store, tmp_path):
    big = write_native(tmp_path / "big.csv", BIG, "S")
    before = store_state(one_row_store)
    changesets_before = len(open_store(one_row_store).history())
    for attempt in range(2):
        proc = cli("import", str(big), "--store", str(one_row_store), "--reason", "big import")
        deadline = time.monotonic() + 240
        while not writer_in_transaction(one_row_store) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, f"the import ended before its transaction was seen: {proc.stderr.read()}"
        time.sleep(0.2 * attempt)  # at the start of the transaction, and a little later
        kill(proc)
        deadline = time.monotonic() + 60
        while writer_in_transaction(one_row_store) and time.monotonic() < deadline:
            time.sleep(0.05)  # PostgreSQL ends the dead client's session (and rolls back) on its own
        assert store_state(one_row_store) == before
        stored = read_store(one_row_store)  # reads and validates every row
        assert stored["incident_id"].tolist() == ["T-1"]
        assert len(open_store(one_row_store).history()) == changesets_before  # no trace of the killed import
    retry = cli("import", str(big), "--store", str(one_row_store), "--reason", "big import, again")
    _, err = retry.communicate(timeout=300)
    assert retry.returncode == 0, err
    stored = read_store(one_row_store)
    assert len(stored) == BIG + 1 and stored["incident_id"].is_unique
    assert store_state(one_row_store)[0] == dataset_version(stored)


def test_two_processes_editing_one_incident_one_wins_the_other_is_told(one_row_store):
    procs = [cli("edit", "T-1", "--set", f"fatalities_max={value}", "--expect-version", "1", "--reason",
                 f"count from {who}", "--store", str(one_row_store), env={"INCIDENT_MAP_AUTHOR": who})
             for who, value in (("alice", "38"), ("bob", "40"))]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 3], results
    winner = next(i for i, r in enumerate(results) if r[0] == 0)
    winner_out, loser_err = results[winner][1], results[1 - winner][2]
    history = open_store(one_row_store).history("T-1")
    edits = [e for e in history if e.kind == "edit"]
    assert len(edits) == 1 and edits[0].changeset_id in winner_out
    assert edits[0].changeset_id in loser_err and "based on version 1" in loser_err
    assert edits[0].author == ("alice", "bob")[winner]
    stored = read_store(one_row_store).set_index("incident_id")
    assert stored.loc["T-1", "fatalities_max"] == (38, 40)[winner]


def test_eight_concurrent_importers_store_every_report_exactly_once(one_row_store, tmp_path):
    n = 300
    files = [write_native(tmp_path / f"f{k}.csv", n, f"P{k}", seed=k) for k in range(7)]
    repeat = native_frame(n, "P0", seed=0).iloc[: n // 2].copy()  # reports of f0 again, under other incident ids
    repeat["incident_id"] = [f"R-{i:06d}" for i in range(len(repeat))]
    repeat.to_csv(tmp_path / "repeat.csv", index=False)
    files.append(tmp_path / "repeat.csv")
    procs = [cli("import", str(f), "--store", str(one_row_store)) for f in files]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    stored = read_store(one_row_store)
    reports = list(zip(stored["dataset"], stored["source_record_id"], strict=True))
    assert len(reports) == len(set(reports)) == 1 + 7 * n  # the repeated reports were stored once
    assert stored["incident_id"].is_unique
    expected = {f"P{k}-{i:06d}" for k in range(7) for i in range(n)} | {"T-1"}
    ids = set(stored["incident_id"])
    assert ids - {f"R-{i:06d}" for i in range(n // 2)} <= expected
    assert all((("user", f"P0-{i:06d}") in set(reports)) for i in range(n))
    imports = {e.changeset_id for e in open_store(one_row_store).history() if e.kind == "import"}
    per_changeset = pd.Series([e.changeset_id for e in open_store(one_row_store).history()  # the reports (an import
                               if e.kind == "import" and e.record_type == "incident"]).value_counts()  # also decides)
    assert len(imports) in (7, 8)  # the repeating file adds nothing when f0 came first, or half of f0's reports
    assert per_changeset.sum() == 7 * n
    assert store_state(one_row_store)[0] == dataset_version(stored)
