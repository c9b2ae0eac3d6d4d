"""Administrative units of the Ségou region in the pre-2023 frame: polygons, point-in-polygon, names.

* :func:`cercles` and :func:`communes` read the bundled COD-AB polygons (7 cercles, 119 communes, with P-codes).
* :func:`assign` gives every point the commune (and its cercle) that contains it, vectorised over a shapely
  ``STRtree`` (about a million points in a few seconds).
* :class:`AdminNames` turns a unit name as a report or a data source writes it into the pre-2023 unit:
  accents, case, ``"cercle de …"``/``"… cercle"`` and spelling variants are ignored (``"Segou"``, ``"Niono cercle"``,
  ``"cercle de Ké-Macina"``), a commune may be named by its seat (``"Kolongotomo"`` → Kolongo), and names from the
  2023 reform (``"cercle de Markala"``, ``"région de San"``) go through ``admin_names.csv``, which says for every
  mapping where it comes from and what is not known. Every answer carries a one-sentence reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import bundled
from dashboard.data.placekeys import key, loose_key, unit_name
from dashboard.errors import UserError
from dashboard.i18n import N_

CERCLES_FILE = "segou_cercles.geojson"
COMMUNES_FILE = "segou_communes.geojson"
NAMES_FILE = "admin_names.csv"
ASSIGNED_COLUMNS = ("cercle", "cercle_pcode", "commune", "commune_pcode")
REGION = "Ségou"
MEMO_SIZE = 100_000


@cache
def cercles() -> gpd.GeoDataFrame:
    """The 7 pre-2023 cercles: ``cercle``, ``cercle_pcode``, ``name_in_source``, ``area_km2``, geometry."""
    return gpd.read_file(bundled.path(CERCLES_FILE))


@cache
def communes() -> gpd.GeoDataFrame:
    """The 119 communes: ``commune``, ``commune_pcode``, ``cercle``, ``cercle_pcode``, ``name_in_source``,
    ``area_km2``, ``note``, geometry."""
    return gpd.read_file(bundled.path(COMMUNES_FILE))


# ---- point in polygon ---------------------------------------------------------------------------------------
def assign(latitude: Sequence[float] | np.ndarray, longitude: Sequence[float] | np.ndarray,
           units: gpd.GeoDataFrame) -> pd.DataFrame:
    """The commune containing each point, with its cercle: columns :data:`ASSIGNED_COLUMNS`, one row per point.

    ``units`` is :func:`communes` (or any frame with those columns). Points that are missing or outside every
    commune get missing values (``NaN``; ``pd.isna`` is true). A point on a border shared by two communes goes to the one whose P-code
    sorts first, so the answer never depends on the order of the file.
    """
    lat = np.asarray(latitude, dtype="float64")
    lon = np.asarray(longitude, dtype="float64")
    if lat.shape != lon.shape:
        raise ValueError("latitude and longitude must have the same length")
    order = np.argsort(units["commune_pcode"].to_numpy(dtype=str), kind="stable")
    geoms = np.asarray(units.geometry.array)[order]
    located = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    points = shapely.points(lon[located], lat[located])
    hit_point, hit_unit = shapely.STRtree(geoms).query(points, predicate="intersects")
    unit_of = np.full(len(lat), -1, dtype=np.int64)
    if len(hit_point):
        first = np.lexsort((hit_unit, hit_point))  # by point, then by P-code order
        hit_point, hit_unit = hit_point[first], hit_unit[first]
        keep = np.r_[True, hit_point[1:] != hit_point[:-1]]
        unit_of[located[hit_point[keep]]] = order[hit_unit[keep]]
    found = unit_of >= 0
    out = {}
    for col in ASSIGNED_COLUMNS:
        values = np.full(len(lat), None, dtype=object)
        values[found] = units[col].to_numpy(dtype=object)[unit_of[found]]
        out[col] = values
    return pd.DataFrame(out)


# ---- names ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class UnitMatch:
    """What a unit name given by a report or a source denotes in the pre-2023 frame.

    ``cercles`` lists the pre-2023 cercle(s) the name covers (one for a cercle or commune, two for the 2023
    "région de San"); ``cercle`` is set only when that is a single one. ``commune`` is set only for a commune.
    Unknown names have every field empty and say why in ``reason``.
    """

    given: str
    level: str
    cercles: tuple[str, ...] = ()
    cercle_pcodes: tuple[str, ...] = ()
    commune: str | None = None
    commune_pcode: str | None = None
    reason: str = ""
    basis: str = ""
    # the reason of a name that is not one commune, said in the reader's language where a refusal quotes it (a
    # filter's commune); ``reason`` is its English text, the geocoder's record of why
    said: UserError | None = field(default=None, compare=False, repr=False)

    @property
    def cercle(self) -> str | None:
        return self.cercles[0] if len(self.cercles) == 1 else None

    @property
    def cercle_pcode(self) -> str | None:
        return self.cercle_pcodes[0] if len(self.cercle_pcodes) == 1 else None

    @property
    def found(self) -> bool:
        return bool(self.cercles)


class AdminNames:
    """Name normaliser for the region, its cercles and communes (see the module docstring)."""

    def __init__(self, units: pd.DataFrame, table: pd.DataFrame) -> None:
        """``units``: one row per commune (``commune``, ``commune_pcode``, ``cercle``, ``cercle_pcode``);
        ``table``: the rows of ``admin_names.csv``."""
        self._pcode_of_cercle = dict(zip(units["cercle"], units["cercle_pcode"], strict=False))
        self._cercle_of_commune = dict(zip(units["commune_pcode"], units["cercle"], strict=False))
        self._commune_name = dict(zip(units["commune_pcode"], units["commune"], strict=False))
        self._cercle_index = _index((c, c) for c in self._pcode_of_cercle)
        self._commune_index = _index(zip(units["commune"], units["commune_pcode"], strict=False))
        self._memo: dict[tuple, UnitMatch] = {}  # names repeat: answers are immutable
        self._rows: dict[tuple[str, str], list[dict]] = {}
        for row in table.fillna("").to_dict("records"):
            for k in {key(row["name"]), loose_key(row["name"])}:
                self._rows.setdefault((row["level"], k), []).append(row)

    @classmethod
    def from_files(cls, communes_path: str | Path, names_path: str | Path) -> AdminNames:
        units = gpd.read_file(communes_path).drop(columns="geometry")
        return cls(units, pd.read_csv(names_path, dtype=str, keep_default_na=False))

    @classmethod
    @cache
    def default(cls) -> AdminNames:
        return cls(communes().drop(columns="geometry"),
                   pd.read_csv(bundled.path(NAMES_FILE), dtype=str, keep_default_na=False))

    # -- cercles ------------------------------------------------------------------------------------------
    def cercle(self, name: object) -> UnitMatch:
        """The pre-2023 cercle that a cercle name denotes ("Segou", "Niono cercle", "cercle de Markala")."""
        memo = ("cercle", name if isinstance(name, str) else "")
        if memo not in self._memo:
            self._remember(memo, self._cercle(memo[1]))
        return self._memo[memo]

    def _cercle(self, given: str) -> UnitMatch:
        bare, _word = unit_name(given)
        if not bare:
            return UnitMatch(given, "cercle", reason="No cercle was given.")
        exact = self._cercle_index.get(bare) or self._cercle_index.get(loose_key(bare))
        if exact:
            (cercle,) = exact
            return UnitMatch(given, "cercle", (cercle,), (self._pcode_of_cercle[cercle],),
                             reason=f"“{given}” is the pre-2023 cercle {cercle}.")
        row = self._row("cercle", bare)
        if row is not None:
            return self._from_row(given, row)
        return UnitMatch(given, "cercle", reason=f"“{given}” is neither a pre-2023 cercle of the Ségou region nor a "
                                                 f"name in the table of 2023-reform and source spellings.")

    def region(self, name: object) -> UnitMatch:
        """The pre-2023 cercles that a region name covers ("Ségou" → all 7, "région de San" → San and Tominian)."""
        given = name if isinstance(name, str) else ""
        bare, _word = unit_name(given)
        row = self._row("region", bare) if bare else None
        if row is not None:
            return self._from_row(given, row)
        if bare and loose_key(bare) == loose_key(REGION):
            names = tuple(sorted(self._pcode_of_cercle, key=self._pcode_of_cercle.get))
            return UnitMatch(given, "region", names, tuple(self._pcode_of_cercle[c] for c in names),
                             reason=f"“{given}” is the Ségou region (its 7 pre-2023 cercles).")
        return UnitMatch(given, "region", reason=f"“{given}” is not the Ségou region nor a 2023 region carved from it.")

    # -- communes -----------------------------------------------------------------------------------------
    def commune(self, name: object, cercle: object = None) -> UnitMatch:
        """The pre-2023 commune a commune name denotes, by its name or its seat's; ``cercle`` (any spelling the
        :meth:`cercle` method understands) only narrows a name two communes share (Somo: Barouéli and San)."""
        memo = ("commune", name if isinstance(name, str) else "", cercle if isinstance(cercle, str) else "")
        if memo not in self._memo:
            self._remember(memo, self._commune(memo[1], memo[2]))
        return self._memo[memo]

    def _commune(self, given: str, cercle: str) -> UnitMatch:
        bare, _word = unit_name(given)
        if not bare:
            return _unmatched(given, UserError(N_("No commune was given.")))
        within = self.cercle(cercle).cercles if cercle else ()
        pcodes = self._commune_index.get(bare) or self._commune_index.get(loose_key(bare)) or set()
        basis, how = "", "is the commune"
        if not pcodes:
            rows = self._rows.get(("commune", bare)) or self._rows.get(("commune", loose_key(bare))) or []
            pcodes = {r["commune_pcode"] for r in rows}
            if rows:
                basis = "; ".join(dict.fromkeys(r["basis"] for r in rows))
                how = "names the commune" if rows[0]["kind"] != "seat" else "is the seat of the commune"
        if within:
            narrowed = {p for p in pcodes if self._cercle_of_commune[p] in within}
            pcodes = narrowed or pcodes
        if len(pcodes) == 1:
            (pcode,) = pcodes
            cercle_name = self._cercle_of_commune[pcode]
            return UnitMatch(given, "commune", (cercle_name,), (self._pcode_of_cercle[cercle_name],),
                             self._commune_name[pcode], pcode,
                             reason=f"“{given}” {how} {self._commune_name[pcode]} ({pcode}), cercle {cercle_name}.",
                             basis=basis)
        if pcodes:
            listed = ", ".join(f"{self._commune_name[p]} ({self._cercle_of_commune[p]})" for p in sorted(pcodes))
            return _unmatched(given, UserError(N_("“{given}” may be any of the communes {listed}; no cercle given "
                                                  "tells them apart."), given=given, listed=listed))
        return _unmatched(given, UserError(N_("“{given}” is not a pre-2023 commune of the Ségou region, nor the seat "
                                              "of one, nor a spelling in the table."), given=given))

    def commune_label(self, pcode: str) -> str | None:
        """``"ML040507"`` → ``"Pogo (Niono)"``; ``None`` for a P-code that is not a commune of the region."""
        name = self._commune_name.get(pcode)
        return None if name is None else f"{name} ({self._cercle_of_commune[pcode]})"

    def pcodes(self) -> list[str]:
        """The P-codes of every cercle and commune."""
        return sorted({*self._pcode_of_cercle.values(), *self._commune_name})

    # -- internals ----------------------------------------------------------------------------------------
    def _remember(self, memo: tuple, match: UnitMatch) -> None:
        if len(self._memo) > MEMO_SIZE:
            self._memo.clear()
        self._memo[memo] = match

    def _row(self, level: str, bare: str) -> dict | None:
        rows = self._rows.get((level, bare)) or self._rows.get((level, loose_key(bare)))
        return rows[0] if rows else None

    def _from_row(self, given: str, row: dict) -> UnitMatch:
        names = tuple(c for c in row["cercle"].split("|") if c)
        pcodes = tuple(p for p in row["cercle_pcode"].split("|") if p)
        if not names:
            return UnitMatch(given, row["level"], reason=f"“{given}”: {row['status']}", basis=row["basis"])
        if row["status"] == "same":
            reason = f"“{given}” is another spelling of the pre-2023 {row['level']} {' and '.join(names)}."
        elif row["status"] == "union":
            reason = f"“{given}” (2023 reform) covers the pre-2023 cercles {' and '.join(names)}."
        else:  # "contains": a 2023 cercle known only by the commune of its seat
            reason = (f"“{given}” (2023 reform) is mapped to the pre-2023 cercle {names[0]}, the cercle of its seat "
                      f"commune {row['commune']}; which other communes it holds is not known.")
        return UnitMatch(given, row["level"], names, pcodes, reason=reason, basis=row["basis"])


def _index(pairs) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name, value in pairs:
        for k in {key(name), loose_key(name)}:
            out.setdefault(k, set()).add(value)
    return out


def _unmatched(given: str, said: UserError) -> UnitMatch:
    return UnitMatch(given, "commune", reason=said.message, said=said)
