"""The filtered selection shared between sessions (``cache.selection``): one computation per (store, dataset
version, public mode, filter), never handed to a view it was not computed for."""

from __future__ import annotations

from datetime import date

from dashboard.data.public import public_view
from dashboard.data.reference import cercle_seats
from dashboard.query.aggregate import totals
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.ui import cache
from tests.factories import bundled_incidents


def _loaded(incidents, *, version: str, public: bool) -> cache.Loaded:
    return cache.Loaded(incidents=incidents, version=version, store="/nowhere/selection-test.gpkg", public=public,
                        search=None, report_level=None)  # the selection reads neither reports nor the store


def test_equal_filters_share_one_selection_whatever_the_order_their_values_were_given_in():
    data = _loaded(bundled_incidents(), version="v-share", public=False)
    one = FilterSpec(perpetrator_categories=frozenset(["state_forces", "jihadist_group"]), start=date(2019, 1, 1))
    other = FilterSpec(start=date(2019, 1, 1), perpetrator_categories=frozenset(["jihadist_group", "state_forces"]))
    assert cache.spec_key(one) == cache.spec_key(other)
    first = cache.selection(data, one)
    assert cache.selection(data, other) is first  # computed once
    assert list(first.view["incident_id"]) == list(filter_incidents(data.incidents, one)["incident_id"])
    assert first.totals == totals(first.view)
    narrower = cache.selection(data, one.with_(start=date(2025, 1, 1)))
    assert narrower is not first and len(narrower.view) < len(first.view)


def test_a_public_and_a_private_view_never_share_a_selection_nor_do_two_versions():
    incidents = bundled_incidents()
    private = _loaded(incidents, version="v-modes", public=False)
    public = _loaded(public_view(incidents, cercle_seats()), version="v-modes", public=True)
    spec = FilterSpec(start=date(2025, 10, 2), end=date(2025, 10, 2))  # Kamona: an exact village point
    shown_private = cache.selection(private, spec).view
    shown_public = cache.selection(public, spec).view
    assert list(shown_private["incident_id"]) == list(shown_public["incident_id"])
    assert shown_public.geometry.iloc[0] != shown_private.geometry.iloc[0]  # the public one is coarsened
    assert shown_public.geometry.iloc[0] == public.incidents.set_index("incident_id").geometry[
        shown_public["incident_id"].iloc[0]]
    newer = _loaded(incidents.iloc[:10], version="v-modes-2", public=False)
    assert len(cache.selection(newer, FilterSpec(scope="all")).view) <= 10  # another version: its own rows
