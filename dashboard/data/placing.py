"""Placing the rows of an import: the village geocoder for rows that name a place but give no point, then the
administrative units of every row (:func:`dashboard.data.units.assign_units`).

A row without coordinates, located finer than the region (``geo_precision`` 1, 2 or not given), is looked up with
:meth:`dashboard.data.geocoder.Geocoder.geocode` from its ``location`` and the commune (``admin3``) and cercle
(``admin2``) it reports:

* ``exact`` — the village's point; ``geo_precision`` as the row gives it (1 or 2), else 1; ``located_to`` place;
* ``commune`` / ``cercle`` — the unit's seat, precision 2, ``located_to`` commune / cercle (drawn as its outline);
* ``ambiguous`` / ``not_found`` — no point, nothing guessed: the name is listed in the import report (ambiguous
  names with their candidates).

``geocoded_from`` says what the point is and why (the geocoder's reason). Region-level rows (precision 3) are not
looked up: a point would not make them more precise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.data.admin import AdminNames
from dashboard.data.geocoder import Geocoder
from dashboard.data.missing import is_blank
from dashboard.data.readers import read_csv_text
from dashboard.data.units import assign_units
from dashboard.errors import UnreadableFile
from dashboard.i18n import N_, Count

__all__ = ["Placing", "load_geocoder", "place_rows"]

LOCATED_TO = {"exact": "place", "commune": "commune", "cercle": "cercle"}
GAZETTEER_COLUMNS = ("source_id", "name", "alt_names", "latitude", "longitude", "feature_code", "cercle",
                     "cercle_pcode", "commune", "commune_pcode", "seat_of", "place_id", "point_commune_pcode",
                     "km_outside_commune")


@dataclass
class Placing:
    """What placing did, for the import report."""

    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # name as given -> its candidates
    not_found: list[str] = field(default_factory=list)
    cercles: dict[str, str] = field(default_factory=dict)  # cercle as the file writes it -> the cercle it names


def place_rows(flat: pd.DataFrame, geocoder: Geocoder) -> tuple[pd.DataFrame, Placing]:
    """Geocode the rows that need it, compute every row's units; returns the frame and what was done."""
    out = flat.copy()
    for col in ("latitude", "longitude", "location", "admin1", "admin2", "admin3", "geo_precision", "located_to",
                "geocoded_from"):
        if col not in out.columns:
            out[col] = None
    out = out.astype({c: object for c in ("latitude", "longitude", "geo_precision", "located_to", "geocoded_from")})
    precision = pd.to_numeric(out["geo_precision"].astype("string"), errors="coerce")
    unplaced = (out["latitude"].map(is_blank) & out["longitude"].map(is_blank) & ~out["location"].map(is_blank)
                & ~precision.eq(3).fillna(False))
    placing = Placing()
    ambiguous: dict[str, list[str]] = {}
    not_found: set[str] = set()
    for row in out.index[unplaced.to_numpy(dtype=bool)]:
        name = str(out.at[row, "location"]).strip()
        result = geocoder.geocode(name, commune=_text(out.at[row, "admin3"]), cercle=_text(out.at[row, "admin2"]))
        if result.point is None:
            if result.verdict == "ambiguous":
                ambiguous[name] = [f"{c.label()} {c.source_id}" for c in result.candidates]
            else:
                not_found.add(name)
            continue
        out.at[row, "latitude"] = result.point.latitude
        out.at[row, "longitude"] = result.point.longitude
        given = precision[row]
        exact = result.verdict == "exact"
        out.at[row, "geo_precision"] = int(given) if exact and given in (1, 2) else (1 if exact else 2)
        out.at[row, "located_to"] = LOCATED_TO[result.verdict]
        out.at[row, "geocoded_from"] = result.geocoded_from
    out = assign_units(out, names=geocoder.names)
    placing.ambiguous = dict(sorted(ambiguous.items()))
    placing.not_found = sorted(not_found)
    placing.cercles = _cercles_read(out, geocoder.names)
    return out, placing


def _text(value: object) -> str | None:
    return None if is_blank(value) else str(value).strip()


def _cercles_read(out: pd.DataFrame, names: AdminNames) -> dict[str, str]:
    """Each reported cercle name that names a pre-2023 cercle in another spelling ("Segou" → Ségou, "cercle de
    Markala" → Ségou)."""
    read = {}
    for given in pd.unique(out["admin2"].dropna()):
        if not isinstance(given, str) or not given.strip():
            continue
        match = names.cercle(given)
        if match.cercle and match.cercle != given.strip():
            read[given] = match.cercle
    return dict(sorted(read.items()))


def load_geocoder(path: str | Path) -> Geocoder:
    """A geocoder over another village gazetteer in the layout of the bundled ``segou_villages.csv`` (a copy of it
    with places added or corrected). It must hold the seat of every cercle and commune: the geocoder locates
    incidents known only to a unit at its seat."""
    path = Path(path)
    frame = read_csv_text(path).fillna("")
    missing = [c for c in GAZETTEER_COLUMNS if c not in frame.columns]
    if missing:
        raise UnreadableFile(N_("{name}: a village gazetteer needs the columns of segou_villages.csv; missing "
                                "{columns}"), name=path.name, columns=", ".join(missing))
    names = AdminNames.default()
    seats = {p for cell in frame["seat_of"] for p in cell.split()}
    units = set(names.pcodes())
    lacking = sorted(units - seats)
    if lacking:
        raise UnreadableFile(N_("{name}: no seat record for {n} unit(s) ({units}); keep the seat rows of "
                                "segou_villages.csv"), name=path.name, n=Count(len(lacking)),
                             units=", ".join(lacking[:5]) + (", ..." if len(lacking) > 5 else ""))
    orphans = sorted(set(frame["place_id"]) - set(frame["source_id"]))
    if orphans:
        raise UnreadableFile(N_("{name}: place_id {id} is not the source_id of any row"), name=path.name,
                             id=repr(orphans[0]))
    bad = ~np.isfinite(pd.to_numeric(frame["latitude"], errors="coerce")) | \
        ~np.isfinite(pd.to_numeric(frame["longitude"], errors="coerce"))
    if bad.any():
        raise UnreadableFile(N_("{name}: row {row} has no valid latitude/longitude"), name=path.name,
                             row=int(np.flatnonzero(bad)[0]) + 2)
    return Geocoder(frame, names)
