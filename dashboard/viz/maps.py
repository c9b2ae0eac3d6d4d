"""The incident map as a ``folium.Map`` (pure: data in, map object out; no Streamlit here).

Honesty rules drawn on the map:
* precision 1 (exact place): a filled circle;
* precision 2 near a named place: a hollow, dashed circle plus a faint ring — the point is the named place, not
  where it happened;
* known only to a commune or a cercle (``located_to``): that unit's dashed outline (:mod:`dashboard.viz.outlines`);
* precision 3 / no coordinates: not drawn at all (they are listed beside the map by the UI, see
  :func:`unplotted`), never planted on a city.

The basemap (:mod:`dashboard.viz.geography`) sits in panes below the incidents; the choropleth mode
(:mod:`dashboard.viz.choropleth`) colours cercles or communes by incidents or killed.

At scale (see :mod:`dashboard.viz.scale`): above a point budget the incidents are aggregated server-side into H3
hexagons sized for the view, and the legend says so; at or below it every incident keeps its marker and card.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement, Template
from folium.plugins import HeatMap, MarkerCluster
from jinja2 import Environment

from dashboard import labels
from dashboard.data.captures import Capture
from dashboard.data.missing import is_missing
from dashboard.data.points import Points
from dashboard.data.schema import PERPETRATOR_CATEGORIES, split_codes
from dashboard.i18n import Translator, tr
from dashboard.viz import choropleth, geography, outlines, rendered, scale
from dashboard.viz.a11y import MARKER_CLASS, MapAccessibility
from dashboard.viz.assets import lean_map_assets
from dashboard.viz.cards import incident_card_html, tooltip_text
from dashboard.viz.palette import (
    CATEGORY_COLOURS,
    CLUSTER_FILL,
    CLUSTER_TEXT,
    HEAT_GRADIENT,
    WATER,
    colour_for,
    legend_codes,
)

MapMode = Literal["points", "clusters", "heat", "hexbin", "choropleth"]
MAP_MODES: tuple[MapMode, ...] = ("points", "clusters", "heat", "hexbin", "choropleth")
SEGOU_CENTER = (13.9, -5.6)
SEGOU_ZOOM = 7
APPROX_RING_M = 25_000  # drawn around precision-2 points: "somewhere near here" (wider than big markers)


@dataclass(frozen=True, slots=True)
class Basemap:
    """Vector layers drawn under the incidents (no tiles needed)."""

    region: gpd.GeoDataFrame | None = None
    other_regions: gpd.GeoDataFrame | None = None
    seats: pd.DataFrame | None = None  # name, latitude, longitude
    countries: gpd.GeoDataFrame | None = None  # Mali's neighbours (name)
    cercles: gpd.GeoDataFrame | None = None  # the region's cercles (cercle, cercle_pcode): always drawn, named
    communes: gpd.GeoDataFrame | None = None  # its communes (commune, commune_pcode, cercle): drawn when zoomed in
    rivers: gpd.GeoDataFrame | None = None  # name, label_lat, label_lon

    @classmethod
    def bundled(cls) -> Basemap:
        """Every bundled layer: neighbouring countries, Mali's regions, the Ségou region, its cercles and communes,
        the rivers and the cercle seats."""
        ctx = geography.bundled_context()
        return cls(region=ctx.region, other_regions=ctx.regions, seats=ctx.seats, countries=ctx.countries,
                   cercles=ctx.cercles, communes=ctx.communes, rivers=ctx.rivers)

    def units(self, level: str) -> gpd.GeoDataFrame:
        """The unit polygons an incident outline or a choropleth is drawn with (the bundled ones by default)."""
        own = self.cercles if level == "cercle" else self.communes
        return own if own is not None else geography.simplified(level)


def plottable(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Incidents that have a point and a location finer than the region."""
    return incidents.loc[scale.plottable_mask(incidents)]


def as_points(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Plottable incidents drawn as a marker (the others known only to a commune or cercle are drawn as outlines)."""
    return outlines.split(plottable(incidents))[0]


def unplotted(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Incidents the map does not draw (region-level or no coordinates)."""
    return incidents.loc[~scale.plottable_mask(incidents)]


def first_unplotted(incidents: gpd.GeoDataFrame, n: int,
                    points: Points | None = None) -> tuple[int, gpd.GeoDataFrame]:
    """How many incidents the map does not draw, and the first ``n`` of them by date (then id): the same as
    ``unplotted(incidents).sort_values(["date_start", "incident_id"], kind="stable").head(n)``, sorting two columns
    of them instead of copying every column of every one (tens of thousands at a million incidents). ``points``:
    the rows' points when the caller has them (the geometry is then not read)."""
    where = np.flatnonzero(~scale.plottable_mask(incidents, points))
    keys = incidents[["date_start", "incident_id"]].take(where).reset_index(drop=True)
    first = keys.sort_values(["date_start", "incident_id"], kind="stable").index.to_numpy()[:n]
    return len(where), incidents.take(where[first])


def marker_radius(lo, hi) -> float:
    """Pixel radius grows with the square root of the upper toll; unknown tolls get the smallest size."""
    n = lo if is_missing(hi) else hi
    n = 0 if is_missing(n) else int(n)
    return 5.0 + 2.2 * math.sqrt(n)


# every column build_incident_map reads when it draws no marker, by what it draws (hexagons, heat, the choropleth),
# besides where each incident is (the geometry, or the ``points`` the caller has): a page may hand it only these
# then, instead of every column of a large selection (tests/viz/test_map_columns.py: the same page from them alone,
# and each one read). At a million incidents, taking the choropleth's six columns of the default view's 191,710 rows
# where the hexagons read three cost 15-20 ms more on every filter change, and the geometry 8-15 ms more.
_DRAWN = ("geo_precision", "fatalities_min", "fatalities_max")  # how precisely it is placed, the tolls
AGGREGATE_COLUMNS = {"hexbin": _DRAWN, "heat": (*_DRAWN, "located_to"),
                     "choropleth": (*_DRAWN, "cercle", "cercle_pcode", "commune_pcode")}


def aggregate_columns(mode: str) -> tuple[str, ...]:
    """What :func:`build_incident_map` reads in ``mode`` when it draws no marker (points and clusters above the
    marker budget are drawn as hexagons), besides the geometry (not read when it is given ``points``)."""
    return AGGREGATE_COLUMNS["hexbin" if mode in ("points", "clusters") else mode]


def build_incident_map(
    incidents: gpd.GeoDataFrame,
    *,
    basemap: Basemap | None = None,
    mode: MapMode = "points",
    online_tiles: bool = False,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    public: bool = False,
    hex_resolution: int | None = None,
    bounds: scale.Bounds | None = None,
    max_markers: int = scale.MAX_MARKERS,
    max_marker_bytes: int = scale.MAX_MARKER_BYTES,
    unit: str = "commune",
    measure: str = "incidents",
    reports: Mapping[str, Sequence[dict]] | None = None,
    t: Translator | None = None,
    captures: Sequence[Capture] = (),
    capture_links: Mapping[str, str] | None = None,
    points: Points | None = None,
) -> folium.Map:
    """Build the map of ``incidents`` (already filtered). ``online_tiles`` adds optional OSM/satellite layers
    (they need the internet; off by default so that nothing leaves the machine).

    ``bounds`` ((south, west), (north, east)) is the view to show; by default the region outline widened to the
    plotted incidents. In points and clusters modes, more than ``max_markers`` plottable incidents (or markers
    whose cards would exceed ``max_marker_bytes`` of script) are drawn as H3 hexagons instead, at a resolution
    chosen from the view; ``hex_resolution`` fixes it (hexbin mode). Heat uses at most
    :data:`~dashboard.viz.scale.MAX_HEAT_POINTS` points. ``reports`` (incident id → its reports' records) puts each
    incident's reports side by side in its card. ``t`` is the language of the cards, tooltips and legend.
    ``captures`` (the preserved copies of sources) and ``capture_links`` (sha256 → relative href of an exported
    copy) are shown under each card's sources (:func:`dashboard.viz.cards.capture_lines`). ``points``: each row's
    point when the caller has them (:class:`~dashboard.data.points.Points`; the geometry is then read only to draw
    markers)."""
    t = t or tr()
    if mode not in MAP_MODES:
        raise ValueError(f"unknown map mode {mode!r}; expected one of {', '.join(MAP_MODES)}")
    m = folium.Map(location=center or SEGOU_CENTER, zoom_start=zoom or SEGOU_ZOOM, tiles=None,
                   control_scale=True, prefer_canvas=False)
    lean_map_assets(m)  # no Bootstrap, Font Awesome...: the map draws none of what they are for
    m.options["maxZoom"] = 14  # MarkerCluster needs a map maxZoom; without tiles folium sets none
    m.options["minZoom"] = 4
    m.get_root().header.add_child(Element(f"<style>.leaflet-container{{background:{WATER}}}</style>"))
    from dashboard.viz.assets import LocalIconPath  # local Leaflet images, see OFFLINE_MAP.md

    m.add_child(LocalIconPath())
    if online_tiles:
        folium.TileLayer("OpenStreetMap", name=t.gettext("OpenStreetMap (online)"), show=False).add_to(m)
        folium.TileLayer(
            tiles="https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
            attr="Esri World Imagery", name=t.gettext("Satellite (online)"), show=False,
        ).add_to(m)
    basemap = basemap or Basemap()
    _add_basemap(m, basemap, t)
    mask = scale.plottable_mask(incidents, points)
    lat, lng = scale.coordinates(incidents, mask, points)
    if bounds is None and center is None and zoom is None and basemap.region is not None:
        bounds = scale.view_bounds(lat, lng, basemap.region)  # the region fills the map, widened to the data
    if bounds is not None:
        m.fit_bounds([list(bounds[0]), list(bounds[1])], padding=(10, 10))
    view = bounds or scale.data_bounds(lat, lng)
    drawn = int(mask.sum())
    if mode == "choropleth":
        choropleth.add_choropleth(m, incidents, basemap.units(unit), unit, measure, t=t)
        folium.LayerControl(collapsed=True).add_to(m)
        _stable_ids(m)
        return m
    # above the point budget, markers would make the page too heavy: hexagons instead (the legend says so)
    aggregated = mode in ("points", "clusters") and not scale.markers_fit(
        incidents, mask, max_markers=max_markers, max_bytes=max_marker_bytes, public=public, reports=reports)
    shown = "hexbin" if aggregated else mode
    layer_name = {"points": t.gettext("Incidents"), "clusters": t.gettext("Incidents (clustered)"),
                  "heat": t.gettext("Heat (killed)"), "hexbin": t.gettext("Incidents per hexagon")}[shown]
    present: set[str] = set()
    two = False
    outlined = 0
    if shown == "heat":
        outlined = _add_heat(m, incidents, mask, view, layer_name, points)
    elif shown == "hexbin":
        _add_hexbins(m, incidents, mask, lat, lng, layer_name, hex_resolution if hex_resolution is not None else
                     scale.resolution_for_bounds(view), t)
    else:
        placed, units = outlines.split(incidents.loc[mask])
        outlined = _add_unit_outlines(m, units, basemap, public=public, t=t, captures=captures,
                                      capture_links=capture_links)
        target = _cluster_group(layer_name) if mode == "clusters" else folium.FeatureGroup(name=layer_name)
        target.add_to(m)
        _add_markers(target, placed, public=public, second_rings=mode == "points", reports=reports or {}, t=t,
                     captures=captures, capture_links=capture_links)
        rings = mode == "points"
        present = {c for cell in placed["perpetrator_category"].unique() for c in split_codes(cell)[: 2 if rings else 1]}
        present |= {split_codes(cell)[0] for cell in units["perpetrator_category"].unique() if split_codes(cell)}
        two = rings and bool(placed["perpetrator_category"].str.contains(";", regex=False).any())
    m.add_child(Legend(mode=shown, drawn=drawn, not_drawn=len(incidents) - drawn, categories=present,
                       second_ring=two, aggregated=drawn if aggregated else 0, max_markers=max_markers,
                       outlined=outlined, fit_bounds=bounds, t=t))
    m.add_child(MapAccessibility())
    folium.LayerControl(collapsed=True).add_to(m)
    _stable_ids(m)
    return m


def _stable_ids(m: folium.Map) -> None:
    """Replace folium's random element ids with ones derived from the tree, so the same data gives the same
    HTML: streamlit-folium then keeps the mounted map (and the user's pan/zoom and open popup) across reruns."""
    counter = 0

    def walk(el) -> None:
        nonlocal counter
        el._id = f"{counter:032x}"
        counter += 1
        for child in el._children.values():
            walk(child)
        # children are keyed by the name they had when added; templates use those keys as JS names
        el._children = type(el._children)((child.get_name(), child) for child in el._children.values())
        if isinstance(el, folium.Popup):  # a popup keeps its content in a separate element tree
            walk(el.html)

    walk(m.get_root())


def _add_basemap(m: folium.Map, basemap: Basemap, t: Translator | None = None) -> None:
    geography.add_panes(m)
    geography.add_context(m, geography.Context(
        countries=basemap.countries, regions=basemap.other_regions, region=basemap.region, cercles=basemap.cercles,
        communes=basemap.communes, rivers=basemap.rivers, seats=basemap.seats), t)


def _add_unit_outlines(m: folium.Map, units: gpd.GeoDataFrame, basemap: Basemap, *, public: bool,
                       t: Translator | None = None, captures: Sequence[Capture] = (),
                       capture_links: Mapping[str, str] | None = None) -> int:
    """Incidents known only to a commune or a cercle, as the unit's outline; returns how many incidents."""
    if units.empty:
        return 0
    t = t or tr()
    group = folium.FeatureGroup(name=t.gettext("Known only to a commune or cercle (outline)"))
    outlines.add_outlines(group, units, basemap.units("commune"), basemap.units("cercle"), public=public, t=t,
                          captures=captures, capture_links=capture_links)
    group.add_to(m)
    return len(units)


# Leaflet.markercluster colours its bubbles green/yellow/orange by size, which the legend uses for perpetrator
# categories: the bubbles are neutral greys here, darker for bigger clusters.
_CLUSTER_ICON = """function (cluster) {
  var n = cluster.getChildCount(), i = n < 10 ? 0 : (n < 100 ? 1 : 2);
  var fill = FILLS[i], text = TEXTS[i], size = [30, 36, 42][i];
  return L.divIcon({html: '<div style="background:' + fill + ';color:' + text + ';width:' + size + 'px;height:' +
    size + 'px;font:600 12px/' + size + 'px system-ui,sans-serif;border-radius:50%;border:2px solid #555;' +
    'text-align:center;box-sizing:border-box">' + n + '</div>', className: 'incident-cluster',
    iconSize: L.point(size, size)});
}""".replace("FILLS", json.dumps(list(CLUSTER_FILL))).replace("TEXTS", json.dumps(list(CLUSTER_TEXT)))


def _cluster_group(name: str) -> MarkerCluster:
    return MarkerCluster(name=name, options={"maxClusterRadius": 40}, icon_create_function=_CLUSTER_ICON)


def _add_markers(target, points: gpd.GeoDataFrame, *, public: bool, second_rings: bool = True,
                 reports: Mapping[str, Sequence[dict]] | None = None, t: Translator | None = None,
                 captures: Sequence[Capture] = (), capture_links: Mapping[str, str] | None = None) -> None:
    reports = reports or {}
    t = t or tr()
    records = points.to_dict("records")
    for r in records:
        colour = colour_for(r["perpetrator_category"])
        codes = split_codes(r["perpetrator_category"])
        lat, lon = r["geometry"].y, r["geometry"].x
        approximate = int(r["geo_precision"]) >= 2
        tip = rendered.Tooltip(html.escape(tooltip_text(r, t)))
        card = incident_card_html(r, public=public, reports=reports.get(r["incident_id"]), t=t, captures=captures,
                                  capture_links=capture_links)
        # lazy: the card's HTML becomes a popup's content on the marker's first click (or Enter, which clicks:
        # viz/a11y.py), not every card parsed into the page before the map shows
        popup = rendered.Popup(card, max_width=360, max_height=320, lazy=True)
        several = " several-reports" if int(r.get("n_reports", 1) or 1) > 1 else ""
        if approximate:
            geography.inert(rendered.Circle([lat, lon], radius=APPROX_RING_M, color=colour, weight=1, opacity=0.5,
                                            fill=True, fill_opacity=0.06, dash_array="2 4")).add_to(target)
        rendered.CircleMarker(
            [lat, lon],
            radius=marker_radius(r["fatalities_min"], r["fatalities_max"]),
            color=colour,
            weight=2.5 if approximate else 1.5,
            dash_array="4 3" if approximate else None,
            fill=True,
            fill_color="#ffffff" if approximate else colour,
            fill_opacity=0.55 if approximate else 0.85,
            tooltip=tip,
            popup=popup,
            class_name=f"{MARKER_CLASS} precision-{int(r['geo_precision'])}{several}",
        ).add_to(target)
        if second_rings and len(codes) > 1 and codes[1] in CATEGORY_COLOURS:
            # a second alleged perpetrator (e.g. army and Dozo) shows as an outer ring in its own colour
            geography.inert(rendered.CircleMarker(
                [lat, lon], radius=marker_radius(r["fatalities_min"], r["fatalities_max"]) + 3.5,
                color=CATEGORY_COLOURS[codes[1]], weight=3, fill=False, class_name="second-category",
            )).add_to(target)


def _add_heat(m: folium.Map, incidents: gpd.GeoDataFrame, mask: np.ndarray, view: scale.Bounds | None,
              name: str, points: Points | None = None) -> int:
    """Heat from the incidents located to a place (a unit's seat would make a false hot spot), in its own pane
    above the basemap; returns how many incidents known only to a commune or cercle it leaves out."""
    located = incidents["located_to"].astype("string").isin(["commune", "cercle"]).fillna(False).to_numpy(bool)
    places = mask & ~located
    lat, lng = scale.coordinates(incidents, places, points)
    _, hi, _ = scale.upper_tolls(incidents, places)
    weight = np.nan_to_num(hi, nan=1.0).clip(min=1.0)
    HeatMap(scale.heat_points(lat, lng, weight, view), name=name, radius=22, blur=18, min_opacity=0.35,
            gradient={str(k): v for k, v in HEAT_GRADIENT.items()}, pane="heat").add_to(m)
    return int((mask & located).sum())


def hexbin_counts(points: gpd.GeoDataFrame, resolution: int) -> pd.DataFrame:
    """Incidents, killed (min, max) and unknown tolls per H3 cell (``points`` are plottable incidents)."""
    if points.empty:
        return pd.DataFrame(columns=["cell", "incidents", "killed_min", "killed_max", "unknown_toll"])
    mask = np.ones(len(points), dtype=bool)
    lat, lng = scale.coordinates(points, mask)
    lo, hi, _ = scale.upper_tolls(points, mask)
    return scale.hex_bins(lat, lng, lo, hi, resolution)[0]


def _add_hexbins(m: folium.Map, incidents: gpd.GeoDataFrame, mask: np.ndarray, lat: np.ndarray, lng: np.ndarray,
                 name: str, resolution: int, t: Translator | None = None) -> None:
    lo, hi, _ = scale.upper_tolls(incidents, mask)
    table, _ = scale.hex_bins(lat, lng, lo, hi, resolution, max_cells=scale.MAX_HEX_CELLS)
    scale.HexLayer(table, name=name, t=t).add_to(m)


class Legend(MacroElement):
    """A static HTML legend (no branca colormap: that would pull d3 from a CDN)."""

    # A Leaflet control added from the map script: streamlit-folium renders scripts, not figure HTML.
    # Collapsible (a <details>), collapsed on a narrow map, and never over the region: the view is fitted again with
    # the legend's box as padding, on the side that costs the map less, whenever the legend opens or closes.
    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "incident-legend");
    div.innerHTML = {{ this.markup|tojson }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  var map = {{ this._parent.get_name() }};
  legend.addTo(map);
  var box = legend.getContainer();
  var details = box.querySelector("details");
  if (map.getSize().x < {{ this.narrow_px }}) { details.removeAttribute("open"); }
  var bounds = {{ this.fit_bounds|tojson }};
  function fitBesideLegend() {
    var size = map.getSize(), r = box.getBoundingClientRect(), m = map.getContainer().getBoundingClientRect();
    var w = r.right - m.left + 10, h = m.bottom - r.top + 10;  // the legend's corner, and a 10 px gap
    if (!bounds || !r.width || !r.height || !m.width || w <= 10 || h <= 10) { return; }  // not laid out yet
    // legend in the bottom-left corner (above the scale): keep the region to its right, or above it, whichever
    // leaves more map
    var beside = w * size.y <= h * size.x;
    map.fitBounds(bounds, {animate: false,
                           paddingTopLeft: beside ? [w, 10] : [10, 10],
                           paddingBottomRight: beside ? [10, 10] : [10, h]});
  }
  L.Util.requestAnimFrame(fitBesideLegend);
  details.addEventListener("toggle", fitBesideLegend);
  // the frame is sized after the script runs (and again when the page lays out): fit again until the user moves
  var touched = false, container = map.getContainer();
  ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
    container.addEventListener(name, function () { touched = true; }, {passive: true});
  });
  map.on("resize", function () { if (!touched) { fitBesideLegend(); } });
  // the legend is a control, drawn above popups: step aside while a popup is open
  map.on("popupopen", function () { box.style.display = "none"; });
  map.on("popupclose", function () { box.style.display = ""; });
})();
{% endmacro %}
"""
    )

    NARROW_PX = 600  # a map narrower than this (a phone) starts with the legend collapsed

    def __init__(self, *, mode: str, drawn: int, not_drawn: int, categories: set[str] | None = None,
                 second_ring: bool = False, aggregated: int = 0, max_markers: int = scale.MAX_MARKERS,
                 outlined: int = 0, fit_bounds: scale.Bounds | None = None, t: Translator | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        self.narrow_px = self.NARROW_PX
        self.fit_bounds = [list(fit_bounds[0]), list(fit_bounds[1])] if fit_bounds is not None else None
        self.mode = mode
        self.drawn = drawn
        self.not_drawn = not_drawn
        self.aggregated = aggregated
        t = t or tr()
        self.markup = _LEGEND.render(aggregated=aggregated > 0,
            w=legend_words(t, drawn=drawn, not_drawn=not_drawn, outlined=outlined, aggregated=aggregated,
                           max_markers=max_markers),
            items=[(labels.category(code, t), colour) for code, colour in legend_codes(categories)]
            if mode in ("points", "clusters") else [],
            mode=mode, drawn=drawn, not_drawn=not_drawn, second_ring=second_ring, outlined=outlined,
            heat=", ".join(f"{c} {k * 100:g}%" for k, c in HEAT_GRADIENT.items()),
        )


_LEGEND = Environment(autoescape=True).from_string(
    """<details open style="background:rgba(255,255,255,.96);padding:4px 10px;border:1px solid #767676;
border-radius:6px;font:12px system-ui,sans-serif;line-height:1.5;max-width:270px;color:#1a1a1a">
<summary style="cursor:pointer;font-weight:600;padding:2px 0">{{ w.summary }}</summary>
{% if items %}<div style="font-weight:600;margin:2px 0">{{ w.perpetrator }}</div>
{% for label, colour in items %}<div><span style="display:inline-block;width:11px;height:11px;border-radius:50%;
background:{{ colour }};margin-right:6px;vertical-align:-1px"></span>{{ label }}</div>{% endfor %}
<div style="margin-top:4px"><span style="display:inline-block;width:11px;height:11px;border-radius:50%;
background:#555;margin-right:6px;vertical-align:-1px"></span>{{ w.exact }}</div>
<div><span style="display:inline-block;width:8px;height:8px;border-radius:50%;border:2px dashed #555;
margin-right:6px;vertical-align:-1px"></span>{{ w.near }}</div>
{% if outlined %}<div class="outline-key"><span style="display:inline-block;width:14px;height:9px;border:2px dashed #555;
margin-right:6px;vertical-align:-1px"></span>{{ w.outline }}</div>{% endif %}
{% if second_ring %}<div><span style="display:inline-block;width:7px;height:7px;border-radius:50%;background:#999;
box-shadow:0 0 0 2px #fff,0 0 0 4px #555;margin:0 8px 0 2px;vertical-align:0"></span>{{ w.rings }}</div>\
{% else %}<div>{{ w.colour }}</div>{% endif %}
<div>{{ w.size }}</div>{% endif %}
{% if mode == "heat" %}<div style="font-weight:600">{{ w.heat }}</div>
<div class="heat-scale" style="height:10px;border:1px solid #999;background:linear-gradient(to right, {{ heat }})"></div>
<div style="display:flex;justify-content:space-between;color:#444"><span>{{ w.fewer }}</span><span>{{ w.most }}</span>\
</div>
<div style="color:#444">{{ w.relative }}{% if outlined %} {{ w.not_in_heat }}{% endif %}</div>{% endif %}
{% if mode == "hexbin" %}<div>{{ w.darker }}</div>{% endif %}
{% if aggregated %}<div class="aggregated-note" style="margin-top:4px"><b>{{ w.aggregated }}</b> {{ w.aggregated_how }}\
</div>{% endif %}
<div style="margin-top:4px">{{ w.on_map }}{% if not_drawn %}; <b>{{ w.not_drawn }}</b> {{ w.not_drawn_why }}{% endif %}\
</div></details>"""
)


def legend_words(t: Translator, *, drawn: int, not_drawn: int, outlined: int, aggregated: int,
                 max_markers: int = scale.MAX_MARKERS) -> dict[str, str]:
    """The map legend's words in ``t``'s language."""
    n = t.number
    summary = t.gettext("Legend · {drawn} on the map").format(drawn=n(drawn))
    if not_drawn:
        summary += ", " + t.gettext("{n} not drawn").format(n=n(not_drawn))
    return {
        "summary": summary, "perpetrator": t.gettext("Alleged perpetrator"), "exact": labels.precision(1, t),
        "near": t.gettext("near a named place (ring ≈25 km)"),
        "outline": t.gettext("dashed outline: known only to that commune or cercle ({n})").format(n=n(outlined)),
        "rings": t.gettext("fill/outline: first named; outer ring: second named"),
        "colour": t.gettext("colour: first-named perpetrator"), "size": t.gettext("size: number killed (upper bound)"),
        "heat": t.gettext("Heat: killed (upper bound) near each place"), "fewer": t.gettext("fewer"),
        "most": t.gettext("most in this view"),
        "relative": t.gettext("Relative to the densest spot in view; an unknown toll counts as 1."),
        "not_in_heat": t.ngettext("{n} incident known only to a commune or cercle is not in the heat.",
                                  "{n} incidents known only to a commune or cercle are not in the heat.",
                                  outlined).format(n=n(outlined)),
        "darker": t.gettext("Darker hexagon: more incidents"),
        "aggregated": t.gettext("{n} incidents shown as hexagons; zoom in or filter to see individual incidents")
        .format(n=n(aggregated)),
        "aggregated_how": t.gettext("(a cercle, period or category: each is drawn once at most {k} remain)").format(
            k=n(max_markers)),
        "on_map": t.ngettext("{n} incident on the map", "{n} incidents on the map", drawn).format(n=n(drawn)),
        "not_drawn": t.gettext("{n} not drawn").format(n=n(not_drawn)),
        "not_drawn_why": t.gettext("(no point or region-level; listed beside the map)"),
    }


__all__ = [
    "CATEGORY_COLOURS",
    "MAP_MODES",
    "PERPETRATOR_CATEGORIES",
    "Basemap",
    "aggregate_columns",
    "as_points",
    "build_incident_map",
    "hexbin_counts",
    "plottable",
    "unplotted",
]
