"""The PDF briefing's bounds through the served app in the public view (issue 22 item 4), in Debian's chromium:
a server allowed 1 PDF a minute and 5 incidents listed one by one.

* Above the limit the page says the pack lists the 5 most serious of the N incidents, and the PDF says so too.
* The first PDF is built; a second one asked from the same page within the minute is not built; the page opened
  again says the server's budget is spent (and when the next one can be made) and its PDF buttons, on the
  briefing page, are disabled (the story page says so too), while the HTML map is still offered.
"""

from __future__ import annotations

import os
import re
import subprocess
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from dashboard.data.store import load_store
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from tests import serving
from tests.browser.conftest import SERVER_READY_TIMEOUT_S, recorded_page
from tests.browser.mapcheck import wait_idle

pytestmark = pytest.mark.browser

LISTED = 5
SPENT = "This public server builds at most 1 PDF files a minute for all its visitors"


@pytest.fixture(scope="module")
def public_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("public-briefing")
    store = workdir / "incidents.gpkg"
    env = {k: v for k, v in os.environ.items() if k != "INCIDENT_MAP_PUBLIC"}
    env |= {"INCIDENT_MAP_PUBLIC_BRIEFINGS_PER_MINUTE": "1", "INCIDENT_MAP_MAX_BRIEFING_INCIDENTS": str(LISTED)}
    try:
        with serving.serve(store, workdir, public=True, env=env, ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            shown = filter_incidents(load_store(store, write_cache=False).incidents, FilterSpec())
            yield SimpleNamespace(base=served.base, n=len(shown))
    except serving.ServerError as exc:
        pytest.fail(str(exc))


def pdf_buttons(page):
    return page.locator("[data-testid='stDownloadButton'] button").filter(has_text=re.compile("PDF"))


def test_public_briefings_are_bounded_and_rate_limited(browser, public_app, tmp_path):
    n = public_app.n
    assert n > LISTED
    with recorded_page(browser, public_app.base, timeout_ms=45_000) as web:
        page = web.open("/?page=export", timeout_ms=45_000)
        wait_idle(page)
        expect(page.get_by_text(f"The pack lists and maps the {LISTED} most serious of these {n} incidents")
               ).to_be_visible(timeout=45_000)
        buttons = pdf_buttons(page)
        expect(buttons).to_have_count(2, timeout=45_000)
        expect(buttons.first).to_be_enabled()
        expect(page.get_by_text(SPENT)).to_have_count(0)
        with page.expect_download(timeout=180_000) as first:
            buttons.first.click()
        pdf = tmp_path / "briefing.pdf"
        first.value.save_as(pdf)
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert f"lists the {LISTED} most serious of the {n} incidents" in text
        # the second button of the same page, within the minute: nothing is built
        downloads = []
        page.on("download", lambda d: downloads.append(d))
        buttons.last.click()
        page.wait_for_timeout(10_000)
        assert downloads == [] or downloads[0].failure() is not None
        # opened again: the budget is spent, the PDF buttons are disabled, the HTML map is still offered
        page = web.open("/?page=export", timeout_ms=45_000)
        wait_idle(page)
        expect(page.get_by_text(SPENT)).to_be_visible(timeout=45_000)
        expect(page.get_by_text(re.compile(r"the next one can be made in \d+ s"))).to_be_visible()
        expect(pdf_buttons(page)).to_have_count(2)
        for i in range(2):
            expect(pdf_buttons(page).nth(i)).to_be_disabled()
        html_map = page.locator("[data-testid='stDownloadButton'] button").filter(has_text="HTML map")
        expect(html_map).to_be_enabled()
        page = web.open("/?page=story", timeout_ms=45_000)
        wait_idle(page)
        expect(page.get_by_text(SPENT)).to_be_visible(timeout=45_000)  # (its PDF buttons: more steps than 5 anyway)
        web.assert_local_only()
