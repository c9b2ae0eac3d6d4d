"""Issue 12's "done when", through the CLI and the store: reports of events the store holds join their incidents,
counts do not move, new events add incidents, re-imports add nothing, the order of imports does not matter, and
people's decisions are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.importer import import_file, read_any
from dashboard.data.reconcile.incidents import INCIDENT_COLUMNS
from dashboard.data.schema import COLUMNS
from dashboard.data.store import load_store
from dashboard.data.validate import validate_flat
from dashboard.export.files import to_csv_bytes
from dashboard.viz.cards import incident_card_html
from tests.factories import incidents, row

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OVERLAP = FIXTURES / "acled_segou_overlap.csv"  # six ACLED events the bundled record holds (written for the tests)
OCTOBER = ("--from", "2025-10-01", "--to", "2025-10-31")
runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def stats(store: Path, *filters: str) -> dict:
    return json.loads(cli("stats", "--store", str(store), "--json", "--scope", "all", *filters))


def caption(store: Path, *filters: str) -> list[str]:
    return cli("query", "--store", str(store), *filters).splitlines()[:2]


def n_reports(store: Path) -> int:
    return len(json.loads(cli("query", "--store", str(store), "--reports", "--json")))


def test_reports_of_events_the_store_holds_change_no_count(tmp_path):
    store = tmp_path / "incidents.gpkg"
    before = {"all": stats(store), "october": stats(store, *OCTOBER), "caption": caption(store, *OCTOBER),
              "reports": n_reports(store)}
    out = cli("import", str(OVERLAP), "--store", str(store))
    assert out.rstrip().endswith("6 reports matched existing incidents (6 linked, 0 waiting for review)")
    assert stats(store)["incidents"] == before["all"]["incidents"]  # the number of incidents is unchanged
    assert n_reports(store) == before["reports"] + 6
    assert caption(store, *OCTOBER) == before["caption"]
    october = stats(store, *OCTOBER)
    assert october.pop("dataset_version") != before["october"].pop("dataset_version")  # the data did change
    assert october == before["october"]


def test_farabougou_card_shows_both_reports_and_the_disputed_toll(tmp_path):
    store = tmp_path / "incidents.gpkg"
    import_file(OVERLAP, store)
    data = load_store(store, write_cache=False)
    farabougou = data.incidents.set_index("incident_id").loc["SEG-2025-007"]
    assert (farabougou["fatalities_min"], farabougou["fatalities_max"], farabougou["toll_disputed"]) == (6, 27, True)
    assert farabougou["n_reports"] == 2
    reports = data.report_level.by_incident(data.incidents.loc[data.incidents["incident_id"] == "SEG-2025-007"])
    card = incident_card_html({"incident_id": "SEG-2025-007", **farabougou.to_dict()},
                              reports=reports["SEG-2025-007"])
    assert "(disputed: the reports give at least 6 vs 27)" in card
    assert card.count('class="differs"') >= 2 and "ACLED-MLI39003" in card and "SEG-2025-007" in card
    assert "2 reports</b> of this incident" in card


def new_events_file(folder: Path) -> Path:
    """Two events the store does not hold (other places and dates)."""
    rows = incidents(
        row(incident_id="USER-1", source_record_id="USER-1", date_start="2024-07-14", location="Dioro",
            latitude="13.4495", longitude="-5.7556", admin2="Ségou", admin3="Dioro"),
        row(incident_id="USER-2", source_record_id="USER-2", date_start="2024-08-02", location="Sansanding",
            latitude="13.7365", longitude="-6.0185", admin2="Ségou", admin3="Sibila"),
    )
    path = folder / "new.csv"
    path.write_bytes(to_csv_bytes(rows))
    return path


def test_new_events_add_incidents_and_a_reimport_adds_nothing(tmp_path):
    store = tmp_path / "incidents.gpkg"
    fresh = stats(store)["incidents"]
    new = new_events_file(tmp_path)
    cli("import", str(new), "--store", str(store))
    assert stats(store)["incidents"] == fresh + 2
    once = stats(store)
    for path in (new, OVERLAP, OVERLAP, new):
        cli("import", str(path), "--store", str(store))
    twice = stats(store)
    cli("import", str(OVERLAP), "--store", str(store))
    assert stats(store) == twice and twice["incidents"] == once["incidents"] == fresh + 2


# ---- importing A then B gives the same incidents as B then A ----------------------------------------------------
def _pool() -> pd.DataFrame:
    """Reports in the native layout: the ACLED fixture's six, and others that match them, the bundled record or
    each other (a UCDP report of Kamona, a second ACLED report near Kalala competing for one incident...)."""
    from dashboard.data.geocoder import Geocoder
    from dashboard.data.placing import place_rows

    acled, _ = place_rows(read_any(OVERLAP), Geocoder.default())
    more = pd.DataFrame([
        row(incident_id="UCDP-1", source_record_id="1", dataset="ucdp", date_start="2025-10-02", location="Kamona",
            latitude="13.9768", longitude="-5.9206", geo_precision="1", perpetrator_category="state_forces",
            fatalities_min="21", fatalities_max="30", admin2="Niono", admin3="Pogo"),
        row(incident_id="UCDP-2", source_record_id="2", dataset="ucdp", date_start="2024-01-06", location="Kalala",
            latitude="13.7656", longitude="-5.1095", geo_precision="1", perpetrator_category="progov_militia",
            fatalities_min="13", fatalities_max="13", admin2="Macina", admin3="Sana"),
        row(incident_id="ACLED-X7", source_record_id="X7", dataset="acled", date_start="2024-01-07",
            location="Kalala", latitude="13.7656", longitude="-5.1095", geo_precision="1",
            perpetrator_category="progov_militia", fatalities_min="12", fatalities_max="12", admin2="Macina"),
        row(incident_id="USER-9", source_record_id="USER-9", dataset="user", date_start="2025-08-19",
            location="near Farabougou", latitude="14.89", longitude="-6.14", geo_precision="2",
            perpetrator_category="unidentified", fatalities_min="20", fatalities_max="27", admin2="Niono"),
    ])
    return pd.concat([acled, more.reindex(columns=acled.columns)], ignore_index=True)


POOL = _pool()


def _write(rows: pd.DataFrame, path: Path) -> Path:
    valid = validate_flat(rows.reset_index(drop=True).rename(index=lambda i: i + 2)).valid
    path.write_bytes(to_csv_bytes(valid))
    return path


def _incidents(store: Path) -> tuple[pd.DataFrame, set]:
    data = load_store(store, write_cache=False)
    frame = pd.DataFrame(data.incidents[[*COLUMNS, *INCIDENT_COLUMNS]]).sort_values("incident_id")
    decisions = {(d.a, d.b, d.verdict, d.author, d.score, d.evidence) for d in data.decisions}
    return frame.reset_index(drop=True), decisions


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(st.lists(st.booleans(), min_size=len(POOL), max_size=len(POOL)))
def test_importing_a_then_b_gives_the_same_incidents_as_b_then_a(tmp_path, in_a):
    folder = tmp_path / f"run-{abs(hash(tuple(in_a)))}"
    folder.mkdir()
    chosen = pd.Series(in_a, index=POOL.index)
    a = _write(POOL.loc[chosen], folder / "a.csv")
    b = _write(POOL.loc[~chosen], folder / "b.csv")
    results = []
    for order, name in (((a, b), "ab.gpkg"), ((b, a), "ba.gpkg")):
        for path in order:
            import_file(path, folder / name)
        results.append(_incidents(folder / name))
    pd.testing.assert_frame_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]


# ---- people's decisions -----------------------------------------------------------------------------------------
def test_people_link_keep_apart_and_unlink_and_their_decisions_survive_reimports(tmp_path):
    store = tmp_path / "incidents.gpkg"
    fresh = stats(store)["incidents"]
    cli("import", str(OVERLAP), "--store", str(store))
    cli("unlink", "ACLED-MLI39003", "--reason", "the ACLED event counts soldiers", "--author", "Awa",
        "--store", str(store))
    assert stats(store)["incidents"] == fresh + 1
    cli("import", str(OVERLAP), "--store", str(store))  # a re-import does not undo it
    assert stats(store)["incidents"] == fresh + 1
    kept = {(d.a, d.b): d for d in load_store(store, write_cache=False).decisions}
    decision = kept[("ACLED-MLI39003", "SEG-2025-007")]
    assert (decision.verdict, decision.author, decision.reason) == ("apart", "Awa", "the ACLED event counts soldiers")
    assert decision.at.endswith("Z") and "same place name (Farabougou)" in decision.evidence
    cli("link", "SEG-2025-007", "ACLED-MLI39003", "--reason", "same attack after all", "--author", "Awa",
        "--store", str(store))
    assert stats(store)["incidents"] == fresh
    cli("keep-apart", "ACLED-MLI39001", "SEG-2025-008", "--reason", "test", "--store", str(store))
    assert stats(store)["incidents"] == fresh + 1
    reconciled = json.loads(cli("reconcile", "--store", str(store), "--json"))
    assert reconciled["incidents"] == fresh + 1 and reconciled["new_or_changed"] == []  # nothing to redo


@pytest.mark.parametrize(("args", "message"), [
    (("link", "ACLED-MLI39001", "SEG-2025-008", "--reason", " "), "every decision needs a reason"),
    (("link", "ACLED-NOPE", "SEG-2025-008", "--reason", "x"), "no report 'ACLED-NOPE' in this store"),
    (("unlink", "SEG-2025-001", "--reason", "x"), "the only report of its incident"),
])
def test_a_decision_that_cannot_be_made_is_one_error_line(tmp_path, args, message):
    store = tmp_path / "incidents.gpkg"
    result = runner.invoke(app, [*args, "--store", str(store)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and message in result.stderr


def test_review_lists_the_pairs_waiting_with_their_evidence(tmp_path):
    store = tmp_path / "incidents.gpkg"
    near = incidents(row(incident_id="ACLED-R1", source_record_id="R1", dataset="acled", date_start="2026-01-08",
                         location="Sirakoro", latitude="13.93", longitude="-5.85", geo_precision="2",
                         admin2="Macina", admin3="Kolongotomo", perpetrator_category="unidentified",
                         fatalities_min="3", fatalities_max="3"))
    path = tmp_path / "near.csv"
    path.write_bytes(to_csv_bytes(near))
    out = cli("import", str(path), "--store", str(store))
    assert "1 report matched existing incidents (0 linked, 1 waiting for review)" in out
    queue = [q for q in json.loads(cli("review", "--store", str(store), "--json")) if "ACLED-R1" in (q["a"], q["b"])]
    assert [(q["a"], q["b"]) for q in queue] == [("ACLED-R1", "SEG-2026-002")]
    assert queue[0]["evidence"].startswith("same day · same commune · ")
    assert "automatic links need the same day and points within 5 km" in queue[0]["evidence"]
    text = cli("review", "--store", str(store))
    assert "ACLED-R1: acled · 2026-01-08 · Sirakoro" in text
