"""Which pre-2023 cercle and commune each incident lies in: computed from its point and the names it reports.

:func:`assign_units` fills ``located_to`` where a source gave only a geo precision (1 and 2 → ``place``, 3 →
``region``) and the four :data:`~dashboard.data.schema.UNIT_COLUMNS` (``cercle``, ``cercle_pcode``, ``commune``,
``commune_pcode``) of a flat frame. The reported names (``admin1``–``admin3``) are never changed.

* A row located to a **place** or a **commune** whose point lies in a commune of the Ségou region gets that commune
  and its cercle (point in polygon on the COD-AB communes, :func:`dashboard.data.admin.assign`).
* A row located to a **cercle** whose point lies in the region gets that cercle only: its point is the cercle's
  seat, and the seat's commune is not where the incident is known to have happened.
* Any other row (region-level, no point, a point outside the region's communes) gets the units its reported names
  give, through :class:`dashboard.data.admin.AdminNames` ("Segou", "Niono cercle", "cercle de Markala" → Ségou or
  Niono; a commune by its name or its seat's): the cercle from ``admin2`` (or from the commune found), the commune
  from ``admin3`` (place- and commune-level rows only). A name that covers several units ("région de San", a commune
  name two cercles share with no cercle given) gives none. A name outside the reference geography (a cercle of
  another region) is kept as the source wrote it, without a P-code, so that it is still one filter value.

So a P-code means the unit is one of the region's 7 cercles or 119 communes; an empty ``commune_pcode`` with a
``cercle_pcode`` means the incident is known only to the cercle ("not allocated to a commune").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.data import admin
from dashboard.data.missing import is_blank
from dashboard.data.schema import DEFAULT_LOCATED_TO, UNIT_COLUMNS

__all__ = ["assign_units", "located_to_from_precision", "reported_units"]

_BY_POINT = ("place", "commune", "cercle")
_WITH_COMMUNE = ("place", "commune")


def located_to_from_precision(located: pd.Series, precision: pd.Series) -> pd.Series:
    """``located_to`` as given (trimmed, lower case), else what the geo precision alone says."""
    given = located.astype("string").str.strip().str.lower()
    given = given.mask(given == "", pd.NA)
    numbers = pd.to_numeric(precision.astype("string").str.strip(), errors="coerce")
    default = numbers.map(DEFAULT_LOCATED_TO).astype("string")
    return given.fillna(default)


def assign_units(flat: pd.DataFrame, *, only_missing: bool = False, names: admin.AdminNames | None = None
                 ) -> pd.DataFrame:
    """The frame with ``located_to`` filled where blank and the unit columns computed (module docstring).

    ``only_missing`` computes only the rows that carry none of the unit columns (a store written before they
    existed, a hand-made frame); otherwise every row is computed afresh (an import)."""
    out = flat.copy()
    for col in (*UNIT_COLUMNS, "located_to", "admin1", "admin2", "admin3", "latitude", "longitude", "geo_precision"):
        if col not in out.columns:
            out[col] = None
    out["located_to"] = located_to_from_precision(out["located_to"], out["geo_precision"]).astype(object)
    out["located_to"] = out["located_to"].where(out["located_to"].notna(), None)
    todo = np.ones(len(out), dtype=bool)
    if only_missing:
        todo = np.logical_and.reduce([out[c].map(is_blank).to_numpy(dtype=bool) for c in UNIT_COLUMNS])
    if not todo.any():
        return out
    values = {c: out[c].astype(object).to_numpy(copy=True) for c in UNIT_COLUMNS}
    for c in UNIT_COLUMNS:
        values[c][todo] = None
    located = out["located_to"].to_numpy(dtype=object)
    lat = pd.to_numeric(out["latitude"], errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(out["longitude"], errors="coerce").to_numpy(dtype="float64")
    by_point = todo & np.isfinite(lat) & np.isfinite(lon) & np.isin(located, _BY_POINT)
    found = np.zeros(len(out), dtype=bool)
    if by_point.any():
        hit = admin.assign(lat[by_point], lon[by_point], admin.communes())
        inside = hit["cercle_pcode"].notna().to_numpy(dtype=bool)
        rows = np.flatnonzero(by_point)[inside]
        found[rows] = True
        with_commune = np.isin(located[rows], _WITH_COMMUNE)
        for col in UNIT_COLUMNS:
            column = hit[col].to_numpy(dtype=object)[inside]
            if col.startswith("commune"):
                values[col][rows[with_commune]] = column[with_commune]
            else:
                values[col][rows] = column
    by_name = np.flatnonzero(todo & ~found)
    if len(by_name):
        names = names or admin.AdminNames.default()
        keys = list(zip(out["admin2"].to_numpy(dtype=object)[by_name], out["admin3"].to_numpy(dtype=object)[by_name],
                        np.isin(located[by_name], _WITH_COMMUNE), strict=True))
        memo: dict[tuple, tuple] = {}
        for row, k in zip(by_name, keys, strict=True):
            if k not in memo:
                memo[k] = reported_units(k[0], k[1] if k[2] else None, names)
            for col, value in zip(UNIT_COLUMNS, memo[k], strict=True):
                values[col][row] = value
    for col in UNIT_COLUMNS:
        out[col] = values[col]
    return out


def reported_units(cercle: object, commune: object, names: admin.AdminNames) -> tuple:
    """``(cercle, cercle_pcode, commune, commune_pcode)`` that a reported cercle and commune name give."""
    cercle_text = None if is_blank(cercle) else str(cercle).strip()
    commune_text = None if is_blank(commune) else str(commune).strip()
    c = names.cercle(cercle_text) if cercle_text else None
    out_cercle, out_pcode = (c.cercle, c.cercle_pcode) if c is not None and c.cercle else (None, None)
    outside = cercle_text is not None and not (c is not None and c.found)
    if commune_text:
        m = names.commune(commune_text, cercle=cercle_text if c is not None and c.found else None)
        if m.commune_pcode:
            return m.cercle, m.cercle_pcode, m.commune, m.commune_pcode
        if outside:  # a commune of a cercle beyond the reference geography: as reported
            return cercle_text, None, commune_text, None
    if outside:
        return cercle_text, None, None, None
    return out_cercle, out_pcode, None, None
