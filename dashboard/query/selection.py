"""The filtered incidents as every page gets them, from boolean masks: the rows taken once, and not at all when
the filter keeps every row; the scope's notes (what it leaves out, or what the default would) from the same masks.

At a million incidents, taking the selected rows of the ~80 columns costs several times the masks themselves
(``docs/benchmarks.md``), so nothing here copies more than it must:

* :func:`select` returns the frame itself when every row is selected (treat it as read-only, like the loaded
  frame), and otherwise takes the rows by position (``DataFrame.take``: about half the time of ``.loc[mask]``);
* :func:`filtered` computes the other filters' mask once and ANDs the scope on it, so the scope note needs no
  second filter pass and no second full selection: the rows it lists (few) are the only ones taken for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data.search import SearchIndex
from dashboard.query.aggregate import Totals, totals
from dashboard.query.filters import filter_mask, select
from dashboard.query.scope import DEFAULT_SCOPE, LeftOut, left_out_of, scope
from dashboard.query.spec import FilterSpec

__all__ = ["Filtered", "filtered", "select"]


@dataclass(frozen=True, eq=False)
class Filtered:
    """What a page needs of one filter state: the selected incidents, their totals, and the scope's note."""

    view: pd.DataFrame  # the selected incidents (the loaded frame itself when every row is selected: read-only)
    totals: Totals
    left_out: LeftOut | None  # related incidents the scope does not count (None: every incident is counted)
    counted_in: LeftOut | None  # with every incident counted: those the default scope would leave out


def filtered(incidents: pd.DataFrame, spec: FilterSpec, search: SearchIndex | None = None) -> Filtered:
    """The selection of ``spec`` and its scope note: the same as ``filter_incidents(incidents, spec, search)`` and
    ``left_out(view, filter_incidents(incidents, spec.with_(scope="all"), search))`` (or, when every incident is
    counted, which of them the default scope leaves out), from one pass of the filters."""
    everything = filter_mask(incidents, spec.with_(scope="all"), search)  # every filter but the scope
    if spec.scope == "all":
        counted = everything
        default = everything & scope(DEFAULT_SCOPE).mask(incidents)
        left, counted_in = None, left_out_of(incidents, default, everything)
    else:
        counted = everything & scope(spec.scope).mask(incidents)
        left, counted_in = left_out_of(incidents, counted, everything), None
    view = select(incidents, counted)
    return Filtered(view=view, totals=totals(view), left_out=left, counted_in=counted_in)
