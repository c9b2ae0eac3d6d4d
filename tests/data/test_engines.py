"""The store interface on both engines (GeoPackage and PostGIS): the same records, versions, change sets, history,
conflicts and copies, whatever the engine."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.data.engines import (
    ChangeSet,
    ConflictError,
    ReasonRequired,
    StoreError,
    ValidationFailed,
    init_store,
    is_postgres_url,
)
from dashboard.data.engines.editing import delete, edit, history_document, restore
from dashboard.data.engines.transfer import copy_store, fingerprint
from dashboard.data.store import (
    dataset_version,
    load_bundled,
    load_store,
    open_store,
    read_store,
    resolve_store,
    store_state,
    write_store,
)
from tests.factories import incidents, row
from tests.hardening.corpus import ACCEPTED_IDS, TEXT_PAYLOADS

PAIR = incidents(row(), row(incident_id="T-2", latitude="", longitude="", geo_precision="3",
                            fatalities_min="", fatalities_max="", civilian_targeting="", location="Ballé"))


def test_a_missing_store_starts_with_the_bundled_data_as_its_first_change_set(store_location):
    loaded = load_store(store_location)
    bundled = load_bundled()
    assert sorted(loaded.reports["incident_id"]) == sorted(bundled["incident_id"])
    linked = [d for d in loaded.decisions if d.verdict == "linked"]
    assert len(loaded.incidents) == len(bundled) - len(linked)  # each link joins two incidents (no chains here)
    assert loaded.version == dataset_version(bundled, loaded.decisions, loaded.responses) == \
        store_state(store_location)[0]
    assert loaded.version != dataset_version(bundled)  # the links are part of the version
    entries = open_store(store_location).history("SEG-2025-008")
    assert [(e.kind, e.field, e.before) for e in entries] == [("import", None, None)]
    assert entries[0].after["incident_id"] == "SEG-2025-008" and entries[0].reason == "the bundled Ségou dataset"


def test_round_trip_keeps_every_value_including_unknowns(store_location):
    write_store(store_location, PAIR)
    back = read_store(store_location)
    assert dataset_version(back) == dataset_version(PAIR) == store_state(store_location)[0]
    assert back.loc[1, "location"] == "Ballé"
    assert back.loc[1].geometry is None
    assert back.loc[0].geometry.x == -5.993 and back.loc[0].geometry.y == 14.2526
    assert back["fatalities_min"].isna().tolist() == [False, True]
    assert back["civilian_targeting"].isna().tolist() == [False, True]


def test_hostile_text_is_stored_and_read_back_exactly(store_location):
    rows = [row(incident_id=f"H-{i}", summary=text, location=text, perpetrators=text, victims=text)
            for i, text in enumerate(TEXT_PAYLOADS)]
    rows += [row(incident_id=ident) for ident in ACCEPTED_IDS]
    frame = incidents(*rows).set_index("incident_id")
    write_store(store_location, frame.reset_index())
    back = read_store(store_location).set_index("incident_id")
    assert sorted(back.index) == sorted(frame.index)
    for col in ("summary", "location", "perpetrators", "victims"):
        assert back[col].to_dict() == frame[col].to_dict()
    st = open_store(store_location)
    for ident in ("H-0", f"H-{len(TEXT_PAYLOADS) - 1}", ACCEPTED_IDS[0]):
        entry = st.history(ident)[0]  # the history keeps the exact text as JSON
        assert entry.after["summary"] == frame.loc[ident, "summary"] and entry.record_id == ident
    edit(st, ACCEPTED_IDS[1], {"summary": TEXT_PAYLOADS[0]}, reason=TEXT_PAYLOADS[1], author=TEXT_PAYLOADS[2])
    last = st.history(ACCEPTED_IDS[1])[-1]
    assert (last.reason, last.author) == (TEXT_PAYLOADS[1].strip(), TEXT_PAYLOADS[2])


def test_an_edit_is_validated_versioned_and_recorded_field_by_field(store_location):
    write_store(store_location, PAIR)
    st = open_store(store_location)
    before = store_state(store_location)
    applied = edit(st, "T-1", {"fatalities_max": "38", "summary": "Corrected."}, reason="OHCHR gives 38",
                   author="alice")
    assert applied.updated == ("T-1",)
    version, record = st.current(["T-1"])["T-1"]
    assert version == 2 and record["fatalities_max"] == 38 and record["summary"] == "Corrected."
    after = store_state(store_location)
    assert after[0] != before[0] and after[1] == before[1] + 1
    assert after[0] == dataset_version(read_store(store_location))  # the kept version is the content hash
    changes = [(e.field, e.before, e.after, e.author, e.reason, e.version) for e in st.history("T-1") if e.field]
    assert sorted(changes) == [("fatalities_max", 37, 38, "alice", "OHCHR gives 38", 2),
                               ("summary", "Test incident.", "Corrected.", "alice", "OHCHR gives 38", 2)]
    with pytest.raises(ValidationFailed, match="fatalities_max at least fatalities_min"):
        edit(st, "T-1", {"fatalities_max": "3"}, reason="typo", author="alice")
    with pytest.raises(ValidationFailed, match="latitude"):
        edit(st, "T-1", {"latitude": "200"}, reason="typo", author="alice")
    assert st.current(["T-1"])["T-1"][0] == 2  # refused edits change nothing


def test_a_point_can_be_moved_removed_and_given_back(store_location):
    write_store(store_location, PAIR)
    st = open_store(store_location)
    edit(st, "T-2", {"latitude": "13.5", "longitude": "-6.25", "geo_precision": "1"}, reason="located", author="a")
    edit(st, "T-1", {"latitude": None, "longitude": None, "geo_precision": "3"}, reason="unsure", author="a")
    back = read_store(store_location).set_index("incident_id")
    assert (back.loc["T-2"].geometry.x, back.loc["T-2"].geometry.y) == (-6.25, 13.5)
    assert back.loc["T-1"].geometry is None


def test_moving_a_point_recomputes_its_cercle_and_commune(store_location):
    write_store(store_location, PAIR)
    st = open_store(store_location)
    before = read_store(store_location).set_index("incident_id").loc["T-2"]
    assert before["located_to"] == "region" and pd.isna(before["commune"])
    # Kamona, commune of Pogo, cercle of Niono (COD populated places ML040507010)
    edit(st, "T-2", {"latitude": "13.977", "longitude": "-5.921", "geo_precision": "1"}, reason="located", author="a")
    moved = read_store(store_location).set_index("incident_id").loc["T-2"]
    assert (moved["located_to"], moved["cercle"], moved["commune"]) == ("place", "Niono", "Pogo")
    assert moved["commune_pcode"].startswith(moved["cercle_pcode"])
    edit(st, "T-2", {"summary": "Only the text."}, reason="wording", author="a")  # other fields leave units alone
    assert read_store(store_location).set_index("incident_id").loc["T-2", "commune"] == "Pogo"


def test_every_change_needs_a_reason(store_location):
    write_store(store_location, PAIR)
    with pytest.raises(ReasonRequired):
        edit(open_store(store_location), "T-1", {"summary": "x"}, reason="  ", author="a")
    with pytest.raises(ReasonRequired):
        ChangeSet(kind="edit", reason="", author="a", changes=[])


def test_an_edit_based_on_an_old_version_is_refused_naming_the_change(store_location):
    write_store(store_location, PAIR)
    st = open_store(store_location)
    first = edit(st, "T-1", {"summary": "First."}, reason="first reading", author="alice", expected_version=1)
    with pytest.raises(ConflictError) as caught:
        edit(st, "T-1", {"summary": "Second."}, reason="second reading", author="bob", expected_version=1)
    message = str(caught.value)
    assert first.changeset_id in message and "alice" in message and "first reading" in message
    assert "version 1" in message and "version 2" in message
    assert st.current(["T-1"])["T-1"][1]["summary"] == "First."  # nothing lost, nothing overwritten


def test_delete_and_restore_are_changes_and_the_history_keeps_everything(store_location):
    write_store(store_location, PAIR)
    st = open_store(store_location)
    v0 = store_state(store_location)[0]
    edited = edit(st, "T-1", {"fatalities_max": "40"}, reason="new count", author="a")
    delete(st, "T-1", reason="duplicate", author="b")
    assert "T-1" not in set(read_store(store_location)["incident_id"])
    restored = restore(st, "T-1", edited.changeset_id, reason="not a duplicate", author="c")
    assert restored.inserted == ("T-1",)
    version, record = st.current(["T-1"])["T-1"]
    assert record["fatalities_max"] == 40 and version == 4
    first = st.history("T-1")[0].changeset_id
    restore(st, "T-1", first, reason="back to the first state", author="c")
    assert store_state(store_location)[0] == v0  # the same content as before the edit: the same version
    doc = history_document("T-1", st.history("T-1"), st.current(["T-1"])["T-1"][0])
    assert [c["kind"] for c in doc["changes"]] == ["replace", "edit", "delete", "restore", "restore"]
    assert [c.get("action") for c in doc["changes"]] == ["created", "changed", "deleted", "re-created", "changed"]
    assert doc["changes"][-1]["fields"] == [{"field": "fatalities_max", "before": 40, "after": 37}]
    with pytest.raises(StoreError, match="did not change this record"):
        restore(st, "T-2", edited.changeset_id, reason="x", author="c")


def test_history_is_append_only_in_the_database(store_location):
    write_store(store_location, PAIR)
    st = open_store(store_location)
    for sql in ("UPDATE history SET after = NULL", "DELETE FROM history",
                "UPDATE changesets SET reason = 'rewritten'", "DELETE FROM changesets"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), st.write_connection() as conn, conn.begin():
            conn.exec_driver_sql(sql)
    assert len(st.history("T-1")) == 1


def test_importing_the_same_records_twice_stores_them_once(store_location):
    write_store(store_location, PAIR)
    from dashboard.data.store import apply_import

    extra = incidents(row(incident_id="N-1"), row(incident_id="N-2"))
    first = apply_import(store_location, extra, reason="import of n.csv")
    second = apply_import(store_location, extra, reason="import of n.csv again")
    assert first.inserted == ("N-1", "N-2") and second.inserted == () and second.changeset_id is None
    same_report = incidents(row(incident_id="N-3", source_record_id="N-1"))  # same dataset record, other id
    assert apply_import(store_location, same_report, reason="x").skipped == ("N-3",)
    assert sorted(read_store(store_location)["incident_id"]) == ["N-1", "N-2", "T-1", "T-2"]


def test_a_copy_to_the_other_engine_and_back_is_identical(store_location, pg_cluster, tmp_path):
    """GeoPackage → PostGIS → GeoPackage (or PostGIS → GeoPackage → PostGIS): records, sources, history."""
    load_store(store_location)
    st = open_store(store_location)
    edit(st, "SEG-2025-008", {"fatalities_max": "38"}, reason="OHCHR gives 38", author="alice")
    delete(st, "SEG-2017-001", reason="test deletion", author="bob")
    from dashboard.data import decide

    decide.link(store_location, "SEG-2020-002", "UCDP-364435", reason="same attack", author="carol")
    other = pg_cluster.create_database() if not is_postgres_url(str(store_location)) else tmp_path / "other.gpkg"
    back = pg_cluster.create_database() if is_postgres_url(str(store_location)) else tmp_path / "back.gpkg"
    middle, final = init_store(resolve_store(other)), init_store(resolve_store(back))
    copy_store(st, middle)
    copy_store(middle, final)
    assert fingerprint(st) == fingerprint(middle) == fingerprint(final)
    assert store_state(back) == store_state(store_location)
    assert [e.to_dict() for e in final.history("SEG-2025-008")] == [e.to_dict() for e in st.history("SEG-2025-008")]
    there, here = load_store(back, write_cache=False), load_store(store_location, write_cache=False)
    assert set(there.decisions) == set(here.decisions) and any(d.author == "carol" for d in there.decisions)
    assert len(there.incidents) == len(here.incidents) and there.version == here.version
    with pytest.raises(StoreError, match="not empty"):
        copy_store(st, final)


def test_the_geopackage_is_valid_and_gis_tools_read_it(tmp_path):
    store = tmp_path / "s.gpkg"
    write_store(store, PAIR)
    edit(open_store(store), "T-1", {"latitude": "14.3"}, reason="moved", author="a")
    out = subprocess.run(["ogrinfo", "-so", "-al", str(store)], capture_output=True, text=True, check=True).stdout
    assert "Layer name: incidents" in out and "Layer name: sources" in out and "Layer name: history" in out
    assert "Geometry: Point" in out and 'ID["EPSG",4326]' in out
    counts = {block.split("\n")[0]: block for block in out.split("Layer name: ")[1:]}
    assert "Feature Count: 2" in counts["incidents"] and "Feature Count: 2" in counts["sources"]
    extent = subprocess.run(["ogrinfo", "-q", "-sql", "SELECT incident_id FROM incidents WHERE incident_id='T-1'",
                             "-spat", "-6.1", "14.2", "-5.9", "14.4", str(store)], capture_output=True, text=True,
                            check=True).stdout
    assert "T-1" in extent  # found through the spatial index after the move
    checker = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", str(store)],
                             capture_output=True, text=True)
    assert checker.returncode == 0, checker.stdout + checker.stderr


@pytest.mark.postgis
def test_postgis_has_srid_4326_points_with_a_spatial_index(pg_cluster):
    url = pg_cluster.create_database()
    write_store(url, PAIR)
    import psycopg

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT srid, type FROM geometry_columns WHERE f_table_name = 'incidents'").fetchone() == (
            4326, "POINT")
        assert conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'incidents' "
                            "AND indexdef ILIKE '%USING gist (geom)%'").fetchone()[0] == 1
        assert conn.execute("SELECT incident_id FROM incidents WHERE ST_DWithin(geom, "
                            "ST_SetSRID(ST_MakePoint(-5.99, 14.25), 4326), 0.01)").fetchall() == [("T-1",)]
    dbname = url.split("/")[3].split("?")[0]
    out = subprocess.run(["ogrinfo", "-so", f"PG:dbname={dbname} host={pg_cluster.socket_dir} user=postgres",
                          "incidents"], capture_output=True, text=True, check=True).stdout
    assert "Feature Count: 2" in out and 'ID["EPSG",4326]' in out


def test_a_store_written_before_history_is_converted_once_and_kept(tmp_path):
    import pyogrio

    from dashboard.data.store import sources_table

    old = tmp_path / "old.gpkg"
    frame = PAIR.copy()
    for col in ("date_start", "date_end"):
        frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    frame["civilian_targeting"] = frame["civilian_targeting"].astype(object).where(frame["civilian_targeting"].notna(),
                                                                                   None)
    pyogrio.write_dataframe(frame, old, layer="incidents", driver="GPKG")
    pyogrio.write_dataframe(sources_table(PAIR), old, layer="sources", driver="GPKG", append=True)
    assert dataset_version(read_store(old)) == dataset_version(PAIR)
    assert (tmp_path / "old.before-history.gpkg").exists()
    entries = open_store(old).history("T-1")
    assert entries[0].kind == "create" and "history starts here" in entries[0].reason


def test_unknown_fields_and_the_key_cannot_be_edited_from_the_cli(tmp_path):
    from dashboard.data.engines.editing import parse_assignments

    assert parse_assignments(["fatalities_max=38", "summary="]) == {"fatalities_max": "38", "summary": None}
    for bad in (["colour=red"], ["incident_id=X"], ["summary"]):
        with pytest.raises(StoreError):
            parse_assignments(bad)


def test_history_json_of_the_cli_lists_the_import_and_later_changes(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dashboard.cli import app

    store = str(tmp_path / "s.gpkg")
    runner = CliRunner()
    monkeypatch.setenv("INCIDENT_MAP_AUTHOR", "alice")
    ok = runner.invoke(app, ["edit", "SEG-2025-008", "--set", "fatalities_max=38", "--reason",
                             "OHCHR report: 38 <b>killed</b>", "--store", store])
    assert ok.exit_code == 0, ok.output
    out = runner.invoke(app, ["history", "SEG-2025-008", "--json", "--store", store])
    doc = json.loads(out.stdout)
    assert [c["kind"] for c in doc["changes"]] == ["import", "edit"]
    assert doc["changes"][0]["reason"] == "the bundled Ségou dataset" and doc["changes"][0]["action"] == "created"
    assert doc["changes"][1]["fields"] == [{"field": "fatalities_max", "before": 37, "after": 38}]
    assert doc["changes"][1]["author"] == "alice" and doc["changes"][1]["reason"] == "OHCHR report: 38 <b>killed</b>"
    stale = runner.invoke(app, ["edit", "SEG-2025-008", "--set", "fatalities_max=39", "--expect-version", "1",
                                "--reason", "late", "--store", store])
    assert stale.exit_code == 3 and doc["changes"][1]["changeset_id"] in stale.output
    missing = runner.invoke(app, ["edit", "SEG-2025-008", "--set", "fatalities_max=39", "--store", store])
    assert missing.exit_code != 0  # --reason is required


def test_validate_finds_a_change_made_outside_incident_map(tmp_path):
    import sqlite3

    from typer.testing import CliRunner

    from dashboard.cli import app

    store = tmp_path / "s.gpkg"
    write_store(store, PAIR)
    runner = CliRunner()
    assert runner.invoke(app, ["validate", "--store", str(store)]).exit_code == 0
    from dashboard.data.engines.gpkg import register_functions

    with sqlite3.connect(store) as conn:  # a GIS program editing the table directly, behind the history's back
        register_functions(conn)  # GIS programs have the ST_* functions the spatial index triggers call
        conn.execute("UPDATE incidents SET summary = 'changed in QGIS' WHERE incident_id = 'T-1'")
    out = runner.invoke(app, ["validate", "--store", str(store)])
    assert out.exit_code == 2 and "changed outside incident-map" in out.output


def test_readers_never_wait_for_a_writer(store_location):
    """While another process holds the write lock (a long import), the version check and a full read answer."""
    import threading

    import psycopg

    write_store(store_location, PAIR)
    expected = store_state(store_location)
    if is_postgres_url(str(store_location)):
        holder = psycopg.connect(str(store_location))
        holder.execute("LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE")  # what an import holds
    else:
        import sqlite3

        holder = sqlite3.connect(store_location, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    try:
        answers = []
        reader = threading.Thread(target=lambda: answers.append((store_state(store_location),
                                                                 len(read_store(store_location)))), daemon=True)
        reader.start()
        reader.join(30)
        assert answers == [(expected, 2)]
    finally:
        holder.rollback() if is_postgres_url(str(store_location)) else holder.execute("ROLLBACK")
        holder.close()


def test_a_licence_declared_at_import_is_stored_with_each_report_and_in_the_history(store_location):
    """Migration 0005 on each engine: the ``licences`` table, written in the import's change set."""
    from dashboard.data.engines.records import LICENCE
    from dashboard.data.store import apply_import

    open_store(store_location)  # created from the bundled data
    declared = {"licence": "Team notes", "attribution": "Field notes of the team.", "redistribute": False,
                "declared_by": "dana", "declared_at": "2026-11-30T12:00:00Z"}
    applied = apply_import(store_location, incidents(row(incident_id="U-LIC-1"), row(incident_id="U-LIC-2",
                                                                                     location="Sokolo")),
                           reason="test", author="dana", licence=declared)
    stored = open_store(store_location).records(LICENCE)
    assert {k: r for k, (_, r) in stored.items()} == {
        "U-LIC-1": {"report_id": "U-LIC-1", **declared}, "U-LIC-2": {"report_id": "U-LIC-2", **declared}}
    history = open_store(store_location).history("U-LIC-1", LICENCE)
    assert [(h.changeset_id, h.kind, h.author) for h in history] == [(applied.changeset_id, "import", "dana")]
    lic = load_store(store_location, write_cache=False).licences["U-LIC-2"]
    assert (lic.name, lic.redistribute, lic.attribution) == ("Team notes", False, ("Field notes of the team.",))
