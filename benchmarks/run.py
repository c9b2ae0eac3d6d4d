"""How fast is the dashboard from 10 k to 1 M incidents?  ``make bench`` / ``python benchmarks/run.py``.

For each size N (``--sizes``, default 10 000, 100 000 and 1 000 000) a fresh Python process builds (or reuses)
a GeoPackage store of synthetic incidents (:mod:`benchmarks.synthetic`) and measures:

* store load: cold (GeoPackage read + validation + building the fast cache and the search index) and warm (from
  the cache and the saved index); the index's build time and file size;
* filter time for typical specs (date range, category, cercle, text searches through the index, and one by
  scanning for comparison): the mask alone, and the mask with the selection the map page gets above its marker
  budget (:func:`page_selection`: the selection's totals and scope note, and the columns it reads), on its first
  call in the process and as a median; and, for comparison, taking every column of the selected rows (what every
  page took before the selection was taken by column, and what a page listing whole incidents still takes);
* map build + render time and payload bytes at region zoom (the Ségou cercles) and country zoom (everything),
  plus a small selection that is drawn as individual markers;
* timeline build (Altair spec with its data);
* the real map page in Streamlit's AppTest, in three sessions (every Streamlit cache cleared before each): the
  first run from a warm store and reruns after filter changes, one of them to the largest selection still drawn as
  individual markers;
* peak memory of the process (``ru_maxrss``).

A naive folium map (one MarkerCluster marker with a popup card per incident) is built at 10 k in the same run and
printed beside the app's map: both in Python only, so the ratio says what building hexagons instead of 10 k popup
cards saves, not what a reader waits for (the browser tier, ``benchmarks/browser.py``, compares the app with a
FastMarkerCluster page and a minimal Streamlit floor in Chromium; ``--browser`` runs it after this). Every budgeted
measure is reported as its first run and its median, and the budgets are judged on the worst run (for a filter, its
first call; for the page, the slowest of the three sessions), not on the median: a reader meets the first run. They
are printed as met or not.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DOC = REPO / "docs" / "benchmarks.md"  # the table is written there, between these markers
BEGIN = "<!-- benchmark table: written by benchmarks/run.py, do not edit by hand -->"
END = "<!-- end of benchmark table -->"
BASELINE_N = 10_000
SESSIONS = 3  # AppTest sessions: the first page and every rerun are timed once in each
IMPORT_ROWS = 10_000  # new incidents imported into each store (a copy) for the cold-path rows; 0: not measured
GENERATOR_VERSION = 1  # bump when benchmarks/synthetic.py changes what it generates
SEGOU_CERCLES = ("Barouéli", "Bla", "Macina", "Niono", "San", "Ségou", "Tominian")
BUDGETS = {
    "first_page_s": 5.0,  # at 1 M, from a warm store
    "filter_ms": 50.0,  # a filter at 1 M: the mask and the selection the pages get, first call
    "payload_mb": 1.5,  # map payload at any zoom
    "rerun_s": 1.5,  # any rerun after a filter change, at 1 M
}  # no budget against naive folium: its ratio compared Python build times only (see baseline_lines)


def _timed(fn, *args, repeat: int = 1, **kwargs):
    times, result = _times(fn, *args, repeat=repeat, **kwargs)
    return statistics.median(times), result


def _times(fn, *args, repeat: int = 1, **kwargs):
    """Every run's seconds, first run first, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - t0)
    return times, result


def page_selection(incidents, spec, index):
    """What the map page takes of a filter state whose selection is above the marker budget (every filter measured
    here selects thousands of incidents), in its default mode (markers, drawn as hexagons above the budget): the
    selection with its totals and scope note (``index``: the frame's index, as the app's loader keeps it), the
    columns the page reads (``page_columns``) and the rows' points, the not-drawn list's rows (``unplotted_rows``)
    and the datasets note's counts."""
    from dashboard.query.selection import filtered
    from dashboard.ui.pages.map_page import page_columns, unplotted_rows
    from dashboard.ui.state import ViewState

    chosen = filtered(incidents, spec, index)
    unplotted_rows(chosen.columns(page_columns(ViewState().mode, play=False)), chosen, chosen.points)
    chosen.value_counts("datasets")
    return chosen


def _spread(times: list[float]) -> dict:
    return {"first": times[0], "median": statistics.median(times), "worst": max(times)}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def store_for(n: int, workdir: Path, seed: int) -> tuple[Path, float | None]:
    """The synthetic store for ``n`` (reused when it already exists) and the seconds spent writing it."""
    from benchmarks.synthetic import write_synthetic_store

    path = workdir / f"synthetic-{n}-seed{seed}-v{GENERATOR_VERSION}.gpkg"
    if path.exists():
        return path, None
    _log(f"[{n:,}] generating and writing the store {path}")
    seconds, _ = _timed(write_synthetic_store, path, n, seed=seed)
    return path, seconds


def measure_size(n: int, workdir: Path, seed: int, apptest: bool) -> dict:
    """Everything for one size, in this process (run once per process so that peak memory is per size)."""
    from dashboard.data.reference import cercle_seats, mali_regions, region_outline
    from dashboard.data.search import SearchIndex
    from dashboard.data.store import cache_path, load_store, search_path
    from dashboard.query.filters import filter_incidents, filter_mask
    from dashboard.query.spec import FilterSpec
    from dashboard.viz import scale
    from dashboard.viz.assets import use_local_assets
    from dashboard.viz.maps import Basemap, build_incident_map
    from dashboard.viz.timeline import timeline_chart

    use_local_assets()
    out: dict = {"n": n}
    store, out["write_store_s"] = store_for(n, workdir, seed)
    cache_path(store).unlink(missing_ok=True)
    search_path(store).unlink(missing_ok=True)
    _log(f"[{n:,}] cold load (GeoPackage + validation + cache + search index)")
    out["load_cold_s"], cold = _timed(load_store, store)
    assert not cold.from_cache
    version = cold.version
    del cold
    warm_times, incidents, search, points = [], None, None, None
    for _ in range(3):  # the previous frame is freed first, as a new process would find it
        incidents = search = points = None
        gc.collect()
        seconds, warm = _timed(load_store, store)
        warm_times.append(seconds)
        assert warm.from_cache
        assert warm.search is not None
        assert warm.version == version
        incidents, search, points = warm.incidents, warm.search, warm.points
        del warm
    out["load_warm_s"] = statistics.median(warm_times)
    out["search_build_s"], _ = _timed(SearchIndex.build, incidents)
    out["search_bytes"] = search_path(store).stat().st_size

    specs = {
        "date range (1 year)": FilterSpec(start=date(2023, 1, 1), end=date(2023, 12, 31)),
        "category": FilterSpec(perpetrator_categories=frozenset({"state_forces"})),
        "cercle": FilterSpec(admin2=frozenset({"Niono"})),
        "text search: a name": FilterSpec(text="Dogofry"),
        "text search: a phrase": FilterSpec(text="niono area"),
        "text search: one letter": FilterSpec(text="e"),
        "text search: worst case, punctuation in every incident": FilterSpec(text="https://"),
        "text search: a name, scanning (no index)": FilterSpec(text="Dogofry"),
    }
    out["filters"] = {}
    from dashboard.query.frame_index import FrameIndex
    from dashboard.ui.pages import map_page  # noqa: F401  (imported here, not in the first filter's time)

    # as the app's loader keeps it per loaded version: the search index, the scopes, the repeating columns' codes
    out["frame_index_s"], kept = _timed(lambda: FrameIndex(incidents, search, points).warmed())
    scanning = FrameIndex(incidents, None, points).warmed()  # the same without the search index
    for label, spec in specs.items():
        index = scanning if "no index" in label else kept
        gc.collect()
        # the selection first: its first call is the first filter a page makes with this spec
        view_times, chosen = _times(page_selection, incidents, spec, index, repeat=5)
        whole_s, view = _timed(lambda chosen=chosen: chosen.view)  # every column, on top (first call)
        mask_s, mask = _timed(filter_mask, incidents, spec, index, repeat=5)
        assert len(view) == len(chosen) == int(mask.sum())
        del view, chosen
        out["filters"][label] = {"mask_ms": mask_s * 1000, "rows": int(mask.sum()), "whole_ms": whole_s * 1000,
                                 **{f"{k}_ms": v * 1000 for k, v in _spread(view_times).items()}}

    basemap = Basemap(region=region_outline(), other_regions=mali_regions(), seats=cercle_seats())
    region = filter_incidents(incidents, FilterSpec(admin2=frozenset(SEGOU_CERCLES)))
    small = filter_incidents(incidents, FilterSpec(admin2=frozenset({"Niono"}), start=date(2024, 6, 1),
                                                   end=date(2024, 6, 7)))
    views = {"country zoom": (incidents, None), "region zoom": (region, scale.map_view(region, True)),
             "small selection": (small, scale.map_view(small, True))}
    out["maps"] = {}
    for label, (view, bounds) in views.items():
        build_s, fmap = _timed(build_incident_map, view, basemap=basemap, bounds=bounds)
        render_s, html = _timed(fmap.get_root().render)
        out["maps"][label] = {"incidents": len(view), "build_s": build_s, "render_s": render_s,
                              "bytes": len(html.encode()), "hexagons": "incident-hex" in html,
                              "markers": html.count("incident-marker precision-")}
    for mode in ("heat", "hexbin", "clusters"):
        build_s, fmap = _timed(build_incident_map, incidents, basemap=basemap, mode=mode)
        render_s, html = _timed(fmap.get_root().render)
        out["maps"][f"country, {mode}"] = {"incidents": n, "build_s": build_s, "render_s": render_s,
                                           "bytes": len(html.encode())}
    out["timeline_s"], _ = _timed(lambda: timeline_chart(incidents, freq="month").to_dict())
    del region, small
    if apptest:  # the sessions load the store as a new server would: this process's own copy freed first
        window = widest_window(incidents)
        del incidents, search, points, mask, kept, scanning, index, views  # the indexes and views hold it too
        gc.collect()
        out["apptest"] = measure_apptest(store, window)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if IMPORT_ROWS:  # each in processes of its own (benchmarks/cold_path.py)
        from benchmarks.cold_path import cold_load, measure_import

        _log(f"[{n:,}] cold load in a fresh process; import of {IMPORT_ROWS:,} into a copy, then the first load")
        out["cold_process"] = cold_load(store, workdir)
        out["import"] = measure_import(store, workdir, IMPORT_ROWS)
    return out


def widest_window(incidents, start: date = date(2024, 1, 1)) -> tuple[str, date, date, int]:
    """The costliest selection still drawn as individual markers: the busiest Ségou cercle whose incidents over
    some period from ``start`` fit the point budget, and the longest such period."""
    from datetime import timedelta

    from dashboard.query.filters import filter_mask
    from dashboard.query.spec import FilterSpec
    from dashboard.viz import scale

    plottable = scale.plottable_mask(incidents)

    def drawn(cercle: str, days: int) -> int:
        spec = FilterSpec(admin2=frozenset({cercle}), start=start, end=start + timedelta(days=days))
        return int((filter_mask(incidents, spec) & plottable).sum())

    busiest = incidents["admin2"].value_counts()
    for cercle in [c for c in busiest.index if c in SEGOU_CERCLES]:
        if drawn(cercle, 0) > scale.MAX_MARKERS:
            continue  # even one day (with the month- and year-dated incidents it overlaps) is too many
        lo, hi = 0, 4_000
        while lo < hi:  # the largest number of days with at most MAX_MARKERS drawn
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if drawn(cercle, mid) <= scale.MAX_MARKERS else (lo, mid - 1)
        return cercle, start, start + timedelta(days=lo), drawn(cercle, lo)
    raise RuntimeError("no Ségou cercle fits the point budget on a single day")


def measure_apptest(store: Path, window: tuple[str, date, date, int]) -> dict:
    """The real map page in AppTest, in :data:`SESSIONS` sessions, each with every Streamlit cache cleared first
    (the store cache is warm; what the previous session's server held is then freed, as in a new server): its first
    run (the store's load included), then reruns after filter changes (one of them to the largest
    selection still drawn as individual markers). Each is reported as the first session's, the median and the
    worst."""
    sessions = [_apptest_session(store, window) for _ in range(SESSIONS)]
    first, reruns = sessions[0]
    out_reruns = []
    for i, step in enumerate(reruns):
        times = [s[1][i]["s"] for s in sessions]
        out_reruns.append({**step, **{f"{k}_s": v for k, v in _spread(times).items()}})
    firsts = [s[0]["s"] for s in sessions]
    return {**{f"first_run_{k}_s": v for k, v in _spread(firsts).items()},
            "first_payload_bytes": first["payload_bytes"], "reruns": out_reruns}


def _apptest_session(store: Path, window: tuple[str, date, date, int]) -> tuple[dict, list[dict]]:
    """One new session with every Streamlit cache cleared: its first run and its reruns."""
    # the benchmark drives the UI from outside, as tests/ui does
    import streamlit as st  # noqa: TID251
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    from dashboard.data.store import STORE_ENV

    os.environ[STORE_ENV] = str(store)
    os.environ.pop("INCIDENT_MAP_PUBLIC", None)
    st.cache_data.clear()
    st.cache_resource.clear()
    gc.collect()
    at = AppTest.from_file(str(REPO / "dashboard" / "ui" / "app.py"), default_timeout=600)
    at._bidi_component_manager = _components()  # what a server does once at start, not per session
    seconds, _ = _timed(at.run)
    assert not at.exception, [e.value for e in at.exception]
    first = {"s": seconds, "payload_bytes": _component(at)[0]}
    reruns = []
    cercle, start, end, _ = window
    changes = (
        ("cercle = Niono", lambda: at.sidebar.multiselect(key="f_cercle").set_value(["Niono"])),
        ("+ category state forces", lambda: at.sidebar.multiselect(key="f_cat").set_value(["state_forces"])),
        ("+ from 2024-06-01", lambda: at.sidebar.date_input(key="f_start").set_value(date(2024, 6, 1))),
        ("+ to 2024-06-30", lambda: at.sidebar.date_input(key="f_end").set_value(date(2024, 6, 30))),
        ("widest selection still drawn as markers", lambda: _window(at, window)),
        ("text search 'Dogofry' only", lambda: _only_text(at)),
        ("clear all filters", lambda: _clear(at)),
    )
    for label, change in changes:
        change()
        seconds, _ = _timed(at.run)
        assert not at.exception, (label, [e.value for e in at.exception])
        size, markers = _component(at)
        reruns.append({"label": label, "s": seconds, "payload_bytes": size, "markers": markers})
    reruns[4]["detail"] = f"{cercle} {start:%d %b}–{end:%d %b %Y}"
    return first, reruns


@functools.cache
def _components():
    """Streamlit's registry of installed components, scanned once. A server scans the installed packages' metadata
    once at start (``Runtime``); AppTest does it again in every new AppTest (0.8-2.8 s here, over ~400
    distributions), which no session of a served app pays: left in, it was a third of the "first run"."""
    from streamlit.components.v2.component_manager import BidiComponentManager  # noqa: TID251

    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def _window(at, window: tuple[str, date, date, int]) -> None:
    at.sidebar.multiselect(key="f_cercle").set_value([window[0]])
    at.sidebar.multiselect(key="f_cat").set_value([])
    at.sidebar.date_input(key="f_start").set_value(window[1])
    at.sidebar.date_input(key="f_end").set_value(window[2])


def _only_text(at) -> None:
    for key in ("f_cercle", "f_cat"):
        at.sidebar.multiselect(key=key).set_value([])
    at.sidebar.date_input(key="f_start").set_value(None)
    at.sidebar.date_input(key="f_end").set_value(None)
    at.sidebar.text_input(key="f_text").set_value("Dogofry")


def _clear(at) -> None:
    at.sidebar.text_input(key="f_text").set_value("")


def _component(at) -> tuple[int, int]:
    """Size of what the map component sends to the browser (its arguments: script, links, options) and the number
    of incident markers in it."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    found = [el.proto.json_args for el in walk(at.main) if getattr(el, "type", None) == "component_instance"]
    if not found:
        return 0, 0
    return len(found[0].encode()), found[0].count("incident-marker precision-")


def measure_baseline(n: int, seed: int) -> dict:
    """Naive folium at ``n``: one MarkerCluster marker with a popup card per incident, against the app's map of
    the same incidents (default view)."""
    import folium
    from folium.plugins import MarkerCluster

    from benchmarks.synthetic import synthetic_incidents
    from dashboard.data.reference import cercle_seats, mali_regions, region_outline
    from dashboard.viz.assets import use_local_assets
    from dashboard.viz.cards import incident_card_html
    from dashboard.viz.maps import SEGOU_CENTER, Basemap, build_incident_map, plottable

    use_local_assets()
    incidents = synthetic_incidents(n, seed=seed)

    def naive() -> str:
        m = folium.Map(location=SEGOU_CENTER, zoom_start=6, tiles=None)
        m.options["maxZoom"] = 14
        cluster = MarkerCluster().add_to(m)
        for r in plottable(incidents).to_dict("records"):
            folium.Marker([r["geometry"].y, r["geometry"].x],
                          popup=folium.Popup(incident_card_html(r), max_width=360)).add_to(cluster)
        return m.get_root().render()

    basemap = Basemap(region=region_outline(), other_regions=mali_regions(), seats=cercle_seats())

    def app() -> str:
        return build_incident_map(incidents, basemap=basemap).get_root().render()

    naive_s, naive_html = _timed(naive)
    app_s, app_html = _timed(app, repeat=3)
    return {"n": n, "naive_s": naive_s, "naive_bytes": len(naive_html.encode()), "app_s": app_s,
            "app_bytes": len(app_html.encode())}


# ---- the parent process: one child per size, then the table ----------------------------------------------------
def _child(args: list[str]) -> dict:
    env = dict(os.environ, STREAMLIT_LOGGER_LEVEL="error")  # no "missing ScriptRunContext" noise
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], stdout=subprocess.PIPE,
                          text=True, cwd=REPO, check=False, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step {' '.join(args)} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def _fmt_mb(b: int) -> str:
    return f"{b / 1e6:.2f} MB" if b >= 100_000 else f"{b / 1e3:.0f} kB"


def _first_median(first: float, median: float) -> str:
    """"first / median" of one measure (seconds)."""
    return f"{_fmt_s(first)} / {_fmt_s(median)}"


def _rerun_cell(step: dict) -> str:
    shown = f"{step['markers']} markers" if step["markers"] else "hexagons"
    where = f"{step['detail']}: " if step.get("detail") else ""
    return f"{_first_median(step['first_s'], step['median_s'])} ({where}{shown}, {_fmt_mb(step['payload_bytes'])})"


def table(results: list[dict], baseline: dict | None) -> str:
    cols = [f"N = {r['n']:,}" for r in results]
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, fn) -> None:
        rows.append((label, [fn(r) for r in results]))

    add("store write (GeoPackage, once)", lambda r: _fmt_s(r["write_store_s"]) if r["write_store_s"] else "reused")
    add("store load, cold (GeoPackage + validate + cache + index)", lambda r: _fmt_s(r["load_cold_s"]))
    add("store load, warm (GeoParquet cache + search index)", lambda r: _fmt_s(r["load_warm_s"]))
    add("search index: build (part of the cold load)", lambda r: _fmt_s(r["search_build_s"]))
    add("search index: file size", lambda r: _fmt_mb(r["search_bytes"]))
    if all("frame_index_s" in r for r in results):
        add("frame index: scopes' masks and reasons, repeating columns' codes (once per loaded version)",
            lambda r: _fmt_s(r["frame_index_s"]))
    for label in results[0]["filters"]:
        add(f"filter: {label}, first / median (mask alone; every column taken)",
            lambda r, k=label: f"{r['filters'][k]['first_ms']:.0f} / {r['filters'][k]['median_ms']:.0f} ms "
            f"({r['filters'][k]['mask_ms']:.0f} ms; " + (f"+{r['filters'][k]['whole_ms']:.0f} ms; "
                                                          if "whole_ms" in r["filters"][k] else "")
            + f"{r['filters'][k]['rows']:,})")
    for label in results[0]["maps"]:
        def shown(m):
            if "hexagons" not in m:
                return ""
            return " hexagons" if m["hexagons"] else f" {m['markers']} markers"
        add(f"map {label}: build + render", lambda r, k=label: f"{_fmt_s(r['maps'][k]['build_s'])} + "
            f"{_fmt_s(r['maps'][k]['render_s'])}")
        add(f"map {label}: payload", lambda r, k=label, f=shown: f"{_fmt_mb(r['maps'][k]['bytes'])}"
            f"{f(r['maps'][k])} ({r['maps'][k]['incidents']:,} inc.)")
    add("timeline (Altair spec + data)", lambda r: _fmt_s(r["timeline_s"]))
    if all("apptest" in r for r in results):
        add(f"AppTest map page, first run (warm store), first / median of {SESSIONS} sessions",
            lambda r: _first_median(r["apptest"]["first_run_first_s"], r["apptest"]["first_run_median_s"]))
        add("AppTest map payload, first run", lambda r: _fmt_mb(r["apptest"]["first_payload_bytes"]))
        for i, step in enumerate(results[0]["apptest"]["reruns"]):
            add(f"AppTest rerun, first / median: {step['label']}",
                lambda r, i=i: _rerun_cell(r["apptest"]["reruns"][i]))
    add("peak memory (maxrss)", lambda r: f"{r['peak_rss_mb']:,.0f} MB")
    if all("import" in r for r in results):
        add("peak memory, cold load (fresh process, its own peak: VmHWM)", lambda r: f"{r['cold_process']['peak_rss_mb']:,.0f} MB "
            f"({_fmt_s(r['cold_process']['s'])})")
        add(f"import {IMPORT_ROWS // 1000} k into N: import (+ cache, index) / next first load",
            lambda r: f"{_fmt_s(r['import']['import_s'])} / {_fmt_s(r['import']['first_load_s'])}")
        if all("cold_after_import" in r["import"] for r in results):
            add("peak memory, cold load after that import (some reports linked)",
                lambda r: f"{r['import']['cold_after_import']['peak_rss_mb']:,.0f} MB "
                f"({_fmt_s(r['import']['cold_after_import']['s'])}, "
                f"{r['import']['cold_after_import']['linked']:,} linked)")
    width = max(len(label) for label, _ in rows)
    widths = [max(len(c), *(len(v[i]) for _, v in rows)) for i, c in enumerate(cols)]
    lines = ["| " + "measure".ljust(width) + " | " + " | ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))
             + " |",
             "|" + "-" * (width + 2) + "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|"]
    for label, values in rows:
        lines.append("| " + label.ljust(width) + " | " + " | ".join(v.rjust(w) for v, w in
                                                                    zip(values, widths, strict=True)) + " |")
    if baseline:
        lines += ["", *baseline_lines(baseline)]
    return "\n".join(lines)


def baseline_lines(b: dict) -> list[str]:
    return [f"Naive folium baseline at N = {b['n']:,} (one MarkerCluster marker + popup per incident): "
            f"{_fmt_s(b['naive_s'])} to build and render, {_fmt_mb(b['naive_bytes'])}.",
            f"The app's map of the same incidents (hexagons, no cards): {_fmt_s(b['app_s'])}, "
            f"{_fmt_mb(b['app_bytes'])}.",
            "Python build and HTML size only, against a strawman (a popup card per marker): not what a reader waits "
            "for; the browser tier (benchmarks/browser.py) compares the app with FastMarkerCluster in Chromium."]


def budget_lines(results: list[dict], baseline: dict | None) -> list[str]:
    lines = ["Budgets:"]
    for label, met, measured in budgets(results, baseline):
        mark = "MET    " if met else ("n/a    " if met is None else "NOT MET")
        lines.append(f"  {mark} {label}: {measured}")
    return lines


def markdown(results: list[dict], baseline: dict | None, header: str) -> str:
    """The measured part of docs/benchmarks.md: the run's header, the table, the baseline and the budgets."""
    extra = [*baseline_lines(baseline), ""] if baseline else []
    return "\n".join([f"`{header}`", "", table(results, None), "", "```", *extra,
                      *budget_lines(results, baseline), "```"])


def write_block(path: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace what lies between the ``begin`` and ``end`` markers of ``path`` with ``block``; the prose around it
    (how to read the table, what dominates) is kept. A file without the markers gets them, with the block, at its
    end."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    generated = f"{begin}\n{block}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + generated + rest.split(end, 1)[1]
    else:
        text = f"{text.rstrip()}\n\n{generated}\n".lstrip()
    path.write_text(text, encoding="utf-8")


def budgets(results: list[dict], baseline: dict | None) -> list[tuple[str, bool | None, str]]:
    """(budget, met?, measured) — ``None`` when the run did not measure it (e.g. no 1 M size)."""
    out: list[tuple[str, bool | None, str]] = []
    big = next((r for r in results if r["n"] == 1_000_000), None)
    if big and "apptest" in big:
        page = big["apptest"]
        worst = page["first_run_worst_s"]
        out.append((f"1 M: first page ready <= {BUDGETS['first_page_s']:.0f} s from a warm store, every session",
                    worst <= BUDGETS["first_page_s"], f"worst {_fmt_s(worst)} (first session "
                    f"{_fmt_s(page['first_run_first_s'])}, median {_fmt_s(page['first_run_median_s'])})"))
        step = max(page["reruns"], key=lambda step: step["worst_s"])
        out.append((f"1 M: any rerun after a filter change <= {BUDGETS['rerun_s']} s, every session",
                    step["worst_s"] <= BUDGETS["rerun_s"],
                    f"slowest {_fmt_s(step['worst_s'])} ({step['label']}; median {_fmt_s(step['median_s'])})"))
    else:
        out.append(("1 M: first page / reruns (AppTest)", None, "not measured (needs --sizes with 1000000)"))
    if big:
        # judged on the first call of mask + selection (what a page pays), not on the median nor the mask alone
        masks = {k: max(v["first_ms"], v["worst_ms"]) for k, v in big["filters"].items()}
        structured = {k: v for k, v in masks.items() if not k.startswith("text search")}
        text = {k.removeprefix("text search: "): v for k, v in masks.items()
                if k.startswith("text search") and "no index" not in k and "worst case" not in k}
        worst = {k.removeprefix("text search: "): v for k, v in masks.items() if "worst case" in k}
        out.append((f"1 M: filter + selection <= {BUDGETS['filter_ms']:.0f} ms, worst run (date, category, cercle)",
                    max(structured.values()) <= BUDGETS["filter_ms"],
                    ", ".join(f"{k} {v:.0f} ms" for k, v in structured.items())))
        out.append((f"1 M: filter + selection <= {BUDGETS['filter_ms']:.0f} ms, worst run (text search)",
                    max(text.values()) <= BUDGETS["filter_ms"], ", ".join(f"{k} {v:.0f} ms" for k, v in text.items())
                    + "".join(f" (not budgeted: {k} {v:.0f} ms)" for k, v in worst.items())))
    payloads = [m["bytes"] for r in results for m in r["maps"].values()]
    payloads += [r["apptest"]["first_payload_bytes"] for r in results if "apptest" in r]
    payloads += [v["payload_bytes"] for r in results if "apptest" in r for v in r["apptest"]["reruns"]]
    out.append((f"map payload <= {BUDGETS['payload_mb']} MB at any zoom and size",
                max(payloads) <= BUDGETS["payload_mb"] * 1e6, f"largest {_fmt_mb(max(payloads))}"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES),
                        help="comma-separated numbers of incidents (default 10000,100000,1000000)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "incident-map-bench",
                        help="where the synthetic stores are written and reused")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-apptest", action="store_true", help="skip the Streamlit AppTest runs")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--from-json", type=Path, help="print the table of a saved --json file, measure nothing")
    parser.add_argument("--markdown", type=Path, default=DOC,
                        help="write the table into this file, between its benchmark markers (default %(default)s)")
    parser.add_argument("--baseline-size", type=int, default=BASELINE_N,
                        help="incidents in the naive folium map compared with the app's (default %(default)s)")
    parser.add_argument("--no-markdown", action="store_true", help="print the table only (e.g. a trial run)")
    parser.add_argument("--browser", action="store_true",
                        help="then run the browser tier (benchmarks/browser.py) on the bundled record and these sizes")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size in this process
    parser.add_argument("--baseline", type=int, help=argparse.SUPPRESS)  # internal: the naive map
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    doc = None if args.no_markdown else args.markdown
    if args.one is not None:
        print(json.dumps(measure_size(args.one, args.workdir, args.seed, apptest=not args.no_apptest)))
        return 0
    if args.baseline is not None:
        print(json.dumps(measure_baseline(args.baseline, args.seed)))
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        report(saved["results"], saved["baseline"], saved.get("header", ""), doc)
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    results = []
    for n in sizes:
        _log(f"measuring N = {n:,} ...")
        extra = ["--no-apptest"] if args.no_apptest else []
        results.append(_child(["--one", str(n), "--workdir", str(args.workdir), "--seed", str(args.seed), *extra]))
    _log(f"measuring the naive folium baseline at N = {args.baseline_size:,} ...")
    baseline = _child(["--baseline", str(args.baseline_size), "--seed", str(args.seed)])
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    header = (f"Benchmark: {os.cpu_count()} cores, {memory:.0f} GB, Python {sys.version.split()[0]}, "
              f"{time.strftime('%Y-%m-%d')}, {time.perf_counter() - started:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps({"header": header, "results": results, "baseline": baseline}, indent=2))
    report(results, baseline, header, doc)
    if args.browser:
        from benchmarks import browser

        return browser.main(["--sizes", ",".join(["bundled", *map(str, sizes)]), "--workdir", str(args.workdir),
                             "--seed", str(args.seed), *(["--markdown", str(doc)] if doc else ["--no-markdown"])])
    return 0


def report(results: list[dict], baseline: dict | None, header: str, doc: Path | None) -> None:
    print(header + "\n")
    print(table(results, baseline))
    print("\n" + "\n".join(budget_lines(results, baseline)))
    if doc is not None:
        write_block(doc, markdown(results, baseline, header))
        _log(f"wrote the table to {doc}")


if __name__ == "__main__":
    raise SystemExit(main())
