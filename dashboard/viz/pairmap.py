"""A small map of two reports that may describe the same event: both places, labelled A and B, joined by a dashed
line, zoomed to show both (the Review page). Pure: reports in, ``folium.Map`` out."""

from __future__ import annotations

import html

import folium
import geopandas as gpd

from dashboard.i18n import Translator
from dashboard.viz import scale
from dashboard.viz.maps import Basemap, build_incident_map

__all__ = ["build_pair_map"]

PAD_DEG = 0.08  # around the two points, so that a pair 1 km apart still shows its surroundings


def build_pair_map(pair: gpd.GeoDataFrame, *, basemap: Basemap | None = None, public: bool = False,
                   t: Translator | None = None) -> folium.Map:
    """``pair``: the two reports (canonical rows), A first. A report without a drawable point is left off (the page
    says so)."""
    mask = scale.plottable_mask(pair)
    lat, lng = scale.coordinates(pair, mask)
    bounds = None
    if len(lat):
        bounds = ((float(lat.min()) - PAD_DEG, float(lng.min()) - PAD_DEG),
                  (float(lat.max()) + PAD_DEG, float(lng.max()) + PAD_DEG))
    m = build_incident_map(pair, basemap=basemap, public=public, bounds=bounds, t=t)
    points = [(float(g.y), float(g.x)) if drawn else None for g, drawn in zip(pair.geometry, mask, strict=True)]
    for label, point in zip("AB", points, strict=False):
        if point is not None:
            folium.Marker(point, icon=folium.DivIcon(
                html=f'<div class="pair-label" style="font:bold 14px system-ui,sans-serif;color:#111;'
                     f'text-shadow:0 0 3px #fff">{html.escape(label)}</div>',
                icon_size=(16, 16), icon_anchor=(-6, 18))).add_to(m)
    if all(p is not None for p in points[:2]) and len(points) >= 2:
        folium.PolyLine(points[:2], color="#111", weight=2, dash_array="6 6", opacity=0.8,
                        class_name="pair-line").add_to(m)
    return m
