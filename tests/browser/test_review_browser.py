"""The Review page in Debian's chromium: a pair of reports waits with its evidence and a small map of both places;
linking it changes the caption (one incident fewer) and the incident's card shows both reports."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from dashboard.data.importer import import_file
from dashboard.data.store import load_store
from tests import serving
from tests.browser.conftest import SERVER_READY_TIMEOUT_S, recorded_page
from tests.browser.mapcheck import EXCEPTION, FOLIUM_FRAME, MAP_TIMEOUT_MS, wait_idle
from tests.factories import NEAR_SIRAKORO, acled_file

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def review_url(tmp_path_factory):
    """The app on a store holding the ACLED overlap fixture and one report that waits for review."""
    workdir = tmp_path_factory.mktemp("served-review")
    store = workdir / "incidents.gpkg"
    import_file(FIXTURES / "acled_segou_overlap.csv", store)
    import_file(acled_file(workdir / "near.csv", **NEAR_SIRAKORO), store)
    try:
        with serving.serve(store, workdir, ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            yield SimpleNamespace(base=served.base, store=store)
    except serving.ServerError as exc:
        pytest.fail(str(exc))


def test_review_links_a_pair_and_the_card_shows_both_reports(browser, review_url):
    n = len(load_store(review_url.store, write_cache=False).incidents)
    with recorded_page(browser, review_url.base) as web:
        page = web.open("/?page=review&scope=all")  # every incident counted, so that a link shows in the caption
        wait_idle(page)
        expect(page.get_by_text(f"Showing {n} of {n} incidents")).to_be_visible()
        expect(page.get_by_text("same day · same commune", exact=False).first).to_be_visible()
        frame = page.frame_locator(FOLIUM_FRAME)
        frame.locator(".leaflet-container").wait_for(timeout=MAP_TIMEOUT_MS)
        expect(frame.locator("path.incident-marker")).to_have_count(2, timeout=MAP_TIMEOUT_MS)
        expect(frame.locator("path.pair-line")).to_have_count(1)
        web.screenshot("review-before.png")
        page.get_by_role("textbox", name="Your name").fill("Awa")
        page.get_by_role("textbox", name="Reason").fill("the same ambush on the Macina road")
        page.get_by_role("textbox", name="Reason").press("Enter")
        wait_idle(page)
        page.get_by_role("button", name="Link: same event").click()
        expect(page.get_by_text(f"Showing {n - 1} of {n - 1} incidents")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("ACLED-R1 ~ SEG-2026-002")).to_have_count(0)  # the next pair is shown
        assert page.locator(EXCEPTION).count() == 0
        web.screenshot("review-after.png")

        page = web.open("/?sel=ACLED-R1")  # the report's id selects the incident it joined
        wait_idle(page)
        card = page.locator(".incident-card[data-incident-id='SEG-2026-002']").first
        expect(card).to_be_visible(timeout=MAP_TIMEOUT_MS)
        expect(card.locator("table.report-table")).to_contain_text("ACLED-R1")
        expect(card.locator("table.report-table")).to_contain_text("SEG-2026-002")
        expect(card).to_contain_text("2 reports of this incident")
        web.screenshot("review-card.png")
        web.assert_local_only()
