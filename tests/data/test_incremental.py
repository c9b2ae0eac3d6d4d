"""The cache and search index an import derives from the previous version's (dashboard.data.incremental) are the ones
a full build makes: same frames, same report→incident mapping, same search results, after random imports, edits and
deletes; and whenever that could not be exact, nothing is derived (the full build runs instead). Issue 20 item 3."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.data import incremental, warming
from dashboard.data.decide import link, unlink
from dashboard.data.engines.editing import delete, edit
from dashboard.data.importer import import_file
from dashboard.data.incremental import Since, since_report
from dashboard.data.search import SearchIndex
from dashboard.data.store import load_store, open_store, store_cache_version, store_state
from tests.hardening.synthetic import write_native

QUERIES = ("segou", "SÉGOU", "niono", "a", "killed", "the village", "2024", "Peulh", "dozo", "fama", ", ", "zz-none")


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "store" / "incidents.gpkg"
    load_store(path)  # created with the bundled record (linked reports included); its cache is built
    return path


@pytest.fixture
def spy(monkeypatch) -> list[bool]:
    """What each incremental update answered (True: derived; False: the full build ran)."""
    answers: list[bool] = []
    real = incremental.update

    def spying(*args, **kwargs):
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(warming, "update", spying)
    return answers


def assert_same_as_full_build(store: Path) -> None:
    cached = load_store(store)
    assert cached.from_cache and cached.search is not None
    full = load_store(store, use_cache=False)
    assert cached.version == full.version
    # (a frame read from any cache holds the geometry last: the column order is the only difference to a read)
    pd.testing.assert_frame_equal(cached.reports, full.reports.reset_index(drop=True), check_like=True)
    pd.testing.assert_frame_equal(cached.incidents, full.incidents.reset_index(drop=True), check_like=True)
    assert list(cached.report_incident) == list(full.report_incident)
    rebuilt = SearchIndex.build(full.incidents)
    for query in (*QUERIES, *full.incidents["location"].dropna().sample(3, random_state=1).str[:5]):
        assert np.array_equal(cached.search.mask(query), rebuilt.mask(query)), query
    for column, text in rebuilt.texts.items():
        assert cached.search.texts[column].equals(text), column


def _import(store: Path, tmp_path: Path, n: int, prefix: str, seed: int) -> Since:
    report = import_file(write_native(tmp_path / f"{prefix}.csv", n, prefix, seed=seed), store, reason="test")
    assert report.added == n
    return since_report(report)


def _since(applied) -> Since:
    return Since(base_version=applied.base_version, version=applied.version, changeset_id=applied.changeset_id)


def _singles(store: Path) -> list[str]:
    """Reports that are an incident of their own (not in a linked pair)."""
    data = load_store(store)
    owner = pd.Series(data.report_incident, index=data.reports["incident_id"].astype(object).to_numpy())
    return sorted(owner.index[owner.index == owner.to_numpy()])


def _last(store: Path, before: str) -> Since:
    """The change set just written (one writer here), applied on version ``before``."""
    with sqlite3.connect(store) as conn:
        (changeset_id,) = conn.execute("SELECT changeset_id FROM changesets ORDER BY rowid DESC LIMIT 1").fetchone()
    return Since(base_version=before, version=store_state(store)[0], changeset_id=changeset_id)


def _linked(store: Path) -> list[str]:
    data = load_store(store)
    return sorted(set(data.reports["incident_id"]) - set(_singles(store)))


ACTIONS = ("import", "edit", "link", "delete", "unlink", "edit linked", "import", "delete linked")


def test_random_imports_edits_links_and_deletes_give_the_full_builds_cache(store, tmp_path, spy):
    rng = random.Random(20)
    for step, action in enumerate(ACTIONS):
        before = store_state(store)[0]
        ours = [i for i in _singles(store) if i.startswith("R")]
        if action == "import":
            since = _import(store, tmp_path, rng.randint(1, 25), f"R{step}", seed=step)
        elif action == "edit":
            since = _since(edit(open_store(store), rng.choice(ours), {"summary": f"Édition n° {step} à Ségou",
                                                                     "victims": "Dozo hunters"}, reason="test"))
        elif action == "edit linked":
            since = _since(edit(open_store(store), rng.choice(_linked(store)), {"summary": "Lead changed"},
                                reason="test"))
        elif action == "link":
            x, y = rng.sample(ours, 2)
            link(store, x, y, reason="test")
            since = _last(store, before)
        elif action == "unlink":
            unlink(store, rng.choice(_linked(store)), reason="test")
            since = _last(store, before)
        elif action == "delete linked":
            since = _since(delete(open_store(store), rng.choice(_linked(store)), reason="test"))
        else:
            since = _since(delete(open_store(store), rng.choice(ours), reason="test"))
        assert since.version != before, action
        warming.warm(store, since=since)
        assert spy[-1] is True, action  # derived, not rebuilt
        assert store_cache_version(store) == store_state(store)[0]
        assert_same_as_full_build(store)


def test_a_store_that_moved_on_since_the_change_set_is_built_in_full(store, tmp_path, spy):
    first = _import(store, tmp_path, 5, "MOVE", seed=1)
    _import(store, tmp_path, 3, "LATER", seed=2)  # lands before the first import's cache is built
    warming.warm(store, since=first)
    assert spy == [False]
    assert_same_as_full_build(store)


def test_without_the_previous_versions_cache_it_is_built_in_full(store, tmp_path, spy):
    first = _import(store, tmp_path, 5, "A", seed=1)  # its cache is never built
    second = _import(store, tmp_path, 4, "B", seed=2)
    warming.warm(store, since=second)
    assert spy == [False] and first.version == second.base_version
    assert_same_as_full_build(store)


def test_a_changed_response_is_built_in_full(store, tmp_path, spy, monkeypatch):
    since = _import(store, tmp_path, 3, "RESP", seed=3)
    monkeypatch.setattr(incremental, "_HANDLED", incremental._HANDLED - {"incident"})  # as if a response changed
    warming.warm(store, since=since)
    assert spy == [False]
    assert_same_as_full_build(store)
