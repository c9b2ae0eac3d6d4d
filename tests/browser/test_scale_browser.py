"""The served dashboard on a 100 k synthetic store, in Debian's chromium, with no network.

Part of ``make test`` (about a minute: the store is written once per session and the server builds its fast cache
on the first page). The shared ``app_url`` fixture
serves a fixed store made from the bundled data, so this file starts its own server the same way, on a synthetic
store, and reuses the session's chromium and the request recorder from ``conftest.py``.

Checks: the map draws (Leaflet container, hexagons, the legend says so), a filter to a small subset shows
individual markers (as many as the pure functions compute), a search typed in the sidebar (answered by the store's
search index) selects as many incidents as a plain scan finds, and no request leaves 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from benchmarks.synthetic import write_synthetic_store
from dashboard.data.store import read_store
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz import scale
from dashboard.viz.maps import plottable
from tests import serving
from tests.browser.conftest import Web, recorded_page
from tests.browser.mapcheck import map_frame

pytestmark = pytest.mark.browser

N = 100_000
SERVER_READY_TIMEOUT_S = 240  # `serve` builds the store's fast cache (validation of 100 k rows) while warming up
FIRST_PAGE_TIMEOUT_MS = 240_000
SMALL = "cercle=Niono&from=2024-06-01&to=2024-06-30"
SMALL_PARAMS = {"cercle": ["Niono"], "from": "2024-06-01", "to": "2024-06-30"}


@pytest.fixture(scope="session")
def scale_store(tmp_path_factory: pytest.TempPathFactory):
    return write_synthetic_store(tmp_path_factory.mktemp("scale-store") / "synthetic-100k.gpkg", N, seed=1)


@pytest.fixture(scope="session")
def scale_url(scale_store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``incident-map serve`` on the 100 k store, on a free 127.0.0.1 port (as conftest's ``app_url`` does)."""
    workdir = tmp_path_factory.mktemp("scale-served-app")
    try:
        with serving.serve(scale_store, workdir, ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            yield served.base
    except serving.ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def scale_web(scale_url: str, browser) -> Iterator[Web]:
    with recorded_page(browser, scale_url, timeout_ms=60_000) as recorder:
        yield recorder


def test_100k_store_draws_hexagons_then_markers_for_a_small_filter_all_locally(scale_web, scale_store):
    page = scale_web.open("/", timeout_ms=FIRST_PAGE_TIMEOUT_MS)
    frame = map_frame(page, FIRST_PAGE_TIMEOUT_MS)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator("path.incident-hex").first).to_be_attached(timeout=60_000)
    assert frame.locator("path.incident-hex").count() > 10
    expect(frame.locator("path.incident-marker")).to_have_count(0)
    expect(frame.locator(".incident-legend")).to_contain_text("shown as hexagons")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    scale_web.screenshot("scale_100k_hexagons.png", full_page=False)

    view = filter_incidents(read_store(scale_store), FilterSpec.from_query_params(SMALL_PARAMS))
    expected = len(plottable(view))
    assert 0 < expected <= scale.MAX_MARKERS
    page = scale_web.open(f"/?{SMALL}", timeout_ms=60_000)
    frame = map_frame(page, 60_000)
    expect(frame.locator("path.incident-marker")).to_have_count(expected, timeout=60_000)
    expect(frame.locator("path.incident-hex")).to_have_count(0)
    expect(frame.locator(".incident-legend")).to_contain_text(f"{expected} incidents on the map")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    scale_web.screenshot("scale_100k_small_filter.png", full_page=False)
    scale_web.assert_local_only()


def test_100k_store_search_typed_in_the_sidebar_matches_a_scan(scale_web, scale_store):
    incidents = read_store(scale_store)
    query = "DOGOFRY"  # a synthetic place, in another case than the data's: folding is part of the check
    expected = len(filter_incidents(incidents, FilterSpec(text=query)))  # no index given: a scan
    assert 0 < expected < len(incidents)
    page = scale_web.open("/", timeout_ms=FIRST_PAGE_TIMEOUT_MS)
    map_frame(page, FIRST_PAGE_TIMEOUT_MS)
    box = page.get_by_role("textbox", name="Search summaries, places, sources")
    box.fill(query)
    box.press("Enter")
    expect(page.get_by_text(f"Showing {expected:,} of {N:,} incidents")).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    scale_web.screenshot("scale_100k_search.png", full_page=False)
    scale_web.assert_local_only()
