"""The fast store cache (GeoParquet beside the GeoPackage) and the search index beside it: exact round trip,
rebuilt whenever the store changes, never trusted when stale or damaged, and never written by a plain read."""

from __future__ import annotations

import gc
import json
import os
import weakref

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from benchmarks.synthetic import synthetic_incidents
from dashboard.data import frame_files
from dashboard.data import store as store_module
from dashboard.data.engines import is_postgres_url
from dashboard.data.public import public_view
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reference import cercle_seats
from dashboard.data.search import SEARCH_COLUMNS, SearchIndex, WordIndex, text_mask
from dashboard.data.store import (
    cache_path,
    dataset_version,
    load_store,
    read_decisions,
    read_store,
    search_path,
    store_cache_version,
    store_lock,
    write_store,
)
from dashboard.data.warming import STEPS

N = 3_000


@pytest.fixture(scope="module")
def incidents():
    return synthetic_incidents(N, seed=11)


@pytest.fixture
def store(store_location, incidents):
    """The same store on each engine (a PostGIS store's cache and index live in the local cache folder)."""
    path = store_location
    with store_lock(path):
        write_store(path, incidents)
    return path


def same(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    assert a.geometry.equals(b.geometry)
    assert a.crs == b.crs
    assert a.dtypes.astype(str).to_dict() == b.dtypes.astype(str).to_dict()


def test_the_cache_round_trips_exactly(store, incidents):
    built = load_store(store, write_cache=False)  # the frames as built in memory (never written, never read back)
    cold = load_store(store)  # built, written, read back
    assert not cold.from_cache
    assert cache_path(store).exists()
    warm = load_store(store)
    assert warm.from_cache
    for loaded in (cold, warm):
        same(loaded.incidents, built.incidents)
        same(loaded.reports, built.reports)
        assert list(loaded.report_incident) == list(built.report_incident)
    assert warm.version == cold.version == dataset_version(warm.incidents) == dataset_version(incidents)
    assert warm.incidents.geometry.isna().sum() == incidents.geometry.isna().sum()  # no point stays no point


def test_the_cache_is_geoparquet_that_geopandas_reads(store):
    load_store(store)
    other = gpd.read_parquet(cache_path(store))
    assert len(other) == N
    assert other.crs.to_epsg() == 4326


def test_the_cache_is_rebuilt_when_the_geopackage_changes(store, incidents):
    first = load_store(store)
    changed = incidents.copy()
    changed.loc[0, "summary"] = "A corrected summary."
    with store_lock(store):
        write_store(store, changed)
    again = load_store(store)
    assert not again.from_cache
    assert again.version != first.version
    assert again.version == dataset_version(changed)
    assert load_store(store).from_cache


def test_the_cache_is_keyed_on_the_dataset_version_not_the_file(store, incidents):
    """Touching the file changes nothing; a single edit in place (no file rewrite) makes the cache stale."""
    from dashboard.data.engines.editing import edit
    from dashboard.data.store import open_store

    load_store(store)
    if not is_postgres_url(str(store)):
        stat = store.stat()
        os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert load_store(store).from_cache
    ident = incidents["incident_id"].iloc[5]
    edit(open_store(store), ident, {"summary": "Edited in place."}, reason="test", author="t")
    again = load_store(store)
    assert not again.from_cache
    assert again.incidents.set_index("incident_id").loc[ident, "summary"] == "Edited in place."
    assert again.version == dataset_version(again.incidents)
    assert load_store(store).from_cache


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped byte", "other key", "missing column"])
def test_a_damaged_or_foreign_cache_is_rebuilt_never_trusted(store, damage):
    reference = load_store(store)
    path = cache_path(store)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not parquet at all")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped byte":  # inside the column data: caught by the page checksums
        i = len(data) // 3
        path.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
    else:
        table = pq.read_table(path)
        meta = dict(table.schema.metadata)
        if damage == "other key":
            cache_meta = json.loads(meta[b"incident_map_cache"])
            cache_meta["key"]["version"] = "000000000000"
            meta[b"incident_map_cache"] = json.dumps(cache_meta).encode()
        else:
            table = table.drop(["summary"])
        pq.write_table(table.replace_schema_metadata(meta), path)
    loaded = load_store(store)
    assert not loaded.from_cache
    same(loaded.incidents, reference.incidents)
    assert loaded.version == reference.version
    assert load_store(store).from_cache  # and the cache is good again


def test_read_store_uses_a_fresh_cache_but_never_writes_one(store):
    folder = cache_path(store).parent  # beside a GeoPackage; the local cache folder for a database
    folder.mkdir(parents=True, exist_ok=True)
    before = sorted(p.name for p in folder.iterdir())
    plain = read_store(store)
    assert sorted(p.name for p in folder.iterdir()) == before  # a plain read leaves nothing behind
    built = load_store(store)
    same(read_store(store), plain)
    assert built.version == dataset_version(plain)


def test_a_write_makes_the_old_cache_and_search_index_stale(store, incidents):
    first = load_store(store)
    assert search_path(store).exists() and cache_path(store).exists()
    with store_lock(store):
        write_store(store, incidents.iloc[:10])
    assert load_store(store, write_cache=False).search is None  # the old index is for another version
    again = load_store(store)
    assert not again.from_cache and len(again.incidents) == 10 and again.version != first.version
    assert again.search is not None and again.search.rows == 10


QUERIES = ["Dogofry", "niono", "SEGOU", "reliefweb.int", "peulh", "attack on", "zzqx"]


def test_the_store_builds_its_search_index_once_and_it_answers_like_a_scan(store):
    first = load_store(store)
    assert first.search is not None and search_path(store).exists()
    again = load_store(store)  # opened from the file this time
    assert again.search is not None and again.search is not first.search
    for query in QUERIES:
        scan = text_mask(again.incidents, query)
        assert (again.search.mask(query) == scan).all(), query
    assert sum(text_mask(again.incidents, q).any() for q in QUERIES) >= 5  # the queries do find incidents


def test_a_plain_read_uses_a_fresh_search_index_but_never_writes_one(store):
    assert load_store(store, write_cache=False).search is None  # none built yet, and none written
    assert not search_path(store).exists()
    load_store(store)
    assert load_store(store, write_cache=False).search is not None


@pytest.mark.parametrize("damage", ["truncated", "changed byte", "other store"])
def test_a_damaged_or_stale_search_index_is_rebuilt_or_done_without(store, incidents, damage):
    load_store(store)
    path = search_path(store)
    if damage == "other store":  # an index left from an earlier version of the store
        with store_lock(store):
            write_store(store, incidents.iloc[:50])
        load_store(store)
        old = path.read_bytes()
        with store_lock(store):
            write_store(store, incidents)
        path.write_bytes(old)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-1000])
    else:  # one letter of the indexed text
        raw = path.read_bytes()
        assert raw.count(b"niono") > 1
        path.write_bytes(raw.replace(b"niono", b"niona", 1))
    assert load_store(store, write_cache=False).search is None  # a plain read scans instead
    rebuilt = load_store(store)
    assert rebuilt.search is not None and rebuilt.search.rows == len(rebuilt.incidents)
    assert (rebuilt.search.mask("niono") == text_mask(rebuilt.incidents, "niono")).all()


def test_public_mode_keeps_the_searched_text_and_rows_so_the_index_still_applies(store):
    data = load_store(store)
    public = public_view(data.incidents, cercle_seats())
    for col in SEARCH_COLUMNS:
        pd.testing.assert_series_equal(public[col], data.incidents[col])


def test_a_cold_load_lets_its_frames_go_while_it_builds_the_index(store, monkeypatch):
    """The index is built from the searched columns once the cache is written and the frames built are no longer
    held (they are read back afterwards): the frames and the index build are never in memory together."""
    built_frames: list[weakref.ref] = []
    real_build, real_index = store_module._build, SearchIndex.build

    def build(*args, **kwargs):
        data = real_build(*args, **kwargs)
        if kwargs.get("cache"):  # (the load below that writes no cache keeps its reports)
            assert data.reports is None and data.deferred is not None  # deferred to their file as grouping starts
            built_frames.append(weakref.ref(data.incidents))
        return data

    seen = {}

    def index(frame, **kwargs):
        gc.collect()
        seen["columns"], seen["alive"] = list(frame.columns), [ref() is not None for ref in built_frames]
        seen["fresh"] = store_cache_version(store)  # the incidents' file is not in place yet
        searched.append(weakref.ref(frame))
        return real_index(frame, **kwargs)

    searched: list[weakref.ref] = []
    real_words = WordIndex.build

    def words(texts, rows):  # the word index, the build's largest part: the searched columns are let go first
        gc.collect()
        seen["searched alive"] = [ref() is not None for ref in searched]
        return real_words(texts, rows)

    built_index: list[weakref.ref] = []
    real_with_words, real_read = SearchIndex.with_words, store_module._read_cache

    def with_words(self):
        built_index.append(weakref.ref(index := real_with_words(self)))
        return index

    def read_back(*args, **kwargs):  # the frames read back: the index built is not held beside them
        if built_index:
            gc.collect()
            seen["index alive at read-back"] = [ref() is not None for ref in built_index]
        return real_read(*args, **kwargs)

    monkeypatch.setattr(store_module, "_build", build)
    monkeypatch.setattr(SearchIndex, "build", index)
    monkeypatch.setattr(WordIndex, "build", words)
    monkeypatch.setattr(SearchIndex, "with_words", with_words)
    monkeypatch.setattr(store_module, "_read_cache", read_back)
    steps: list[str] = []
    data = load_store(store, defer_reports=True, step=steps.append)
    assert seen == {"columns": list(SEARCH_COLUMNS), "alive": [False], "fresh": None, "searched alive": [False],
                    "index alive at read-back": [False]}
    assert steps == list(STEPS)
    assert not data.from_cache and data.reports is None and data.search is not None
    assert len(built_index) == 1  # built once: the index loaded is the one saved, opened from its file
    assert store_cache_version(store) == data.version
    expected = load_store(store, write_cache=False, use_cache=False)
    same(data.incidents, expected.incidents)
    same(data.report_level.reports, expected.reports)
    assert (data.search.mask("niono") == text_mask(expected.incidents, "niono")).all()


def test_an_index_that_cannot_be_saved_is_kept_not_built_twice(store, monkeypatch, caplog):
    """A cold load lets the index it built go while it reads the frames back only when the index is in its file;
    one that could not be saved (a full disk) is kept in memory, not built a second time."""
    built = []
    real_with_words = SearchIndex.with_words

    def with_words(self):
        built.append(self.rows)
        return real_with_words(self)

    def full(self, path, key):
        raise OSError("No space left on device")

    monkeypatch.setattr(SearchIndex, "with_words", with_words)
    monkeypatch.setattr(SearchIndex, "save", full)
    data = load_store(store, defer_reports=True)
    assert "could not write this derived file" in caplog.text and not search_path(store).exists()
    assert built == [N] and data.search is not None and data.search.words is not None
    assert (data.search.mask("niono area") == text_mask(data.incidents, "niono area")).all()


def test_a_cached_frame_is_handed_back_after_each_group_of_columns_it_reads(store, monkeypatch):
    """Reading a cached frame back hands what each group of columns freed back to the system before the next group
    is read (frame_files._converted_read), and a load does so again before it opens the search index."""
    load_store(store)  # built, cached
    log: list[str] = []
    real_read, real_open = frame_files._read_columns, store_module._open_search

    def read(parquet, columns, rows):
        log.append("geometry" if columns == ["geometry"] else f"read {len(columns)}")
        return real_read(parquet, columns, rows)

    def open_search(*args):
        log.append("open index")
        return real_open(*args)

    monkeypatch.setattr(frame_files, "_read_columns", read)
    monkeypatch.setattr(frame_files, "give_back", lambda: log.append("give back"))
    monkeypatch.setattr(store_module, "give_back", lambda: log.append("give back"))
    monkeypatch.setattr(store_module, "_open_search", open_search)
    warm = load_store(store, defer_reports=True)
    assert warm.from_cache and warm.search is not None
    columns = len(store_module.INCIDENT_FRAME_COLUMNS)
    groups = [min(frame_files._READ_COLUMNS, columns - lo) for lo in range(0, columns, frame_files._READ_COLUMNS)]
    assert log == ["geometry", *[e for n in groups for e in (f"read {n}", "give back")], "give back", "open index"]


def _leftovers(store) -> list[str]:
    return sorted(p.name for p in cache_path(store).parent.iterdir() if p.name.startswith("."))


def test_an_index_build_that_fails_leaves_no_fresh_cache(store, monkeypatch):
    def fail(frame, **kwargs):
        raise RuntimeError("index build failed")

    with monkeypatch.context() as patched:
        patched.setattr(SearchIndex, "build", fail)
        with pytest.raises(RuntimeError, match="index build failed"):
            load_store(store, defer_reports=True)
    assert store_cache_version(store) is None  # the reports' file alone: not a fresh cache
    assert _leftovers(store) == []  # the incidents' temporary file removed
    again = load_store(store, defer_reports=True)
    assert not again.from_cache and again.search is not None and store_cache_version(store) == again.version


def test_a_cache_that_cannot_be_written_keeps_the_frames_built(store, monkeypatch, caplog):
    expected = load_store(store, write_cache=False)
    real_write = frame_files.write_table
    calls = []

    def write(table, path):
        calls.append(path)
        if len(calls) == 2:  # the incidents' file (the reports' was written)
            raise OSError("No space left on device")
        real_write(table, path)

    monkeypatch.setattr(frame_files, "write_table", write)
    data = load_store(store, defer_reports=True)
    assert "could not write the store cache" in caplog.text and "No space left" in caplog.text
    assert store_cache_version(store) is None and _leftovers(store) == []
    same(data.incidents, expected.incidents)
    same(data.report_level.reports, expected.reports)
    assert data.search is not None and (data.search.mask("niono") == text_mask(data.incidents, "niono")).all()


def test_a_cache_that_does_not_read_back_is_built_again(store, monkeypatch, caplog):
    expected = load_store(store, write_cache=False)
    monkeypatch.setattr(store_module, "_read_cache", lambda *args, **kwargs: None)
    data = load_store(store, defer_reports=True)
    assert "does not read back" in caplog.text
    same(data.incidents, expected.incidents)
    same(data.reports, expected.reports)
    assert data.search is not None and data.search.rows == len(data.incidents)


@pytest.fixture
def linked_store(store_location, incidents):
    """The store with some reports linked (grouped into incidents of several reports), as after an import."""
    ids = incidents["incident_id"].tolist()
    links = [Decision(ids[k], ids[k + 1], "linked", author="reviewer", at="2026-12-04T08:00:00Z", reason="same raid")
             for k in range(0, 600, 3)]
    with store_lock(store_location):
        write_store(store_location, incidents, links)
    return store_location


def test_a_cold_load_of_linked_reports_round_trips_and_defers_the_reports(linked_store, monkeypatch):
    """With links, the grouping moves the rows it keeps out of the reports' frame (written to its file first): what
    is loaded is what a build that writes nothing holds, and the reports are read back from their file."""
    built = load_store(linked_store, write_cache=False, use_cache=False)
    assert len(built.incidents) == N - 200
    real_build = store_module._build
    deferred = []

    def build(*args, **kwargs):
        data = real_build(*args, **kwargs)
        deferred.append(data.reports is None and data.deferred is not None)
        return data

    monkeypatch.setattr(store_module, "_build", build)
    cold = load_store(linked_store)
    assert deferred == [True] and not cold.from_cache
    warm = load_store(linked_store, defer_reports=True)
    assert warm.from_cache
    for loaded in (cold, warm):
        same(loaded.incidents, built.incidents)
        same(loaded.report_level.reports, built.reports)
        assert list(loaded.report_incident) == list(built.report_incident)


def test_the_decisions_read_back_are_those_written_with_equal_texts_one_object(linked_store, incidents):
    """A load holds every decision for as long as the page does (at a million reports after an import, 148 k): equal
    texts are one object, not one per decision and field (store._shared)."""
    ids = incidents["incident_id"].tolist()
    pending = [Decision(ids[900], ids[k], "pending", author="auto", at="2026-12-04T09:00:00Z",
                        reason="score in the band", score=50 + k % 7, evidence=f"same day · {k % 3} km apart")
               for k in range(901, 960)]
    with store_lock(linked_store):
        write_store(linked_store, incidents, [*read_decisions(linked_store), *pending])
    read = read_decisions(linked_store)
    assert len(read) == 200 + len(pending)
    assert {(d.a, d.b, d.verdict, d.author, d.at, d.reason, d.score, d.evidence) for d in read} >= {
        (d.a, d.b, d.verdict, d.author, d.at, d.reason, d.score, d.evidence) for d in pending}
    waiting = [d for d in read if d.verdict == "pending"]
    assert len(waiting) == len(pending)
    for field in ("verdict", "author", "at", "reason", "a"):  # ids[900] is in every pending pair
        assert len({id(getattr(d, field)) for d in waiting}) == 1, field
    assert len({id(d.evidence) for d in waiting}) == len({d.evidence for d in waiting}) == 3
    assert len({id(d.b) for d in waiting}) == len(pending)


def test_the_empty_columns_read_back_are_one_shared_column_and_a_write_copies_only_its_own(store):
    """A frame read back holds each count or text column that has no value at all as a view of one empty column per
    dtype (frame_files._converted), not a copy each; a write into one (pandas' copy-on-write) leaves the others empty,
    and the file, read again, is as it was."""
    load_store(store)  # built, cached
    warm = load_store(store, defer_reports=False)
    assert warm.from_cache
    reports = warm.reports
    for frame in (warm.incidents, reports):
        counts = [c for c in frame if frame[c].dtype == "Int64" and frame[c].isna().all()]
        texts = [c for c in frame if frame[c].dtype == frame_files.STRING and frame[c].isna().all()]
        assert len(counts) >= 10 and len(texts) >= 3  # the synthetic record leaves these empty
        first = frame[counts[0]].array._data
        assert all(np.shares_memory(frame[c].array._data, first) for c in counts[1:])
        assert len({frame[c].array._pa_array.chunk(0).buffers()[1].address for c in texts}) == 1
        frame.loc[frame.index[:5], counts[0]] = 7
        frame.loc[frame.index[2:4], texts[0]] = "écrit"
        assert frame[counts[0]].tolist()[:6] == [7] * 5 + [pd.NA]
        assert frame[texts[0]].notna().sum() == 2
        assert all(frame[c].isna().all() for c in [*counts[1:], *texts[1:]])
    again = load_store(store, defer_reports=False)
    for frame in (again.incidents, again.reports):
        assert frame[counts[0]].isna().all() and frame[texts[0]].isna().all()
    same(again.incidents, load_store(store, use_cache=False).incidents)


@pytest.mark.parametrize("defer_reports", [False, True])
def test_linked_reports_are_read_back_when_the_incidents_file_cannot_be_written(linked_store, monkeypatch, caplog,
                                                                                defer_reports):
    expected = load_store(linked_store, write_cache=False)
    real_write = frame_files.write_table
    calls = []

    def write(table, path):
        calls.append(path)
        if len(calls) == 2:  # the incidents' file (the reports' was written as the grouping started)
            raise OSError("No space left on device")
        real_write(table, path)

    monkeypatch.setattr(frame_files, "write_table", write)
    data = load_store(linked_store, defer_reports=defer_reports)
    assert "could not write the store cache" in caplog.text and store_cache_version(linked_store) is None
    assert (data.reports is None) == defer_reports
    same(data.incidents, expected.incidents)
    same(data.report_level.reports, expected.reports)
