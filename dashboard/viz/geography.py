"""The offline basemap under the incidents: countries, Mali's regions, the Ségou region, its cercles (always, with
their names), its communes (when zoomed in), the rivers, and the cercle seats.

Everything is vector data bundled with the package (see ``dashboard/bundled/README.md``); nothing is fetched.
Layers go into their own Leaflet panes, below the overlay pane where incidents, outlines and the heat layer are
drawn (:data:`PANES`), so that an opaque land fill can never hide what is drawn for the incidents.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

import folium
import geopandas as gpd
import pandas as pd
import shapely
from babel.core import get_global
from branca.element import MacroElement, Template

from dashboard.i18n import DEFAULT, Translator, tr
from dashboard.viz import rendered
from dashboard.viz.palette import (
    COUNTRY_EDGE,
    COUNTRY_FILL,
    OTHER_REGIONS_FILL,
    REGION_EDGE,
    REGION_FILL,
    RIVER,
    UNIT_EDGE,
)

# Leaflet's own panes: tiles 200, overlays 400, shadows 500, markers 600, tooltips 650, popups 700.
PANES = {"basemap": 250, "basemap-lines": 300, "incident-units": 380, "heat": 420}
COMMUNES_FROM_ZOOM = 9  # commune boundaries appear from this zoom on (the region fills the map at about 7)
COMMUNE_NAMES_FROM_ZOOM = 10
LABEL_BOX = (-13.0, 9.5, 5.0, 21.0)  # country names go where they show around Mali
SIMPLIFY_DEG = {"cercle": 0.002, "commune": 0.004}  # ~200/400 m: invisible at the zooms they are drawn at


@dataclass(frozen=True, slots=True)
class Context:
    """The vector layers of the basemap (any may be missing)."""

    countries: gpd.GeoDataFrame | None = None
    regions: gpd.GeoDataFrame | None = None
    region: gpd.GeoDataFrame | None = None
    cercles: gpd.GeoDataFrame | None = None
    communes: gpd.GeoDataFrame | None = None
    rivers: gpd.GeoDataFrame | None = None
    seats: pd.DataFrame | None = None


@cache
def inert(layer):
    """The vector layer made non-interactive, so that clicks and taps reach the markers under it. folium 0.20's
    vector layers drop an ``interactive=False`` keyword (it is not among their path options): a 25-km ring drawn
    over a neighbour's marker took its taps on a phone (tests/browser/test_first_hour_browser.py)."""
    layer.options["interactive"] = False
    return layer


def simplified(kind: str) -> gpd.GeoDataFrame:
    """The bundled cercles or communes, simplified for drawing (the unit polygons of the data stay exact)."""
    from dashboard.data import admin

    units = admin.cercles() if kind == "cercle" else admin.communes()
    out = units.copy()
    out["geometry"] = _small(units.geometry.array, SIMPLIFY_DEG[kind])
    return out


def _small(geometry, tolerance: float = SIMPLIFY_DEG["cercle"]):
    """Simplified and rounded to 4 decimals (~10 m): short GeoJSON text."""
    return shapely.set_precision(shapely.simplify(geometry, tolerance, preserve_topology=True), 1e-4)


def add_panes(m: folium.Map) -> None:
    for name, z in PANES.items():
        folium.map.CustomPane(name, z_index=z, pointer_events=name in ("incident-units",)).add_to(m)


def country_name(iso3: str, name: str, t: Translator | None = None) -> str:
    """A neighbouring country's name in ``t``'s language: the bundled file's (English) ``name``, or in another
    language CLDR's name of the territory (Babel; ISO 3166 alpha-3 → alpha-2 through CLDR's territory aliases).
    The bundled Natural Earth layer carries no French names (see ``scripts/build_basemap_layers.py``): none is
    written by hand. A code CLDR does not know keeps the file's name."""
    if t is None or t.lang == DEFAULT:
        return name
    alpha2 = (get_global("territory_aliases").get(str(iso3)) or [None])[0]
    return t.locale.territories.get(alpha2, name) if alpha2 else name


def add_context(m: folium.Map, ctx: Context, t: Translator | None = None) -> None:
    """Draw the basemap layers, bottom to top; ``t``: the language of the layer names and country names."""
    t = t or tr()
    if ctx.countries is not None:
        countries = _polygons(ctx.countries[["name", "geometry"]], t.gettext("Neighbouring countries"),
                              COUNTRY_FILL, COUNTRY_EDGE, 0.8)
        near = shapely.box(*LABEL_BOX)
        codes = ctx.countries["iso3"] if "iso3" in ctx.countries else pd.Series([""] * len(ctx.countries))
        for r, iso3 in zip(ctx.countries.itertuples(index=False), codes, strict=True):
            part = r.geometry.intersection(near)
            if not part.is_empty and part.area > 0.5:
                _label(part.representative_point(), country_name(iso3, r.name, t).upper(), "country-label", 12,
                       "#8a8a86", weight=600).add_to(countries)
        countries.add_to(m)
    if ctx.regions is not None:
        _polygons(ctx.regions[["name", "geometry"]], t.gettext("Regions of Mali (pre-2016)"), OTHER_REGIONS_FILL,
                  "#9a9a9a", 1).add_to(m)
    if ctx.region is not None:
        _polygons(ctx.region[["name", "geometry"]], t.gettext("Ségou region"), REGION_FILL, REGION_EDGE, 2.5
                  ).add_to(m)
    if ctx.rivers is not None and len(ctx.rivers):
        _rivers(ctx.rivers, t).add_to(m)
    if ctx.communes is not None:
        communes = folium.FeatureGroup(name=t.gettext("Commune boundaries (zoom in)"), control=False)
        _lines(ctx.communes[["commune", "geometry"]], UNIT_EDGE, 0.7, "3 3").add_to(communes)
        communes.add_to(m)
        names = folium.FeatureGroup(name=t.gettext("Commune names"), control=False)
        for r in ctx.communes.itertuples(index=False):
            _label(r.geometry.representative_point(), r.commune, "commune-label", 10, "#666").add_to(names)
        names.add_to(m)
        ShowFromZoom(communes, COMMUNES_FROM_ZOOM).add_to(m)
        ShowFromZoom(names, COMMUNE_NAMES_FROM_ZOOM).add_to(m)
    if ctx.cercles is not None:
        cercles = folium.FeatureGroup(name="Cercles")
        _lines(ctx.cercles[["cercle", "geometry"]], REGION_EDGE, 1.3, None).add_to(cercles)
        for r in ctx.cercles.itertuples(index=False):
            _label(r.geometry.representative_point(), r.cercle.upper(), "cercle-label", 11, "#555",
                   weight=600).add_to(cercles)
        cercles.add_to(m)
    if ctx.seats is not None and len(ctx.seats):
        seats = folium.FeatureGroup(name=t.gettext("Cercle seats"))
        for s in ctx.seats.itertuples(index=False):
            inert(rendered.CircleMarker([s.latitude, s.longitude], radius=2.5, color="#333", weight=1, fill=True,
                                        fill_color="#333", fill_opacity=1, pane="basemap-lines")).add_to(seats)
            rendered.Marker([s.latitude, s.longitude], interactive=False, icon=rendered.DivIcon(
                html=f'<div class="seat-label" style="font:11px system-ui,sans-serif;color:#333;white-space:nowrap;'
                     f'text-shadow:0 0 2px #fff,0 0 2px #fff">{html.escape(s.name)}</div>',
                icon_size=(120, 14), icon_anchor=(-4, 7))).add_to(seats)
        seats.add_to(m)


def _json(frame: gpd.GeoDataFrame) -> dict:
    return frame.__geo_interface__


def _polygons(frame: gpd.GeoDataFrame, name: str, fill: str, edge: str, weight: float) -> folium.GeoJson:
    return folium.GeoJson(_json(frame), name=name, pane="basemap", interactive=False,
                          style_function=lambda _: {"fillColor": fill, "color": edge, "weight": weight,
                                                    "fillOpacity": 1.0})


def _lines(frame: gpd.GeoDataFrame, colour: str, weight: float, dash: str | None) -> folium.GeoJson:
    style = {"fill": False, "color": colour, "weight": weight, "opacity": 0.9}
    if dash:
        style["dashArray"] = dash
    return folium.GeoJson(_json(frame), pane="basemap-lines", interactive=False, control=False,
                          style_function=lambda _: style)


def _rivers(rivers: gpd.GeoDataFrame, t: Translator) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=t.gettext("Rivers"))
    folium.GeoJson(_json(rivers[["name", "geometry"]]), pane="basemap-lines", interactive=False,
                   style_function=lambda f: {"color": RIVER, "weight": 2.2 if f["properties"]["name"] else 1.2,
                                             "opacity": 0.9}).add_to(group)
    for r in rivers.loc[rivers["name"].fillna("") != ""].itertuples(index=False):
        _label(shapely.Point(r.label_lon, r.label_lat), r.name, "river-label", 11, "#2f6f9f", italic=True
               ).add_to(group)
    return group


def _label(point, text: str, css: str, size: int, colour: str, *, weight: int = 400,
           italic: bool = False) -> folium.Marker:
    style = (f"font:{'italic ' if italic else ''}{weight} {size}px system-ui,sans-serif;color:{colour};"
             "white-space:nowrap;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;transform:translate(-50%,-50%)")
    return rendered.Marker([point.y, point.x], interactive=False, icon=rendered.DivIcon(
        html=f'<div class="{css}" style="{style}">{html.escape(text)}</div>', icon_size=(0, 0), icon_anchor=(0, 0)))


class ShowFromZoom(MacroElement):
    """Show a layer only from a zoom level on (commune boundaries would clutter the whole-region view)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }}, layer = {{ this.layer.get_name() }};
  function sync() {
    var show = map.getZoom() >= {{ this.zoom }};
    if (show && !map.hasLayer(layer)) { map.addLayer(layer); }
    if (!show && map.hasLayer(layer)) { map.removeLayer(layer); }
  }
  map.on("zoomend", sync);
  sync();
})();
{% endmacro %}
"""
    )

    def __init__(self, layer, zoom: int) -> None:
        super().__init__()
        self._name = "ShowFromZoom"
        self.layer = layer
        self.zoom = int(zoom)


def bundled_context() -> Context:
    """Every bundled basemap layer."""
    from dashboard import bundled
    from dashboard.data.reference import cercle_seats, mali_regions

    region = gpd.read_file(bundled.path("segou_region_cod.geojson")).rename(columns={"region": "name"})
    region["geometry"] = _small(region.geometry.array)
    regions = mali_regions().copy()
    regions["geometry"] = _small(regions.geometry.array, 0.01)  # context only: ~1 km is plenty
    return Context(countries=gpd.read_file(bundled.path("basemap_countries.geojson")), regions=regions,
                   region=region, cercles=simplified("cercle"), communes=simplified("commune"),
                   rivers=gpd.read_file(bundled.path("basemap_rivers.geojson")), seats=cercle_seats())
