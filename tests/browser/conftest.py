"""Fixtures for the real-browser tier: one served app and one Debian chromium for the whole session.

* ``app_url``: ``incident-map serve`` on a free 127.0.0.1 port with a throw-away store, ready once
  ``/_stcore/health`` answers; the whole process group is stopped at the end.
* ``browser``: Playwright driving ``/usr/bin/chromium`` (never a downloaded browser; ``make test`` installs it).
* ``web``: a fresh context and page per test that records every request (the page's iframes included), with
  helpers to open an app path, save a screenshot and check that nothing left 127.0.0.1.

Playwright's sync API runs its event dispatch on the calling thread: inside a browser flow wait with locators or
``page.wait_for_timeout``, never ``time.sleep`` (see docs in OFFLINE_MAP.md, Testing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import serving
from tests.serving import SERVER_READY_TIMEOUT_S  # one timeout for every served app (tests import it from here too)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
VIEWPORT = {"width": 1600, "height": 1000}
MAX_SHOT_HEIGHT = 16_000


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the dashboard served from a fresh store created from the bundled data."""
    workdir = tmp_path_factory.mktemp("served-app")
    try:
        with serving.serve(workdir / "incidents.gpkg", workdir, ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            yield served.base
    except serving.ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests use Debian's chromium, which `make test` installs "
                    "(apt-get install chromium). Never run `playwright install` here.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Web:
    """One test's page, the URL of the app and every URL the page (and its iframes) asked for."""

    page: object
    base: str
    requests: list[str] = field(default_factory=list)

    def open(self, path: str = "/", *, wait_for: str = "[data-testid='stApp']", timeout_ms: int = 30_000):
        """Load ``path`` and wait until Streamlit's app shell and the page title are rendered."""
        self.page.goto(self.base + path, wait_until="domcontentloaded")
        self.page.locator(wait_for).first.wait_for(state="attached", timeout=timeout_ms)
        self.page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=timeout_ms)
        return self.page

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save ``test-artifacts/browser/<name>``. Streamlit scrolls inside ``stMain``, not the document, so a
        full-page picture temporarily makes the viewport as tall as that scroll area."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        viewport = self.page.viewport_size
        height = self.page.evaluate(
            "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
            " return m ? m.scrollHeight : document.documentElement.scrollHeight; }"
        ) if full_page else 0
        if height > viewport["height"]:
            self.page.set_viewport_size({"width": viewport["width"], "height": min(height, MAX_SHOT_HEIGHT)})
            self.page.wait_for_timeout(500)  # let the charts and the map iframe re-lay out
            try:
                self.page.screenshot(path=str(path), full_page=True)
            finally:
                self.page.set_viewport_size(viewport)
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def foreign_requests(self) -> list[str]:
        bad = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname not in LOCAL_HOSTS:
                bad.append(url)
        return bad

    def assert_local_only(self) -> None:
        assert self.requests, "no request was recorded: the recorder is not wired"
        bad = self.foreign_requests()
        assert not bad, f"{len(bad)} request(s) left 127.0.0.1:\n" + "\n".join(sorted(set(bad)))


@contextlib.contextmanager
def recorded_page(browser, base: str, timeout_ms: int = 30_000) -> Iterator[Web]:
    """A fresh browser context and page on ``base`` that records every request (iframes and websockets too)."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    recorder = Web(page=page, base=base)
    # page-level "request" events include requests made by the page's iframes (the st_folium component)
    page.on("request", lambda request: recorder.requests.append(request.url))
    page.on("websocket", lambda ws: recorder.requests.append(ws.url))
    try:
        yield recorder
    finally:
        context.close()


@pytest.fixture
def web(app_url: str, browser) -> Iterator[Web]:
    with recorded_page(browser, app_url) as recorder:
        yield recorder
