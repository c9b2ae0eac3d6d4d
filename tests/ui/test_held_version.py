"""While an import builds a new version's cache, pages keep the version they hold and say a newer one is being
prepared; no page view builds the new version itself (issue 20 item 3, issue 22 item 6). Asserts on which version
is served and what was built, never on time."""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import warming
from dashboard.data.store import STORE_ENV, load_store, store_cache_version, store_state, write_store
from dashboard.ui import cache
from tests.factories import incidents, row

ONE = incidents(row())
TWO = incidents(row(), row(incident_id="T-2", source_record_id="T-2", date_start="2024-05-01",
                           location="Tongolo Coura"))


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "incidents.gpkg"
    write_store(path, ONE)
    load_store(path)
    cache._held().clear()
    cache._load.clear()
    yield path
    cache._held().clear()
    cache._load.clear()


def test_a_version_being_built_is_not_read_by_the_page(store):
    location, old = str(store), store_state(store)[0]
    assert cache._current(location, old, False).version == old
    with warming.building(store):  # as the import's child holds it from before its commit
        write_store(store, TWO)
        new = store_state(store)[0]
        served = cache._current(location, new, False)
        assert (served.version, served.newer, len(served.incidents)) == (old, new, 1)
        assert store_cache_version(store) == old  # the page built nothing
        warming.warm(store)  # the import's child writes the cache (the search index first), then lets go
        served = cache._current(location, new, False)  # ready: read from the cache at once
        assert (served.version, served.newer, len(served.incidents)) == (new, None, 2)
        assert served.search is not None


def test_with_no_builder_the_page_reads_the_new_version_itself(store):
    location, old = str(store), store_state(store)[0]
    cache._current(location, old, False)
    write_store(store, TWO)  # an edit that announces no build (e.g. a decision on the Review page)
    new = store_state(store)[0]
    served = cache._current(location, new, False)
    assert (served.version, served.newer) == (new, None)
    assert store_cache_version(store) == new


def page_script() -> None:  # run by AppTest in its own namespace
    from dashboard.ui.main import main

    main(default="map")


def test_the_page_says_a_newer_version_is_being_prepared(store, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(store))
    at = AppTest.from_function(page_script, default_timeout=90)
    at.run()
    assert not at.exception and not any("newer version" in i.value for i in at.info)
    old = store_state(store)[0]
    with warming.building(store):
        write_store(store, TWO)
        at = AppTest.from_function(page_script, default_timeout=90)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [i.value for i in at.info if "newer version" in i.value]
    assert len(notes) == 1 and old in notes[0]


def test_the_server_loads_a_new_version_once_its_cache_is_built_before_a_page_asks(store, monkeypatch, caplog):
    monkeypatch.setattr(cache, "WATCH_S", 0.05)
    monkeypatch.setattr(cache, "WATCH_FROM", 1)
    loads: list[str] = []
    real = cache.load_store

    def spying(location, *args, **kwargs):
        loads.append(threading.current_thread().name)
        return real(location, *args, **kwargs)

    monkeypatch.setattr(cache, "load_store", spying)
    location, old = str(store), store_state(store)[0]
    cache.watch(location, False, 0)
    assert (location, False) not in cache._WATCHED  # below WATCH_FROM incidents: not watched
    cache._current(location, old, False)
    cache.watch(location, False, 1)
    watcher = cache._WATCHED[(location, False)]
    cache.watch(location, False, 1)  # one watcher per store and mode
    assert cache._WATCHED[(location, False)] is watcher and watcher[0].is_alive()
    with warming.building(store):
        write_store(store, TWO)
        new = store_state(store)[0]
        time.sleep(0.5)
        assert len(loads) == 1  # being built: the watcher waits, as pages do
        warming.warm(store)
    deadline = time.monotonic() + 60
    while cache._held()[(location, False)].version != new and time.monotonic() < deadline:
        time.sleep(0.05)
    assert loads[1:] == [f"incident-map watch {store.name}"]
    served = cache._current(location, new, False)  # the next page: found loaded
    assert (served.version, len(served.incidents)) == (new, 2) and len(loads) == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.threadName.startswith("incident-map")]
    store.unlink()  # a store moved away: the watcher stops, and never creates a store in its place
    watcher[0].join(timeout=30)
    assert not watcher[0].is_alive()
    assert not store.exists() or store.stat().st_size == 0  # (SQLite may leave an empty file, if it raced the unlink)


def test_clearing_the_caches_frees_the_version_held_at_once(store, monkeypatch):
    """The watcher holds the versions by weak reference: cleared (the app menu's "Clear caches", a benchmark's new
    session), they are freed at once, not kept by the watcher until the next page loads its own copy."""
    monkeypatch.setattr(cache, "WATCH_FROM", 1)
    monkeypatch.setattr(cache, "WATCH_S", 0.05)
    location, version = str(store), store_state(store)[0]
    served = weakref.ref(cache._current(location, version, False))
    cache.watch(location, False, 1)
    watcher = cache._WATCHED[(location, False)][0]
    time.sleep(0.2)  # the watcher has looked a few times
    assert served() is not None and watcher.is_alive()
    cache._held.clear()
    cache._load.clear()
    gc.collect()
    assert served() is None
    watcher.join(timeout=30)
    assert not watcher.is_alive()  # and it stops: a page's next watch() starts one for the new dict
