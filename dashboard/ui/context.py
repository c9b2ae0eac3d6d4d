"""What every page gets: the data, the filter, the selection and the view (built once per run in app.py)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from dashboard.query.aggregate import Totals
from dashboard.query.scope import LeftOut
from dashboard.query.selection import Filtered
from dashboard.query.spec import FilterSpec
from dashboard.settings import Settings
from dashboard.team.permissions import ANONYMOUS, Account
from dashboard.ui.cache import Loaded
from dashboard.ui.state import ViewState


@dataclass(frozen=True)
class PageContext:
    data: Loaded
    spec: FilterSpec
    selection: Filtered  # the filtered incidents (their rows taken when a page asks), totals and scope note
    state: ViewState
    settings: Settings  # store, public mode and map budget, read from the environment once per run
    account: Account = ANONYMOUS  # who signed in (the public view: always anonymous)

    @property
    def view(self) -> gpd.GeoDataFrame:
        """The filtered incidents, every column (taken on first use by any session, then kept: a page that reads a
        few columns asks ``selection.columns`` for them instead)."""
        return self.selection.view

    @property
    def totals(self) -> Totals:
        return self.selection.totals

    @property
    def left_out(self) -> LeftOut | None:
        """Related incidents the scope does not count (None: every incident is counted)."""
        return self.selection.left_out

    @property
    def counted_in(self) -> LeftOut | None:
        """With every incident counted: those the default scope would leave out."""
        return self.selection.counted_in

    @property
    def all(self) -> gpd.GeoDataFrame:
        return self.data.incidents
