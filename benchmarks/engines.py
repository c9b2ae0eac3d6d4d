"""Both store engines at scale: ``python benchmarks/engines.py [--n 1000000]``.

For the GeoPackage and for PostGIS (a throwaway PostgreSQL cluster started here, as the tests do, on a Unix
socket), each in a fresh process, with ``N`` synthetic incidents (:mod:`benchmarks.synthetic`):

* writing the store (one change set of N inserts, with its N history rows), in its own process; everything below
  in a fresh process, as a server starting on the store would;
* the dataset-version check the app makes on every run;
* cold load (read + validation + the fast cache and search index) and warm load (from the cache);
* the first map page from a warm store in Streamlit's AppTest (every Streamlit cache cleared; median of 3);
* filter masks on the loaded frame (date range, category, cercle);
* a single-incident edit of 25 random incidents: reading the record and validating it with the import's pandera
  model (a per-record cost that does not grow with the store), then the commit (one transaction: the version
  check, the change, its history rows, the dataset version), median and slowest.

Figures are printed with the budgets (first page ≤ 5 s warm, filters ≤ 50 ms, one edit's commit ≤ 100 ms); nothing here
is a test.
"""

from __future__ import annotations

import argparse
import json
import random
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

EDITS = 25
BUDGETS = {"first_page_s": 5.0, "filter_ms": 50.0, "edit_ms": 100.0}


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def write_phase(location: str, n: int, seed: int) -> dict:
    """Generate and write the store (one process); the reading figures are taken in a fresh one, as a server
    starting on an existing store would."""
    from benchmarks.synthetic import synthetic_incidents
    from dashboard.data.store import write_store

    _log(f"[{location}] generating {n:,} incidents")
    incidents = synthetic_incidents(n, seed=seed)
    _log(f"[{location}] writing the store")
    seconds, _ = _timed(write_store, location, incidents, reason="benchmark data", author="bench")
    return {"write_s": seconds, "write_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(location: str, n: int, seed: int) -> dict:
    import os

    from benchmarks.run import FIRST_RUNS
    from dashboard.data.engines import Change, ChangeSet
    from dashboard.data.engines.editing import _check_one, edit
    from dashboard.data.engines.records import INCIDENT
    from dashboard.data.store import cache_path, load_store, open_store, search_path, store_state
    from dashboard.query.filters import filter_mask
    from dashboard.query.spec import FilterSpec

    out: dict = {"n": n}
    store = open_store(location)
    checks = [_timed(store_state, location)[0] for _ in range(50)]
    out["version_check_ms"] = statistics.median(checks) * 1000
    cache_path(location).unlink(missing_ok=True)
    search_path(location).unlink(missing_ok=True)
    _log(f"[{location}] cold load")
    out["load_cold_s"], cold = _timed(load_store, location)
    del cold
    out["load_warm_s"], warm = _timed(load_store, location)
    assert warm.from_cache
    frame = warm.incidents
    specs = {"date range (1 year)": FilterSpec(start=date(2023, 1, 1), end=date(2023, 12, 31)),
             "category": FilterSpec(perpetrator_categories=frozenset({"state_forces"})),
             "cercle": FilterSpec(admin2=frozenset({"Niono"}))}
    out["filters_ms"] = {label: statistics.median(_timed(filter_mask, frame, spec, warm.search)[0] for _ in range(5))
                         * 1000 for label, spec in specs.items()}
    ids = random.Random(seed).sample(list(frame["incident_id"]), EDITS)
    del frame, warm
    _log(f"[{location}] {EDITS} single-incident edits")
    totals, checks, commits = [], [], []
    for i, ident in enumerate(ids):
        t0 = time.perf_counter()
        version, old = store.current([ident])[ident]
        new = _check_one(INCIDENT, {**old, "summary": f"Benchmark correction {i}."})  # the pandera model
        t1 = time.perf_counter()
        applied = store.apply(ChangeSet(kind="edit", reason="benchmark edit", author="bench", changes=[
            Change(ident, "update", {"summary": new["summary"]}, expected_version=version)]))
        t2 = time.perf_counter()
        assert applied.updated == (ident,)
        totals.append(t2 - t0)
        checks.append(t1 - t0)
        commits.append(t2 - t1)
    out["edit_ms"] = {"median": statistics.median(commits) * 1000, "max": max(commits) * 1000,
                      "validate_median": statistics.median(checks) * 1000,
                      "total_median": statistics.median(totals) * 1000}
    _, applied = _timed(edit, store, ids[0], {"summary": "Through editing.edit."}, reason="bench",
                              author="bench")
    assert applied.updated == (ids[0],)
    _log(f"[{location}] first map page (AppTest, warm store)")
    load_store(location)  # the cache for the edited version
    import streamlit as st  # noqa: TID251 - the benchmark drives the UI from outside, as tests/ui does
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    os.environ["INCIDENT_MAP_STORE"] = location
    firsts = []
    for _ in range(FIRST_RUNS):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(REPO / "dashboard" / "ui" / "app.py"), default_timeout=600)
        firsts.append(_timed(at.run)[0])
        assert not at.exception, [e.value for e in at.exception]
    out["first_page_s"] = statistics.median(firsts)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _child(location: str, n: int, seed: int, cache: Path) -> dict:
    """Write the store in one process, then measure it in another."""
    import os

    env = {**os.environ, "INCIDENT_MAP_CACHE": str(cache)}
    out = {}
    for phase in ("--write", "--one"):
        proc = subprocess.run([sys.executable, __file__, phase, location, "--n", str(n), "--seed", str(seed)],
                              capture_output=True, text=True, env=env, check=False)
        if proc.returncode:
            raise RuntimeError(f"measuring {location} failed:\n{proc.stderr[-4000:]}")
        out.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


def report(results: dict[str, dict]) -> None:
    names = list(results)
    rows = [
        ("incidents", lambda r: f"{r['n']:,}"),
        ("store write (one change set of N inserts)", lambda r: f"{r['write_s']:.1f} s"),
        ("dataset-version check (every app run)", lambda r: f"{r['version_check_ms']:.2f} ms"),
        ("cold load (read + validation + cache + index)", lambda r: f"{r['load_cold_s']:.1f} s"),
        ("warm load (fast cache)", lambda r: f"{r['load_warm_s']:.2f} s"),
        ("first map page, warm store (AppTest)", lambda r: f"{r['first_page_s']:.2f} s"),
        *((f"filter: {label}", (lambda lab: lambda r: f"{r['filters_ms'][lab]:.1f} ms")(label))
          for label in next(iter(results.values()))["filters_ms"]),
        ("one edit: read + validate the record (median)", lambda r: f"{r['edit_ms']['validate_median']:.1f} ms"),
        ("one edit: commit (median)", lambda r: f"{r['edit_ms']['median']:.1f} ms"),
        ("one edit: commit (slowest of 25)", lambda r: f"{r['edit_ms']['max']:.1f} ms"),
        ("one edit: read + validate + commit (median)", lambda r: f"{r['edit_ms']['total_median']:.1f} ms"),
        ("peak memory: writing", lambda r: f"{r['write_peak_rss_mb']:,.0f} MB"),
        ("peak memory: loading, the page, edits", lambda r: f"{r['peak_rss_mb']:,.0f} MB"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"| {'':<{width}} | " + " | ".join(f"{n:>12}" for n in names) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * 14 for _ in names) + "|")
    for label, fn in rows:
        print(f"| {label:<{width}} | " + " | ".join(f"{fn(results[n]):>12}" for n in names) + " |")
    print("\nBudgets:")
    for name, r in results.items():
        checks = [(f"first page <= {BUDGETS['first_page_s']:.0f} s warm", r["first_page_s"] <= BUDGETS["first_page_s"],
                   f"{r['first_page_s']:.2f} s"),
                  (f"filters <= {BUDGETS['filter_ms']:.0f} ms", max(r["filters_ms"].values()) <= BUDGETS["filter_ms"],
                   f"slowest {max(r['filters_ms'].values()):.1f} ms"),
                  (f"one edit's commit <= {BUDGETS['edit_ms']:.0f} ms", r["edit_ms"]["max"] <= BUDGETS["edit_ms"],
                   f"median {r['edit_ms']['median']:.1f} ms, slowest {r['edit_ms']['max']:.1f} ms")]
        for label, met, measured in checks:
            print(f"  {'MET    ' if met else 'NOT MET'} {name}, {r['n']:,}: {label}: {measured}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "incident-map-bench-engines")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one location in this process
    parser.add_argument("--write", help=argparse.SUPPRESS)  # internal: write one location's store in this process
    args = parser.parse_args(argv)
    if args.write:
        print(json.dumps(write_phase(args.write, args.n, args.seed)))
        return 0
    if args.one:
        print(json.dumps(measure(args.one, args.n, args.seed)))
        return 0
    from tests.pgcluster import cluster

    args.workdir.mkdir(parents=True, exist_ok=True)
    gpkg = args.workdir / f"engines-{args.n}.gpkg"
    for leftover in args.workdir.glob(f"engines-{args.n}.gpkg*"):
        leftover.unlink()
    results = {"GeoPackage": _child(str(gpkg), args.n, args.seed, args.workdir / "cache")}
    with cluster(prefix="incident-map-bench-pg-") as pg:
        url = pg.create_database("bench")
        results["PostGIS"] = _child(url, args.n, args.seed, args.workdir / "cache")
    print(f"Store engines at {args.n:,} incidents ({time.strftime('%Y-%m-%d')})\n")
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
