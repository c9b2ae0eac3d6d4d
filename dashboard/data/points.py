"""Each incident's point as numbers (:class:`Points`), read once per loaded frame: what the map and the filters'
pages read of the geometry."""

from __future__ import annotations

from typing import NamedTuple

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["Points", "has_point", "lat_lng", "points_of"]


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
        return Points(has_point=self.has_point[where], lat=self.lat[where], lng=self.lng[where])


def has_point(geometry: gpd.GeoSeries) -> np.ndarray:
    """Which rows of ``geometry`` have a point: neither missing nor empty, asked in one pass."""
    return shapely.get_num_coordinates(np.asarray(geometry.array)) > 0


def lat_lng(geometry: gpd.GeoSeries, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of the rows ``where`` (each of them has a point)."""
    geom = np.asarray(geometry.array)[where]
    return shapely.get_y(geom), shapely.get_x(geom)


def points_of(incidents: gpd.GeoDataFrame) -> Points:
    """:class:`Points` of every row of ``incidents``."""
    located = has_point(incidents.geometry)
    lat, lng = np.zeros(len(located)), np.zeros(len(located))
    lat[located], lng[located] = lat_lng(incidents.geometry, located)
    return Points(has_point=located, lat=lat, lng=lng)
