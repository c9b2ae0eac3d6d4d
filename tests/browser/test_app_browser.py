"""The served dashboard in Debian's chromium, with no network: the map draws, markers and popups work, the
timeline draws, URL filters restore a view, an empty selection is handled, and nothing leaves 127.0.0.1.

Expected numbers are computed from the bundled data with the same pure functions the app uses, never typed in.
"""

from __future__ import annotations

from functools import cache

import pytest
from playwright.sync_api import expect

from dashboard.data.schema import PERPETRATOR_LABELS, parse_sources
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import as_points, plottable
from tests.browser.mapcheck import (
    CHART,
    EXCEPTION,
    FOLIUM_FRAME,
    MAP_TIMEOUT_MS,
    MARKERS,
    map_frame,
    open_cite,
    wait_idle,
)
from tests.factories import bundled_incidents

pytestmark = pytest.mark.browser

NO_MATCH = "No incidents match these filters"
KAMONA = "SEG-2025-008"


@cache
def bundled():
    return bundled_incidents()  # what a fresh store counts: the bundled reports grouped by the bundled decisions


def selection(params: dict[str, str | list[str]]):
    return filter_incidents(bundled(), FilterSpec.from_query_params(params))


def caption_for(view) -> str:
    return f"Showing {len(view)} of {len(bundled())} incidents"


def test_map_draws_every_plottable_incident_with_a_legend(web):
    page = web.open("/")
    view = selection({})  # the default view: civilian victims in the region
    expected = len(plottable(view))
    not_drawn = len(view) - expected
    assert expected > 0

    frame = map_frame(page)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator(MARKERS)).to_have_count(len(as_points(view)), timeout=MAP_TIMEOUT_MS)
    legend = frame.locator(".incident-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text(f"{expected} incidents on the map")
    if not_drawn:
        expect(legend).to_contain_text(f"{not_drawn} not drawn")
        expect(page.get_by_text(f"Not on the map ({not_drawn})")).to_be_visible()
    # approximate places are drawn differently from exact ones (hollow, dashed)
    n_approx = int((as_points(view)["geo_precision"] == 2).sum())
    expect(frame.locator(f"{MARKERS}.precision-2")).to_have_count(n_approx)
    expect(frame.locator(f"{MARKERS}.precision-1")).to_have_count(len(as_points(view)) - n_approx)
    expect(page.get_by_text(caption_for(view), exact=False).first).to_be_visible()
    # the overview timeline under the map: built once opened (first paint, docs/benchmarks.md)
    page.get_by_text("Timeline: drag across it to choose a period").click()
    expect(page.locator(f"{CHART} svg.marks, {CHART} canvas").first).to_be_visible(timeout=MAP_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)

    web.screenshot("map_default.png")
    web.assert_local_only()


def test_clicking_a_marker_opens_its_sourced_card_and_selects_it(web):
    params = {"from": "2025-10-02", "to": "2025-10-02", "cat": "state_forces"}  # not the Haïdara killing (1-2 Oct)
    view = selection(params)
    assert list(view["incident_id"]) == [KAMONA], "the URL filter must isolate the Kamona incident"
    source_urls = {s.url for s in parse_sources(view.iloc[0]["sources"]) if s.url}
    assert source_urls

    page = web.open("/?from=2025-10-02&to=2025-10-02&cat=state_forces")
    frame = map_frame(page)
    marker = frame.locator(MARKERS)
    expect(marker).to_have_count(1, timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    detail = page.locator("[data-testid='stColumn']").filter(
        has=page.get_by_role("heading", name="Selected incident")).last
    expect(detail).to_contain_text("Click a marker on the map")
    expect(detail.locator(".incident-card")).to_have_count(0)

    marker.click()
    popup = frame.locator(".leaflet-popup")
    expect(popup).to_be_visible(timeout=10_000)
    card = popup.locator(".incident-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-incident-id", KAMONA)
    links = card.locator("a[href^='http']")
    expect(links.first).to_be_visible()
    hrefs = [a.get_attribute("href") for a in links.all()]
    assert hrefs, "the popup has no source link"
    assert set(hrefs) <= source_urls, f"popup links {hrefs} are not the sources of {KAMONA}: {source_urls}"
    web.screenshot("map_popup_kamona.png")

    # the click reruns the app: the right-hand card now shows the incident, and the URL cites it
    selected_card = detail.locator(f".incident-card[data-incident-id='{KAMONA}']")
    expect(selected_card).to_be_visible(timeout=20_000)
    expect(selected_card).to_contain_text(view.iloc[0]["location"])
    expect(page).to_have_url(f"{web.base}/?from=2025-10-02&to=2025-10-02&cat=state_forces&sel={KAMONA}",
                             timeout=10_000)
    expect(page.locator(EXCEPTION)).to_have_count(0)

    web.screenshot("map_selected_kamona.png")
    web.assert_local_only()


def test_timeline_page_draws_the_chart_and_lists_the_incidents(web):
    page = web.open("/timeline")
    chart = page.locator(CHART).first
    expect(chart).to_be_visible(timeout=30_000)
    drawing = chart.locator("svg.marks, canvas").first
    expect(drawing).to_be_visible()
    box = drawing.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100, f"chart drawn too small: {box}"
    if chart.locator("svg.marks").count():
        assert chart.locator("g.mark-rect path").count() > 0, "the chart has no bars"

    n = len(selection({}))
    expect(page.locator("[data-testid='stMain'] .incident-card")).to_have_count(min(n, 200), timeout=30_000)
    expect(page.get_by_role("heading", name="Incidents, oldest first")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)

    web.screenshot("timeline.png")
    web.assert_local_only()


def test_the_first_thing_typed_in_a_fresh_session_is_applied(web):
    """Regression: the sidebar widgets of a new session's first run changed ids on the second run (Streamlit
    folds the page identity into widget ids), so a first search typed and submitted was silently dropped."""
    view = selection({"q": "ke-macina"})
    assert 0 < len(view) < len(bundled())
    page = web.open("/")
    map_frame(page)
    wait_idle(page)
    box = page.get_by_role("textbox", name="Search summaries, places, sources")
    box.fill("KÉ-MACINA")  # accents and case ignored
    box.press("Enter")
    expect(page.get_by_text(caption_for(view), exact=False).first).to_be_visible(timeout=MAP_TIMEOUT_MS)
    expect(box).to_have_value("KÉ-MACINA")
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_url_filters_restore_a_view(web):
    query = "from=2025-10-01&to=2025-10-31&cat=state_forces&cat=progov_militia"
    params = {"from": "2025-10-01", "to": "2025-10-31", "cat": ["state_forces", "progov_militia"]}
    view = selection(params)
    assert len(view) > 0
    drawn = len(plottable(view))

    page = web.open(f"/?{query}")
    expect(page.get_by_text(caption_for(view), exact=False).first).to_be_visible()
    expect(page.get_by_text(FilterSpec.from_query_params(params).describe(), exact=True).first).to_be_visible()
    frame = map_frame(page)
    expect(frame.locator(MARKERS)).to_have_count(len(as_points(view)), timeout=MAP_TIMEOUT_MS)
    expect(frame.locator(".incident-legend")).to_contain_text(f"{drawn} incidents on the map")
    # the sidebar widgets took the values from the link
    categories = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_text("Perpetrator category", exact=True))
    tags = categories.locator("[data-testid='stMultiSelectTagsContainer'] [data-tag]")
    expect(tags).to_have_count(len(params["cat"]))
    assert sorted(t.get_attribute("aria-label") for t in tags.all()) == sorted(
        PERPETRATOR_LABELS[c] for c in params["cat"])
    # ...and the URL still carries the filter after the app published its state
    wait_idle(page)
    for part in ("from=2025-10-01", "to=2025-10-31", "cat=state_forces", "cat=progov_militia"):
        assert part in page.url, f"{part} lost from {page.url}"
    expect(page.locator(EXCEPTION)).to_have_count(0)

    # let the marker-drawing settle before the picture
    page.wait_for_timeout(500)
    web.screenshot("oct2025_state_militia.png", full_page=False)
    web.screenshot("oct2025_state_militia_full.png")
    web.assert_local_only()


EMPTY_QUERY = "from=2014-01-01&to=2014-12-31"  # no curated incident in 2014
FILTERED_PAGES = ("/", "/timeline", "/table")
OTHER_PAGES = ("/data", "/about")


@pytest.mark.parametrize("path", FILTERED_PAGES + OTHER_PAGES)
def test_an_empty_selection_is_explained_not_crashed(web, path):
    assert len(selection({"from": "2014-01-01", "to": "2014-12-31"})) == 0

    page = web.open(f"{path}?{EMPTY_QUERY}")
    wait_idle(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    if path in FILTERED_PAGES:
        expect(page.get_by_text(NO_MATCH).first).to_be_visible()
        expect(page.get_by_text(caption_for(selection({"from": "2014-01-01", "to": "2014-12-31"})),
                                exact=False).first).to_be_visible()
        expect(page.locator(FOLIUM_FRAME)).to_have_count(0)
    # the filter in the link survives on every page
    assert "from=2014-01-01" in page.url and "to=2014-12-31" in page.url, page.url

    name = "root" if path == "/" else path.strip("/")
    web.screenshot(f"empty_{name}.png")
    web.assert_local_only()


def test_the_cite_line_of_the_map_reopens_the_same_view_cleanly(web):
    page = web.open("/?from=2025-10-01&to=2025-10-31&cat=state_forces")
    wait_idle(page)
    cite = open_cite(page)
    expect(cite).to_contain_text(web.base)
    url = cite.inner_text().split(" · ", 1)[0].strip()
    assert url.startswith(web.base), url
    params = {"from": "2025-10-01", "to": "2025-10-31", "cat": "state_forces"}

    page = web.open(url.removeprefix(web.base))
    map_frame(page)
    wait_idle(page)
    expect(page.get_by_text(caption_for(selection(params)), exact=False).first).to_be_visible()
    web.screenshot("cited_map_link.png", full_page=False)
    web.assert_local_only()
    not_found = page.get_by_role("dialog").filter(has_text="Page not found")
    assert not_found.count() == 0, f"opening the cited link {url} shows Streamlit's 'Page not found' dialog"


def test_the_cite_line_of_the_timeline_reopens_the_timeline_without_a_not_found_dialog(web, browser):
    page = web.open("/?page=timeline&from=2025-10-01&to=2025-10-31")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Timeline").first).to_be_visible()
    cite = open_cite(page)
    url = cite.inner_text().split(" · ", 1)[0].strip()
    assert "page=timeline" in url
    assert url.removeprefix(web.base).startswith("/?")
    fresh = browser.new_context(viewport={"width": 1600, "height": 1000})  # a new session, as a reader would
    try:
        reader = fresh.new_page()
        reader.goto(url)
        expect(reader.get_by_role("heading", name="Timeline").first).to_be_visible(timeout=60_000)
        expected = caption_for(selection({"from": "2025-10-01", "to": "2025-10-31"}))
        expect(reader.get_by_text(expected, exact=False).first).to_be_visible()
        reader.wait_for_timeout(1000)
        assert reader.get_by_role("dialog").filter(has_text="Page not found").count() == 0
    finally:
        fresh.close()
