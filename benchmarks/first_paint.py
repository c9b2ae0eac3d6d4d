"""What a reader waits for when opening the map page, measured in a real browser (Debian Chromium, Playwright).

    python benchmarks/first_paint.py [--loads 5] [--store PATH] [--no-floor] [--json]

Serves the app on 127.0.0.1 (a throw-away copy of the bundled store unless ``--store``), opens the map page once to
warm the server (imports, the loaded store, the rendered map), then opens it ``--loads`` times, each in a new browser
context (a new session, as a colleague opening the link), and times from the request until:

* ``title``: the page's title is drawn (Streamlit's frontend is up and the script has started);
* ``map frame``: the map (Leaflet) is up inside streamlit-folium's iframe;
* ``markers``: the map's first incident marker is drawn;
* ``cards``: the picker of the incidents the map cannot draw (their cards) is drawn;
* ``done``: the script has finished (nothing more arrives);

and the browser's main-thread time for the load (Chrome's ``TaskDuration``, of which ``ScriptDuration``): what the
page costs the reader's machine, less sensitive than the wall times to other work on a shared one.

``--before PATH`` also serves another checkout of the project (e.g. ``git archive main | tar -x -C /tmp/main``), with
that tree first on ``PYTHONPATH`` and the same store, and alternates loads between the two: a before/after in one
run, under the same load.

In the same run (unless ``--no-floor``), the floor: a minimal Streamlit page drawing an empty folium map through
streamlit-folium, timed until its map is drawn, which is what Streamlit and the map component cost here before the
app does anything. The browser and the server share the machine (2 cores, other work running): the figures are
medians and the first load; nothing here asserts a speed. ``docs/benchmarks.md`` ("First paint") holds a run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402
from tests.serving import serve, serve_command  # noqa: E402

UI = REPO / "dashboard" / "ui"
FOLIUM_FRAME = "iframe[title='streamlit_folium.st_folium']"
TIMEOUT_MS = 120_000
ORDER = ("title", "map frame", "markers", "cards", "done")
MARKS = {
    "title": "[data-testid='stMain'] h1",
    "cards": "[data-testid='stMain'] [data-testid='stSelectbox']",
    "timeline": "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
    "done": "[data-testid='stApp'][data-test-script-state='notRunning']",
}
FLOOR_SCRIPT = """
import folium
import streamlit as st
from streamlit_folium import st_folium
from dashboard.viz.assets import use_local_assets
use_local_assets()  # Leaflet from /app/static/vendor, as the app (no internet here)
st.title("floor")
st_folium(folium.Map(location=[13.4, -6.2], zoom_start=7, tiles=None), height=520, returned_objects=[])
"""


def time_map_page(browser, url: str, expect: tuple[str, ...] = ORDER) -> dict[str, float]:
    """One load of the map page in a new context: seconds from the request to each mark (polled together, every
    50 ms, so that each is timed on its own)."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    seen: dict[str, float] = {}
    frame = page.frame_locator(FOLIUM_FRAME)
    probes = {**{name: page.locator(selector) for name, selector in MARKS.items()},
              "map frame": frame.locator(".leaflet-container"), "markers": frame.locator("path.incident-marker")}
    probes = {name: probes[name] for name in expect}
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    started = time.monotonic()
    try:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        while len(seen) < len(probes):
            if time.monotonic() - started > TIMEOUT_MS / 1000:
                raise TimeoutError(f"not drawn within {TIMEOUT_MS / 1000:.0f} s: {sorted(set(probes) - set(seen))}")
            for name, probe in probes.items():
                # "done" is the script's state: it reads "not running" before the run starts too
                if name not in seen and (name != "done" or "title" in seen) and probe.count():
                    seen[name] = time.monotonic() - started
            page.wait_for_timeout(50)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    finally:
        context.close()
    return {**{name: seen[name] for name in expect}, "browser CPU": metrics.get("TaskDuration", float("nan")),
            "of which script": metrics.get("ScriptDuration", float("nan"))}


def time_floor(browser, url: str) -> dict[str, float]:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    started = time.monotonic()
    try:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.frame_locator(FOLIUM_FRAME).locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
        return {"map": time.monotonic() - started}
    finally:
        context.close()


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    names = list(runs[0]) if runs else []
    return {n: {"first": round(runs[0][n], 2), "median": round(statistics.median(r[n] for r in runs), 2),
                "worst": round(max(r[n] for r in runs), 2)} for n in names}


def run(loads: int, store: Path | None = None, floor: bool = True, before: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"loads": loads}
    with tempfile.TemporaryDirectory(prefix="incident-map-paint-") as tmp, sync_playwright() as pw, \
            contextlib.ExitStack() as servers:
        workdir = Path(tmp)
        store = store or workdir / "incidents.gpkg"
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        bases = {"app": servers.enter_context(serve(store, workdir / "server")).base}
        if before is not None:
            bases["before"] = servers.enter_context(_serve_tree(before, store, workdir / "before")).base
        for base in bases.values():
            time_map_page(browser, base + "/")  # warm: the server's first run loads the store
        runs: dict[str, list] = {name: [] for name in bases}
        for _ in range(loads):  # alternated, so that both meet the same load on the machine
            for name, base in bases.items():
                runs[name].append(time_map_page(browser, base + "/"))
        out.update({name: summarise(r) for name, r in runs.items()})
        servers.close()
        if floor:  # beside the app's static folder and server settings, so that only the page differs
            folder = workdir / "floor"
            (folder / ".streamlit").mkdir(parents=True)
            (folder / "static").symlink_to(UI / "static")
            shutil.copy(UI / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
            script = folder / "floor.py"
            script.write_text(FLOOR_SCRIPT)
            command = lambda port: [sys.executable, "-m", "streamlit", "run", str(script),  # noqa: E731
                                    "--server.port", str(port)]
            with serve_command(command, folder, env=_env(), cwd=folder) as served:
                time_floor(browser, served.base + "/")
                out["floor"] = summarise([time_floor(browser, served.base + "/") for _ in range(loads)])
        browser.close()
    return out


def _serve_tree(tree: Path, store: Path, workdir: Path):
    """Another checkout's app (``streamlit run <tree>/dashboard/ui/app.py``, that tree first on the path)."""
    env = _env() | {"PYTHONPATH": str(tree), "INCIDENT_MAP_STORE": str(store)}
    app = tree / "dashboard" / "ui" / "app.py"
    return serve_command(lambda port: [sys.executable, "-m", "streamlit", "run", str(app), "--server.port",
                                       str(port)], workdir, env=env, cwd=workdir)


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--no-floor", action="store_true", help="skip the minimal Streamlit page")
    parser.add_argument("--before", type=Path, default=None, help="another checkout to time in the same run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.loads <= 50:
        parser.error("--loads must be 1..50")
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    figures = run(args.loads, args.store, floor=not args.no_floor, before=args.before)
    figures["uptime"] = uptime
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{args.loads} new sessions on a warm server; {uptime}")
    print(f"{'until':<28} {'first s':>8} {'median s':>9} {'worst s':>8}")
    for who in ("app", "before", "floor"):
        for name, f in figures.get(who, {}).items():
            print(f"{who + ': ' + name:<28} {f['first']:>8.2f} {f['median']:>9.2f} {f['worst']:>8.2f}")
    if "floor" in figures:
        ratio = figures["app"]["markers"]["median"] / figures["floor"]["map"]["median"]
        print(f"markers drawn at {ratio:.1f}x the floor's map (medians)")
    if "before" in figures:
        ratio = figures["app"]["markers"]["median"] / figures["before"]["markers"]["median"]
        print(f"markers drawn at {ratio:.2f}x the time of --before's (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
