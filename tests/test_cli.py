import json

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.store import load_bundled
from tests.factories import bundled_incidents

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("cli") / "incidents.gpkg")


def run(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_query_october_2025_state_forces_lists_kamona_and_balle(store):
    out = json.loads(run("query", "--store", store, "--from", "2025-10-01", "--to", "2025-10-31",
                         "--perpetrator-category", "state_forces", "--json"))
    by_id = {r["incident_id"]: r for r in out}
    assert by_id["SEG-2025-008"]["fatalities_min"] == 21 and by_id["SEG-2025-008"]["location"].startswith("Kamona")
    assert by_id["SEG-2025-010"]["fatalities_min"] == 10 and by_id["SEG-2025-010"]["location"].startswith("Balle")
    balle = by_id["SEG-2025-010"]  # placed by inference at the region's only Balle (cod-pp:ML040218003), precision 2
    assert (balle["geo_precision"], balle["latitude"], balle["longitude"]) == (2, 13.807593, -6.270801)
    for r in out:
        assert {"incident_id", "date_start", "location", "admin2", "perpetrator_category", "fatalities_min",
                "fatalities_max", "geo_precision", "sources"} <= set(r)
        assert "state_forces" in r["perpetrator_category"]
        assert r["sources"] and all("organisation" in s for s in r["sources"])
    assert sum(r["fatalities_min"] for r in out if r["incident_id"] in {"SEG-2025-008", "SEG-2025-010"}) == 31


def test_stats_json_matches_the_data(store):
    out = json.loads(run("stats", "--store", store, "--scope", "all", "--json"))
    bundled = bundled_incidents()  # the bundled reports grouped by the bundled decisions
    assert out["incidents"] == len(bundled) < len(load_bundled()) and out["related_not_counted"] == 0
    assert out["fatalities_min"] == int(bundled["fatalities_min"].sum())
    assert out["by_perpetrator_category"]["state_forces"] == int(
        bundled["perpetrator_category"].str.contains("state_forces").sum())
    assert out["fatalities_max"] >= out["fatalities_min"]


def test_stats_count_civilian_victims_in_the_region_by_default_and_say_what_they_leave_out(store):
    from dashboard.query.filters import filter_incidents
    from dashboard.query.scope import left_out
    from dashboard.query.spec import FilterSpec

    bundled = bundled_incidents()  # what a fresh store counts: reports grouped into incidents
    counted = filter_incidents(bundled, FilterSpec())
    left = left_out(counted, bundled)
    out = json.loads(run("stats", "--store", store, "--json"))
    assert (out["incidents"], out["related_not_counted"]) == (len(counted), len(left))
    assert out["filter"] == "Incidents with civilian victims in the Ségou region"
    text = run("stats", "--store", store)
    assert f"{left.sentence()} (--scope all counts them)" in text


def test_actor_filter_is_case_insensitive_and_repeatable(store):
    a = json.loads(run("query", "--store", store, "--actor", "DOZO", "--json"))
    b = json.loads(run("query", "--store", store, "--actor", "dozo", "--actor", "wagner", "--json"))
    assert a and {r["incident_id"] for r in a} < {r["incident_id"] for r in b}


def test_text_output_and_bad_input(store):
    out = run("query", "--store", store, "--cercle", "Macina")
    assert out.splitlines()[0] == "Incidents with civilian victims in the Ségou region, in Macina"
    bad = runner.invoke(app, ["query", "--store", store, "--from", "yesterday"])
    assert bad.exit_code != 0 and "from must be a date" in bad.output
    bad = runner.invoke(app, ["stats", "--store", store, "--perpetrator-category", "aliens"])
    assert bad.exit_code != 0 and "unknown perpetrator category" in bad.output


def test_validate_command(store):
    assert "incidents valid" in run("validate", "--store", store)


def test_text_search_ignores_case_and_accents_and_uses_the_store_index(store):
    from dashboard.data.store import load_store, search_path

    plain = json.loads(run("query", "--store", store, "--text", "ke-macina", "--json"))
    accented = json.loads(run("query", "--store", store, "--text", "KÉ-MACINA", "--json"))
    assert {r["incident_id"] for r in plain} == {r["incident_id"] for r in accented} >= {"SEG-2017-001", "SEG-2017-002"}
    assert all("macina" in json.dumps(r, ensure_ascii=False).lower().replace("é", "e") for r in plain)
    assert not search_path(store).exists()  # a CLI read writes no derived file: it scanned
    load_store(store)  # as the app does: builds the index
    assert search_path(store).exists()
    indexed = json.loads(run("query", "--store", store, "--text", "ke-macina", "--json"))
    assert indexed == plain
    stats = json.loads(run("stats", "--store", store, "--text", "kamona", "--json"))
    assert stats["incidents"] >= 1 and "mentioning 'kamona'" in stats["filter"]
