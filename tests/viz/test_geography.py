"""The basemap (countries, cercles, communes from a zoom, rivers), incidents known to a unit drawn as its outline,
the choropleth by cercle or commune, the heat layer's pane and scale, and neutral cluster bubbles."""

from __future__ import annotations

import itertools
import re

import pytest

from dashboard.data.store import load_bundled
from dashboard.viz import geography
from dashboard.viz.choropleth import classes, colour_of, figures, not_allocated_note, tooltip
from dashboard.viz.maps import Basemap, build_incident_map
from dashboard.viz.palette import CATEGORY_COLOURS, CHOROPLETH_RAMP, CHOROPLETH_ZERO, CLUSTER_FILL, HEAT_GRADIENT
from tests.factories import children_of_type, incidents, render, row

POGO = {"latitude": "13.97683", "longitude": "-5.920579"}  # Kamona, Pogo commune, Niono cercle
DOGOFRY_SEAT = {"latitude": "14.775556", "longitude": "-6.028611", "located_to": "commune", "geo_precision": "2"}
NIONO_SEAT = {"latitude": "14.24425", "longitude": "-5.993266", "located_to": "cercle", "geo_precision": "2"}


@pytest.fixture(scope="module")
def full() -> Basemap:
    return Basemap.bundled()


def unescaped(html: str) -> str:
    """The map document with JSON's \\uXXXX escapes resolved (folium writes icon HTML as JSON strings)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), html).replace('\\"', '"')


def legend_of(html: str) -> str:
    return re.search(r'div\.innerHTML = (".*?");', html, re.S).group(1)


def test_the_bundled_basemap_has_every_layer(full):
    assert {"Mauritania", "Burkina Faso", "Guinea", "Niger", "Senegal", "Côte d'Ivoire", "Algeria"} <= set(
        full.countries["name"])
    assert "Mali" not in set(full.countries["name"])  # Mali is drawn by its regions
    assert len(full.cercles) == 7 and len(full.communes) == 119
    assert set(full.rivers["name"]) >= {"Niger", "Bani"}
    html = unescaped(render(build_incident_map(incidents(row()), basemap=full)))
    for name in ("NIONO", "MACINA", "SÉGOU", "TOMINIAN", "MAURITANIA", "BURKINA FASO"):
        assert f">{name}</div>" in html, name
    assert 'class="river-label"' in html and ">Niger</div>" in html and ">Bani</div>" in html
    assert f"map.getZoom() >= {geography.COMMUNES_FROM_ZOOM}" in html  # communes only when zoomed in


def test_basemap_panes_lie_under_the_incidents(full):
    html = render(build_incident_map(incidents(row()), basemap=full, mode="heat"))
    panes = dict(re.findall(r"createPane\(\s*\"([\w-]+)\"\);\s*\w+\.style\.zIndex = (\d+);", html))
    assert panes == {k: str(v) for k, v in geography.PANES.items()}
    assert max(geography.PANES["basemap"], geography.PANES["basemap-lines"]) < 400 < geography.PANES["heat"]
    assert re.search(r'"pane":\s*"heat"', html)  # the heat canvas goes above every opaque land fill


def test_an_incident_known_only_to_a_commune_is_drawn_as_its_outline(full):
    view = incidents(row(incident_id="place", **POGO, geo_precision="1"),
                     row(incident_id="c1", **DOGOFRY_SEAT, perpetrator_category="jihadist_group"),
                     row(incident_id="c2", **DOGOFRY_SEAT, perpetrator_category="jihadist_group;state_forces"),
                     row(incident_id="k", **NIONO_SEAT, perpetrator_category="state_forces"))
    m = build_incident_map(view, basemap=full, mode="points")
    markers = [c for c in children_of_type(m, "CircleMarker") if "incident-marker" in str(c.options)]
    assert len(markers) == 1  # only the place; no point with a 25 km ring for the others
    assert len(children_of_type(m, "Circle")) == 0
    html = render(m)
    assert html.count('"incident-outline located-commune"') == 1  # one outline for the two Dogofry incidents
    assert html.count('"incident-outline located-cercle"') == 1
    assert f'"color": "{CATEGORY_COLOURS["jihadist_group"]}"' in html
    assert "Commune Dogofry (Niono): 2 incidents known only to this commune" in html
    assert 'data-incident-id="c1"' in html and 'data-incident-id="c2"' in html
    assert "k · " in html  # a lone incident's outline keeps its tooltip, so a click selects it
    assert "dashed outline: known only to that commune or cercle" in legend_of(html)


def test_choropleth_figures_count_only_what_lies_in_a_unit(full):
    view = incidents(row(incident_id="a", **POGO, geo_precision="1", fatalities_min="21", fatalities_max="37"),
                     row(incident_id="b", **POGO, geo_precision="1", fatalities_min="", fatalities_max=""),
                     row(incident_id="c", **NIONO_SEAT), row(incident_id="r", latitude="", longitude="",
                                                             geo_precision="3", admin2=""))
    found = figures(view, full.units("commune"), "commune")
    pogo = found.table.loc["ML040507"]
    assert (pogo["name"], pogo["incidents"], pogo["killed_min"], pogo["killed_max"], pogo["unknown_toll"]) == (
        "Pogo (Niono)", 2, 21, 37, 1)
    assert int(found.table["incidents"].sum()) == 2 and len(found.table) == 119
    assert (found.not_allocated, found.only_coarser, found.outside) == (2, 2, 0)
    assert not_allocated_note(found, "commune").startswith("not allocated to a commune: 2")
    assert tooltip(pogo) == "Pogo (Niono): 2 incidents · killed at least 21 (up to 37) · toll unknown for 1"
    cercles = figures(view, full.units("cercle"), "cercle")
    assert cercles.table.loc["ML0405", "incidents"] == 3 and cercles.not_allocated == 1


def test_choropleth_map_has_the_classes_and_the_note(full):
    view = load_bundled()
    html = render(build_incident_map(view, basemap=full, mode="choropleth", unit="commune", measure="killed_min"))
    legend = legend_of(html)
    found = figures(view, full.units("commune"), "commune")
    assert f"not allocated to a commune: {found.not_allocated}" in legend and found.not_allocated > 0
    assert "Killed (at least) by commune" in legend
    assert html.count("\"className\": \"choropleth-unit\"") >= 2  # one style per class
    assert "Pogo (Niono): " in html  # every unit's figures in its tooltip
    assert 'incident-marker' not in html


def test_classes_are_whole_number_ranges_and_zero_is_white():
    assert classes([0, 1, 1, 2]) == [(1, 1), (2, 2)]
    bounds = classes(list(range(0, 40)))
    assert len(bounds) == len(CHOROPLETH_RAMP) and bounds[0][0] == 1 and bounds[-1][1] == 39
    assert all(lo <= hi for lo, hi in bounds) and all(b[0] == a[1] + 1 for a, b in itertools.pairwise(bounds))
    assert colour_of(0, bounds) == CHOROPLETH_ZERO and colour_of(39, bounds) == CHOROPLETH_RAMP[-1]


def test_heat_has_a_scale_and_leaves_out_unit_seats(full):
    view = incidents(row(incident_id="p", **POGO, geo_precision="1"), row(incident_id="c", **NIONO_SEAT))
    html = render(build_incident_map(view, basemap=full, mode="heat"))
    assert "heat-scale" in legend_of(html) and "most in this view" in legend_of(html)
    assert all(colour in legend_of(html) for colour in HEAT_GRADIENT.values())
    heat = re.search(r"L\.heatLayer\(\s*(\[\[.*?\]\])", html, re.S).group(1)
    assert "13.97683" in heat and "14.24425" not in heat  # the cercle seat is not a hot spot
    assert "1 incident known only to a commune or cercle is not in the heat" in legend_of(html)


def test_cluster_bubbles_use_neutral_greys_not_category_colours(full):
    html = render(build_incident_map(load_bundled(), basemap=full, mode="clusters"))
    create = re.search(r"iconCreateFunction\s*[:=]\s*(function.*?\n\})", html, re.S).group(1)
    assert all(fill in create for fill in CLUSTER_FILL)
    for colour in (*CATEGORY_COLOURS.values(), "110, 204, 57", "240, 194, 12", "241, 128, 23"):
        assert colour not in create


def test_neighbouring_countries_are_named_in_the_language_from_cldr_never_by_hand():
    from dashboard.i18n import tr
    from dashboard.viz.geography import country_name

    assert country_name("MRT", "Mauritania", tr("fr")) == "Mauritanie"
    assert country_name("ESH", "Western Sahara", tr("fr")) == "Sahara occidental"
    assert country_name("MRT", "Mauritania", tr("en")) == "Mauritania"  # English: the bundled file's own name
    assert country_name("XYZ", "Somewhere", tr("fr")) == "Somewhere"  # unknown to CLDR: the file's name
