"""The filtered incidents as every page gets them, from boolean masks: which rows, their totals and the scope's notes
(what it leaves out, or what the default would), with no row copied until a page asks for it.

At a million incidents, taking the selected rows of the ~80 columns costs several times the masks themselves
(``docs/benchmarks.md``: 56-180 ms for 20-190 k rows, the first take of a filter state the slowest), so nothing
here copies more than it must:

* :class:`Filtered` holds the positions of the selected rows in the loaded frame. :attr:`Filtered.view` takes
  every column of them once, on first use (the frame itself when every row is selected: read-only, like the loaded
  frame); :meth:`Filtered.columns` takes only the columns asked for (the map page's hexagons, heat and choropleth,
  the totals and the datasets note read a handful of the ~80): a few milliseconds where the whole rows took a
  tenth of a second;
* :func:`filtered` computes the other filters' mask once and ANDs the scope on it, so the scope note needs no
  second filter pass and no second full selection; with the scopes' masks and reasons the loader keeps
  (:class:`~dashboard.query.scope.RowScopes`) it counts the rows it leaves out without taking them, and takes
  their listed columns only when its list is opened.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.data.search import SearchIndex
from dashboard.query.aggregate import TOTALS_COLUMNS, Totals, totals
from dashboard.query.filters import filter_mask
from dashboard.query.scope import DEFAULT_SCOPE, LeftOut, RowScopes, left_out_of, scope
from dashboard.query.spec import FilterSpec

__all__ = ["Filtered", "filtered"]


@dataclass(frozen=True, eq=False)
class Filtered:
    """What a page needs of one filter state: the selected incidents (taken when asked for), their totals, and the
    scope's note. Shared by the sessions (:func:`dashboard.ui.cache.selection`): what it takes is kept, read-only."""

    incidents: pd.DataFrame  # the frame the filter ran on (every incident loaded)
    positions: np.ndarray | None  # where the selected incidents are in it, in order (None: every one)
    totals: Totals
    left_out: LeftOut | None  # related incidents the scope does not count (None: every incident is counted)
    counted_in: LeftOut | None  # with every incident counted: those the default scope would leave out
    _taken: dict = field(default_factory=dict, repr=False)  # column names → the selected rows of those columns
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self) -> int:
        return len(self.incidents) if self.positions is None else len(self.positions)

    @property
    def view(self) -> pd.DataFrame:
        """The selected incidents, every column (``incidents.loc[mask]``; the loaded frame itself when every row is
        selected: read-only). Taken on first use, then kept."""
        return self.columns(None)

    def columns(self, names: Sequence[str] | None) -> pd.DataFrame:
        """The selected rows of the columns ``names`` only, in that order (``None``: every column), index kept:
        the same as ``view[names]``, without taking the other columns. A GeoDataFrame when the geometry is among
        them. Kept for the next caller."""
        key = None if names is None else tuple(names)
        with self._lock:  # two sessions asking at once take it once
            if key not in self._taken:
                frame = self.incidents if key is None else self.incidents[list(key)]
                self._taken[key] = frame if self.positions is None else frame.take(self.positions)
            return self._taken[key]


def filtered(incidents: pd.DataFrame, spec: FilterSpec, search: SearchIndex | None = None,
             scopes: RowScopes | None = None) -> Filtered:
    """The selection of ``spec`` and its scope note: the rows of ``filter_incidents(incidents, spec, search)``, and
    ``left_out(view, filter_incidents(incidents, spec.with_(scope="all"), search))`` (or, when every incident is
    counted, which of them the default scope leaves out), from one pass of the filters. ``scopes``: the scopes'
    masks and reasons of ``incidents`` (:func:`~dashboard.query.scope.row_scopes`), when the caller keeps them."""
    everything = filter_mask(incidents, spec.with_(scope="all"), search)  # every filter but the scope

    def mask(name: str) -> np.ndarray:
        return scopes.mask(name) if scopes is not None else scope(name).mask(incidents)

    if spec.scope == "all":
        counted = everything
        default = everything & mask(DEFAULT_SCOPE)
        left, counted_in = None, left_out_of(incidents, default, everything, scopes)
    else:
        counted = everything & mask(spec.scope)
        left, counted_in = left_out_of(incidents, counted, everything, scopes), None
    positions = None if counted.all() else np.flatnonzero(counted)
    tolls = incidents[list(TOTALS_COLUMNS)]
    tolls = tolls if positions is None else tolls.take(positions)
    return Filtered(incidents=incidents, positions=positions, totals=totals(tolls), left_out=left,
                    counted_in=counted_in, _taken={TOTALS_COLUMNS: tolls})
