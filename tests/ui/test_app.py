"""The app in-process (streamlit.testing AppTest): filters, captions, URL state, empty selections, pages."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.store import STORE_ENV
from dashboard.query.aggregate import totals
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import as_points
from tests.factories import bundled_incidents
from tests.ui.opened import open_cite

APP = "dashboard/ui/app.py"


@pytest.fixture(autouse=True)
def store(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.getbasetemp() / "apptest" / "incidents.gpkg"
    monkeypatch.setenv(STORE_ENV, str(path))
    return path


def page_script(page: str) -> None:  # run by AppTest.from_function in its own namespace
    from dashboard.ui.main import main

    main(default=page)


def open_page(page_: str, timeout_s: float = 90, **params) -> AppTest:
    at = AppTest.from_function(page_script, args=(page_,), default_timeout=timeout_s)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def map_component(at: AppTest):
    found = [el for el in at.main if getattr(el, "type", None) == "component_instance"]
    found += [el for el in _walk(at.main) if getattr(el, "type", None) == "component_instance"]
    assert found, "no st_folium component on the page"
    return json.loads(found[0].proto.json_args)


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def qp(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return list(value) if isinstance(value, list | tuple) else [value]


def expected_sentence(spec: FilterSpec) -> str:
    bundled = bundled_incidents()  # what a fresh store counts
    return totals(filter_incidents(bundled, spec)).sentence(total=len(bundled))


def test_default_map_page_shows_the_default_count_and_its_map():
    at = open_page("map")
    assert expected_sentence(FilterSpec()) in captions(at)
    args = map_component(at)
    script = args["script"]
    assert script.count("incident-marker precision-") == len(as_points(filter_incidents(bundled_incidents(),
                                                                                        FilterSpec())))
    links = [*args["js_links"], *args["css_links"]]
    assert links
    assert not [u for u in links if u.startswith(("http:", "https:", "//"))]
    assert args["returned_objects"] == ["last_object_clicked_tooltip"]


def test_url_parameters_restore_a_view():
    at = open_page("map", **{"from": "2025-10-01", "to": "2025-10-31", "cat": ["state_forces", "progov_militia"]})
    spec = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31),
                      perpetrator_categories=frozenset({"state_forces", "progov_militia"}))
    assert expected_sentence(spec) in captions(at)
    assert sorted(at.sidebar.multiselect(key="f_cat").value) == ["progov_militia", "state_forces"]
    assert at.sidebar.date_input(key="f_start").value == date(2025, 10, 1)
    assert any(spec.describe() in m.value for m in at.markdown)


def test_setting_filters_changes_counts_caption_and_url():
    at = open_page("map")
    at.sidebar.multiselect(key="f_cat").set_value(["jihadist_group"]).run()
    spec = FilterSpec(perpetrator_categories=frozenset({"jihadist_group"}))
    assert expected_sentence(spec) in captions(at)
    assert qp(at, "cat") == ["jihadist_group"]
    at.sidebar.multiselect(key="f_cercle").set_value(["Macina"]).run()
    spec = spec.with_(admin2=frozenset({"Macina"}))
    assert expected_sentence(spec) in captions(at)
    assert qp(at, "cercle") == ["Macina"]
    at.sidebar.text_input(key="f_text").set_value("Dozo").run()
    assert expected_sentence(spec.with_(text="Dozo")) in captions(at)


def test_an_empty_selection_says_so_on_every_page():
    for page in ("map", "timeline", "table"):
        at = open_page(page, **{"from": "2014-01-01", "to": "2014-12-31"})  # no curated incident in 2014
        assert any("No incidents match" in i.value for i in at.info), page
        assert f"Showing 0 of {len(bundled_incidents())} incidents · at least 0 killed" in captions(at)


def test_a_bad_link_is_ignored_with_a_warning():
    at = open_page("map", cat="aliens")
    assert any("Ignored the filter in the link" in w.value for w in at.warning)
    assert expected_sentence(FilterSpec()) in captions(at)


def test_clicking_a_marker_selects_the_incident():
    at = open_page("map", **{"from": "2025-10-02", "to": "2025-10-02"})
    at.session_state["map"] = {"last_object_clicked_tooltip": "SEG-2025-008 · 2 Oct 2025 · Kamona · killed: 21–37"}
    at.run()
    assert qp(at, "sel") == ["SEG-2025-008"]
    html = [el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html"]
    assert any('data-incident-id="SEG-2025-008"' in h for h in html)


def test_region_level_incidents_are_listed_beside_the_map():
    # 3 Oct 2025: two abductions somewhere on the Ségou axis and the Ségou-Bamako road, known only to the region
    at = open_page("map", **{"from": "2025-10-03", "to": "2025-10-03"})
    assert any("Not on the map (2)" in m.value for m in at.markdown)
    assert map_component(at)["script"].count("incident-marker precision-") == 0


def test_timeline_and_table_pages():
    at = open_page("timeline", **{"from": "2025-10-01", "to": "2025-10-31"})
    assert len(at.get("vega_lite_chart")) == 1
    html = [el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html"]
    assert len(html) == 1  # every card in one element
    assert sum(h.count('<div class="incident-card"') for h in html) == 7
    at = open_page("table", **{"from": "2025-10-01", "to": "2025-10-31"})
    table = at.dataframe[-1].value
    assert list(table["id"]) == ["SEG-2025-013", "SEG-2025-008", "SEG-2025-014", "SEG-2025-015", "SEG-2025-009",
                                 "SEG-2025-010", "SEG-2025-016"]
    assert list(table["killed"]) == ["1", "21–37", "0", "0", "6", "10", "30–32"]
    figures = next(el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html"
                   and "key-figures" in el.proto.body)
    assert re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", figures) == [
        ("Incidents", "7"), ("Killed, at least", "68"), ("Killed, up to", "86"), ("Toll unknown", "0")]


def test_the_table_says_a_place_not_stated_and_draws_other_unknowns_empty():
    """A missing cercle or commune says so, as the counts by cercle beside it do; the other missing values (no
    breakdown of the killed, no http source) are drawn empty, never as Python's "None"."""
    at = open_page("table")
    table = at.dataframe[-1]
    incidents = bundled_incidents()
    assert incidents["commune"].isna().any() and incidents["cercle"].isna().any()  # the bundled record has some
    shown = table.value.set_index("id")
    for column in ("cercle", "commune"):
        unstated = set(incidents.loc[incidents[column].isna(), "incident_id"]) & set(shown.index)
        assert unstated, column
        assert set(shown.loc[sorted(unstated), column]) == {"(not stated)"}, column
        assert not shown[column].isna().any(), column
    assert shown["among the killed"].isna().any()  # still missing in the data, so it sorts as unknown
    assert table.proto.placeholder == ""  # and drawn empty


def test_cite_line_carries_the_filter_and_dataset_version():
    at = open_page("map", cat="state_forces")
    assert not [c for c in at.code if "dataset version" in c.value]  # built only once its popover is opened
    cite = open_cite(at)
    assert "cat=state_forces" in cite
    assert "dataset version " in cite


def test_public_mode_never_sends_precise_coordinates(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = open_page("map", **{"from": "2022-03-01", "to": "2022-03-02"})  # Danguèrè Wotoro, an exact village point
    script = map_component(at)["script"]
    assert "14.805833" not in script
    assert "-6.018333" not in script
    assert any("Public view" in w.value for w in at.warning)


def test_a_page_parameter_opens_that_page_and_is_kept_in_the_url():
    at = open_page("map", page="table", cat="state_forces")
    assert [t.value for t in at.title] == ["Table and key figures"]
    assert qp(at, "page") == ["table"]
    cite = open_cite(at)
    assert "page=table" in cite
    assert cite.split(" · ")[0].split("?")[0].endswith("/")


def test_the_selected_incident_shows_its_history_and_sees_another_process_edit(tmp_path, monkeypatch):
    from dashboard.data.engines.editing import edit
    from dashboard.data.store import open_store

    store = tmp_path / "history.gpkg"
    monkeypatch.setenv(STORE_ENV, str(store))
    at = open_page("map", sel="SEG-2025-008")
    assert [e.label for e in at.expander if e.label.startswith("History")] == ["History (1 change set)"]
    # another process edits the incident; the app sees it on its next run (a dataset-version check)
    edit(open_store(store), "SEG-2025-008", {"fatalities_max": "38"}, reason="OHCHR <i>gives</i> 38", author="desk")
    at.run()
    assert not at.exception
    history = [e for e in at.expander if e.label.startswith("History")]
    assert [e.label for e in history] == ["History (2 change sets)"]
    html = history[0].get("html")[0].proto.body
    assert "OHCHR &lt;i&gt;gives&lt;/i&gt; 38" in html and "edit by desk" in html
    assert "fatalities_max" in html and "37 → 38" in html


def test_the_public_view_shows_no_history(tmp_path, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "public.gpkg"))
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = open_page("map", sel="SEG-2025-008")
    assert not [e for e in at.expander if e.label.startswith("History")]


def test_the_timeline_cards_are_built_once_for_every_session_and_apart_for_the_public_view(monkeypatch):
    from dashboard.ui.pages import timeline_page

    built: list[bool] = []  # the public flag of every card built
    real = timeline_page.incident_card_html

    def counted(row, **kwargs):
        built.append(kwargs["public"])
        return real(row, **kwargs)

    monkeypatch.setattr(timeline_page, "incident_card_html", counted)
    window = {"from": "2025-10-02", "to": "2025-10-03"}  # a selection no other test of this file shows
    n = len(filter_incidents(bundled_incidents(), FilterSpec(start=date(2025, 10, 2), end=date(2025, 10, 3))))

    def cards(at: AppTest) -> str:
        return next(el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html")

    first = cards(open_page("timeline", **window))
    assert built == [False] * n and first.count('<div class="incident-card"') == n
    assert cards(open_page("timeline", **window)) == first  # a second session: the same element, built once
    assert built == [False] * n
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    public = cards(open_page("timeline", **window))
    assert built == [False] * n + [True] * n  # the public view builds its own, never the private one's
    assert public.count('<div class="incident-card"') == n
