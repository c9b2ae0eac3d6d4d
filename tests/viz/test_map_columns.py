"""A map that draws no marker (hexagons above the budget, heat, the choropleth) reads only its mode's
:func:`~dashboard.viz.maps.aggregate_columns` and where each incident is (the geometry, or the rows' points as
numbers): built from those alone it is the same page as from every column, so the map page can take a few columns
of a large selection instead of all ~80 (docs/benchmarks.md); and each of them is read, so the list does not carry
columns the page would take for nothing."""

from __future__ import annotations

import pytest

from benchmarks.synthetic import synthetic_incidents
from dashboard.data.points import points_of
from dashboard.viz.choropleth import MEASURES, UNITS
from dashboard.viz.maps import AGGREGATE_COLUMNS, Basemap, aggregate_columns, build_incident_map


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
    columns = list(aggregate_columns(options["mode"]))
    assert _page(frame[[*columns, "geometry"]], basemap, **options) == whole
    # the points as numbers in place of the geometry: no geometry column at all
    assert _page(frame[columns], basemap, points=points_of(frame), **options) == whole


@pytest.mark.parametrize("mode", sorted(AGGREGATE_COLUMNS))
def test_each_listed_column_is_read(frame, basemap, mode):
    """Without any one of its mode's columns, some map of that mode differs or cannot be built."""
    cases = [o for o in CASES if aggregate_columns(o["mode"]) == AGGREGATE_COLUMNS[mode]]
    columns = AGGREGATE_COLUMNS[mode]
    for column in columns:
        rest = [c for c in columns if c != column]

        def differs(options, rest=rest) -> bool:
            try:
                return _page(frame[[*rest, "geometry"]], basemap, **options) != _page(frame, basemap, **options)
            except KeyError:  # a missing column
                return True

        assert any(differs(o) for o in cases), f"{mode} does not read {column}"


def test_markers_need_more_than_those_columns(frame, basemap):
    """The cards read every column: the page hands markers the whole rows (the check above can tell them apart)."""
    assert "incident-marker precision-" in _page(frame.head(20), basemap, mode="points")
    with pytest.raises(KeyError):
        _page(frame.head(20)[[*aggregate_columns("points"), "geometry"]], basemap, mode="points")
