"""Named victims are private: a record type of their own that no incident frame, public view, export or briefing
reads. A name recorded for a bundled incident appears in no file any export format writes, public or not."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.engines import forget
from dashboard.data.store import load_store, open_store
from dashboard.data.victims import named_victims, record_named_victims
from dashboard.errors import StoreError
from dashboard.export.exporters import EXPORTERS

NAME = "Zyxwa Qoulibalix"  # a name no incident text holds
runner = CliRunner()


def _victim(**over) -> dict:
    return {"victim_id": "V-1", "incident_id": "SEG-2025-010", "name": NAME, "sex": "woman", "age": None,
            "age_group": "unknown", "harm": "killed", "note": None, "recorded_by": "team", "recorded_at": "2026-11-30",
            **over}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = str(tmp_path_factory.mktemp("named") / "incidents.gpkg")
    st = open_store(location)
    record_named_victims(st, [_victim()], reason="named by a relative, interview 12", author="team")
    yield location
    forget(location)


def test_a_named_victim_is_stored_with_its_history(store):
    st = open_store(store)
    assert [v["name"] for v in named_victims(st, "SEG-2025-010")] == [NAME]
    assert named_victims(st, "SEG-2025-008") == []
    from dashboard.data.engines.records import NAMED_VICTIM

    history = st.history("V-1", NAMED_VICTIM)
    assert history and history[0].reason == "named by a relative, interview 12"


def test_a_bad_named_victim_is_refused_with_its_reasons(store):
    with pytest.raises(StoreError, match="sex must be one of"):
        record_named_victims(open_store(store), [_victim(victim_id="V-2", sex="f")], reason="test")
    with pytest.raises(StoreError, match="name is required"):
        record_named_victims(open_store(store), [_victim(victim_id="V-3", name=" ")], reason="test")


def test_no_incident_frame_carries_a_name(store):
    data = load_store(store)
    for frame in (data.incidents, data.reports):
        assert not frame.astype(str).apply(lambda col: col.str.contains(NAME, regex=False)).any().any()


@pytest.mark.parametrize("public", [True, False], ids=["public", "private"])
def test_no_export_carries_a_name(store, tmp_path, public):
    formats = [e for e in EXPORTERS if e.public or not public]
    assert formats
    for fmt in formats:
        out = tmp_path / f"x.{fmt.extension}"
        args = ["export", "--store", store, "--format", fmt.name, "-o", str(out), "--from", "2025-10-01",
                "--to", "2025-10-31", *(["--public"] if public else [])]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (fmt.name, result.output)
        written = [p for p in tmp_path.iterdir() if p.is_file()]
        assert written
        for path in written:
            assert NAME.encode() not in path.read_bytes(), (fmt.name, path.name)
            path.unlink()
    query = runner.invoke(app, ["query", "--store", store, "--json"])
    assert query.exit_code == 0 and NAME not in query.output


def test_the_cli_records_and_lists_named_victims_and_refuses_a_bad_one(store):
    added = runner.invoke(app, ["victims", "add", "SEG-2025-008", "--name", "Second Name", "--sex", "man",
                                "--age", "40", "--reason", "from a family list", "--author", "team",
                                "--store", store])
    assert added.exit_code == 0, added.output
    assert "private" in added.output
    listed = runner.invoke(app, ["victims", "list", "SEG-2025-008", "--json", "--store", store])
    assert listed.exit_code == 0
    import json

    assert [(v["name"], v["sex"], v["age"], v["harm"]) for v in json.loads(listed.output)] == [
        ("Second Name", "man", 40, "killed")]
    bad = runner.invoke(app, ["victims", "add", "SEG-2025-008", "--name", "X", "--harm", "robbed", "--reason", "r",
                              "--store", store])
    assert bad.exit_code != 0 and "harm must be one of" in bad.output
    missing = runner.invoke(app, ["victims", "add", "NOPE", "--name", "X", "--reason", "r", "--store", store])
    assert missing.exit_code != 0 and "no such incident" in missing.output
