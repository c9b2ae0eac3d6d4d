"""What a reader waits for, in a real browser: ``make bench-browser`` / ``python benchmarks/browser.py``.

    python benchmarks/browser.py [--sizes bundled,100000[,1000000]] [--repeat 3] [--import-rows 10000]
                                 [--workdir DIR] [--json FILE] [--markdown docs/benchmarks.md | --no-markdown]

For each store (the bundled record; synthetic stores of ``--sizes`` incidents, made by :mod:`benchmarks.synthetic`
and kept in ``--workdir`` under the names ``benchmarks/run.py`` uses), the app is served on 127.0.0.1 with
``incident-map serve`` and opened in Debian Chromium through Playwright, and each of these is timed until the map
shows its markers or hexagons (Leaflet paths inside streamlit-folium's frame) and the run is over (Streamlit's
script state is "not running" and the "Showing N of M incidents" caption has not changed for half a second):

* the first open after ``serve`` (a fresh server each time; the store's cache is on disk), then a new session on
  that warm server, and in that session a filter change (a perpetrator category picked in the sidebar), a text
  search typed in the sidebar, and a page switch (to the Table page, then back to the Map: the back is timed);
  then the Table page opened with no filter (timed until its three tables are drawn: every selected incident);
* for every server, the time from starting it until its health check answers (``incident-map serve`` opens the
  default page once before it listens, :mod:`dashboard.ui.boot`), and from starting it until the map is drawn;
* once per store: the first open of a copy with no cache (built while the server warms up), and the first open after
  importing ``--import-rows`` new synthetic incidents into the served store the way the Data page does
  (:func:`dashboard.data.import_job.run_import` in a child), the server running all along;
* per load: Chromium's main-thread CPU (CDP ``Performance.getMetrics`` ``TaskDuration``), the bytes received on the
  websocket, and the server's resident memory (its whole process group, from ``/proc``).

In the same run, alternated with the app's so that they meet the same load: the **floor** (a minimal Streamlit page
with an empty folium map) and the **peer** (a minimal Streamlit page with folium's ``FastMarkerCluster`` over the
same store's points), see :mod:`benchmarks.browser_pages`. Chromium resolves no host but 127.0.0.1
(``--host-resolver-rules``), so a page that waited for a CDN would fail here; every request that was not for
127.0.0.1 is counted and reported. Nothing here asserts a speed: the table (medians, and the first run) goes to
``docs/benchmarks.md`` between its markers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import browser_pages  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402
from tests.hardening.server import group_rss_kib  # noqa: E402
from tests.serving import serve, serve_command  # noqa: E402

DOC = REPO / "docs" / "benchmarks.md"
FRAME = "iframe[title='streamlit_folium.st_folium']"
MARKS = {"app": "path.incident-marker, path.incident-hex", "peer": ".marker-cluster, .leaflet-marker-icon",
         "floor": ".leaflet-container"}
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
TITLE = "[data-testid='stMain'] h1"
CAPTION = re.compile(r"Showing [\d,]+ of [\d,]+ incidents")
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
SETTLE_S = 0.5
TIMEOUT_S = 300.0
QUERIES = {"bundled": "Niono", "synthetic": "Dogofry"}
IMPORTER = """
import sys
from pathlib import Path
from dashboard.data.import_job import ImportRequest, run_import
run_import(ImportRequest(path=Path(sys.argv[1]), store=Path(sys.argv[2]), warm_cache=True, reason="browser benchmark"))
"""
POINTS = """
import sys
import numpy as np
from dashboard.data.store import read_store
from dashboard.viz.maps import plottable
drawn = plottable(read_store(sys.argv[1]))
np.save(sys.argv[2], np.column_stack([drawn.geometry.y.to_numpy(), drawn.geometry.x.to_numpy()]))
"""


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Session:
    """One new browser context on ``base``: its websocket bytes, its requests, its main-thread CPU; :meth:`ready`
    polls until the map is drawn and the run is over."""

    def __init__(self, browser, base: str, who: str):
        self.context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        self.page = self.context.new_page()
        self.base, self.who, self.ws_bytes, self.foreign = base, who, 0, []
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.on("request", self._request)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)[:200]))
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.marks = self.page.frame_locator(FRAME).locator(MARKS[who])

    def _frame(self, payload) -> None:
        self.ws_bytes += len(payload)

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname != "127.0.0.1":
            self.foreign.append(request.url)

    def cpu(self) -> float:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}["TaskDuration"]

    def caption(self) -> str | None:
        from playwright.sync_api import Error

        try:  # the caption is redrawn by each run: it can go between finding it and reading it
            found = self.page.get_by_text(CAPTION)
            return found.first.inner_text(timeout=1000) if found.count() else None
        except Error:
            return None

    def ready(self, started: float, *, changed_from: str | None = None, drawn=None, at_least: int = 1) -> float | None:
        """Seconds from ``started`` until the map's marks (or ``at_least`` of ``drawn``) are drawn, no script runs,
        the title (and for the app the caption, changed from ``changed_from`` when given) is there, all of it
        unchanged for :data:`SETTLE_S`; ``None`` after :data:`TIMEOUT_S`."""
        drawn = self.marks if drawn is None else drawn
        stable_since, last = None, None
        while time.monotonic() - started < TIMEOUT_S:
            caption = self.caption() if self.who == "app" else ""
            empty = bool(caption) and caption.startswith("Showing 0 ")  # nothing selected: the app draws no map
            state = (empty or drawn.count() >= at_least, self.page.locator(RUNNING).count() == 0,
                     self.page.locator(TITLE).count() > 0, caption)
            ok = all(state[:3]) and caption is not None and (changed_from is None or caption != changed_from)
            now = time.monotonic()
            if ok and state == last:
                if now - stable_since >= SETTLE_S:
                    return stable_since - started
            else:
                stable_since = now if ok else None
            last = state if ok else None
            self.page.wait_for_timeout(50)
        return None

    def open(self, path: str = "/") -> float | None:
        started = time.monotonic()
        self.page.goto(self.base + path, wait_until="commit", timeout=TIMEOUT_S * 1000)
        return self.ready(started)

    def close(self) -> None:
        self.context.close()


def _load(browser, base: str, who: str, out: dict, key: str, pgid: int, *, interact: str | None = None) -> None:
    """A new session on ``base``: its open timed into ``out[key]`` with its CPU and websocket bytes; for the app
    (``interact``: the search query) the filter change, the search and the page switch in the same session."""
    session = Session(browser, base, who)
    try:
        seconds = session.open()
        out.setdefault(key, []).append(seconds)
        if key in ("new_session", "first_open"):
            out.setdefault(f"cpu_{key}", []).append(session.cpu() if seconds is not None else None)
            out.setdefault(f"ws_{key}", []).append(session.ws_bytes if seconds is not None else None)
        if interact and seconds is not None:
            _interactions(session, interact, out)
        out.setdefault("foreign", []).extend(session.foreign)
        out.setdefault("errors", []).extend(session.errors)
    finally:
        session.close()
        out.setdefault("rss", []).append(group_rss_kib(pgid) / 1024)


def _interactions(session: Session, query: str, out: dict) -> None:
    page = session.page
    before = session.caption()
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_text("Perpetrator category", exact=True)).click()
    option = page.get_by_role("option").filter(has_not_text="Select all").first  # one category, not all
    option.wait_for()
    started = time.monotonic()
    option.click()
    page.keyboard.press("Escape")
    out.setdefault("filter", []).append(session.ready(started, changed_from=before))
    before = session.caption()
    box = page.get_by_role("textbox", name="Search summaries, places, sources")
    box.fill(query)
    started = time.monotonic()
    box.press("Enter")
    out.setdefault("search", []).append(session.ready(started, changed_from=before))
    nav = page.locator("[data-testid='stSidebarNav'] a")
    nav.filter(has_text="Table & figures").click()
    page.locator(TITLE).filter(has_text="Table").first.wait_for(timeout=TIMEOUT_S * 1000)
    page.frame_locator(FRAME).locator(".leaflet-container").wait_for(state="detached", timeout=TIMEOUT_S * 1000)
    started = time.monotonic()
    nav.filter(has_text="Map").first.click()
    out.setdefault("page_switch", []).append(session.ready(started))
    started = time.monotonic()  # the Table page with no filter: every selected incident in its table
    page.goto(session.base + "/?page=table", wait_until="commit", timeout=TIMEOUT_S * 1000)
    tables = page.locator("[data-testid='stDataFrame']")  # by category, by cercle, the incidents
    out.setdefault("table_open", []).append(session.ready(started, drawn=tables, at_least=3))


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_") and k != "INCIDENT_MAP_PUBLIC"}


@contextlib.contextmanager
def _serve_page(script: Path, workdir: Path):
    command = lambda port: [sys.executable, "-m", "streamlit", "run", str(script),  # noqa: E731
                            "--server.port", str(port)]
    with serve_command(command, workdir, env=_env(), cwd=script.parent, ready_timeout_s=120) as served:
        yield served


def _store(label: str, workdir: Path, seed: int) -> tuple[Path, str]:
    """A fresh working copy of the store (its own inode: no cache yet) and the search query for it."""
    target = workdir / f"browser-{label}.gpkg"
    for stale in workdir.glob(f"browser-{label}.gpkg*"):
        stale.unlink()
    if label == "bundled":
        return target, QUERIES["bundled"]  # `serve` creates it from the bundled record
    from benchmarks.run import store_for

    pristine, _ = store_for(int(label), workdir, seed)
    shutil.copyfile(pristine, target)
    return target, QUERIES["synthetic"]


def measure(label: str, browser, workdir: Path, repeat: int, import_rows: int, seed: int) -> dict:
    store, query = _store(label, workdir, seed)
    result: dict = {"label": "bundled record" if label == "bundled" else f"N = {int(label):,}", "query": query,
                    "import_rows": import_rows, "load": [os.getloadavg()[0]], "app": {}, "floor": {}, "peer": {}}
    pages = workdir / f"browser-pages-{label}"
    _log(f"[{label}] first open with no store cache")
    started = time.monotonic()
    with serve(store, workdir / "server-cold", ready_timeout_s=TIMEOUT_S) as served:
        result["app"]["cold_ready"] = [time.monotonic() - started]
        _load(browser, served.base, "app", result["app"], "cold_open", served.proc.pid)
    points = pages / "points.npy"
    pages.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", POINTS, str(store), str(points)], check=True, cwd=REPO)
    scripts = {"floor": browser_pages.write_page(pages / "floor", "floor"),
               "peer": browser_pages.write_page(pages / "peer", "peer", points)}
    for i in range(repeat):  # alternated: the app, the floor and the peer meet the same load
        for who in ("app", "floor", "peer"):
            _log(f"[{label}] run {i + 1}/{repeat}: {who}")
            out = result[who]
            server = (serve(store, workdir / f"server-{who}", ready_timeout_s=TIMEOUT_S) if who == "app"
                      else _serve_page(scripts[who], workdir / f"server-{who}"))
            started = time.monotonic()
            with server as served:
                out.setdefault("ready", []).append(time.monotonic() - started)
                _load(browser, served.base, who, out, "first_open", served.proc.pid)
                opened = out["first_open"][-1]
                out.setdefault("serve_to_map", []).append(None if opened is None else out["ready"][-1] + opened)
                _load(browser, served.base, who, out, "new_session", served.proc.pid,
                      interact=query if who == "app" else None)
        result["load"].append(os.getloadavg()[0])
    if import_rows:
        from tests.hardening.synthetic import write_native

        incoming = write_native(workdir / f"browser-import-{label}.csv", import_rows, "BROWSERBENCH", seed=seed + 1)
        with serve(store, workdir / "server-import", ready_timeout_s=TIMEOUT_S) as served:
            _load(browser, served.base, "app", {}, "warm", served.proc.pid)  # the server holds the store
            _log(f"[{label}] importing {import_rows:,} incidents into the served store")
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-c", IMPORTER, str(incoming), str(store)], cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            result["import_s"] = round(time.monotonic() - started, 1)
            if done.returncode == 0:
                _load(browser, served.base, "app", result["app"], "after_import", served.proc.pid)
            else:  # kept, not raised: the other figures of this store are worth having (e.g. killed by the kernel)
                result["import_failed"] = done.stderr.strip().splitlines()[-1][:300] if done.stderr.strip() else \
                    f"exit code {done.returncode}"
                _log(f"[{label}] the import failed: {result['import_failed']}")
    result["load"].append(os.getloadavg()[0])
    return result


def run(sizes: list[str], workdir: Path, repeat: int, import_rows: int, seed: int = 0,
        partial: Path | None = None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *OFFLINE_ARGS],
                                     headless=True)
        try:
            for label in sizes:
                results.append(measure(label, browser, workdir, repeat, import_rows, seed))
                _log(f"[{label}] done: {json.dumps(_brief(results[-1]))}")
                if partial:  # kept as each store is done, so that a later failure loses no figures
                    partial.write_text(json.dumps({"header": "(partial)", "results": results}, indent=2))
        finally:
            browser.close()
    return results


def _brief(result: dict) -> dict:
    return {who: {k: [None if v is None else round(v, 2) for v in vs] for k, vs in result[who].items()
                  if k not in ("foreign", "errors")} for who in ("app", "floor", "peer")}


def header(results: list[dict], started: float) -> str:
    loads = [v for r in results for v in r["load"]]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    foreign = sum(len(r[who].get("foreign", [])) for r in results for who in ("app", "floor", "peer"))
    return (f"Browser benchmark: {os.cpu_count()} cores, {memory:.0f} GB, Debian Chromium, "
            f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {time.monotonic() - started:.0f} s in all, "
            f"load average {min(loads):.1f}–{max(loads):.1f}, requests not for 127.0.0.1: {foreign}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="bundled,100000",
                        help="'bundled' and/or numbers of synthetic incidents, comma-separated (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh servers per page (default %(default)s)")
    parser.add_argument("--import-rows", type=int, default=10_000,
                        help="incidents imported before the 'after an import' open (0: skip; default %(default)s)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "incident-map-bench",
                        help="where the synthetic stores are written and reused (as benchmarks/run.py)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--from-json", type=Path, help="print (and write) the table of a saved --json file")
    parser.add_argument("--markdown", type=Path, default=DOC)
    parser.add_argument("--no-markdown", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat must be 1..20")
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        results, head = saved["results"], saved["header"]
    else:
        args.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        sizes = [s.strip().replace("_", "") for s in args.sizes.split(",") if s.strip()]
        results = run(sizes, args.workdir, args.repeat, args.import_rows, args.seed, partial=args.json)
        head = header(results, started)
        if args.json:
            args.json.write_text(json.dumps({"header": head, "results": results}, indent=2))
    print(head + "\n")
    print(browser_pages.table(results))
    if not args.no_markdown:
        browser_pages.write_block(args.markdown, browser_pages.markdown(results, head))
        _log(f"wrote the table to {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
