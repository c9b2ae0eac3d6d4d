"""What the filters read of one frame besides its rows, computed once for that frame and kept: its text-search
index, each scope's mask and each row's reason for being left out by default (:class:`~dashboard.query.scope.
RowScopes`), the codes of the columns whose values repeat (a category, a cercle, a dataset list), and each row's
point as numbers (what the map reads of the geometry: :class:`~dashboard.data.points.Points`) and its part of the
totals (:class:`~dashboard.query.aggregate.TollParts`).

A filter on such a column tests each *distinct* value once and spreads the answer back to the rows by their codes.
Factorising the column is most of that work: at a million incidents 13-24 ms per column on every filter change
(a category mask took 24 ms of which 17 were the factorisation; ``docs/benchmarks.md``), against about 2 ms for the
lookup by kept codes. The app's loader builds one :class:`FrameIndex` per loaded version and computes all of it at
once (:meth:`FrameIndex.warmed`); elsewhere (the CLI, an export, a test) each part is computed when a filter first
asks for it, so a one-off filter pays only for what it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard.data.points import Points, points_of
from dashboard.data.search import SearchIndex, text_mask
from dashboard.query.aggregate import TollParts, toll_parts
from dashboard.query.rows import Kept
from dashboard.query.scope import RowScopes, row_scopes

__all__ = ["CODED_COLUMNS", "Coded", "FrameIndex"]

# The columns the registry's masks test value by value (dashboard/query/registry.py); computed ahead by the loader.
# A mask reading another column still works (its codes are computed on first use); tests/query/test_registry.py
# (test_mask_through_the_loaders_index_computes_nothing_more) checks that no filter does.
CODED_COLUMNS = ("perpetrator_category", "perpetrators", "event_type", "cercle", "commune_pcode", "verification",
                 "grade", "geo_precision", "datasets", "dataset", "status")


class Coded(NamedTuple):
    """A column as codes: ``values[codes]`` is the column, a missing value where the code is -1."""

    codes: np.ndarray  # per row, the position of its value in ``values`` (-1: missing)
    values: pd.Series  # the distinct values, in the column's dtype


class FrameIndex:
    """The index of exactly one frame (``frame``: the object itself, not a copy; asking it about another frame is
    an error). Shared by the sessions that show that frame: what it computes is kept, read-only."""

    __slots__ = ("_kept", "_points", "frame", "search")

    def __init__(self, frame: pd.DataFrame, search: SearchIndex | None = None, points: Points | None = None) -> None:
        if search is not None and search.rows != len(frame):
            raise ValueError(f"the search index covers {search.rows} rows, not these {len(frame)}")
        if points is not None and len(points.has_point) != len(frame):
            raise ValueError(f"the points are of {len(points.has_point)} rows, not these {len(frame)}")
        self.frame = frame
        self.search = search  # None: a text query scans the frame
        self._points = points  # as the store's cache held them; None: read from the geometry when first asked
        self._kept = Kept()

    def of(self, incidents: pd.DataFrame) -> FrameIndex:
        """This index, checked to be the index of ``incidents`` (the same object)."""
        if incidents is not self.frame:
            raise ValueError("this index was built for another frame")
        return self

    def warmed(self) -> FrameIndex:
        """This index with every part computed (the scopes, the codes of :data:`CODED_COLUMNS` the frame has, the
        points when the frame has a geometry, the tolls' parts)."""
        self.scopes  # noqa: B018  (computed and kept)
        if "geometry" in self.frame.columns:
            self.points  # noqa: B018
        self.tolls  # noqa: B018
        for column in CODED_COLUMNS:
            if column in self.frame.columns:
                self.coded(column)
        return self

    @property
    def scopes(self) -> RowScopes:
        return self._kept.get("scopes", lambda: row_scopes(self.frame))

    @property
    def points(self) -> Points:
        """Each row's point (:class:`~dashboard.data.points.Points`): as given, else read from the geometry once
        (at a million incidents, 0.2-0.4 s)."""
        return self._kept.get("points", lambda: points_of(self.frame) if self._points is None else self._points)

    @property
    def tolls(self) -> TollParts:
        """Each row's part of the totals (:class:`~dashboard.query.aggregate.TollParts`), read once."""
        return self._kept.get("tolls", lambda: toll_parts(self.frame))

    def coded(self, column: str) -> Coded:
        def factorise() -> Coded:
            values = self.frame[column]
            if isinstance(values.dtype, pd.CategoricalDtype):  # coded already (shared_columns.REPEATING)
                return Coded(values.cat.codes.to_numpy().astype(np.int32), pd.Series(values.cat.categories))
            codes, distinct = pd.factorize(values, use_na_sentinel=True)
            return Coded(codes.astype(np.int32), pd.Series(distinct, dtype=values.dtype))  # half intp's memory

        return self._kept.get(("coded", column), factorise)

    def per_distinct(self, column: str, test: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
        """``test`` (a vectorised Series → bool array) evaluated once per distinct value of ``column`` and spread
        back to the rows; a missing value never matches. Exactly ``test(frame[column])`` for tests that treat
        missing values as no match."""
        codes, values = self.coded(column)
        hit = np.append(np.asarray(test(values), dtype=bool), False)  # code -1 (missing) reads the appended False
        return hit[codes]

    def text(self, query: str) -> np.ndarray:
        """Rows matching the text ``query`` (:func:`dashboard.data.search.text_mask`)."""
        return text_mask(self.frame, query, self.search)

    def computed(self) -> frozenset:
        """What has been computed so far (``"scopes"``, ``("coded", column)``): for tests."""
        return self._kept.keys()
