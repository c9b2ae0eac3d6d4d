"""Keeping the map small at any data size: a point budget, server-side H3 hexagons, a bounded heat layer.

Every incident marker with its card, tooltip and approximate-place ring adds map script and Streamlit rerun time
(folium compiles every rendered piece as a jinja2 template, and streamlit-folium renders the map twice; the figures
are in ``docs/benchmarks.md``). So the budget is :data:`MAX_MARKERS` markers; above it -- or when long cards would
push the script past :data:`MAX_MARKER_BYTES` -- the map shows H3 hexagons computed here in Python instead, at a
resolution chosen from the view, and the legend says so. Heat is drawn from at most :data:`MAX_HEAT_POINTS` points
(H3 cell centres weighted by their sum when there are more).

Everything is vectorised: coordinates are deduplicated before they are turned into H3 cells (incident data reuses
a limited set of place coordinates), so a million incidents cost tens of thousands of H3 look-ups.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping

import folium
import geopandas as gpd
import h3.api.basic_int as h3i
import numpy as np
import pandas as pd
from branca.element import Template

from dashboard.data.points import Points, has_point, lat_lng
from dashboard.i18n import Translator, tr
from dashboard.settings import MAX_MARKER_BYTES, MAX_MARKERS  # the default budget; Settings may change it
from dashboard.viz.cards import incident_card_html, tooltip_text

Bounds = tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east)), as Leaflet takes them

MARKER_JS_BYTES = 1_700  # folium's script around one marker's card and tooltip (measured, rings included)
MAX_HEX_CELLS = 3_000  # ~110 bytes each: at most ~0.35 MB of hexagons
MAX_HEAT_POINTS = 20_000  # ~25 bytes each
MAP_PX = (900, 560)  # the map's size on the page, to turn a view extent into a zoom level
HEX_PX = 16  # wanted on-screen width of a hexagon at that zoom
MIN_VIEW_SPAN_DEG = 2.0  # a filtered view keeps ~200 km of context: towns and the region edge stay in sight
MIN_RES, MAX_RES = 2, 9
HEX_COLOUR = "#3B0F70"


# ---- points ------------------------------------------------------------------------------------------------
def plottable_mask(incidents: gpd.GeoDataFrame, points: Points | None = None) -> np.ndarray:
    """Incidents with a point and a location finer than the region (see :func:`dashboard.viz.maps.plottable`).
    ``points``: the rows' points when the caller has them (else read from the geometry)."""
    located = has_point(incidents.geometry) if points is None else points.has_point
    return located & (incidents["geo_precision"] < 3).fillna(False).to_numpy(dtype=bool)


def coordinates(incidents: gpd.GeoDataFrame, mask: np.ndarray,
                points: Points | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of the rows in ``mask`` (plottable rows: every one has a point). ``points``: the
    rows' points when the caller has them (else read from the geometry)."""
    if points is not None:
        return points.lat[mask], points.lng[mask]
    return lat_lng(incidents.geometry, mask)


def upper_tolls(incidents: pd.DataFrame, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower bound, upper bound (the lower one where none is reported) and unknown-toll flag of rows in ``mask``."""
    lo = incidents["fatalities_min"].to_numpy(dtype="float64", na_value=np.nan)[mask]
    hi = incidents["fatalities_max"].to_numpy(dtype="float64", na_value=np.nan)[mask]
    hi = np.where(np.isnan(hi), lo, hi)
    return lo, hi, np.isnan(lo) & np.isnan(hi)


# ---- the view ----------------------------------------------------------------------------------------------
def data_bounds(lat: np.ndarray, lng: np.ndarray) -> Bounds | None:
    if len(lat) == 0:
        return None
    return (float(lat.min()), float(lng.min())), (float(lat.max()), float(lng.max()))


def union_bounds(*boxes: Bounds | None) -> Bounds | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return ((min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)),
            (max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)))


def frame_bounds(frame: gpd.GeoDataFrame | None) -> Bounds | None:
    if frame is None or frame.empty:
        return None
    minx, miny, maxx, maxy = frame.total_bounds
    return (float(miny), float(minx)), (float(maxy), float(maxx))


def view_bounds(lat: np.ndarray, lng: np.ndarray, region: gpd.GeoDataFrame | None = None) -> Bounds | None:
    """What the map shows: the region outline, widened to take in every plotted incident."""
    return union_bounds(frame_bounds(region), data_bounds(lat, lng))


def map_view(view: gpd.GeoDataFrame, filtered: bool, points: Points | None = None) -> Bounds | None:
    """What the map shows: the whole region (widened to the data) when nothing is filtered, otherwise the extent
    of the filtered incidents, so that filtering zooms in (finer hexagons, then individual markers). ``points``:
    the rows' points when the caller has them."""
    if not filtered:
        return None  # the map builder's default: the region outline, widened to the data
    box = data_bounds(*coordinates(view, plottable_mask(view, points), points))
    if box is None:
        return None
    (south, west), (north, east) = box
    pad_lat = max(MIN_VIEW_SPAN_DEG - (north - south), 0) / 2 + 0.05 * (north - south)
    pad_lng = max(MIN_VIEW_SPAN_DEG - (east - west), 0) / 2 + 0.05 * (east - west)
    return (south - pad_lat, west - pad_lng), (north + pad_lat, east + pad_lng)


def zoom_for_bounds(bounds: Bounds, size_px: tuple[int, int] = MAP_PX) -> float:
    """The Web Mercator zoom at which ``bounds`` fills a map of ``size_px`` (as Leaflet's fitBounds does)."""
    (south, west), (north, east) = bounds
    width = max(east - west, 1e-6) / 360
    y = [math.log(math.tan(math.pi / 4 + math.radians(max(min(v, 85), -85)) / 2)) for v in (south, north)]
    height = max(y[1] - y[0], 1e-8) / (2 * math.pi)
    zoom = min(math.log2(size_px[0] / (256 * width)), math.log2(size_px[1] / (256 * height)))
    return max(0.0, min(zoom, 18.0))


def resolution_for_bounds(bounds: Bounds | None, size_px: tuple[int, int] = MAP_PX) -> int:
    """The H3 resolution whose hexagons are closest to :data:`HEX_PX` wide when ``bounds`` fill the map."""
    if bounds is None:
        return 5
    zoom = math.floor(zoom_for_bounds(bounds, size_px))
    mid_lat = (bounds[0][0] + bounds[1][0]) / 2
    metres_per_px = 156_543.03 * math.cos(math.radians(mid_lat)) / 2**zoom
    edge = HEX_PX * metres_per_px / 2  # a hexagon is two edges wide, corner to corner
    return min(range(MIN_RES, MAX_RES + 1),
               key=lambda r: abs(math.log(h3i.average_hexagon_edge_length(r, unit="m") / edge)))


# ---- H3, vectorised ----------------------------------------------------------------------------------------
def _distinct_points(lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``codes`` (per point) into the distinct coordinates (to 1e-6°), and one point index per distinct one."""
    key = (np.round(lat * 1e6).astype(np.int64) + 90_000_000) * 360_000_001 + \
        (np.round(lng * 1e6).astype(np.int64) + 180_000_000)
    codes, uniques = pd.factorize(key)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return codes, first


def _cells_of(lat: np.ndarray, lng: np.ndarray, resolution: int) -> np.ndarray:
    return np.fromiter((h3i.latlng_to_cell(a, b, resolution) for a, b in zip(lat, lng, strict=True)),
                       dtype=np.int64, count=len(lat))


def latlng_to_cells(lat: np.ndarray, lng: np.ndarray, resolution: int) -> np.ndarray:
    """H3 cells (int64) of many points: each distinct coordinate (to 1e-6°) is looked up once."""
    if len(lat) == 0:
        return np.zeros(0, dtype=np.int64)
    codes, first = _distinct_points(lat, lng)
    return _cells_of(lat[first], lng[first], resolution)[codes]


def hex_bins(lat: np.ndarray, lng: np.ndarray, lo: np.ndarray, hi: np.ndarray, resolution: int,
             max_cells: int | None = None) -> tuple[pd.DataFrame, int]:
    """Incidents, killed (min, max) and unknown tolls per H3 cell at ``resolution``, coarsened until there are at
    most ``max_cells`` cells; returns the table (``cell`` as the H3 string) and the resolution used.

    Sums are taken per distinct coordinate first (vectorised over all points), then per cell over the distinct
    coordinates, so only those are looked up in H3."""
    codes, first = _distinct_points(lat, lng) if len(lat) else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    per_point = {
        "incidents": np.bincount(codes, minlength=len(first)),
        "killed_min": np.bincount(codes, np.nan_to_num(lo), minlength=len(first)),
        "killed_max": np.bincount(codes, np.nan_to_num(hi), minlength=len(first)),
        "unknown_toll": np.bincount(codes, np.isnan(lo) & np.isnan(hi), minlength=len(first)),
    }
    ulat, ulng = lat[first], lng[first]
    while True:
        cells = _cells_of(ulat, ulng, resolution)
        uniq, inverse = np.unique(cells, return_inverse=True)
        if max_cells is None or len(uniq) <= max_cells or resolution <= 0:
            break
        resolution -= 1  # the containing cell, not the parent: H3 children do not tile their parent exactly
    table = pd.DataFrame({"cell": [h3i.int_to_str(int(c)) for c in uniq]})
    for name, values in per_point.items():
        table[name] = np.bincount(inverse, values, minlength=len(uniq)).round().astype(np.int64)
    return table, resolution


# ---- markers or hexagons -----------------------------------------------------------------------------------
def marker_bytes(points: pd.DataFrame, *, public: bool = False, reports: Mapping | None = None) -> int:
    """Estimated script size of drawing ``points`` as markers: their cards (with their reports side by side, when
    given) and tooltips plus folium's wrapping."""
    total = len(points) * MARKER_JS_BYTES
    reports = reports or {}
    for r in points.to_dict("records"):
        card = incident_card_html(r, public=public, reports=reports.get(r["incident_id"]))
        total += len(card.encode()) + len(tooltip_text(r).encode())
    return total


def markers_fit(incidents: gpd.GeoDataFrame, mask: np.ndarray, *, max_markers: int = MAX_MARKERS,
                max_bytes: int = MAX_MARKER_BYTES, public: bool = False, reports: Mapping | None = None) -> bool:
    """True when the plottable incidents (``mask``) are few and small enough to be drawn one by one."""
    n = int(mask.sum())
    if n > max_markers:
        return False
    return n == 0 or marker_bytes(incidents.loc[mask], public=public, reports=reports) <= max_bytes


class HexLayer(folium.map.Layer):
    """H3 hexagons as one compact array (no per-feature GeoJSON or style switch), drawn by a short loop in the
    page. Each cell: incidents, killed min, killed max, unknown tolls, then the ring's lat/lng pairs. Only numbers
    are sent; a tooltip says what a hexagon holds."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function (layer) {
  var cells = {{ this.data }}, top = {{ this.top }}, words = {{ this.words|tojson }};
  var nf = new Intl.NumberFormat(words.lang), say = function (text, n) { return text.replace("{n}", nf.format(n)); };
  for (var i = 0; i < cells.length; i++) {
    var c = cells[i], ring = [];
    for (var j = 4; j < c.length; j += 2) { ring.push([c[j], c[j + 1]]); }
    var toll = nf.format(c[1]) + (c[2] > c[1] ? "–" + nf.format(c[2]) : "");
    var tip = say(c[0] === 1 ? words.one : words.other, c[0]) + " · " + words.killed.replace("{toll}", toll) +
      (c[3] ? " · " + say(words.unknown, c[3]) : "");
    L.polygon(ring, {color: "{{ this.colour }}", weight: 0.8, opacity: 0.8, fillColor: "{{ this.colour }}",
      fillOpacity: 0.12 + 0.73 * Math.sqrt(c[0] / top), className: "incident-hex"})
      .bindTooltip(tip, {sticky: true}).addTo(layer);
  }
})({{ this.get_name() }});
{% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}
"""
    )

    def __init__(self, table: pd.DataFrame, *, name: str, colour: str = HEX_COLOUR, t: Translator | None = None
                 ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "HexLayer"
        self.colour = colour
        self.words = hex_words(t or tr())
        self.cells = len(table)
        self.incidents = int(table["incidents"].sum()) if len(table) else 0
        self.top = max(int(table["incidents"].max()), 1) if len(table) else 1
        rows = []
        for c in table.itertuples(index=False):
            ring = [round(v, 4) for lat, lng in h3i.cell_to_boundary(h3i.str_to_int(c.cell)) for v in (lat, lng)]
            rows.append([int(c.incidents), int(c.killed_min), int(c.killed_max), int(c.unknown_toll), *ring])
        self.data = json.dumps(rows, separators=(",", ":"))


def hex_words(t: Translator) -> dict[str, str]:
    """The hexagon tooltip's words in ``t``'s language (escaped: Leaflet sets a tooltip as HTML), numbers written by
    the browser's ``Intl.NumberFormat`` for that language. A cell holds at least one incident, so the singular is
    for 1 alone in every language of the catalogue (checked by tests/viz/test_hex_words.py)."""
    one, other = (html.escape(t.ngettext("{n} incident", "{n} incidents", n)) for n in (1, 2))
    return {"lang": t.lang, "one": one, "other": other, "killed": html.escape(t.gettext("killed {toll}")),
            "unknown": html.escape(t.gettext("toll unknown for {n}"))}


def heat_points(lat: np.ndarray, lng: np.ndarray, weight: np.ndarray, bounds: Bounds | None,
                max_points: int = MAX_HEAT_POINTS) -> list[list[float]]:
    """[lat, lng, weight] for the heat layer: the points themselves when few enough, otherwise the centres of H3
    cells (two resolutions finer than the hexagons for that view, coarser if needed) weighted by their sum."""
    if len(lat) <= max_points:
        return np.column_stack([lat, lng, weight]).tolist()
    codes, first = _distinct_points(lat, lng)
    summed = np.bincount(codes, weight, minlength=len(first))
    ulat, ulng = lat[first], lng[first]
    resolution = min(resolution_for_bounds(bounds) + 2, MAX_RES + 1)
    while True:
        uniq, inverse = np.unique(_cells_of(ulat, ulng, resolution), return_inverse=True)
        if len(uniq) <= max_points or resolution <= 0:
            break
        resolution -= 1
    sums = np.bincount(inverse, summed, minlength=len(uniq))
    centres = [h3i.cell_to_latlng(int(c)) for c in uniq]
    return [[round(a, 4), round(b, 4), float(w)] for (a, b), w in zip(centres, sums, strict=True)]
