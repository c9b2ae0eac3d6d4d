"""The map stays small at any size: above the point budget it is H3 hexagons (and says so), at or below it every
incident keeps its marker and card; heat is bounded; hexagons are sized for the view."""

from __future__ import annotations

import re

import h3
import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from benchmarks.synthetic import synthetic_incidents
from dashboard.data.reference import region_outline
from dashboard.viz import scale
from dashboard.viz.maps import build_incident_map, first_unplotted, plottable, unplotted
from tests.factories import children_of_type, render, row
from tests.factories import incidents as make_incidents

BUDGET_BYTES = 1_500_000


@pytest.fixture(scope="module")
def big():
    return synthetic_incidents(200_000, seed=5, validate="none")


def incident_markers(m):
    return [c for c in children_of_type(m, "CircleMarker") if "incident-marker" in str(c.options)]


def legend_text(html: str) -> str:
    return re.search(r'div\.innerHTML = (".*?");', html, re.S).group(1)


@pytest.mark.parametrize("mode", ["points", "clusters"])
def test_above_the_budget_the_map_is_hexagons_under_1_5_mb(big, basemap, mode):
    m = build_incident_map(big, basemap=basemap, mode=mode)
    assert not incident_markers(m)
    assert not children_of_type(m, "Popup")
    hexes = children_of_type(m, "HexLayer")
    assert len(hexes) == 1
    assert hexes[0].incidents == len(plottable(big))  # every plottable incident is counted in a hexagon
    html = render(m)
    assert len(html.encode()) < BUDGET_BYTES
    assert "incident-hex" in html
    assert "incident-marker precision-" not in html
    legend = legend_text(html)
    assert f"{len(plottable(big)):,} incidents shown as" in legend
    assert "zoom in or filter to see individual incidents" in legend


def test_at_the_budget_every_incident_keeps_its_marker_and_card(big, basemap):
    view = plottable(big).iloc[: scale.MAX_MARKERS]
    assert scale.markers_fit(view, np.ones(len(view), dtype=bool))
    m = build_incident_map(view, basemap=basemap)
    assert len(incident_markers(m)) == scale.MAX_MARKERS
    assert len(children_of_type(m, "Popup")) == scale.MAX_MARKERS
    assert not children_of_type(m, "HexLayer")
    html = render(m)
    assert len(html.encode()) < BUDGET_BYTES
    assert "shown as" not in legend_text(html)
    one_more = plottable(big).iloc[: scale.MAX_MARKERS + 1]
    assert not incident_markers(build_incident_map(one_more, basemap=basemap))


def test_the_budget_is_a_keyword_and_long_cards_count_against_it():
    view = make_incidents(*(row(incident_id=f"T-{i}", latitude=str(14 + i / 100)) for i in range(12)))
    assert len(incident_markers(build_incident_map(view, max_markers=12))) == 12
    assert not incident_markers(build_incident_map(view, max_markers=11))
    assert children_of_type(build_incident_map(view, max_markers=11), "HexLayer")
    wordy = make_incidents(*(row(incident_id=f"W-{i}", summary="x" * 9_000) for i in range(5)))
    assert incident_markers(build_incident_map(wordy))
    assert not incident_markers(build_incident_map(wordy, max_marker_bytes=20_000))


def test_heat_is_bounded(big, basemap):
    m = build_incident_map(big, basemap=basemap, mode="heat")
    heat = children_of_type(m, "HeatMap")[0]
    assert len(heat.data) <= scale.MAX_HEAT_POINTS
    total = np.nan_to_num(scale.upper_tolls(big, scale.plottable_mask(big))[1], nan=1.0).clip(min=1.0).sum()
    assert sum(w for _, _, w in heat.data) == pytest.approx(total)  # aggregated, not dropped
    assert len(render(m).encode()) < BUDGET_BYTES


def test_hexagons_are_finer_for_a_smaller_view(big):
    mask = scale.plottable_mask(big)
    lat, lng = scale.coordinates(big, mask)
    sahel = scale.data_bounds(lat, lng)
    segou = scale.frame_bounds(region_outline())
    village = ((14.2, -6.0), (14.3, -5.9))
    assert scale.resolution_for_bounds(sahel) < scale.resolution_for_bounds(segou) < \
        scale.resolution_for_bounds(village)


def test_hexbin_counts_match_h3_point_by_point():
    rng = np.random.default_rng(0)
    lat = np.round(rng.uniform(12, 16, 3_000), 3)
    lng = np.round(rng.uniform(-8, -3, 3_000), 3)
    for res in (3, 5, 7):
        cells = scale.latlng_to_cells(lat, lng, res)
        expected = [h3.str_to_int(h3.latlng_to_cell(a, b, res)) for a, b in zip(lat, lng, strict=True)]
        assert cells.tolist() == expected
    lo = rng.integers(0, 5, 3_000).astype(float)
    lo[:100] = np.nan
    hi = np.where(np.isnan(lo), np.nan, lo + 1)
    table, used = scale.hex_bins(lat, lng, lo, hi, 6)
    assert used == 6
    assert table["incidents"].sum() == 3_000
    assert table["killed_min"].sum() == np.nansum(lo)
    assert table["killed_max"].sum() == np.nansum(hi)
    assert table["unknown_toll"].sum() == 100
    coarse, used = scale.hex_bins(lat, lng, lo, hi, 8, max_cells=50)
    assert len(coarse) <= 50
    assert used < 8
    assert coarse["incidents"].sum() == 3_000


def test_hexagon_payload_is_numbers_only(big, basemap):
    html = render(build_incident_map(big, basemap=basemap, mode="hexbin"))
    data = re.search(r"var cells = (\[.*?\]), top", html, re.S).group(1)
    assert re.fullmatch(r"[\[\]\d.,\-]+", data)


@pytest.mark.parametrize("n", [0, 5, 50, 10**9])
def test_first_unplotted_is_the_plain_definition(n):
    frame = synthetic_incidents(4_000, seed=8, validate="none")
    frame = frame.iloc[::-1]  # ids and dates out of order, index labels not positions
    plain = unplotted(frame).sort_values(["date_start", "incident_id"], kind="stable")
    count, first = first_unplotted(frame, n)
    assert count == len(plain) > 50
    assert_frame_equal(first, plain.head(n))
