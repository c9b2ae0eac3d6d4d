"""Bundled reference layers: the Ségou region outline, Mali's regions and the gazetteer's cercle seats."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import pandas as pd

from dashboard import bundled


@cache
def region_outline() -> gpd.GeoDataFrame:
    """Ségou region (pre-2016 boundary, Natural Earth 10m, public domain)."""
    return gpd.read_file(bundled.path("segou_region.geojson"))


@cache
def mali_regions() -> gpd.GeoDataFrame:
    return gpd.read_file(bundled.path("mali_regions.geojson"))


@cache
def gazetteer_table() -> pd.DataFrame:
    return pd.read_csv(bundled.path("gazetteer.csv"), dtype=str, keep_default_na=False)


def cercle_seats() -> pd.DataFrame:
    """Name, latitude, longitude of the seven cercle seats (GeoNames, CC BY 4.0)."""
    g = gazetteer_table()
    seats = g.loc[g["feature"] == "cercle seat", ["name", "admin2", "latitude", "longitude"]].copy()
    seats[["latitude", "longitude"]] = seats[["latitude", "longitude"]].astype(float)
    return seats.reset_index(drop=True)
