"""A store written before a migration is upgraded when opened and keeps its incidents, history and dataset version
(the old stores: tests/old_stores.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from dashboard.data.engines import forget
from dashboard.data.engines.editing import edit
from dashboard.data.engines.migrate import current, head
from dashboard.data.engines.records import records_hash, version_text
from dashboard.data.store import dataset_version, open_store, read_store, store_state
from tests.old_stores import gpkg_store_at, postgis_store_at

NEW_COLUMNS = ("summary_fr", "summary_lang")
HARM_COLUMNS_0009 = ("killed_women_min", "killed_women_max", "livestock_taken_min", "harms", "cause_of_death")


def _raw(path: Path) -> dict:
    """What the old file holds, read with sqlite3 alone (no incident-map code)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {
            "revision": conn.execute("SELECT version_num FROM alembic_version").fetchone()[0],
            "hash": conn.execute("SELECT value FROM store_meta WHERE key = 'dataset_hash'").fetchone()[0],
            "columns": [r[1] for r in conn.execute("PRAGMA table_info(incidents)")],
            "rows": conn.execute("SELECT incident_id, summary, fatalities_min, fatalities_max FROM incidents "
                                 "ORDER BY fid").fetchall(),
            "history": conn.execute("SELECT count(*) FROM history").fetchone()[0],
        }


def test_a_store_from_revision_0003_is_upgraded_and_keeps_its_data_and_version(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    store = gpkg_store_at(tmp_path / "old.gpkg")
    before = _raw(store)
    assert before["revision"] == "0003" and not set(NEW_COLUMNS) & set(before["columns"])

    st = open_store(store)  # opening upgrades
    assert current(st.engine) == head()  # 0004_summary_lang or a later revision
    after = _raw(store)
    assert after["columns"][: len(before["columns"])] == before["columns"]
    assert set(NEW_COLUMNS) <= set(after["columns"])
    assert after["rows"] == before["rows"] and after["history"] == before["history"]

    frame = read_store(store).set_index("incident_id")
    assert sorted(frame.index) == ["T-1", "T-2"]
    assert frame.loc["T-2", "summary"] == 'Killed "near" Ballé; <b>unverified</b>.'
    assert frame[list(NEW_COLUMNS)].isna().all().all()  # unknown, not guessed
    # the version the old store recorded still names its data: validation finds no change outside incident-map
    assert store_state(store)[0] == version_text(int(before["hash"])) == dataset_version(read_store(store))
    out = CliRunner().invoke(_cli(), ["validate", "--store", str(store)])
    assert out.exit_code == 0, out.output

    edit(st, "T-1", {"summary_fr": "Incident de test.", "summary_lang": "en"}, reason="French summary", author="a")
    edited = read_store(store).set_index("incident_id")
    assert (edited.loc["T-1", "summary_fr"], edited.loc["T-1", "summary_lang"]) == ("Incident de test.", "en")
    assert store_state(store)[0] != version_text(int(before["hash"]))  # given, they are part of the version
    assert {(e.field, e.before, e.after) for e in st.history("T-1")[1:]} == {
        ("summary_fr", None, "Incident de test."), ("summary_lang", None, "en")}
    forget(store)


def test_the_new_fields_count_in_the_version_only_when_given():
    """(That a record without them hashes as before they existed is the upgrade test's: the old store's own hash.)"""
    record = {"incident_id": "T-1", "summary": "Test.", "summary_fr": None, "summary_lang": None}
    for field, value in (("summary_fr", "Un test."), ("summary_lang", "en")):
        assert records_hash([{**record, field: value}]) != records_hash([record])
    assert records_hash([{**record, "summary_fr": "Un test."}]) != records_hash([{**record, "summary_fr": "Deux."}])


def test_a_postgis_store_from_revision_0003_is_upgraded(pg_cluster, tmp_path, monkeypatch):
    """The same upgrade on PostGIS: a database migrated to 0003 holding the fixture's rows, opened by incident-map."""
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    url, meta = postgis_store_at(pg_cluster, "0003")
    st = open_store(url)
    assert current(st.engine) == head()
    frame = read_store(url).set_index("incident_id")
    assert sorted(frame.index) == ["T-1", "T-2"] and frame[list(NEW_COLUMNS)].isna().all().all()
    assert frame.loc["T-1", "fatalities_max"] == 37 and pd.isna(frame.loc["T-2", "fatalities_min"])
    assert store_state(url)[0] == version_text(int(meta["dataset_hash"])) == dataset_version(read_store(url))
    forget(url)


def test_a_postgis_store_from_revision_0005_gets_the_harm_fields(pg_cluster, tmp_path, monkeypatch):
    """0009_harms on PostGIS: the harm columns unknown, the version unchanged, named victims recorded privately."""
    from dashboard.data.victims import named_victims, record_named_victims

    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    url, meta = postgis_store_at(pg_cluster, "0005")
    st = open_store(url)
    assert current(st.engine) == head()
    frame = read_store(url).set_index("incident_id")
    assert frame[list(HARM_COLUMNS_0009)].isna().all().all()
    assert store_state(url)[0] == version_text(int(meta["dataset_hash"])) == dataset_version(read_store(url))
    record_named_victims(st, [{"victim_id": "V-1", "incident_id": "T-1", "name": "A. Name", "harm": "killed",
                               "recorded_by": "team", "recorded_at": "2026-11-30"}], reason="test", author="a")
    assert [v["name"] for v in named_victims(st)] == ["A. Name"]
    assert store_state(url)[0] == version_text(int(meta["dataset_hash"]))  # private: not part of the version
    forget(url)


def _cli():
    from dashboard.cli import app

    return app


def test_a_store_at_revision_0005_gets_the_harm_fields_and_keeps_its_version(tmp_path, monkeypatch):
    """0009_harms (issue 16, victims and harms): the new columns are unknown, the named-victims table is there and
    empty, the dataset version does not move; a harm given afterwards is part of the version and of the history."""
    from dashboard.data.victims import named_victims

    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    store = gpkg_store_at(tmp_path / "old.gpkg", "0005")
    before = _raw(store)
    assert before["revision"] == "0005" and not set(HARM_COLUMNS_0009) & set(before["columns"])

    st = open_store(store)
    assert current(st.engine) == head()
    after = _raw(store)
    assert set(HARM_COLUMNS_0009) <= set(after["columns"]) and after["rows"] == before["rows"]
    frame = read_store(store).set_index("incident_id")
    assert frame[list(HARM_COLUMNS_0009)].isna().all().all()  # unknown, never 0
    assert store_state(store)[0] == version_text(int(before["hash"])) == dataset_version(read_store(store))
    assert named_victims(st) == []

    edit(st, "T-1", {"killed_women_min": 1, "killed_women_max": 1, "harms": "livestock_taken"},
         reason="the source names one woman among the dead", author="a")
    edited = read_store(store).set_index("incident_id")
    assert (edited.loc["T-1", "killed_women_min"], edited.loc["T-1", "harms"]) == (1, "livestock_taken")
    assert store_state(store)[0] != version_text(int(before["hash"]))
    assert {e.field for e in st.history("T-1")[1:]} == {"killed_women_min", "killed_women_max", "harms"}
    forget(store)


def test_the_harm_fields_count_in_the_version_only_when_given():
    record = {"incident_id": "T-1", "summary": "Test."}
    for field, value in (("killed_women_min", 1), ("harms", "injured"), ("cause_of_death", "firearm")):
        assert records_hash([{**record, field: value}]) != records_hash([record])
