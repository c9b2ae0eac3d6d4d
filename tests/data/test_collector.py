"""The cyclic collector is paused while a loaded frame's points are created (dashboard/data/collector.py), and
only then: it runs again once the last pause ends, and a collector someone disabled stays disabled."""

import gc
import threading

import geopandas as gpd
import pytest

from dashboard.data import collector, store
from dashboard.data.store import load_store, write_store
from tests.factories import incidents, row


@pytest.fixture(autouse=True)
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_running_after_with_one_full_collection(monkeypatch):
    collected = []
    monkeypatch.setattr(collector.gc, "collect", lambda *args: collected.append(args))
    with collector.paused():
        assert not gc.isenabled()
        assert collected == []
    assert gc.isenabled()
    assert collected == [()]  # what was created meanwhile is not left to the next page's collections


def test_resumes_only_when_the_last_of_two_threads_is_done():
    first_in, second_in, first_out, second_may_leave = (threading.Event() for _ in range(4))
    seen = {}

    def first():
        with collector.paused():
            first_in.set()
            second_in.wait(10)
        seen["after the first left"] = gc.isenabled()
        first_out.set()
        second_may_leave.set()

    def second():
        first_in.wait(10)
        with collector.paused():
            second_in.set()
            second_may_leave.wait(10)
            first_out.wait(10)
            seen["second still inside"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen == {"after the first left": False, "second still inside": False}
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled(monkeypatch):
    collected = []
    monkeypatch.setattr(collector.gc, "collect", lambda *args: collected.append(args))
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled() and collected == []


def test_the_cache_read_creates_its_points_with_the_collector_paused(tmp_path, monkeypatch):
    path = tmp_path / "incidents.gpkg"
    write_store(path, incidents(row(), row(incident_id="T-2", latitude="13.4", longitude="-6.2")))
    load_store(path)  # builds the cache
    during = []
    real = gpd.points_from_xy

    def spying(*args, **kwargs):
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(store.gpd, "points_from_xy", spying)
    data = load_store(path)
    assert data.from_cache and len(data.incidents) == 2
    assert during == [False, False]  # the reports' frame and the incidents'
    assert gc.isenabled()
