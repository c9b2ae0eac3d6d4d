"""Public mode: coarsen places and drop internal fields before anything reaches a browser or an export.

Rule (documented in the README): every point moves to the seat of its cercle (``admin2``) when the cercle is
known and has a seat in the gazetteer; otherwise to the centre of its ``GRID_DEG`` grid cell. The location
precision becomes "near a named place" (2) at best, and ``geocoded_from`` says what the point is. Internal
notes (how a source knows, record ids) are removed. Free text (summaries, place names as reported) is kept:
it is what the cited public sources already say.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.schema import INTERNAL_COLUMNS

GRID_DEG = 0.5


def public_view(incidents: gpd.GeoDataFrame, seats: pd.DataFrame, grid: float = GRID_DEG) -> gpd.GeoDataFrame:
    out = incidents.copy()
    geom = out.geometry
    has_point = (geom.notna() & ~geom.is_empty).to_numpy()
    seat_of = {r.admin2: (r.longitude, r.latitude, r.name) for r in seats.itertuples(index=False)}
    x = np.where(has_point, geom.x, np.nan)
    y = np.where(has_point, geom.y, np.nan)
    gx = (np.floor(x / grid) + 0.5) * grid
    gy = (np.floor(y / grid) + 0.5) * grid
    note = np.where(has_point, f"public mode: centre of a {grid}° grid cell", None).astype(object)
    for i, cercle in enumerate(out["admin2"].to_numpy()):
        if has_point[i] and cercle in seat_of:
            gx[i], gy[i], name = seat_of[cercle]
            note[i] = f"public mode: seat of {cercle} cercle ({name})"
    points = gpd.points_from_xy(gx, gy, crs=incidents.crs)
    points[~has_point] = None
    out = out.set_geometry(points)
    out["geo_precision"] = out["geo_precision"].clip(lower=2).astype("Int8")
    for col in INTERNAL_COLUMNS:
        out[col] = pd.NA
    out["geocoded_from"] = pd.array(note, dtype="string")
    return out
