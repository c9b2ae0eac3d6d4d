"""The browser benchmark's reference pages (``benchmarks/browser_pages.py``): the floor (an empty folium map) and the
peer (folium's FastMarkerCluster over the store's points) are written as Streamlit scripts, served on 127.0.0.1
and drawn in Debian chromium with no request leaving the machine, as the benchmark needs them to be (no internet
here: a page waiting for a CDN would be timed as never drawn). No time is asserted; ``benchmarks/browser.py``
measures."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from playwright.sync_api import expect

from benchmarks.browser import FRAME, MARKS, _env
from benchmarks.browser_pages import write_page
from tests import serving
from tests.browser.conftest import recorded_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kind", ["floor", "peer"])
def test_the_reference_page_draws_its_map_offline(kind, tmp_path, browser):
    points = tmp_path / "points.npy"
    rng = np.random.default_rng(0)
    np.save(points, np.column_stack([rng.uniform(12.5, 14.5, 40), rng.uniform(-7, -4.5, 40)]))
    script = write_page(tmp_path / kind, kind, points)
    assert (tmp_path / kind / "static" / "vendor").is_dir()  # the app's vendored Leaflet, served at /app/static

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]

    with serving.serve_command(command, tmp_path / f"server-{kind}", env=_env(), cwd=script.parent) as served, \
            recorded_page(browser, served.base, timeout_ms=60_000) as web:
        errors: list[str] = []
        web.page.on("pageerror", lambda error: errors.append(str(error)))
        web.open("/", timeout_ms=60_000)
        frame = web.page.frame_locator(FRAME)
        expect(frame.locator(".leaflet-container")).to_be_visible(timeout=60_000)
        if kind == "peer":  # 40 points: clusters and lone markers, drawn by Leaflet.markercluster
            expect(frame.locator(MARKS["peer"]).first).to_be_visible(timeout=60_000)
        assert not errors, errors
        web.assert_local_only()
