"""The real map page (AppTest) on a synthetic store far above the point budget: hexagons and the legend note at
first, individual markers once a filter leaves few incidents, and a bounded list of what is not drawn."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import write_synthetic_store
from dashboard.data.store import STORE_ENV, load_store
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.ui.pages.map_page import NOT_DRAWN_KEY, NOT_DRAWN_LISTED
from dashboard.viz import scale
from dashboard.viz.maps import plottable
from dashboard.viz.scale import map_view

APP = Path(__file__).resolve().parents[2] / "dashboard" / "ui" / "app.py"
N = 20_000
SMALL = {"cercle": "Niono", "from": "2024-06-01", "to": "2024-06-30"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = write_synthetic_store(tmp_path_factory.mktemp("scale-page") / "synthetic.gpkg", N, seed=3)
    load_store(path)  # build the fast cache once, as the app's first visitor would
    return path


@pytest.fixture
def app(store, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(store))
    monkeypatch.delenv("INCIDENT_MAP_PUBLIC", raising=False)

    def open_map(**params) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=180)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_map


def component(at: AppTest) -> dict:
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    found = [el for el in walk(at.main) if getattr(el, "type", None) == "component_instance"]
    assert found, "no st_folium component on the page"
    return json.loads(found[0].proto.json_args)


def test_the_whole_store_is_drawn_as_hexagons_with_the_note(app):
    at = app()
    script = component(at)["script"]
    assert "incident-hex" in script
    assert "incident-marker precision-" not in script  # no marker (the a11y script names the class)
    assert "incidents shown as" in script
    assert len(json.dumps(component(at)).encode()) < 1_500_000
    not_drawn = [m.value for m in at.markdown if m.value.startswith("#### Not on the map")]
    assert not_drawn
    # the first ones are options of one picker (not a card each); the rest are counted
    assert len(at.selectbox(key=NOT_DRAWN_KEY).options) == NOT_DRAWN_LISTED


def test_a_small_filtered_selection_shows_individual_markers(app, store):
    incidents = load_store(store).incidents
    view = filter_incidents(incidents, FilterSpec.from_query_params({**SMALL, "cercle": [SMALL["cercle"]]}))
    expected = len(plottable(view))
    assert 0 < expected <= scale.MAX_MARKERS
    at = app(**SMALL)
    script = component(at)["script"]
    assert script.count("incident-marker precision-") == expected
    assert "incident-hex" not in script
    box = map_view(view, filtered=True)
    assert box is not None
    assert f"[{box[0][0]}, {box[0][1]}]" in script  # the map is fitted to the filtered extent


def _narrow_to_markers(at: AppTest) -> None:
    """The sidebar set to :data:`SMALL` (few enough incidents to draw as markers), and the page run."""
    at.sidebar.multiselect(key="f_cercle").set_value([SMALL["cercle"]])
    at.sidebar.date_input(key="f_start").set_value(date.fromisoformat(SMALL["from"]))
    at.sidebar.date_input(key="f_end").set_value(date.fromisoformat(SMALL["to"]))
    at.run()
    assert not at.exception
    assert "incident-marker precision-" in component(at)["script"]


def test_changing_a_filter_switches_between_hexagons_and_markers(app):
    at = app()
    assert "incident-hex" in component(at)["script"]
    _narrow_to_markers(at)


def test_the_page_takes_whole_rows_only_where_it_draws_markers(app, store, monkeypatch):
    """Above the budget the page reads a few columns of the selection (hexagons, the not-drawn list, the datasets
    note); every column of the selected rows is taken only once a filter leaves markers to draw (their cards)."""
    from dashboard.query.selection import Filtered, filtered
    from dashboard.viz.maps import first_unplotted

    incidents = load_store(store).incidents
    first = first_unplotted(filtered(incidents, FilterSpec()).view, 1)[1]["incident_id"].iloc[0]
    small = len(filter_incidents(incidents, FilterSpec.from_query_params({**SMALL, "cercle": [SMALL["cercle"]]})))
    asked = []
    whole = Filtered.view

    def counted(self):
        asked.append(len(self))
        return whole.fget(self)

    monkeypatch.setattr(Filtered, "view", property(counted))
    at = app()
    assert "incident-hex" in component(at)["script"] and asked == []
    at.selectbox(key=NOT_DRAWN_KEY).set_value(first).run()  # a card of the list: that incident's row, no other
    assert not at.exception and asked == []
    assert any(f'data-incident-id="{first}"' in el.proto.body for el in at.get("html"))
    _narrow_to_markers(at)
    assert asked and set(asked) == {small}  # the markers' selection, whole, and no other


def test_the_timeline_takes_no_whole_row_but_its_cards(app, store, monkeypatch):
    """The timeline (on its page, and under the map once opened) reads a few columns of the selection; the Timeline
    page's cards take their 200 incidents whole, not the other rows."""
    from dashboard.query.selection import Filtered
    from dashboard.ui.pages.map_page import TIMELINE_OPEN_KEY
    from dashboard.ui.pages.timeline_page import MAX_CARDS

    asked, firsts = [], []
    whole, first = Filtered.view, Filtered.first

    def counted(self):
        asked.append(len(self))
        return whole.fget(self)

    def counted_first(self, n, by):
        got = first(self, n, by)
        firsts.append(len(got))
        return got

    monkeypatch.setattr(Filtered, "view", property(counted))
    monkeypatch.setattr(Filtered, "first", counted_first)
    at = app()
    at.session_state[TIMELINE_OPEN_KEY] = True  # what opening the expander under the map does
    at.run()
    assert not at.exception and asked == []
    assert at.get("vega_lite_chart")  # the timeline was drawn
    at = app(page="timeline")
    assert not at.exception and asked == [] and firsts == [MAX_CARDS]
    assert at.get("vega_lite_chart")


@pytest.mark.parametrize("params", [{}, {"mode": "clusters"}, {"mode": "hexbin"}, {"mode": "heat"},
                                    {"mode": "choropleth", "unit": "cercle"}, {"mode": "choropleth"}],
                         ids=lambda p: "-".join(p.values()) or "default")
def test_a_map_without_markers_takes_only_its_modes_columns_of_the_selection(app, store, monkeypatch, params):
    """Of the whole selection the page takes its map's columns for the mode, never the geometry
    (the rows' points are read as numbers); the not-drawn list takes its labels of the incidents the map does not
    draw alone."""
    from dashboard.query.rows import Rows
    from dashboard.query.selection import filtered
    from dashboard.ui.pages.map_page import LISTED_COLUMNS
    from dashboard.viz.maps import aggregate_columns

    incidents = load_store(store).incidents
    selection = filtered(incidents, FilterSpec())
    unplaced = int((~scale.plottable_mask(selection.view)).sum())
    assert 0 < unplaced < len(selection)
    asked = []
    columns = Rows.columns

    def counted(self, names):
        asked.append((len(self), None if names is None else tuple(names)))
        return columns(self, names)

    monkeypatch.setattr(Rows, "columns", counted)
    at = app(**params)
    assert "incident-marker precision-" not in component(at)["script"]
    of_all = {name for n, names in asked if n == len(selection) for name in names or ("every column",)}
    assert of_all == set(aggregate_columns(params.get("mode", "points")))
    listed = {name for n, names in asked if n == unplaced for name in names or ("every column",)}
    assert listed == {"geo_precision", *LISTED_COLUMNS}
    assert len(at.selectbox(key=NOT_DRAWN_KEY).options) == NOT_DRAWN_LISTED


def test_the_selected_incident_is_said_to_be_outside_the_filter_only_when_it_is(app, store):
    """Drawn as hexagons the page has no ids of its own (the map's columns only): whether the incident of ``?sel=``
    is among those shown is read from the selection's ids."""
    incidents = load_store(store).incidents
    narrow = {"cercle": [SMALL["cercle"]], "from": SMALL["from"], "to": SMALL["to"]}
    shown = filter_incidents(incidents, FilterSpec.from_query_params(narrow))
    inside = shown["incident_id"].iloc[-1]
    outside = incidents.loc[~incidents["incident_id"].isin(shown["incident_id"]), "incident_id"].iloc[0]
    for sel, said in ((inside, False), (outside, True)):
        at = app(**SMALL, mode="hexbin", sel=sel)
        assert "incident-hex" in component(at)["script"]
        assert any(f'data-incident-id="{sel}"' in el.proto.body for el in at.get("html"))  # its card
        assert any("outside the current filter" in c.value for c in at.caption) is said, sel
