"""Drive the served dashboard with many concurrent headless sessions for a bounded time and report the figures.

    .venv/bin/python tests/hardening/load.py --sessions 20 --seconds 60 [--store PATH] [--json]

Starts ``incident-map serve`` on a free 127.0.0.1 port (a throw-away copy of the bundled store unless ``--store``
is given), opens ``--sessions`` browser contexts in one Debian chromium (Playwright, never a downloaded browser),
and has each one load page after page -- every page, filters and map modes changed through the URL -- until
``--seconds`` have passed. Records page loads, errors (a Streamlit exception box, a load or map that does not
finish within the timeout) and JavaScript errors, and samples the server's resident memory (the whole process
group) every half second. Prints sessions, page loads, errors and RSS start/peak/end; exit code 1 if any error.
This is a robustness check, not a benchmark: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.hardening.server import group_rss_kib, serve  # noqa: E402

URLS = (
    "/", "/?cat=state_forces", "/?from=2025-10-01&to=2025-10-31", "/?mode=clusters", "/?mode=heat",
    "/?mode=hexbin", "/?sel=SEG-2025-008", "/?q=Dozo", "/?cercle=Macina&cat=jihadist_group",
    "/timeline", "/timeline?cat=jihadist_group", "/timeline?from=2019-01-01&to=2020-12-31",
    "/table", "/table?cercle=Niono", "/table?min_killed=10", "/data", "/about",
)
LOAD_TIMEOUT_MS = 90_000


@dataclass
class Figures:
    sessions: int
    seconds: float
    page_loads: int = 0
    errors: int = 0
    exception_boxes: int = 0
    failed_loads: int = 0
    js_errors: int = 0
    rss_idle_mb: float = 0.0  # the server before any page was opened
    rss_start_mb: float = 0.0  # after one warm-up load of each page (imports, caches): growth is measured from here
    rss_peak_mb: float = 0.0
    rss_end_mb: float = 0.0
    examples: list[str] = field(default_factory=list)

    def note(self, kind: str, text: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {text[:300]}")


async def _session(browser, base: str, deadline: float, seed: int, figures: Figures) -> None:
    rnd = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    page = await context.new_page()
    page.on("pageerror", lambda exc: (setattr(figures, "js_errors", figures.js_errors + 1),
                                      figures.note("js", str(exc))))
    try:
        while time.monotonic() < deadline:
            url = rnd.choice(URLS)
            try:
                await page.goto(base + url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
                await page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=LOAD_TIMEOUT_MS)
                await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
                    state="attached", timeout=LOAD_TIMEOUT_MS)
                if url == "/" or url.startswith("/?"):
                    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
                    await frame.locator(".leaflet-container").wait_for(timeout=LOAD_TIMEOUT_MS)
                boxes = await page.locator("[data-testid='stException']").count()
                if boxes:
                    figures.exception_boxes += boxes
                    figures.note("exception", f"{url}: " + await page.locator("[data-testid='stException']")
                                 .first.inner_text())
                figures.page_loads += 1
            except Exception as exc:
                if time.monotonic() >= deadline:
                    break  # the run ended while this load was in flight: not a failure
                figures.failed_loads += 1
                figures.note("load", f"{url}: {exc}")
    finally:
        await context.close()


async def _warm_up(base: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = await (await browser.new_context()).new_page()
        for url in ("/", "/timeline", "/table", "/data", "/about"):
            await page.goto(base + url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
            await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
                state="attached", timeout=LOAD_TIMEOUT_MS)
        await browser.close()


async def _drive(base: str, sessions: int, seconds: float, figures: Figures) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_session(browser, base, deadline, seed, figures) for seed in range(sessions)))
        await browser.close()


def run(sessions: int, seconds: float, store: Path | None = None) -> Figures:
    figures = Figures(sessions=sessions, seconds=seconds)
    with tempfile.TemporaryDirectory(prefix="incident-map-load-") as tmp:
        workdir = Path(tmp)
        if store is None:
            store = workdir / "incidents.gpkg"  # created from the bundled data by `serve`
        with serve(store, workdir / "server") as served:
            pgid = served.proc.pid
            samples: list[int] = []
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    samples.append(group_rss_kib(pgid))
                    stop.wait(0.5)

            figures.rss_idle_mb = group_rss_kib(pgid) / 1024
            asyncio.run(_warm_up(served.base))
            time.sleep(1)
            figures.rss_start_mb = group_rss_kib(pgid) / 1024
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            try:
                asyncio.run(_drive(served.base, sessions, seconds, figures))
                time.sleep(2)  # sessions closed: let the server notice
                figures.rss_end_mb = group_rss_kib(pgid) / 1024
            finally:
                stop.set()
                sampler.join()
            figures.rss_peak_mb = max([*samples, 0]) / 1024
    figures.errors = figures.exception_boxes + figures.failed_loads
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--store", type=Path, default=None, help="store to serve (default: bundled data copy)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (1 <= args.sessions <= 50 and 1 <= args.seconds <= 600):
        parser.error("--sessions must be 1..50 and --seconds 1..600 (a bounded run)")
    started = time.monotonic()
    figures = run(args.sessions, args.seconds, args.store)
    if args.json:
        print(json.dumps(asdict(figures), indent=2))
    else:
        print(f"sessions        {figures.sessions} for {figures.seconds:.0f} s "
              f"(wall {time.monotonic() - started:.0f} s)")
        print(f"page loads      {figures.page_loads}")
        print(f"errors          {figures.errors} (exception boxes {figures.exception_boxes}, "
              f"failed loads {figures.failed_loads}); JavaScript errors {figures.js_errors}")
        print(f"server RSS MB   idle {figures.rss_idle_mb:.0f} · start (after warm-up) {figures.rss_start_mb:.0f} · "
              f"peak {figures.rss_peak_mb:.0f} · end {figures.rss_end_mb:.0f}")
        for line in figures.examples:
            print(f"  {line}")
    return 1 if figures.errors else 0


if __name__ == "__main__":
    sys.exit(main())
