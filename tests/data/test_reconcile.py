"""Matching reports of one event: evidence and score, the rule's links and queue, people's decisions, the index."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data.reconcile.blocking import candidate_pairs, distance_km
from dashboard.data.reconcile.clusters import candidates, reconcile
from dashboard.data.reconcile.decisions import Decision, incident_groups
from dashboard.data.reconcile.evidence import AUTO_LINK, REVIEW, score_pairs
from dashboard.data.reconcile.features import features
from tests.factories import incidents, row

KAMONA = {"location": "Kamona (Kamona-Pont)", "latitude": "13.97683", "longitude": "-5.920579", "geo_precision": "1"}


def curated(ident="SEG-1", **kw):
    return row(incident_id=ident, source_record_id=ident, dataset="segou-curated", **{**KAMONA, **kw})


def acled(ident="ACLED-1", **kw):
    base = {"location": "Kamona", "latitude": "14.2450", "longitude": "-5.9600", "geo_precision": "1",
            "perpetrators": "Military Forces of Mali (2021-)", "perpetrator_category": "state_forces",
            "fatalities_min": "21", "fatalities_max": "21", "verification": "reported",
            "sources": json.dumps([{"organisation": "RFI"}, {"organisation": "ACLED", "title": "event 1"}])}
    return row(incident_id=ident, source_record_id=ident, dataset="acled", **{**base, **kw})


def groups(reports, decisions=()):
    """The incidents as sets of report ids."""
    rec = reconcile(reports, decisions)
    ids = reports["incident_id"].to_numpy()
    return {frozenset(ids[rec.group == g]) for g in set(rec.group)}, rec


def test_name_date_and_perpetrators_link_reports_whose_points_are_far_apart():
    found, rec = groups(incidents(curated(), acled()))
    assert frozenset({"SEG-1", "ACLED-1"}) in found
    link = rec.links.iloc[0]
    assert link["score"] >= AUTO_LINK
    assert link["evidence"] == ("same day · same place name (Kamona) · 30 km apart · both state forces · "
                                "21 vs 21–37 killed")  # in the pair's order: ACLED-1, SEG-1


def test_proximity_without_a_name_needs_the_same_day_and_a_tight_distance():
    near = {"location": "a hamlet", "geo_precision": "2"}
    tight = incidents(curated(), acled(**near, latitude="13.99", longitude="-5.93"))  # about 2 km
    loose = incidents(curated(), acled(**near, latitude="14.10", longitude="-5.93"))  # about 14 km, within 25
    later = incidents(curated(), acled(**near, latitude="13.99", longitude="-5.93", date_start="2025-10-03"))
    assert len(reconcile(tight).links) == 1
    for reports in (loose, later):
        rec = reconcile(reports)
        assert rec.links.empty
        assert len(rec.pending) == 1 and REVIEW <= rec.pending["score"].iloc[0] < AUTO_LINK
        assert "automatic links need the same day" in rec.pending["evidence"].iloc[0]


def test_far_without_a_name_or_dates_apart_is_no_candidate():
    far = incidents(curated(), acled(location="Somewhere", latitude="14.9", longitude="-6.5", admin3=None))
    apart = incidents(curated(), acled(date_start="2025-10-06"))  # beyond a day's slack on both sides
    for reports in (far, apart):
        assert candidates(reports).empty


def test_incompatible_perpetrators_wait_for_review_and_allied_ones_are_weaker():
    jihadists = reconcile(incidents(curated(), acled(perpetrator_category="jihadist_group")))
    assert jihadists.links.empty and "perpetrators disagree" in jihadists.pending["evidence"].iloc[0]
    militia = reconcile(incidents(curated(perpetrator_category="state_forces"),
                                  acled(perpetrator_category="progov_militia")))
    assert len(militia.links) == 1 and "(allied)" in militia.links["evidence"].iloc[0]


def test_disagreeing_tolls_lower_the_score_but_do_not_prevent_a_link():
    rec = reconcile(incidents(curated(fatalities_min="6", fatalities_max=None), acled(fatalities_min="27",
                                                                                     fatalities_max="27")))
    assert len(rec.links) == 1
    assert "27 vs at least 6 killed" in rec.links["evidence"].iloc[0]


def test_two_reports_of_one_dataset_are_only_proposed():
    rec = reconcile(incidents(acled("ACLED-1"), acled("ACLED-2")))
    assert rec.links.empty
    assert "both from one dataset" in rec.pending["evidence"].iloc[0]


def test_rows_grouped_as_distinct_by_their_editors_are_not_compared():
    reports = incidents(curated("SEG-1", event_group="OPS"), curated("SEG-2", event_group="OPS"))
    assert candidates(reports).empty


def test_one_report_resembling_two_incidents_joins_the_best_and_the_other_waits():
    second = curated("SEG-2", latitude="14.25", longitude="-5.96", fatalities_min="5", fatalities_max="5")
    found, rec = groups(incidents(curated("SEG-1"), second, acled()))
    assert frozenset({"SEG-1", "ACLED-1"}) in found and frozenset({"SEG-2"}) in found
    waiting = rec.pending.set_index(["a", "b"])
    assert "would put two reports of segou-curated in one incident" in waiting.loc[("ACLED-1", "SEG-2"), "evidence"]


def test_people_decide_pairs_for_good():
    reports = incidents(curated(), acled(), acled("ACLED-2", location="Somewhere else", latitude="15.5",
                                                   longitude="-4.0"))
    apart = Decision("ACLED-1", "SEG-1", "apart", author="ana", at="2025-11-20T10:00:00Z", reason="two raids")
    found, rec = groups(reports, [apart])
    assert rec.links.empty and rec.pending.empty  # never proposed again
    linked = Decision("ACLED-2", "SEG-1", "linked", author="ana", at="2025-11-20T10:00:00Z", reason="same raid")
    found, _ = groups(reports, [linked])
    assert frozenset({"SEG-1", "ACLED-2"}) in found  # a person's link needs no evidence
    assert frozenset({"ACLED-1"}) in found  # the rule does not add a second acled report to it


def test_a_rule_link_never_joins_what_a_person_kept_apart():
    ucdp = row(incident_id="UCDP-1", source_record_id="1", dataset="ucdp", **KAMONA,
               perpetrator_category="state_forces", fatalities_min="21", fatalities_max="30")
    apart = Decision("ACLED-1", "UCDP-1", "apart", author="ana", at="2025-11-20T10:00:00Z", reason="two raids")
    found, _ = groups(incidents(curated(), acled(), ucdp), [apart])
    assert not any({"ACLED-1", "UCDP-1"} <= g for g in found)


def test_incident_groups_follow_linked_decisions_only():
    decisions = [Decision("A", "B", "linked", "auto", "t", "r"), Decision("B", "C", "pending", "auto", "t", "r"),
                 Decision("C", "Z", "linked", "ana", "t", "r")]  # Z is not in the store
    assert incident_groups(["A", "B", "C", "D"], decisions).tolist() == [0, 0, 2, 3]


# ---- the index finds what comparing every pair finds --------------------------------------------------------
PLACES = [("Kamona", 13.97683, -5.920579), ("Balle", 13.807593, -6.270801), ("Farabougou", 14.882006, -6.144326),
          ("Kalala", 13.765621, -5.109455), ("a hamlet", 13.99, -5.93)]


def _pool(n: int = 80, seed: int = 12):
    """Validated reports with a few places, days, precisions, datasets, perpetrators and tolls (validated once:
    examples pick subsets of them)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        name, lat, lon = PLACES[rng.integers(len(PLACES))]
        lo = None if rng.random() < 0.2 else int(rng.integers(0, 30))
        rows.append(row(
            incident_id=f"R-{k:02d}", source_record_id=f"R-{k:02d}",
            dataset=str(rng.choice(["segou-curated", "acled", "ucdp", "user"])), location=name,
            latitude=f"{lat + rng.uniform(-0.3, 0.3):.4f}", longitude=f"{lon + rng.uniform(-0.3, 0.3):.4f}",
            geo_precision=str(rng.choice(["1", "2"])),
            date_start=(pd.Timestamp("2025-10-01") + pd.Timedelta(days=int(rng.integers(0, 12)))).strftime("%Y-%m-%d"),
            date_precision=str(rng.choice(["day", "day", "day", "week", "month"])),
            admin3=rng.choice([None, "Pogo", "Dogofry"]),
            perpetrator_category=str(rng.choice(["state_forces", "jihadist_group", "unidentified",
                                                 "state_forces;progov_militia", "progov_militia"])),
            fatalities_min=None if lo is None else str(lo),
            fatalities_max=None if lo is None or rng.random() < 0.2 else str(lo + int(rng.integers(0, 10))),
        ))
    return incidents(*rows)


POOL = _pool()


@st.composite
def report_sets(draw, max_size=16):
    chosen = draw(st.lists(st.integers(0, len(POOL) - 1), min_size=2, max_size=max_size, unique=True))
    return POOL.iloc[chosen]


def _all_pairs(f) -> pd.DataFrame:
    i, j = np.triu_indices(len(f), k=1)
    overlap = (f.wide_start[i] <= f.wide_end[j]) & (f.wide_start[j] <= f.wide_end[i])
    name = np.array([bool(f.names[x] & f.names[y]) for x, y in zip(i, j, strict=True)], dtype=bool)
    commune = np.array([f.commune[x] is not None and f.commune[x] == f.commune[y] for x, y in zip(i, j, strict=True)],
                       dtype=bool)
    near = distance_km(f, i, j) <= np.fmax(f.radius[i], f.radius[j])
    keep = overlap & (name | commune | near)
    return pd.DataFrame({"i": i[keep], "j": j[keep], "name": name[keep], "commune": commune[keep],
                         "near": near[keep]})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_sets())
def test_the_index_finds_every_pair_that_comparing_all_pairs_finds(reports):
    f = features(reports)
    indexed = candidate_pairs(f)
    brute = _all_pairs(f)
    assert sorted(zip(indexed["i"], indexed["j"], strict=True)) == sorted(zip(brute["i"], brute["j"], strict=True))
    pd.testing.assert_frame_equal(score_pairs(f, indexed), score_pairs(f, brute.sort_values(["i", "j"])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_sets(), st.randoms(use_true_random=False))
def test_the_incidents_do_not_depend_on_the_order_of_the_reports(reports, rnd):
    order = list(range(len(reports)))
    rnd.shuffle(order)
    shuffled = reports.iloc[order]
    first, rec1 = groups(reports)
    second, rec2 = groups(shuffled)
    assert first == second
    pd.testing.assert_frame_equal(rec1.links, rec2.links)
    pd.testing.assert_frame_equal(rec1.pending, rec2.pending)


@pytest.mark.parametrize("size", [0, 1])
def test_tiny_sets(size):
    reports = incidents(curated()).iloc[:size]
    rec = reconcile(reports)
    assert rec.links.empty and rec.pending.empty and len(rec.group) == size
