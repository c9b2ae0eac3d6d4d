"""Small incident rows written in code: each test states exactly the facts it relies on."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from dashboard.data.schema import FLAT_COLUMNS
from dashboard.data.validate import validate_flat

SOURCE = json.dumps([{"organisation": "Test Desk", "title": "A report", "url": "https://example.org/r/1",
                      "published": "2025-10-20"}])


def row(**overrides) -> dict:
    base = {
        "incident_id": "T-1",
        "date_start": "2025-10-02",
        "date_precision": "day",
        "location": "Kamona",
        "admin1": "Ségou",
        "admin2": "Niono",
        "latitude": "14.2526",
        "longitude": "-5.993",
        "geo_precision": "2",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "civilian_targeting": "true",
        "perpetrators": "Malian army; Dozo militia",
        "perpetrator_category": "state_forces;progov_militia",
        "attribution_basis": "witness",
        "fatalities_min": "21",
        "fatalities_max": "37",
        "summary": "Test incident.",
        "sources": SOURCE,
        "verification": "corroborated",
        "dataset": "user",
        "source_record_id": "T-1",
    }
    base.update(overrides)
    if "incident_id" in overrides and "source_record_id" not in overrides:
        base["source_record_id"] = overrides["incident_id"]  # one report of a dataset is one stored record
    return base


def flat(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=list(FLAT_COLUMNS)).astype(object)
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    return df


def incidents(*rows: dict):
    result = validate_flat(flat(*rows))
    assert result.rejects.empty, result.rejects.to_string()
    return result.valid


def render(m) -> str:
    """The full HTML of a folium map, with the local (offline) asset links the app uses."""
    from dashboard.viz.assets import use_local_assets

    use_local_assets()
    return m.get_root().render()


def children_of_type(m, name: str) -> list:
    """Every element of a folium map whose class is called ``name`` (depth first)."""
    found = []

    def walk(el):
        for child in el._children.values():
            if type(child).__name__ == name:
                found.append(child)
            walk(child)

    walk(m)
    return found


@functools.cache
def _bundled_level():
    """The bundled reports, the decisions a fresh store starts with, and the incident frame they make, computed from
    the bundled files (not read from a store)."""
    from dashboard.data.reconcile.view import bundled_decisions, incidents_of
    from dashboard.data.store import load_bundled

    reports = load_bundled()
    decisions = tuple(bundled_decisions(reports, at="2000-01-01T00:00:00Z"))
    return reports, decisions, incidents_of(reports, decisions).frame


def bundled_incidents():
    """What a fresh store counts: the bundled reports grouped by the bundled decisions (a copy)."""
    return _bundled_level()[2].copy()


def bundled_version() -> str:
    """The dataset version of a fresh store (its reports, linked pairs and the bundled responses)."""
    from dashboard.data.store import bundled_responses, dataset_version

    reports, decisions, _ = _bundled_level()
    return dataset_version(reports, decisions, bundled_responses())


ACLED_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "acled_segou_overlap.csv"
# an ACLED report waiting for review: same day and commune as SEG-2026-002, 15 km away, no common name
NEAR_SIRAKORO = dict(event_id_cnty="R1", event_date="2026-01-08", year="2026",
                     actor1="Unidentified Armed Group (Mali)", assoc_actor_1="", inter1="Political militia",
                     admin2="Macina", admin3="Kolongotomo", location="Sirakoro", latitude="13.93", longitude="-5.85",
                     geo_precision="2", fatalities="3",
                     notes="Fixture: on 8 January 2026, armed men killed 3 people near Sirakoro.")


def acled_file(path: Path, **fields: str) -> Path:
    """A one-row file in ACLED's layout: the first row of the ACLED test fixture with ``fields`` replaced. Reports
    of a dataset come in its own layout (the importer gives a file's rows its layout's dataset)."""
    first = pd.read_csv(ACLED_FIXTURE, dtype=str, keep_default_na=False).iloc[:1]
    first.assign(**fields).to_csv(path, index=False)
    return path
