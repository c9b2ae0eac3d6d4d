"""Offline place-name lookup for incidents that name a place but give no coordinates.

The gazetteer is a CSV (``data/gazetteer.csv``) with at least ``name``, ``alternate_names`` (``;``-separated
other spellings), ``latitude``, ``longitude``, ``admin1``, ``admin2`` and ``source``. Lookups ignore case,
accents, punctuation and spacing ("Ké-Macina" = "ke macina" = "KE MACINA"), and find a place by any of its
alternate names ("Macina", "Ségou"/"Segou").

**Never guess.** If a name (after normalisation) belongs to two or more *different* places — the same
village name exists in several cercles, or an alternate name of one place is the name of another —
:meth:`Gazetteer.lookup` returns ``None`` and the incident stays without a point; :meth:`Gazetteer.candidates`
lists the places so a person can choose. A trailing generic word ("Dioura village", "Niono cercle") is
dropped only when the full name is not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.data.sources.native import UnreadableFile, read_csv_text
from dashboard.data.textfold import fold

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "gazetteer.csv"
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
    return fold(name, _PLACE_PUNCTUATION)


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
            if pd.isna(lat) or pd.isna(lon) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise UnreadableFile(f"{path.name}: row {row_number} ({name}) has no valid latitude/longitude")
            places.append(Place(
                name=name.strip(),
                latitude=float(lat),
                longitude=float(lon),
                admin1=_text(r.get("admin1")),
                admin2=_text(r.get("admin2")),
                source=_text(r.get("source")),
            ))
            alts = r.get("alternate_names")
            alternates.append([a.strip() for a in alts.split(";") if a.strip()] if isinstance(alts, str) else [])
        return cls(places, alternates)

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer, or an empty one (every lookup misses) if it is not installed."""
        return cls.from_csv(DEFAULT_PATH) if DEFAULT_PATH.exists() else cls([])

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


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
