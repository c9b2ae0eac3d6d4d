"""The bundled Ségou dataset: valid, faithful to the reference facts the project relies on."""

import csv
from datetime import date
from pathlib import Path

from dashboard.data.schema import parse_sources
from dashboard.data.store import BUNDLED_CSV, load_bundled
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "segou_incidents.csv"


def test_every_bundled_incident_is_valid_and_sourced():
    incidents = load_bundled()
    with BUNDLED_CSV.open(encoding="utf-8") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    assert len(incidents) == n_rows
    assert incidents["incident_id"].is_unique
    for cell in incidents["sources"]:
        assert any(s.url and s.url.startswith("http") for s in parse_sources(cell))


def test_october_2025_state_and_militia_killings_are_reproducible():
    """HRW, 18 Nov 2025: at least 21 men in Kamona (2 Oct) and at least 10 people in Balle (13 Oct)."""
    spec = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31),
                      perpetrator_categories=frozenset({"state_forces"}))
    view = filter_incidents(load_bundled(), spec).set_index("incident_id")
    assert view.loc["SEG-2025-008", "location"].startswith("Kamona")
    assert view.loc["SEG-2025-008", "fatalities_min"] == 21
    assert view.loc["SEG-2025-010", "location"].startswith("Balle")
    assert view.loc["SEG-2025-010", "fatalities_min"] == 10
    assert view.loc["SEG-2025-010"].geometry is None  # Balle was never located: no invented point


def test_coordinates_and_tolls_match_the_reference_file():
    with REFERENCE.open(encoding="utf-8") as fh:
        reference = {r["incident_id"]: r for r in csv.DictReader(fh)}
    incidents = load_bundled().set_index("incident_id")
    assert set(incidents.index) == set(reference)
    for ident, ref in reference.items():
        got = incidents.loc[ident]
        for col in ("fatalities_min", "fatalities_max"):
            expected = int(ref[col]) if ref[col] else None
            value = None if got[col] is None or str(got[col]) == "<NA>" else int(got[col])
            assert value == expected, (ident, col)
        if ref["latitude"]:
            assert (got.geometry.y, got.geometry.x) == (float(ref["latitude"]), float(ref["longitude"])), ident
        else:
            assert got.geometry is None, ident
