"""One check shared by the tests that start the app in other ways (installed wheel, ``streamlit run``): the bundled
map draws every plottable incident, with Leaflet from the vendored assets, and nothing leaves 127.0.0.1."""

from __future__ import annotations

from playwright.sync_api import expect

from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import as_points, plottable
from tests.factories import bundled_incidents

FOLIUM_FRAME = "iframe[title='streamlit_folium.st_folium']"
MARKERS = "path.incident-marker"
EXCEPTION = "[data-testid='stException']"
MAP_TIMEOUT_MS = 45_000


def assert_bundled_map_draws(web, screenshot: str) -> None:
    # what a fresh store counts by default: reports grouped into incidents, civilian victims in the region
    view = filter_incidents(bundled_incidents(), FilterSpec())
    expected = len(plottable(view))
    markers = len(as_points(view))
    assert expected > markers > 0
    page = web.open("/")
    frame = page.frame_locator(FOLIUM_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=MAP_TIMEOUT_MS)
    expect(frame.locator(MARKERS)).to_have_count(markers, timeout=MAP_TIMEOUT_MS)
    expect(frame.locator(".incident-legend")).to_contain_text(f"{expected} incidents on the map")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert any("/app/static/vendor/" in url for url in web.requests), "Leaflet was not loaded from the vendored copy"
    web.screenshot(screenshot)
    web.assert_local_only()


def open_cite(page):
    """Open the page's "Cite this view" popover (built once opened) and return its line's code block."""
    import re

    from playwright.sync_api import expect

    page.get_by_role("button", name=re.compile("Cite this view|Citer cette vue")).click()
    cite = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").last
    expect(cite).to_be_visible(timeout=30_000)
    return cite
