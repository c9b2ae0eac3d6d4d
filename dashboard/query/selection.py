"""The filtered incidents as every page gets them, from boolean masks: which rows, their totals and the scope's notes
(what it leaves out, or what the default would), with no row copied until a page asks for it.

At a million incidents, taking the selected rows of the ~80 columns costs several times the masks themselves
(``docs/benchmarks.md``: 56-180 ms for 20-190 k rows, the first take of a filter state the slowest), so nothing
here copies more than it must:

* :class:`Filtered` holds the positions of the selected rows in the loaded frame (a
  :class:`~dashboard.query.rows.Rows`). :attr:`Filtered.view` takes every column of them once, on first use (the
  frame itself when every row is selected: read-only, like the loaded frame); :meth:`Filtered.columns` takes only
  the columns asked for (the map page's hexagons, heat and choropleth read a handful of the ~80): a few
  milliseconds where the whole rows took a tenth of a second. What the frame's index keeps per row is read at the
  positions, with no column taken: the totals (its toll parts), the datasets note's counts (its codes:
  :meth:`Filtered.value_counts`), where each incident is (its points: :attr:`Filtered.points`);
* :func:`filtered` computes the other filters' mask once and ANDs the scope on it, so the scope note needs no
  second filter pass and no second full selection; with the scopes' masks and reasons of the frame's index
  (:class:`~dashboard.query.frame_index.FrameIndex`, kept by the app's loader) it counts the rows it leaves out
  without taking them, and takes their listed columns only when its list is opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.data.points import Points
from dashboard.query.aggregate import Totals
from dashboard.query.filters import filter_mask
from dashboard.query.frame_index import FrameIndex
from dashboard.query.rows import Kept, Rows
from dashboard.query.scope import DEFAULT_SCOPE, LeftOut, left_out_of
from dashboard.query.spec import FilterSpec

__all__ = ["Filtered", "filtered"]


@dataclass(frozen=True, eq=False)
class Filtered:
    """What a page needs of one filter state: the selected incidents (taken when asked for), their totals, and the
    scope's note. Shared by the sessions (:func:`dashboard.ui.cache.selection`): what it takes is kept, read-only."""

    rows: Rows  # the selected incidents: where they are in the frame the filter ran on
    totals: Totals
    left_out: LeftOut | None  # related incidents the scope does not count (None: every incident is counted)
    counted_in: LeftOut | None  # with every incident counted: those the default scope would leave out
    index: FrameIndex  # of the frame the filter ran on (its codes, points and toll parts, read by position)
    _kept: Kept = field(default_factory=Kept, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def view(self) -> pd.DataFrame:
        """The selected incidents, every column (``incidents.loc[mask]``; the loaded frame itself when every row is
        selected: read-only). Taken on first use, then kept."""
        return self.rows.whole

    def columns(self, names: Sequence[str] | None) -> pd.DataFrame:
        """The selected rows of the columns ``names`` only, in that order (``None``: every column), index kept:
        the same as ``view[names]``, without taking the other columns. A GeoDataFrame when the geometry is among
        them. Kept for the next caller."""
        return self.rows.columns(names)

    def part(self, where: np.ndarray) -> Rows:
        """The selected rows at ``where`` (a boolean mask or positions over the selection, in its order), taken
        when asked for; not kept."""
        return self.rows.part(where)

    def value_counts(self, column: str) -> pd.Series:
        """How many selected incidents hold each distinct value of ``column`` (by value; values no selected row
        holds, and missing values, left out), from the frame index's codes of the column: no row is taken (the
        datasets note read the whole column of the selection: 8 ms of a 191,710-row selection at a million). Kept."""
        def count() -> pd.Series:
            codes, values = self.index.coded(column)
            chosen = codes if self.rows.positions is None else codes[self.rows.positions]
            held = np.bincount(chosen[chosen >= 0], minlength=len(values))
            return pd.Series(held[held > 0], index=pd.Index(values[held > 0]), name="count")

        return self._kept.get(("counts", column), count)

    @property
    def points(self) -> Points:
        """The selected incidents' points (:class:`~dashboard.data.points.Points`: the frame index's, taken by
        position; no geometry read). Kept."""
        def take() -> Points:
            every = self.index.points
            return every if self.rows.positions is None else every.take(self.rows.positions)

        return self._kept.get("points", take)

    def first(self, n: int, by: Sequence[str]) -> pd.DataFrame:
        """Every column of the first ``n`` selected incidents ordered by ``by`` (``view.sort_values(by).head(n)``),
        the other rows not taken whole. Not kept (a page keeps what it builds of them)."""
        return self.rows.first(n, by)


def filtered(incidents: pd.DataFrame, spec: FilterSpec, index: FrameIndex | None = None) -> Filtered:
    """The selection of ``spec`` and its scope note: the rows of ``filter_incidents(incidents, spec, index)``, and
    ``left_out(view, filter_incidents(incidents, spec.with_(scope="all"), index))`` (or, when every incident is
    counted, which of them the default scope leaves out), from one pass of the filters. ``index``: the frame's
    index when the caller keeps one (its scopes' masks and reasons are then not computed again)."""
    index = FrameIndex(incidents) if index is None else index.of(incidents)
    everything = filter_mask(incidents, spec.with_(scope="all"), index)  # every filter but the scope
    scopes = index.scopes
    if spec.scope == "all":
        counted = everything
        default = everything & scopes.mask(DEFAULT_SCOPE)
        left, counted_in = None, left_out_of(incidents, default, everything, scopes)
    else:
        counted = everything & scopes.mask(spec.scope)
        left, counted_in = left_out_of(incidents, counted, everything, scopes), None
    rows = Rows(incidents, None if counted.all() else np.flatnonzero(counted))
    return Filtered(rows=rows, totals=index.tolls.totals(rows.positions), left_out=left, counted_in=counted_in,
                    index=index)
