"""Story mode and the HTML export in Debian's chromium, with no network.

* The Story page: Next ▶ shows the next incident's card and moves the Leaflet view inside the st_folium iframe
  to it (read from the map itself), without re-mounting the map; the step is in the URL.
* The exported HTML map, opened from a file:// URL: its markers draw and a popup opens, and the page asks for
  nothing but the file itself (and data: URIs).

Fixtures (``web``, ``browser``) come from tests/browser/conftest.py.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from dashboard.data.store import load_bundled
from dashboard.export.briefing import default_basemap
from dashboard.export.files import to_html_bytes
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import as_points, plottable
from tests.browser.mapcheck import FOLIUM_FRAME, MAP_TIMEOUT_MS, MARKERS, leaflet_frame, wait_idle

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
OCT = {"from": "2025-10-01", "to": "2025-10-31", "cat": "state_forces"}  # Kamona is the first step
OCT_QUERY = "from=2025-10-01&to=2025-10-31&cat=state_forces"
KAMONA, DOUGABOUGOU = "SEG-2025-008", "SEG-2025-009"
VIEW = """() => { const m = window.map; if (!m || !m.getCenter) return null;
  const c = m.getCenter(); return {lat: c.lat, lng: c.lng, zoom: m.getZoom()}; }"""
AT_POINT = """([lat, lng, zoom]) => { const m = window.map; if (!m || !m.getCenter) return false;
  const c = m.getCenter(); return Math.abs(c.lat - lat) < 0.01 && Math.abs(c.lng - lng) < 0.01
  && m.getZoom() === zoom; }"""


@cache
def october():
    return filter_incidents(load_bundled(), FilterSpec.from_query_params(OCT))


def point(ident: str) -> tuple[float, float]:
    g = october().set_index("incident_id").geometry[ident]
    return g.y, g.x


def test_next_shows_the_next_card_and_moves_the_map(web):
    # Streamlit learns the st.navigation pages on a server's first script run: the very first visit of a fresh
    # server straight to a page path shows a "Page not found" dialog over the right page. Visit "/" first.
    wait_idle(web.open("/"))
    page = web.open(f"/story?{OCT_QUERY}&step=1")
    expect(page.get_by_role("dialog").filter(has_text="Page not found")).to_have_count(0)
    frame = leaflet_frame(page)
    expect(page.frame_locator(FOLIUM_FRAME).locator(MARKERS)).to_have_count(len(as_points(october())),
                                                                             timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    card = page.locator("[data-testid='stMain'] .story-card .incident-card")
    expect(card).to_have_attribute("data-incident-id", KAMONA)
    lat, lng = point(KAMONA)
    frame.wait_for_function(AT_POINT, arg=[lat, lng, 10], timeout=20_000)
    before = frame.evaluate(VIEW)
    pane_before = frame.locator(".leaflet-map-pane").get_attribute("style")
    expect(page.frame_locator(FOLIUM_FRAME).locator("path.story-current")).to_have_count(1, timeout=20_000)
    frame.evaluate("() => { window.__storyProbe = 'still the same map'; }")
    web.screenshot("story_step1.png", full_page=False)

    page.get_by_role("button", name="Next ▶").click()
    expect(card).to_have_attribute("data-incident-id", DOUGABOUGOU, timeout=20_000)
    expect(card).to_contain_text("Dougabougou")
    lat, lng = point(DOUGABOUGOU)
    frame.wait_for_function(AT_POINT, arg=[lat, lng, 10], timeout=20_000)
    after = frame.evaluate(VIEW)
    assert (after["lat"], after["lng"]) != (before["lat"], before["lng"]), (before, after)
    assert frame.locator(".leaflet-map-pane").get_attribute("style") != pane_before  # the view really moved
    assert frame.evaluate("() => window.__storyProbe") == "still the same map"  # moved, not re-mounted
    expect(page).to_have_url(f"{web.base}/story?{OCT_QUERY}&step=2", timeout=10_000)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    web.screenshot("story_step2.png", full_page=False)
    web.assert_local_only()


def test_exported_html_map_works_from_a_file_with_no_network(browser, tmp_path):
    view = october()
    path = tmp_path / "oct2025_map.html"
    path.write_bytes(to_html_bytes(view, basemap=default_basemap(), title="October 2025",
                                   description=FilterSpec.from_query_params(OCT).describe()))
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        markers = page.locator(MARKERS)
        expect(markers).to_have_count(len(as_points(view)), timeout=20_000)
        expect(page.locator(".incident-legend")).to_contain_text(f"{len(plottable(view))} incidents on the map")
        expect(page.locator(".export-header")).to_contain_text("October 2025")
        markers.first.dispatch_event("click")  # as the other popup tests: a forced click at its centre once missed (full run)
        popup = page.locator(".leaflet-popup .incident-card")
        expect(popup).to_be_visible(timeout=10_000)
        expect(popup.locator("a[href^='http']").first).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "html_export_oct2025.png"))
        schemes = {urlsplit(u).scheme for u in requests}
        assert requests and schemes <= {"file", "data", "about", "blob"}, sorted(set(requests))
        assert [u for u in requests if u.startswith("file:")] == [path.as_uri()]
    finally:
        context.close()
