"""Geocoder over the village gazetteer (``segou_villages.csv``): a place name plus the commune/cercle a report gives.

Verdicts (:data:`VERDICTS`):

* ``exact`` — one place of that name (in the commune or cercle given, if any): geo precision 1 at its point,
  ``geocoded_from`` naming its gazetteer source id;
* ``commune`` — the name is only known as a commune, or the village is not in the gazetteer (or not in the
  commune given) but the commune is: precision 2, located to that commune (the point of its seat);
* ``cercle`` — the same with only a cercle known: precision 2, located to the cercle (its seat);
* ``ambiguous`` — several places carry the name and the commune/cercle given (if any) does not tell them apart:
  no point, the candidates listed. Homonyms are never resolved by guessing;
* ``not_found`` — nothing in the gazetteer, and no commune or cercle given.

Names are matched ignoring accents, case and punctuation, on the gazetteer's names and alternate names, then, only
if nothing matched, on spelling variants (:func:`dashboard.data.placekeys.loose_key`: Diarrakala = Diarakala,
Dogofry = Dogofri, Kalala-peul = Kallala Peulh). Records of one place (COD and GeoNames, see ``place_id``) count
once. A cercle written in the 2023 frame ("Markala", "cercle de Ké-Macina") goes through
:class:`dashboard.data.admin.AdminNames`. A gazetteer point lying more than :data:`MAX_KM_OUTSIDE` km outside its
own commune is not trusted as a village point (one of the two is wrong): the place is then located to its commune.
Every result carries a one-sentence ``reason``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from dashboard import bundled
from dashboard.data.admin import AdminNames, UnitMatch
from dashboard.data.placekeys import key, loose_key, unit_name

VILLAGES_FILE = "segou_villages.csv"
VERDICTS = ("exact", "commune", "cercle", "ambiguous", "not_found")
PRECISION = {"exact": 1, "commune": 2, "cercle": 2}
MAX_KM_OUTSIDE = 5.0  # COD-AB communes are generalised at 1:1M: a village a few km over the line is normal


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer place (its representative record)."""

    name: str
    source_id: str
    latitude: float
    longitude: float
    cercle: str
    cercle_pcode: str
    commune: str
    commune_pcode: str
    feature_code: str
    km_outside_commune: float

    @property
    def trusted(self) -> bool:
        return self.km_outside_commune <= MAX_KM_OUTSIDE

    def label(self) -> str:
        return f"{self.name} ({self.commune}, {self.cercle})"


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    query: str
    verdict: str
    reason: str
    candidates: tuple[Candidate, ...] = ()
    elsewhere: tuple[Candidate, ...] = ()  # places of that name outside the commune/cercle given
    point: Candidate | None = None  # the record whose point locates the result (village, or the unit's seat)
    cercle: str | None = None
    cercle_pcode: str | None = None
    commune: str | None = None
    commune_pcode: str | None = None
    match: str = ""  # "name", "alternate name", "spelling variant", "commune name", "cercle name" or ""
    notes: tuple[str, ...] = field(default=())

    @property
    def geo_precision(self) -> int | None:
        return PRECISION.get(self.verdict)

    @property
    def geocoded_from(self) -> str:
        """``"<source id> <what the point is> — <reason>"`` (empty when there is no point)."""
        if self.point is None:
            return ""
        if self.verdict == "exact":
            what = self.point.label()
        elif self.verdict == "commune":
            what = f"seat of the commune {self.commune} ({self.commune_pcode}, cercle {self.cercle})"
        else:
            what = f"seat of the cercle {self.cercle} ({self.cercle_pcode})"
        return f"{self.point.source_id} {what} — {self.reason}"

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(geo_precision=self.geo_precision, geocoded_from=self.geocoded_from)
        return out


class Geocoder:
    def __init__(self, villages: pd.DataFrame, names: AdminNames) -> None:
        self.names = names
        v = villages.fillna("")
        rep_index = dict(zip(v["source_id"], range(len(v)), strict=True))
        self._rows = v.to_dict("records")
        self._place = [rep_index[p] for p in v["place_id"]]  # record → its place's representative record
        self._exact: dict[str, list[tuple[int, str, str]]] = {}  # key → (record, name matched, how)
        self._loose: dict[str, list[tuple[int, str, str]]] = {}
        for i, r in enumerate(self._rows):
            for n, how in [(r["name"], "name"), *((a, "alternate name") for a in r["alt_names"].split("|") if a)]:
                self._exact.setdefault(key(n), []).append((i, n, how))
                self._loose.setdefault(loose_key(n), []).append((i, n, "spelling variant"))
        self._units: dict[int, tuple[set[str], set[str]]] = {}  # place → its records' communes, by P-code / point
        for i, r in enumerate(self._rows):
            stated, located = self._units.setdefault(self._place[i], (set(), set()))
            stated.add(r["commune_pcode"])
            located.add(r["point_commune_pcode"])
        self._seat: dict[str, int] = {}
        for i, r in enumerate(self._rows):
            for pcode in r["seat_of"].split():
                self._seat[pcode] = i
        self._candidates = [self._candidate(r) for r in self._rows]

    @classmethod
    def from_csv(cls, path: str | Path, names: AdminNames) -> Geocoder:
        return cls(pd.read_csv(path, dtype=str, keep_default_na=False), names)

    @classmethod
    @cache
    def default(cls) -> Geocoder:
        return cls.from_csv(bundled.path(VILLAGES_FILE), AdminNames.default())

    # -- the one entry point ------------------------------------------------------------------------------
    def geocode(self, name: object, *, commune: object = None, cercle: object = None) -> GeocodeResult:
        query = name.strip() if isinstance(name, str) else ""
        bare, unit_word = unit_name(query)
        cm = self.names.cercle(cercle) if _given(cercle) else None
        km = self.names.commune(commune, cercle=cercle if cm is not None and cm.found else None) \
            if _given(commune) else None
        notes = [m.reason for m in (cm, km) if m is not None and (not m.found or m.basis)]
        if cm is not None and cm.found and km is not None and km.commune_pcode and km.cercles[0] not in cm.cercles:
            notes.append(f"The commune {km.commune} is in cercle {km.cercles[0]}, not in {', '.join(cm.cercles)} "
                         f"as given; the commune is used.")
        ctx = _Context(km if km is not None and km.commune_pcode else None, cm if cm is not None and cm.found else None)
        if not bare:
            return self._unit(query, ctx, notes, "No place name was given")
        if unit_word == "commune":
            return self._as_commune(query, bare, ctx, notes)
        if unit_word == "cercle":
            return self._as_cercle(query, bare, ctx, notes)
        hits, match = self._lookup(bare)
        places = list(dict.fromkeys(self._place[i] for i, _, _ in hits))
        if not places:
            as_commune = self.names.commune(bare, cercle=_cercle_name(ctx))
            if as_commune.commune_pcode:
                return self._commune_result(query, as_commune, notes, "commune name",
                                            f"{query} is known only as a commune, {as_commune.commune}")
            if self.names.cercle(bare).found:
                return self._as_cercle(query, bare, ctx, notes)
            return self._unit(query, ctx, notes, f"{query} is not in the gazetteer")
        inside, outside, by_point = self._narrow(places, ctx)
        if not inside:
            return self._unit(query, ctx, notes, f"{query} is in the gazetteer only outside {ctx.label()} "
                                                 f"(as given): {self._labels(outside)}", outside)
        if len(inside) > 1:
            where = f" in {ctx.label()} (as given)" if ctx.known else ""
            return GeocodeResult(query, "ambiguous", f"{len(inside)} places are called {query}{where} "
                                 f"({self._labels(inside)}): no commune or cercle given tells them apart.",
                                 self._cands(inside), self._cands(outside), None, *ctx.fields(), match, tuple(notes))
        place = self._candidates[inside[0]]
        if not place.trusted:
            own = UnitMatch(place.commune, "commune", (place.cercle,), (place.cercle_pcode,), place.commune,
                            place.commune_pcode)
            return self._commune_result(
                query, own if ctx.commune is None else ctx.commune, notes, match,
                f"the gazetteer point of {place.label()} ({place.source_id}) lies {place.km_outside_commune:g} km "
                f"outside its commune, so it is not used", self._cands(inside), self._cands(outside))
        matched = list({key(n): n for i, n, _ in reversed(hits) if self._place[i] == inside[0]}.values())
        reason = self._exact_reason(query, place, match, matched, ctx, outside, by_point)
        return GeocodeResult(query, "exact", reason,
                             self._cands(inside), self._cands(outside), place, place.cercle, place.cercle_pcode,
                             place.commune, place.commune_pcode, match, tuple(notes))

    def geocode_many(self, names: Iterable[object]) -> list[GeocodeResult]:
        return [self.geocode(n) for n in names]

    # -- pieces ---------------------------------------------------------------------------------------------
    def _lookup(self, bare: str) -> tuple[list[tuple[int, str, str]], str]:
        """Records whose name or alternate name matches (exactly, else by spelling variant), and how."""
        found = self._exact.get(bare)
        if found:
            return found, "name" if any(h == "name" for _, _, h in found) else "alternate name"
        loose = self._loose.get(loose_key(bare))
        return (loose, "spelling variant") if loose else ([], "")

    def _narrow(self, places: list[int], ctx: _Context) -> tuple[list[int], list[int], bool]:
        """Places in the unit given, those outside it, and whether only their points (not their records'
        communes) put them inside: the records' own communes come first."""
        if not ctx.known:
            return places, [], False
        inside = [p for p in places if ctx.contains(self._units[p][0])]
        by_point = not inside
        if by_point:
            inside = [p for p in places if ctx.contains(self._units[p][1])]
        return inside, [p for p in places if p not in inside], by_point and bool(inside)

    def _exact_reason(self, query: str, place: Candidate, match: str, matched: list[str], ctx: _Context,
                      outside: list[int], by_point: bool) -> str:
        names = " / ".join(f"“{n}”" for n in matched)
        if match == "name":
            how = f" (recorded as {names})" if any(key(n) != key(place.name) for n in matched) else ""
        else:
            how = f" (by the {match} {names})"
        where = f" in {ctx.label()} (as given)" if ctx.known else " in the gazetteer"
        text = f"The only {query}{where} is {place.label()}{how}"
        if ctx.known and not ctx.contains({place.commune_pcode}):
            other = "its point lies" if by_point else "a linked record of it is"
            text += f", which the gazetteer records in commune {place.commune} while {other} in {ctx.label()}"
        if outside:
            text += f"; the other(s) lie outside it: {self._labels(outside)}"
        elif not ctx.known:
            text += "; no commune or cercle was given to confirm it"
        return text + "."

    def _as_commune(self, query: str, bare: str, ctx: _Context, notes: list[str]) -> GeocodeResult:
        m = self.names.commune(bare, cercle=_cercle_name(ctx))
        if m.commune_pcode:
            return self._commune_result(query, m, notes, "commune name", f"{query} names a commune")
        return self._unit(query, ctx, [*notes, m.reason], f"{query} is not a known commune")

    def _as_cercle(self, query: str, bare: str, ctx: _Context, notes: list[str]) -> GeocodeResult:
        m = self.names.cercle(query)
        if m.cercle:
            return self._cercle_result(query, m, notes, "cercle name", m.reason.rstrip("."))
        return self._unit(query, ctx, [*notes, m.reason], f"{query} is not a known cercle")

    def _unit(self, query: str, ctx: _Context, notes: list[str], why: str,
              elsewhere: list[int] = ()) -> GeocodeResult:
        """Located to the commune or cercle given, or not found."""
        if ctx.commune is not None:
            return self._commune_result(query, ctx.commune, notes, "", why, (), self._cands(elsewhere))
        if ctx.cercle is not None and ctx.cercle.cercle:
            return self._cercle_result(query, ctx.cercle, notes, "", why, self._cands(elsewhere))
        return GeocodeResult(query, "not_found", f"{why}, and no commune or cercle was given.",
                             (), self._cands(elsewhere), match="", notes=tuple(notes))

    def _commune_result(self, query: str, m: UnitMatch, notes: list[str], match: str, why: str,
                        candidates: tuple = (), elsewhere: tuple = ()) -> GeocodeResult:
        seat = self._candidates[self._seat[m.commune_pcode]]
        return GeocodeResult(query, "commune", f"{why[0].upper()}{why[1:]}: located to the commune {m.commune} "
                             f"({m.commune_pcode}, cercle {m.cercle}), at its seat {seat.name}.",
                             candidates, elsewhere, seat, m.cercle, m.cercle_pcode, m.commune, m.commune_pcode,
                             match, tuple(notes))

    def _cercle_result(self, query: str, m: UnitMatch, notes: list[str], match: str, why: str,
                       elsewhere: tuple = ()) -> GeocodeResult:
        seat = self._candidates[self._seat[m.cercle_pcode]]
        return GeocodeResult(query, "cercle", f"{why[0].upper()}{why[1:]}: located to the cercle {m.cercle} "
                             f"({m.cercle_pcode}), at its seat {seat.name}.", (), elsewhere, seat, m.cercle,
                             m.cercle_pcode, None, None, match, tuple(notes))

    def _cands(self, places: Iterable[int]) -> tuple[Candidate, ...]:
        return tuple(self._candidates[p] for p in places)

    def _labels(self, places: Iterable[int]) -> str:
        return ", ".join(self._candidates[p].label() for p in places)

    @staticmethod
    def _candidate(r: dict) -> Candidate:
        return Candidate(r["name"], r["source_id"], float(r["latitude"]), float(r["longitude"]), r["cercle"],
                         r["cercle_pcode"], r["commune"], r["commune_pcode"], r["feature_code"],
                         float(r["km_outside_commune"] or 0))


@dataclass(frozen=True, slots=True)
class _Context:
    """The commune and/or cercle a report gives, resolved; the commune wins where they disagree."""

    commune: UnitMatch | None
    cercle: UnitMatch | None

    @property
    def known(self) -> bool:
        return self.commune is not None or self.cercle is not None

    def contains(self, commune_pcodes: set[str]) -> bool:
        """Whether one of these communes is (or lies in) the unit given."""
        if self.commune is not None:
            return self.commune.commune_pcode in commune_pcodes
        return any(p[:6] in self.cercle.cercle_pcodes for p in commune_pcodes)  # ML040507 lies in ML0405

    def label(self) -> str:
        if self.commune is not None:
            return f"commune {self.commune.commune}"
        return f"cercle {' or '.join(self.cercle.cercles)}"

    def fields(self) -> tuple[str | None, str | None, str | None, str | None]:
        if self.commune is not None:
            m = self.commune
            return m.cercle, m.cercle_pcode, m.commune, m.commune_pcode
        if self.cercle is not None:
            return self.cercle.cercle, self.cercle.cercle_pcode, None, None
        return None, None, None, None


def _given(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _cercle_name(ctx: _Context) -> str | None:
    return ctx.cercle.cercle if ctx.cercle is not None else None

