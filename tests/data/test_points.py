"""Each incident's point as numbers (``dashboard.data.points``): read from the geometry, kept by the frame's index,
as the store's cache held them, taken by a selection — the same points every way, and the map built from them is
the map built from the geometry (tests/viz/test_map_columns.py)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from benchmarks.synthetic import synthetic_incidents, write_synthetic_store
from dashboard.data.points import Points, points_of
from dashboard.data.store import load_store
from dashboard.query.frame_index import FrameIndex
from dashboard.query.selection import filtered
from dashboard.query.spec import FilterSpec
from dashboard.viz import scale


def _same(a: Points, b: Points) -> None:
    assert np.array_equal(a.has_point, b.has_point)
    assert np.array_equal(a.lat[a.has_point], b.lat[b.has_point])
    assert np.array_equal(a.lng[a.has_point], b.lng[b.has_point])


def test_points_of_reads_missing_and_empty_geometries_as_no_point():
    frame = synthetic_incidents(50, seed=2, validate="none")
    geometry = frame.geometry.array.copy()
    geometry[3], geometry[7] = None, shapely.Point()
    frame = frame.set_geometry(geometry)
    got = points_of(frame)
    has = [g is not None and not g.is_empty for g in frame.geometry]
    assert got.has_point.tolist() == has and not has[3] and not has[7]
    assert got.lat[has].tolist() == [g.y for g in frame.geometry if g is not None and not g.is_empty]
    assert got.lng[has].tolist() == [g.x for g in frame.geometry if g is not None and not g.is_empty]
    # the plottable rows and their coordinates are those read from the geometry
    mask = scale.plottable_mask(frame)
    assert np.array_equal(scale.plottable_mask(frame, got), mask)
    for a, b in zip(scale.coordinates(frame, mask, got), scale.coordinates(frame, mask), strict=True):
        assert np.array_equal(a, b)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    path = write_synthetic_store(tmp_path_factory.mktemp("points") / "synthetic.gpkg", 3_000, seed=4)
    load_store(path)  # the cache, written
    return load_store(path, defer_reports=True)


def test_the_cache_read_gives_the_incidents_points(stored):
    assert stored.from_cache and stored.points is not None
    assert not stored.points.has_point.all()  # some incidents have no coordinates
    _same(stored.points, points_of(stored.incidents))


def test_the_frame_index_keeps_the_points_given_or_reads_them(stored):
    given = FrameIndex(stored.incidents, None, stored.points)
    assert given.points is stored.points
    _same(FrameIndex(stored.incidents).points, stored.points)
    with pytest.raises(ValueError, match="rows"):
        FrameIndex(stored.incidents, None, stored.points.take(np.arange(10)))


@pytest.mark.parametrize("spec", [FilterSpec(), FilterSpec(scope="all"), FilterSpec(text="e"),
                                  FilterSpec(admin2=frozenset({"Niono"}))], ids=repr)
def test_a_selection_takes_its_rows_points(stored, spec):
    got = filtered(stored.incidents, spec, FrameIndex(stored.incidents, None, stored.points))
    _same(got.points, points_of(got.view))
    assert got.points is got.points  # kept
