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
from dashboard.data.importer import import_file
from dashboard.data.reconcile.incidents import INCIDENT_COLUMNS
from dashboard.data.schema import COLUMNS
from dashboard.data.store import load_store
from dashboard.export.files import to_csv_bytes
from dashboard.viz.cards import incident_card_html
from tests.factories import NEAR_SIRAKORO, acled_file, incidents, row

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
    assert "2 reports of this incident" in card


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
UCDP_HEADER = ("id,year,type_of_violence,conflict_name,side_a,side_b,latitude,longitude,country,country_id,"
               "date_start,best,high,low,where_prec,where_coordinates,adm_1,adm_2,date_prec,date_end")


def _pool() -> list[tuple[str, dict | str]]:
    """Reports, each in its dataset's own layout (the importer gives a file's rows its layout's dataset): the ACLED
    fixture's six, and others that match them, the bundled record or each other (a UCDP report of Kamona, a second
    ACLED report near Kalala competing for one incident, a user's report near Farabougou...)."""
    acled = pd.read_csv(OVERLAP, dtype=str, keep_default_na=False).to_dict("records")
    x7 = {**acled[0], "event_id_cnty": "X7", "event_date": "2024-01-07", "year": "2024",
          "actor1": "Dozo Communal Militia (Mali)", "assoc_actor_1": "", "admin2": "Macina", "admin3": "",
          "location": "Kalala", "latitude": "13.7656", "longitude": "-5.1095", "geo_precision": "1",
          "fatalities": "12", "notes": "Fixture: on 7 January 2024, Dozo militiamen killed 12 people in Kalala."}
    ucdp = [
        "1,2025,3,Government of Mali - civilians,Government of Mali,Civilians,13.9768,-5.9206,Mali,432,2025-10-02,"
        "21,30,21,1,Kamona,Ségou region,Niono cercle,1,2025-10-02",
        "2,2024,3,Dozo - civilians,Dozo,Civilians,13.7656,-5.1095,Mali,432,2024-01-06,13,13,13,1,Kalala,"
        "Ségou region,Macina cercle,1,2024-01-06",
    ]
    user = row(incident_id="USER-9", source_record_id="USER-9", dataset="user", date_start="2025-08-19",
               location="near Farabougou", latitude="14.89", longitude="-6.14", geo_precision="2",
               perpetrator_category="unidentified", fatalities_min="20", fatalities_max="27", admin2="Niono")
    return [*(("acled", r) for r in [*acled, x7]), *(("ucdp", r) for r in ucdp), ("native", user)]


POOL = _pool()


def _write(chosen: list[tuple[str, dict | str]], folder: Path, name: str) -> list[Path]:
    """The chosen reports as one file per layout (none for a layout with no report)."""
    paths = []
    for layout in ("acled", "ucdp", "native"):
        rows = [r for kind, r in chosen if kind == layout]
        if not rows:
            continue
        path = folder / f"{name}-{layout}.csv"
        if layout == "acled":
            pd.DataFrame(rows).to_csv(path, index=False)
        elif layout == "ucdp":
            path.write_text("\n".join([UCDP_HEADER, *rows]) + "\n", encoding="utf-8")
        else:
            path.write_bytes(to_csv_bytes(incidents(*rows)))
        paths.append(path)
    return paths


def _incidents(store: Path) -> tuple[pd.DataFrame, set]:
    data = load_store(store, write_cache=False)
    frame = pd.DataFrame(data.incidents[[*COLUMNS, *INCIDENT_COLUMNS]]).sort_values("incident_id")
    decisions = {(d.a, d.b, d.verdict, d.author, d.score, d.evidence) for d in data.decisions}
    return frame.reset_index(drop=True), decisions


def test_the_pool_imports_whole_in_each_dataset(tmp_path):
    """Every report of the pool is stored under its own dataset (the property below is not about rejected rows)."""
    store = tmp_path / "incidents.gpkg"
    for path in _write(POOL, tmp_path, "all"):
        report = import_file(path, store)
        assert report.rejected == 0, report.summary()
    reports = load_store(store, write_cache=False).reports.set_index("incident_id")["dataset"]
    assert reports.loc[["ACLED-X7", "UCDP-1", "UCDP-2", "USER-9"]].tolist() == ["acled", "ucdp", "ucdp", "user"]
    assert (reports.loc[[f"ACLED-{r['event_id_cnty']}" for kind, r in POOL[:6]]] == "acled").all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(st.lists(st.booleans(), min_size=len(POOL), max_size=len(POOL)))
def test_importing_a_then_b_gives_the_same_incidents_as_b_then_a(tmp_path, in_a):
    folder = tmp_path / f"run-{abs(hash(tuple(in_a)))}"
    folder.mkdir()
    a = _write([p for p, chosen in zip(POOL, in_a, strict=True) if chosen], folder, "a")
    b = _write([p for p, chosen in zip(POOL, in_a, strict=True) if not chosen], folder, "b")
    results = []
    for order, name in (((a, b), "ab.gpkg"), ((b, a), "ba.gpkg")):
        for paths in order:
            for path in paths:
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
    path = acled_file(tmp_path / "near.csv", **NEAR_SIRAKORO)
    out = cli("import", str(path), "--store", str(store))
    assert "1 report matched existing incidents (0 linked, 1 waiting for review)" in out
    queue = [q for q in json.loads(cli("review", "--store", str(store), "--json")) if "ACLED-R1" in (q["a"], q["b"])]
    assert [(q["a"], q["b"]) for q in queue] == [("ACLED-R1", "SEG-2026-002")]
    assert queue[0]["evidence"].startswith("same day · same commune · ")
    assert "automatic links need the same day and points within 5 km" in queue[0]["evidence"]
    text = cli("review", "--store", str(store))
    assert "ACLED-R1: acled · 2026-01-08 · Sirakoro" in text
