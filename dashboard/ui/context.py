"""What every page gets: the data, the filter, the selection and the view (built once per run in app.py)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from dashboard.query.aggregate import Totals
from dashboard.query.scope import LeftOut
from dashboard.query.spec import FilterSpec
from dashboard.settings import Settings
from dashboard.team.permissions import ANONYMOUS, Account
from dashboard.ui.cache import Loaded
from dashboard.ui.state import ViewState


@dataclass(frozen=True)
class PageContext:
    data: Loaded
    spec: FilterSpec
    view: gpd.GeoDataFrame  # the filtered incidents
    totals: Totals
    state: ViewState
    settings: Settings  # store, public mode and map budget, read from the environment once per run
    left_out: LeftOut | None = None  # related incidents the scope does not count (None: every incident is counted)
    counted_in: LeftOut | None = None  # with every incident counted: those the default scope would leave out
    account: Account = ANONYMOUS  # who signed in (the public view: always anonymous)

    @property
    def all(self) -> gpd.GeoDataFrame:
        return self.data.incidents
