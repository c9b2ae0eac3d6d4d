"""Each incident's point as numbers (:class:`Points`), read once per loaded frame: what the map and the filters'
pages read of the geometry."""

from __future__ import annotations

from typing import NamedTuple

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["Points", "points_of"]


class Points(NamedTuple):
    """Each row's point as numbers, aligned with a frame's rows: all the map reads of the geometry. Read once per
    loaded frame (:attr:`dashboard.query.frame_index.FrameIndex.points`) and taken by position, rather than asked
    of the shapely objects on every run: at a million incidents each such question costs 60-70 ns per row (the
    objects are scattered over the heap), 15-50 ms for the default view's 191,710 rows, and the map page asked three
    (has a point, is not empty, its coordinates) several times per filter change."""

    has_point: np.ndarray  # bool: a geometry that is neither missing nor empty
    lat: np.ndarray  # float64 (unspecified where there is no point)
    lng: np.ndarray

    def take(self, where: np.ndarray) -> Points:
        """The points of the rows ``where`` (a boolean mask or positions)."""
        return Points(self.has_point[where], self.lat[where], self.lng[where])


def points_of(incidents: gpd.GeoDataFrame) -> Points:
    """:class:`Points` of every row of ``incidents``."""
    geom = np.asarray(incidents.geometry.array)
    has_point = shapely.get_num_coordinates(geom) > 0  # one pass: neither missing nor empty
    lat, lng = np.zeros(len(geom)), np.zeros(len(geom))
    lat[has_point], lng[has_point] = shapely.get_y(geom[has_point]), shapely.get_x(geom[has_point])
    return Points(has_point, lat, lng)
