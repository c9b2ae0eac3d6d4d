"""A map that draws no marker (hexagons above the budget, heat, the choropleth) reads only
:data:`~dashboard.viz.maps.AGGREGATE_COLUMNS`: built from those columns alone it is the same page as from every
column, so the map page can take a few columns of a large selection instead of all ~80 (docs/benchmarks.md)."""

from __future__ import annotations

import pytest

from benchmarks.synthetic import synthetic_incidents
from dashboard.viz.choropleth import MEASURES, UNITS
from dashboard.viz.maps import AGGREGATE_COLUMNS, Basemap, build_incident_map


@pytest.fixture(scope="module")
def frame():
    return synthetic_incidents(1_500, seed=11, validate="none")


@pytest.fixture(scope="module")
def basemap():
    return Basemap.bundled()


def _page(frame, basemap, **options) -> str:
    return build_incident_map(frame, basemap=basemap, **options).get_root().render()


CASES = [
    {"mode": "points", "max_markers": 0},  # above the budget: hexagons
    {"mode": "clusters", "max_markers": 10},
    {"mode": "points", "max_marker_bytes": 0},  # the cards would be too heavy: hexagons
    {"mode": "hexbin"},
    {"mode": "heat"},
    *({"mode": "choropleth", "unit": u, "measure": m} for u in UNITS for m in MEASURES),
]


@pytest.mark.parametrize("options", CASES, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_a_map_without_markers_is_the_same_from_its_columns_alone(frame, basemap, options):
    whole = _page(frame, basemap, **options)
    assert "incident-marker precision-" not in whole  # no marker drawn: what the columns are for
    assert _page(frame[list(AGGREGATE_COLUMNS)], basemap, **options) == whole


def test_markers_need_more_than_those_columns(frame, basemap):
    """The cards read every column: the page hands markers the whole rows (the check above can tell them apart)."""
    assert "incident-marker precision-" in _page(frame.head(20), basemap, mode="points")
    with pytest.raises(KeyError):
        _page(frame.head(20)[list(AGGREGATE_COLUMNS)], basemap, mode="points")
