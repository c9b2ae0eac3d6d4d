"""What the browser tests share: the page's selectors, waiting for a run to finish, opening a picker's list, and one
check of the bundled map (for the tests that start the app in other ways: installed wheel, ``streamlit run``)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import as_points, plottable
from tests.factories import bundled_incidents

FOLIUM_FRAME = "iframe[title='streamlit_folium.st_folium']"
MARKERS = "path.incident-marker"
EXCEPTION = "[data-testid='stException']"
CHART = "[data-testid='stVegaLiteChart']"
MAP_TIMEOUT_MS = 45_000


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Streamlit marks its root with the script state; ``notRunning`` means the last run finished."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms)


def map_frame(page, timeout_ms: int = MAP_TIMEOUT_MS):
    """The st_folium iframe as a FrameLocator, once Leaflet is in it."""
    frame = page.frame_locator(FOLIUM_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=timeout_ms)
    return frame


def leaflet_frame(page, timeout_ms: int = MAP_TIMEOUT_MS):
    """The st_folium iframe as a Frame (to evaluate JavaScript in it), once Leaflet is there."""
    map_frame(page, timeout_ms)
    frame = next((f for f in page.frames if "streamlit_folium" in f.url), None)
    assert frame is not None, [f.url for f in page.frames]
    return frame


def open_options(page, picker, count: int = 1, timeout_ms: int = 30_000):
    """Open a selectbox's list and wait until it shows at least ``count`` options; return the options' locator.

    A click on the map reruns the app a moment after the click (streamlit-folium reports it once its own event has
    run), and that rerun closes a list opened in between, as a reader who opens it too soon would see. With the
    suite on two workers the hostile corpus's test once found no list 10 s after its click. So the list is opened
    again, once the run has ended, for as long as it is not showing (a click on an open list would close it)."""
    options = page.get_by_role("option")
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        wait_idle(page)
        if not options.first.is_visible():
            picker.click()
        try:
            expect(options.nth(count - 1)).to_be_visible(timeout=5_000)
            return options
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def assert_bundled_map_draws(web, screenshot: str) -> None:
    # what a fresh store counts by default: reports grouped into incidents, civilian victims in the region
    view = filter_incidents(bundled_incidents(), FilterSpec())
    expected = len(plottable(view))
    markers = len(as_points(view))
    assert expected > markers > 0
    page = web.open("/")
    frame = map_frame(page)
    expect(frame.locator(MARKERS)).to_have_count(markers, timeout=MAP_TIMEOUT_MS)
    expect(frame.locator(".incident-legend")).to_contain_text(f"{expected} incidents on the map")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert any("/app/static/vendor/" in url for url in web.requests), "Leaflet was not loaded from the vendored copy"
    web.screenshot(screenshot)
    web.assert_local_only()


def open_cite(page):
    """Open the page's "Cite this view" popover (built once opened) and return its line's code block."""
    page.get_by_role("button", name=re.compile("Cite this view|Citer cette vue")).click()
    cite = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").last
    expect(cite).to_be_visible(timeout=30_000)
    return cite
