"""The bundled Ségou dataset: valid, faithful to both reference files (plus the documented corrections), and every
place resolved by the village geocoder exactly as its ``geocoded_from`` says."""

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import bundled
from dashboard.data.geocoder import Geocoder
from dashboard.data.schema import SUB_EVENT_TYPES, parse_sources
from dashboard.data.store import BUNDLED_CSV, load_bundled
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference"
CATEGORY = {"state forces": "state_forces", "foreign forces": "foreign_forces",
            "pro-government militia": "progov_militia", "jihadist armed group": "jihadist_group",
            "unidentified": "unidentified", "other armed group": "other_armed_group",
            "communal militia": "communal_militia"}
# ADDITIONS_NOTES.md, "Corrections to the first 36 rows", with the value each correction gives.
CORRECTED_TOLL = {"SEG-2020-001": (1, 1)}  # 1: an AFP copy (enligne.sn) reports a young villager killed
CORRECTED_DATES = {"SEG-2020-001": ("2020-10-06", "2020-10-15"),  # 1: Bamada, village freed on 15 October
                   "SEG-2020-004": ("2020-11-02", "2020-11-03")}  # 2: RFI/Bamada/Le Challenger 2 Nov, others 3 Nov
DOZO_RECODED = {"SEG-2017-002", "SEG-2019-001"}  # 6: Dozo are pro-government militia (was communal_militia)
CALL = re.compile(r"geocode\(“(?P<query>[^”]*)”(?:, commune “(?P<commune>[^”]*)”)?(?:, cercle “(?P<cercle>[^”]*)”)?\)"
                  r" → (?P<verdict>\w+): ")


def _reference() -> dict[str, dict]:
    rows = {}
    for name in ("segou_incidents.csv", "segou_incidents_additions.csv"):
        with (REFERENCE / name).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                assert r["incident_id"] not in rows
                rows[r["incident_id"]] = r
    return rows


@pytest.fixture(scope="module")
def reference() -> dict[str, dict]:
    return _reference()


def curated():
    """The curated record (a fresh store also holds the UCDP layer, tested in test_ucdp.py)."""
    everything = load_bundled()
    return everything.loc[everything["dataset"] == "segou-curated"].reset_index(drop=True)


@pytest.fixture(scope="module")
def incidents():
    return curated().set_index("incident_id")


@pytest.fixture(scope="module")
def villages() -> pd.DataFrame:
    return pd.read_csv(bundled.path("segou_villages.csv"), dtype=str, keep_default_na=False).set_index("source_id")


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) or value == "" else int(value)


def test_every_bundled_incident_is_valid_and_sourced():
    incidents = curated()
    with BUNDLED_CSV.open(encoding="utf-8") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    assert len(incidents) == n_rows == 81
    assert incidents["incident_id"].is_unique
    for cell in incidents["sources"]:
        assert any(s.url and s.url.startswith("http") for s in parse_sources(cell))


def test_the_rows_are_the_81_of_the_two_reference_files(incidents, reference):
    assert set(incidents.index) == set(reference)
    assert (incidents["source_record_id"] == incidents.index).all()


def test_tolls_match_the_reference_or_a_documented_correction(incidents, reference):
    for ident, ref in reference.items():
        expected = CORRECTED_TOLL.get(ident, (_int(ref["fatalities_min"]), _int(ref["fatalities_max"])))
        got = incidents.loc[ident]
        assert (_int(got["fatalities_min"]), _int(got["fatalities_max"])) == expected, ident
        assert pd.isna(got["fatalities_best"])  # no best estimate is asserted


def test_more_than_n_is_n_plus_one_with_no_upper_bound(incidents):
    for ident, n in (("SEG-2021-004", 20), ("SEG-2023-006", 10)):  # "more than 20", "more than ten"
        assert _int(incidents.loc[ident, "fatalities_min"]) == n + 1
        assert pd.isna(incidents.loc[ident, "fatalities_max"])


def test_dates_cover_the_reference_date_or_follow_a_documented_correction(incidents, reference):
    for ident, ref in reference.items():
        start, end = incidents.loc[ident, "date_start"], incidents.loc[ident, "date_end"]
        if ident in CORRECTED_DATES:
            assert (start, end) == tuple(pd.Timestamp(d) for d in CORRECTED_DATES[ident]), ident
            continue
        given = pd.Timestamp(ref["date"] + ("-01" if len(ref["date"]) == 7 else ""))
        assert start <= given <= end, ident
        if ref["date_end"]:
            assert end == pd.Timestamp(ref["date_end"]), ident


def test_first_source_and_perpetrators_follow_the_reference(incidents, reference):
    for ident, ref in reference.items():
        row = incidents.loc[ident]
        first = parse_sources(row["sources"])[0]
        assert first.url == (ref["source_url"] or None), ident
        categories = row["perpetrator_category"].split(";")
        standard = {CATEGORY[c.strip()] for c in ref["perpetrator_categories_std"].split(";")}
        assert set(categories) <= standard, ident  # a suspicion the sources do not carry stays in the text only
        assert "communal_militia" not in categories or ident not in DOZO_RECODED
    for ident in DOZO_RECODED:
        assert incidents.loc[ident, "perpetrator_category"] == "progov_militia"
        assert "correction 6" in incidents.loc[ident, "verification_note"]


def test_civilian_flag_follows_the_reference_inclusion_flag(incidents, reference):
    for ident, ref in reference.items():
        civilian = ref["inclusion_flag"].startswith(("civilian victims", "adjacent"))
        assert bool(incidents.loc[ident, "civilian_targeting"]) is civilian, ident
        if not civilian:
            assert incidents.loc[ident, "inclusion_note"], ident


def test_event_types_are_acleds(incidents):
    for ident, row in incidents.iterrows():
        assert row["sub_event_type"] in SUB_EVENT_TYPES[row["event_type"]], ident


def test_every_place_is_what_the_geocoder_says_and_precision_is_honest(incidents, villages):
    geocoder = Geocoder.default()
    for ident, row in incidents.iterrows():
        text = row["geocoded_from"]
        call = CALL.search(text)
        if row.geometry is None:
            assert row["geo_precision"] == 3 and text.startswith("not placed — "), ident
            if call:
                again = geocoder.geocode(call["query"], commune=call["commune"], cercle=call["cercle"])
                assert again.point is None and again.verdict == call["verdict"], ident
            continue
        assert call, ident
        source_id = text.split(" ", 1)[0]
        record = villages.loc[source_id]
        assert (row.geometry.y, row.geometry.x) == (float(record["latitude"]), float(record["longitude"])), ident
        again = geocoder.geocode(call["query"], commune=call["commune"], cercle=call["cercle"])
        assert (again.verdict, again.point.source_id) == (call["verdict"], source_id), ident
        if row["geo_precision"] == 1:
            assert again.verdict == "exact", ident
        else:
            assert row["geo_precision"] == 2, ident
            if again.verdict == "exact":  # a village found but used at precision 2: the row must say why
                assert re.search(r"Precision 2|Inference", text), ident


def test_kamona_is_at_the_pogo_kamona_and_balle_is_an_inference(incidents):
    kamona = incidents.loc["SEG-2025-008"]
    assert kamona["geo_precision"] == 1 and kamona["geocoded_from"].startswith("cod-pp:ML040507010 Kamona (Pogo, Niono)")
    assert round(kamona.geometry.y, 2) == 13.98 and round(kamona.geometry.x, 2) == -5.92
    balle = incidents.loc["SEG-2025-010"]
    assert balle["geo_precision"] == 2 and "Inference" in balle["geocoded_from"] and "55 km" in balle["geocoded_from"]


def test_october_2025_state_and_militia_killings_are_reproducible():
    """HRW, 18 Nov 2025: at least 21 men in Kamona (2 Oct) and at least 10 people in Balle (13 Oct); RFI: about
    30 herders near Markala (23 Oct); six people on the way to the Dougabougou fair (4 Oct)."""
    spec = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31),
                      perpetrator_categories=frozenset({"state_forces"}))
    view = filter_incidents(curated(), spec).set_index("incident_id")
    assert sorted(view.index) == ["SEG-2025-008", "SEG-2025-009", "SEG-2025-010", "SEG-2025-016"]
    assert view.loc["SEG-2025-008", "location"].startswith("Kamona")
    assert view.loc["SEG-2025-008", "fatalities_min"] == 21
    assert view.loc["SEG-2025-010", "location"].startswith("Balle")
    assert view.loc["SEG-2025-010", "fatalities_min"] == 10
    assert view.loc["SEG-2025-016", "fatalities_min"] == 30
    assert int(view["fatalities_min"].sum()) == 67 and int(view["fatalities_max"].sum()) == 85
