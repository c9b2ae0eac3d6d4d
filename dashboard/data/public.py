"""Public mode: coarsen places and drop internal fields before anything reaches a browser or an export.

Rule (documented in the README): every point moves to the seat of the cercle it lies in (the computed ``cercle``,
see :mod:`dashboard.data.units`) when that cercle has a seat in the village gazetteer, and the incident is then
located to that cercle (the map draws the cercle's outline); otherwise its point moves to the centre of its
``GRID_DEG`` grid cell. The location precision becomes 2 at best, the commune is dropped, and ``geocoded_from``
says what the point is. Internal notes (how a source knows, record ids) are removed. Free text (summaries, place
names as reported) is kept: it is what the cited public sources already say.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.schema import INTERNAL_COLUMNS
from dashboard.data.shared_columns import compact

GRID_DEG = 0.5


def public_view(incidents: gpd.GeoDataFrame, seats: pd.DataFrame, grid: float = GRID_DEG) -> gpd.GeoDataFrame:
    """``seats``: :func:`dashboard.data.reference.cercle_seats` (``name``, ``admin2`` = the cercle, ``latitude``,
    ``longitude``)."""
    out = incidents.copy()
    geom = out.geometry
    has_point = (geom.notna() & ~geom.is_empty).to_numpy()
    seat_of = {r.admin2: (r.longitude, r.latitude, r.name) for r in seats.itertuples(index=False)}
    x = np.where(has_point, geom.x, np.nan)
    y = np.where(has_point, geom.y, np.nan)
    gx = (np.floor(x / grid) + 0.5) * grid
    gy = (np.floor(y / grid) + 0.5) * grid
    note = np.where(has_point, f"public mode: centre of a {grid}° grid cell", None).astype(object)
    located = out["located_to"].to_numpy(dtype=object).copy()
    for i, cercle in enumerate(out["cercle"].to_numpy(dtype=object)):
        if has_point[i] and cercle in seat_of:
            gx[i], gy[i], name = seat_of[cercle]
            note[i] = f"public mode: seat of {cercle} cercle ({name})"
            if located[i] != "region":
                located[i] = "cercle"
    points = gpd.points_from_xy(gx, gy, crs=incidents.crs)
    points[~has_point] = None
    out = out.set_geometry(points)
    out["geo_precision"] = out["geo_precision"].clip(lower=2).astype("Int8")
    out["located_to"] = pd.array(located, dtype=object)
    for col in (*INTERNAL_COLUMNS, "commune", "commune_pcode"):
        out[col] = pd.NA
    out["geocoded_from"] = pd.array(note, dtype="string")
    # held as the store holds them (categories): as the frame's own category, "cercle" would have been lost where
    # no incident was located to a cercle before
    return compact(out)
