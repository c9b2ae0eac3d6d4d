"""An import recomputes the rule's decisions only where its reports reach (dashboard.data.reconcile.rerun, ``around``):
the outcome is the whole recomputation's, on random records with people's decisions, and the recomputed set leaves
out what the new reports cannot reach."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data import decide
from dashboard.data.importer import import_file
from dashboard.data.reconcile.blocking import candidate_pairs
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.features import features
from dashboard.data.reconcile.rerun import matches, reached, rerun
from dashboard.data.store import load_bundled, load_store, read_decisions
from tests.data.test_reconcile import POOL, acled, curated
from tests.factories import incidents
from tests.hardening.synthetic import native_frame


def _key(d: Decision) -> tuple:
    return d.id, d.verdict, d.author, d.at, d.score, d.evidence


@st.composite
def records(draw):
    """Reports already stored (with the rule's decisions for them and some of people's) and reports added."""
    chosen = draw(st.lists(st.integers(0, len(POOL) - 1), min_size=2, max_size=24, unique=True))
    reports = POOL.iloc[chosen]
    cut = draw(st.integers(1, len(chosen) - 1))
    old_ids = list(reports["incident_id"].iloc[:cut])
    people = []
    for _ in range(draw(st.integers(0, 3))):
        if len(old_ids) < 2:
            break
        a, b = draw(st.lists(st.sampled_from(old_ids), min_size=2, max_size=2, unique=True))
        people.append(Decision(a=a, b=b, verdict=draw(st.sampled_from(["linked", "apart"])), author="reviewer",
                               at="2025-11-01T00:00:00Z", reason="checked the sources"))
    people = list({d.id: d for d in people}.values())
    return reports, cut, people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_recomputing_around_the_added_reports_gives_the_whole_recomputation(record):
    reports, cut, people = record
    stored = rerun(reports.iloc[:cut], people, "2025-11-02T00:00:00Z").decisions  # what the store holds
    added = list(reports["incident_id"].iloc[cut:])
    whole = rerun(reports, stored, "2025-11-03T00:00:00Z")
    part = rerun(reports, stored, "2025-11-03T00:00:00Z", around=added)
    assert sorted(map(_key, part.decisions)) == sorted(map(_key, whole.decisions))
    assert sorted(map(_key, part.added)) == sorted(map(_key, whole.added))
    assert sorted(map(_key, part.retracted)) == sorted(map(_key, whole.retracted))
    assert matches(part, added) == matches(whole, added)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, len(POOL) - 1), min_size=2, max_size=30, unique=True), st.data())
def test_the_pairs_of_some_reports_are_the_whole_sets_pairs_that_name_them(chosen, data):
    f = features(POOL.iloc[chosen])
    focus = np.array(data.draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen))))
    every = candidate_pairs(f)
    some = candidate_pairs(f, focus=focus)
    expected = every.loc[focus[every["i"]] | focus[every["j"]]].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)


def test_reports_the_added_ones_cannot_reach_are_not_recomputed_and_keep_their_decisions():
    # Kamona in October 2025, reported twice (the rule links them); Balle a year later, and a new report of it
    old = incidents(curated("SEG-1"), acled("ACLED-1"),
                    curated("SEG-2", location="Balle", latitude="13.807593", longitude="-6.270801",
                            date_start="2026-10-13", date_end="2026-10-13"))
    stored = rerun(old, [], "2025-11-02T00:00:00Z").decisions
    assert [(d.a, d.b, d.verdict) for d in stored] == [("ACLED-1", "SEG-1", "linked")]
    new = incidents(acled("ACLED-2", location="Balle", latitude="13.8076", longitude="-6.2708",
                          date_start="2026-10-13", date_end="2026-10-13", fatalities_min="10", fatalities_max="10"))
    reports = pd.concat([old, new], ignore_index=True)
    part = rerun(reports, stored, "2026-11-01T00:00:00Z", around=["ACLED-2"])
    assert set(reports["incident_id"].iloc[reached(reports, stored, ["ACLED-2"])]) == {"SEG-2", "ACLED-2"}
    assert set(part.reconciliation.ids) == {"SEG-2", "ACLED-2"}
    assert {(d.a, d.b, d.verdict, d.at) for d in part.decisions} == {
        ("ACLED-1", "SEG-1", "linked", "2025-11-02T00:00:00Z"),  # untouched, its date kept
        ("ACLED-2", "SEG-2", "linked", "2026-11-01T00:00:00Z")}
    assert matches(part, ["ACLED-2"]).linked == ("ACLED-2",)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(), st.data())
def test_recomputing_around_a_persons_decision_gives_the_whole_recomputation(record, data):
    reports, _, people = record
    stored = list(rerun(reports, people, "2025-11-02T00:00:00Z").decisions)
    ids = list(reports["incident_id"])
    a, b = data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
    verdict = data.draw(st.sampled_from(["linked", "apart", "undo"]))
    now = Decision(a=a, b=b, verdict="linked" if verdict == "undo" else verdict, author="reviewer",
                   at="2025-11-03T00:00:00Z", reason="a second look")
    after = [d for d in stored if d.id != now.id] + ([] if verdict == "undo" else [now])
    whole = rerun(reports, after, "2025-11-03T00:00:00Z")
    part = rerun(reports, after, "2025-11-03T00:00:00Z", around=[a, b])
    assert sorted(map(_key, part.decisions)) == sorted(map(_key, whole.decisions))
    assert sorted(map(_key, part.retracted)) == sorted(map(_key, whole.retracted))


def _retelling(path, n: int, prefix: str, seed: int, told_seed: int = 3):
    """``n`` new reports (dataset ``user``) of bundled incidents: their place, day, perpetrators and toll, the point
    moved a little (what the rule links or proposes), as a native CSV."""
    rng = np.random.default_rng(seed)
    bundled = load_bundled()
    told = bundled[bundled.geometry.notna() & ~bundled.geometry.is_empty].sample(n, random_state=told_seed)
    frame = native_frame(n, prefix, seed)
    for column in ("date_start", "location", "admin2", "perpetrator_category", "fatalities_min", "fatalities_max",
                   "geo_precision"):
        frame[column] = told[column].astype(object).to_numpy()
    frame["date_start"] = pd.to_datetime(frame["date_start"]).dt.strftime("%Y-%m-%d")
    frame["latitude"] = np.round(told.geometry.y.to_numpy() + rng.uniform(-0.02, 0.02, n), 4)
    frame["longitude"] = np.round(told.geometry.x.to_numpy() + rng.uniform(-0.02, 0.02, n), 4)
    frame.to_csv(path, index=False)
    return path


def _decisions(store) -> list[tuple]:
    return sorted((d.a, d.b, d.verdict, d.author, d.score, d.evidence) for d in read_decisions(store))


def test_a_large_stores_imports_and_decisions_store_what_recomputing_the_whole_record_stores(tmp_path, monkeypatch):
    """The store's writes take the partial path above WHOLE_UP_TO reports (here: always) and store the same."""
    stores = {}
    for name, limit in (("whole", 10**9), ("around", 0)):
        monkeypatch.setattr(decide, "WHOLE_UP_TO", limit)
        store = tmp_path / name / "incidents.gpkg"
        load_store(store)
        first = import_file(_retelling(tmp_path / "a.csv", 30, "RA", seed=3), store, reason="test")
        # the same incidents told again in the same dataset: a report cannot join the incident its twin is in
        second = import_file(_retelling(tmp_path / "b.csv", 30, "RB", seed=4), store, reason="test")
        waiting = {(d[0], d[1]) for d in _decisions(store) if d[2] == "pending" and d[0].startswith("RB")}
        ra, seg = next((d[0], d[1]) for d in _decisions(store)
                       if d[3] == "auto" and d[2] == "linked" and d[0].startswith("RA") and d[1].startswith("SEG")
                       and any(b == d[1] for _, b in waiting))
        decide.keep_apart(store, ra, seg, reason="another attack", author="reviewer")
        freed = {(d[0], d[1]) for d in _decisions(store) if d[2] == "linked" and (d[0], d[1]) in waiting}
        ours = sorted(load_store(store).reports["incident_id"].loc[lambda s: s.str.startswith("RA")])
        decide.link(store, ours[0], ours[1], reason="one attack, two accounts", author="reviewer")
        decide.unlink(store, ours[0], reason="on reflection, two attacks", author="reviewer")
        stores[name] = (_decisions(store), first.matches, second.matches, freed)
    assert stores["around"] == stores["whole"]
    # the imports matched stored incidents, and the person's decision let the rule link a report it had held back
    assert stores["whole"][1].linked and stores["whole"][2].waiting and stores["whole"][3]
