"""An import builds the new version's cache and search index itself, holding the "being built" lock from before its
change set commits; the app keeps the version it holds meanwhile, and reads the new one from the ready cache
(issue 20 item 3, issue 22 item 6). Asserts on what is built and when, never on time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data import import_job, importer, warming
from dashboard.data.import_job import ImportRequest, run_import
from dashboard.data.store import load_store, search_path, store_cache_version, store_state, write_store
from tests.factories import incidents, row
from tests.hardening.synthetic import write_native

runner = CliRunner()
HOLD = """
import sys, time
from pathlib import Path
from dashboard.data.warming import building
with building(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "store" / "incidents.gpkg"
    write_store(path, incidents(row()))
    load_store(path)  # the cache of the version before the import, as a server in use has it
    return path


def test_the_cache_of_the_version_before_is_ready_and_a_write_makes_it_stale(store):
    version, _ = store_state(store)
    assert warming.is_ready(store, version)
    write_store(store, incidents(row(), row(incident_id="T-2", source_record_id="T-2", date_start="2024-05-01",
                                            location="Tongolo Coura")))
    new, _ = store_state(store)
    assert new != version
    assert not warming.is_ready(store, new) and store_cache_version(store) == version


@pytest.mark.parametrize("spawned", [False, True], ids=["forked (the CLI)", "fresh interpreter (the app)"])
def test_after_an_import_returns_the_new_versions_cache_and_index_are_ready(store, tmp_path, monkeypatch, spawned):
    if spawned:  # the app's way: a server has many threads, so run_import starts a fresh interpreter
        monkeypatch.setattr("dashboard.data.import_job.threading.active_count", lambda: 5)
    before, _ = store_state(store)
    report = run_import(ImportRequest(path=write_native(tmp_path / "new.csv", 40, "WARM"), store=store))
    assert report.added == 40
    version, _ = store_state(store)
    assert version != before
    assert store_cache_version(store) == version  # built by the import's child, before run_import returned
    assert search_path(store).exists()
    assert not warming.being_built(store)  # and the lock released
    data = load_store(store, write_cache=False)  # what the server's next load does: no build, no write
    assert data.from_cache and data.version == version and data.search is not None


def test_the_lock_is_held_from_before_the_commit(store, tmp_path, monkeypatch):
    """The import's transaction commits inside ``apply_import``: at that moment a reader must already see the
    build announced, so no page view starts reading the new version itself."""
    seen = tmp_path / "seen.json"
    original = importer.apply_import

    def spying(location, *args, **kwargs):
        held = warming.being_built(location)
        applied = original(location, *args, **kwargs)
        version, _ = store_state(location)
        seen.write_text(json.dumps({"before": held, "after": warming.being_built(location),
                                    "ready": warming.is_ready(location, version)}))
        return applied

    monkeypatch.setattr(importer, "apply_import", spying)  # inherited by the forked child
    # forked even when an earlier test left threads behind (run_import would start a fresh interpreter, which does
    # not see the spy)
    monkeypatch.setattr(import_job, "_spawned", import_job._forked)
    run_import(ImportRequest(path=write_native(tmp_path / "new.csv", 10, "LOCK"), store=store))
    assert json.loads(seen.read_text()) == {"before": True, "after": True, "ready": False}
    assert warming.is_ready(store, store_state(store)[0]) and not warming.being_built(store)


def test_a_dry_run_or_an_import_that_adds_nothing_builds_nothing(store, tmp_path):
    path = write_native(tmp_path / "new.csv", 5, "DRY")
    version, _ = store_state(store)
    mtime = store_cache_version(store), Path(str(store) + ".parquet").stat().st_mtime_ns
    report = run_import(ImportRequest(path=path, store=store, dry_run=True))
    assert report.added == 0 and store_state(store)[0] == version
    assert (store_cache_version(store), Path(str(store) + ".parquet").stat().st_mtime_ns) == mtime


def test_the_cli_import_builds_the_cache_with_a_progress_bar(store, tmp_path):
    result = runner.invoke(app, ["import", str(write_native(tmp_path / "new.csv", 12, "CLI")), "--store", str(store)])
    assert result.exit_code == 0, result.output
    version, _ = store_state(store)
    assert store_cache_version(store) == version
    assert load_store(store, write_cache=False).from_cache


def test_the_lock_is_released_when_the_build_ends_or_its_process_is_killed(store):
    with warming.building(store):
        assert warming.being_built(store)
    assert not warming.being_built(store)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert warming.being_built(store)
        assert not warming.wait_built(store, timeout_s=0.3)
    finally:
        holder.kill()
        holder.wait()
    assert not warming.being_built(store)  # the kernel released a killed builder's lock: no stale lock file


def test_the_build_reports_each_step_in_order(store):
    write_store(store, incidents(row(), row(incident_id="T-3", source_record_id="T-3", date_start="2024-06-01",
                                            location="Tongolo Coura")))
    steps: list[str] = []
    warming.warm(store, steps.append)
    assert steps == list(warming.STEPS)
    steps.clear()
    warming.warm(store, steps.append)  # fresh: nothing to build
    assert steps == []
