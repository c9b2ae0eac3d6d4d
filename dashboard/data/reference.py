"""Bundled reference layers: the Ségou region outline, Mali's regions and the cercle seats (village gazetteer)."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import pandas as pd

from dashboard import bundled
from dashboard.data.admin import communes


@cache
def region_outline() -> gpd.GeoDataFrame:
    """Ségou region (pre-2016 boundary, Natural Earth 10m, public domain)."""
    return gpd.read_file(bundled.path("segou_region.geojson"))


@cache
def mali_regions() -> gpd.GeoDataFrame:
    return gpd.read_file(bundled.path("mali_regions.geojson"))


@cache
def _villages() -> pd.DataFrame:
    return pd.read_csv(bundled.path("segou_villages.csv"), dtype=str, keep_default_na=False)


def cercle_seats() -> pd.DataFrame:
    """The seven cercle seats from the village gazetteer (OCHA COD populated places): ``name`` (the seat's commune
    name, as the press writes the town), ``admin2`` (the cercle), ``cercle_pcode``, ``latitude``, ``longitude``."""
    v = _villages()
    commune_name = dict(zip(communes()["commune_pcode"], communes()["commune"], strict=True))
    rows = []
    for r in v.itertuples(index=False):
        codes = r.seat_of.split()
        cercle = [c for c in codes if len(c) == 6]
        if cercle:
            commune = next((commune_name[c] for c in codes if len(c) == 8), r.name)
            rows.append({"name": commune, "admin2": r.cercle, "cercle_pcode": cercle[0],
                         "latitude": float(r.latitude), "longitude": float(r.longitude)})
    return pd.DataFrame(rows).sort_values("cercle_pcode").reset_index(drop=True)
