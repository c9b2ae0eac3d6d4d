"""Offline place-name lookup for incidents that name a place but give no coordinates.

The gazetteer is a CSV (``dashboard/bundled/gazetteer.csv``) with at least ``name``, ``alternate_names`` (``;``-separated
other spellings), ``latitude``, ``longitude``, ``admin1``, ``admin2`` and ``source``. Lookups ignore case,
accents, punctuation and spacing ("Ké-Macina" = "ke macina" = "KE MACINA"), and find a place by any of its
alternate names ("Macina", "Ségou"/"Segou").

**Never guess.** If a name (after normalisation) belongs to two or more *different* places — the same
village name exists in several cercles, or an alternate name of one place is the name of another —
:meth:`Gazetteer.lookup` returns ``None`` and the incident stays without a point; :meth:`Gazetteer.candidates`
lists the places so a person can choose. A trailing generic word ("Dioura village", "Niono cercle") is
dropped only when the full name is not found.

:func:`geocode_missing` and :func:`spell_cercles` apply it to the rows of an import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import bundled
from dashboard.data.missing import is_blank, is_missing, text_or_none
from dashboard.data.readers import read_csv_text
from dashboard.data.textfold import fold_key
from dashboard.errors import UnreadableFile

DEFAULT_PATH = bundled.path("gazetteer.csv")
REQUIRED = ("name", "latitude", "longitude")
_GENERIC_SUFFIX = re.compile(r"\s+(village|town|city|commune|cercle|district|region|area|market|hamlet)$")


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    latitude: float
    longitude: float
    admin1: str | None = None
    admin2: str | None = None
    source: str | None = None


_PLACE_PUNCTUATION = re.compile(r"[\W_]+")


def place_key(name: object) -> str:
    """``"Ké-Macina"`` → ``"ke macina"``: NFKD without accents, case-folded, punctuation as spaces."""
    return fold_key(name, _PLACE_PUNCTUATION)


class Gazetteer:
    def __init__(self, places: list[Place], alternates: list[list[str]] | None = None) -> None:
        self.places = list(places)
        self._index: dict[str, list[Place]] = {}
        alternates = alternates or [[] for _ in self.places]
        for place, alts in zip(self.places, alternates, strict=True):
            for name in (place.name, *alts):
                key = place_key(name)
                if key and place not in self._index.setdefault(key, []):
                    self._index[key].append(place)
        self._cercles: dict[str, set[str]] = {}
        for place in self.places:
            if place.admin2:
                self._cercles.setdefault(_admin_key(place.admin2), set()).add(place.admin2)

    @classmethod
    def from_csv(cls, path: str | Path) -> Gazetteer:
        path = Path(path)
        frame = read_csv_text(path)
        frame.columns = [c.lower() for c in frame.columns]
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise UnreadableFile(f"{path.name}: gazetteer is missing column(s) {', '.join(missing)}")
        places, alternates = [], []
        for row_number, r in frame.iterrows():
            lat = pd.to_numeric(r.get("latitude"), errors="coerce")
            lon = pd.to_numeric(r.get("longitude"), errors="coerce")
            name = r.get("name")
            if not isinstance(name, str) or not name.strip():
                continue
            if is_missing(lat) or is_missing(lon) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise UnreadableFile(f"{path.name}: row {row_number} ({name}) has no valid latitude/longitude")
            places.append(Place(
                name=name.strip(),
                latitude=float(lat),
                longitude=float(lon),
                admin1=text_or_none(r.get("admin1")),
                admin2=text_or_none(r.get("admin2")),
                source=text_or_none(r.get("source")),
            ))
            alts = r.get("alternate_names")
            alternates.append([a.strip() for a in alts.split(";") if a.strip()] if isinstance(alts, str) else [])
        return cls(places, alternates)

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer. It is package data, so it is always there: a missing or empty one means a broken
        install, and is an error -- never an empty gazetteer that would silently geocode nothing."""
        if not DEFAULT_PATH.is_file():
            raise UnreadableFile(f"the bundled gazetteer {DEFAULT_PATH} is missing: the package is installed "
                                 "without its data files; reinstall it")
        gazetteer = cls.from_csv(DEFAULT_PATH)
        if not gazetteer.places:
            raise UnreadableFile(f"the bundled gazetteer {DEFAULT_PATH} holds no place: reinstall the package")
        return gazetteer

    def candidates(self, name: object) -> list[Place]:
        """Every place the name may refer to (empty if unknown; several if ambiguous)."""
        key = place_key(name)
        if not key:
            return []
        found = self._index.get(key)
        if found is None:
            shorter = _GENERIC_SUFFIX.sub("", key)
            found = self._index.get(shorter, []) if shorter != key else []
        return list(found)

    def cercle(self, name: object) -> str | None:
        """The gazetteer's spelling of the cercle that ``name`` names ("Segou", "SEGOU", "Ségou cercle" → "Ségou");
        ``None`` when it names no cercle the gazetteer knows, or could be two of them."""
        spellings = self._cercles.get(_admin_key(name), set())
        return next(iter(spellings)) if len(spellings) == 1 else None

    def lookup(self, name: object, *, admin2: object = None) -> Place | None:
        """The one place this name denotes, or ``None`` if unknown or ambiguous (never a guess).

        ``admin2`` (the incident's own cercle, if it gives one) only narrows an ambiguous name down to the
        candidates in that cercle; it never makes an unknown name match.
        """
        found = self.candidates(name)
        if len(found) > 1 and _admin_key(admin2):
            same_cercle = [p for p in found if _admin_key(p.admin2) == _admin_key(admin2)]
            found = same_cercle or found
        points = {(p.latitude, p.longitude) for p in found}
        return found[0] if len(points) == 1 else None  # one row, or duplicate rows of the same point

    def __len__(self) -> int:
        return len(self.places)


def _admin_key(value: object) -> str:
    """``"Macina cercle"`` and ``"Macina"`` are the same cercle."""
    return _GENERIC_SUFFIX.sub("", place_key(value))


# ---- applying the gazetteer to incident rows ----------------------------------------------------------------------------------------
def geocode_missing(flat: pd.DataFrame, gazetteer: Gazetteer) -> tuple[pd.DataFrame, list[str]]:
    """Give rows that name a place but have no coordinates the gazetteer's point for that place.

    A geocoded row gets ``geo_precision`` 2 ("near a named place"; 3 stays 3: a region-level report does not
    become more precise because its place has a point) and ``geocoded_from`` = ``"<place> — <source>"``.
    Names the gazetteer does not know, or cannot tell apart, stay without a point and are returned, sorted.
    """
    out = flat.copy()
    for col in ("latitude", "longitude", "location", "admin2", "geo_precision", "geocoded_from"):
        if col not in out.columns:
            out[col] = None
    out = out.astype({c: object for c in ("latitude", "longitude", "geo_precision", "geocoded_from")})
    unplaced = out["latitude"].map(is_blank) & out["longitude"].map(is_blank) & ~out["location"].map(is_blank)
    unresolved: set[str] = set()
    for row in out.index[unplaced.to_numpy(dtype=bool)]:
        name = str(out.at[row, "location"]).strip()
        place = gazetteer.lookup(name, admin2=out.at[row, "admin2"])
        if place is None:
            unresolved.add(name)
            continue
        out.at[row, "latitude"] = place.latitude
        out.at[row, "longitude"] = place.longitude
        current = pd.to_numeric(pd.Series([out.at[row, "geo_precision"]]), errors="coerce").iloc[0]
        if is_missing(current) or current in (1, 2):
            out.at[row, "geo_precision"] = 2
        out.at[row, "geocoded_from"] = f"{place.name} — {place.source}" if place.source else place.name
    return out, sorted(unresolved)


def spell_cercles(flat: pd.DataFrame, gazetteer: Gazetteer) -> tuple[pd.DataFrame, dict[str, str]]:
    """Write cercle (``admin2``) names the gazetteer knows in its spelling, so that one cercle is one filter
    value whatever the source wrote ("Segou" and "Niono cercle" from ACLED or UCDP become "Ségou" and "Niono").
    Names it does not know are kept as given. Returns the frame and what was renamed (as given → as written)."""
    if "admin2" not in flat.columns:
        return flat, {}
    renamed = {}
    for given in flat["admin2"].dropna().unique():
        canonical = gazetteer.cercle(given) if isinstance(given, str) else None
        if canonical is not None and canonical != given:
            renamed[given] = canonical
    if not renamed:
        return flat, {}
    out = flat.copy()
    out["admin2"] = out["admin2"].map(lambda v: renamed.get(v, v) if isinstance(v, str) else v)
    return out, dict(sorted(renamed.items()))
