import re

import pytest

from dashboard.data.reference import cercle_seats
from dashboard.data.store import load_bundled
from dashboard.viz.assets import remote_asset_links
from dashboard.viz.maps import MAP_MODES, build_incident_map, hexbin_counts, plottable, unplotted
from dashboard.viz.outlines import split, unit_key
from dashboard.viz.palette import CATEGORY_COLOURS
from tests.factories import children_of_type, incidents, render, row

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


def test_points_mode_draws_a_marker_per_place_and_an_outline_per_commune_or_cercle(bundled, basemap):
    m = build_incident_map(bundled, basemap=basemap, mode="points")
    points, units = split(plottable(bundled))
    assert len(units) == int(bundled["located_to"].isin(["commune", "cercle"]).sum()) > 0
    markers = [c for c in children_of_type(m, "CircleMarker") if "incident-marker" in str(c.options)]
    assert len(markers) == len(points)
    # region-level / no-point incidents are not planted on a town
    assert len(unplotted(bundled)) == int((bundled.geometry.isna() | (bundled["geo_precision"] == 3)).sum())
    html = render(m)
    assert html.count("incident-marker precision-2") == int((points["geo_precision"] == 2).sum())
    assert html.count("incident-marker precision-1") == int((points["geo_precision"] == 1).sum())
    units_drawn = {unit_key(r) for r in units.to_dict("records")}
    assert html.count('"incident-outline located-') == len(units_drawn)


def test_approximate_points_are_hollow_with_a_ring_and_exact_ones_filled():
    view = incidents(row(incident_id="exact", geo_precision="1", perpetrator_category="jihadist_group"),
                     row(incident_id="near", geo_precision="2", perpetrator_category="state_forces"))
    m = build_incident_map(view, mode="points")
    markers = {c.options.get("className"): c.options for c in children_of_type(m, "CircleMarker")}
    exact = markers["incident-marker precision-1"]
    near = markers["incident-marker precision-2"]
    assert exact["fillColor"] == CATEGORY_COLOURS["jihadist_group"]
    assert near["fillColor"] == "#ffffff"
    assert near["color"] == CATEGORY_COLOURS["state_forces"]
    assert near.get("dashArray")
    rings = children_of_type(m, "Circle")
    assert len(rings) == 1


@pytest.mark.parametrize("mode", MAP_MODES)
def test_every_mode_renders_offline_with_the_region_outline_and_legend(bundled, basemap, mode):
    m = build_incident_map(bundled, basemap=basemap, mode=mode)
    html = render(m)
    assert remote_asset_links(html) == []
    layers = {c.layer_name for c in children_of_type(m, "GeoJson")}
    assert {"Ségou region", "Regions of Mali (pre-2016)"} <= layers
    assert len(children_of_type(m, "DivIcon")) == len(cercle_seats())
    assert "incident-legend" in html
    assert "tile.openstreetmap" not in html
    assert m.options["maxZoom"] == 14


def test_online_tiles_are_optional_layers(bundled):
    html = render(build_incident_map(bundled, online_tiles=True))
    assert "tile.openstreetmap.org" in html
    assert "World_Imagery" in html


def test_legend_lists_every_category_and_counts_what_is_not_drawn(bundled):
    html = render(build_incident_map(bundled, mode="points"))
    legend = re.search(r'div\.innerHTML = (".*?");', html, re.S).group(1)
    drawn = {c.split(";")[0] for c in plottable(bundled)["perpetrator_category"]}
    for category, colour in CATEGORY_COLOURS.items():
        assert (colour in legend) == (category in drawn), category
    assert f"{len(unplotted(bundled))} not drawn" in legend


def test_incident_text_is_escaped_in_popups_and_tooltips():
    view = incidents(row(summary=HOSTILE, location=HOSTILE, perpetrators=HOSTILE, incident_id="x<b>y"))
    html = render(build_incident_map(view, mode="points"))
    assert "<script>alert(2)</script>" not in html
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_hexbins_count_incidents_and_tolls():
    view = incidents(row(incident_id="a", fatalities_min="2", fatalities_max="4"),
                     row(incident_id="b", fatalities_min="1", fatalities_max=""),
                     row(incident_id="c", latitude="13.0", longitude="-5.0"))
    counts = hexbin_counts(plottable(view), 5).set_index("incidents")
    assert sorted(counts.index) == [1, 2]
    assert (counts.loc[2, "killed_min"], counts.loc[2, "killed_max"]) == (3, 5)


def test_unknown_mode_is_an_error(bundled):
    with pytest.raises(ValueError, match="unknown map mode"):
        build_incident_map(bundled, mode="3d")


@pytest.mark.parametrize("mode", MAP_MODES)
def test_the_same_data_gives_the_same_html_so_the_browser_keeps_its_view(bundled, mode):
    assert render(build_incident_map(bundled, mode=mode)) == render(build_incident_map(bundled, mode=mode))


def test_a_second_alleged_perpetrator_is_an_outer_ring_in_its_colour():
    view = incidents(row(perpetrator_category="jihadist_group;state_forces"), row(incident_id="b"))
    m = build_incident_map(view, mode="points")
    rings = [c.options for c in children_of_type(m, "CircleMarker") if c.options.get("className") == "second-category"]
    assert [r["color"] for r in rings] == [CATEGORY_COLOURS["state_forces"], CATEGORY_COLOURS["progov_militia"]]
    legend = re.search(r'div\.innerHTML = (".*?");', render(m), re.S).group(1)
    assert "outer ring: second named" in legend


def test_legend_names_only_the_categories_on_the_map():
    view = incidents(row(perpetrator_category="jihadist_group;state_forces"))
    points = re.search(r'div\.innerHTML = (".*?");', render(build_incident_map(view, mode="points")), re.S).group(1)
    clusters = re.search(r'div\.innerHTML = (".*?");', render(build_incident_map(view, mode="clusters")), re.S).group(1)
    assert CATEGORY_COLOURS["jihadist_group"] in points
    assert CATEGORY_COLOURS["state_forces"] in points  # drawn as the outer ring
    assert CATEGORY_COLOURS["progov_militia"] not in points
    assert CATEGORY_COLOURS["state_forces"] not in clusters  # clusters colour by the first-named only
    assert "colour: first-named perpetrator" in clusters


def test_rings_let_taps_through_to_the_markers_under_them():
    """folium drops ``interactive=False`` from vector layers: a 25-km ring took a neighbour's taps on a phone."""
    import folium

    from dashboard.data.store import load_bundled
    from dashboard.viz.maps import build_incident_map

    fmap = build_incident_map(load_bundled())
    layers = [c for c in _walk(fmap) if isinstance(c, folium.vector_layers.Circle | folium.vector_layers.CircleMarker)]
    rings = [c for c in layers if isinstance(c, folium.vector_layers.Circle)
             or c.options.get("className") == "second-category"]
    markers = [c for c in layers if "incident-marker" in str(c.options.get("className"))]
    assert rings and markers
    assert all(c.options.get("interactive") is False for c in rings)
    assert all(c.options.get("interactive", True) is not False for c in markers)


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)
