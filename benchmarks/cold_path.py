"""The cold path of issue 20 item 3: an import into a store in use, and the first load after it; a cold load's peak memory.

``measure_import`` copies a store (with its cache and search index, as a server in use has them), imports ``rows`` new
synthetic incidents into the copy the way the CLI and the Data page do (:func:`dashboard.data.import_job.run_import`:
a child process writes the change set, then derives the new version's cache and search index from the previous
version's, :mod:`dashboard.data.incremental`), then times the next load in a fresh process (what the first page after
the import waits for, Streamlit aside), then loads that copy cold (its reports now partly linked to earlier ones, as
in a store in use: grouping them costs memory a cold load of the synthetic store, which has no links, never shows).
``cold_load`` is a cold load (no cache) in a fresh process: its time and peak resident memory (VmHWM).
``benchmarks/run.py`` adds them to its table; alone::

    python benchmarks/cold_path.py STORE.gpkg [--rows 10000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOADER = """
import json, sys, time
t = time.perf_counter()
from pathlib import Path
from dashboard.data.store import cache_path, incident_cache_path, load_store, search_path
store = Path(sys.argv[1])
if sys.argv[2] == "cold":
    for path in (cache_path(store), incident_cache_path(store), search_path(store)):
        path.unlink(missing_ok=True)
data = load_store(store, defer_reports=True)  # as the app and the warming load (the reports read when a page asks)
# its own peak (VmHWM: this program's memory since exec); ru_maxrss also counts the parent's resident memory at the
# fork (Linux keeps the larger), so behind a benchmark holding 5 GB it read 5 GB whatever this load used
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"s": time.perf_counter() - t, "from_cache": data.from_cache, "peak_rss_mb": peak / 1024}))
"""


def _load(store: Path, how: str) -> dict:
    """A load of ``store`` in a fresh interpreter (imports included): ``warm`` from the cache, ``cold`` without."""
    proc = subprocess.run([sys.executable, "-c", LOADER, str(store), how], stdout=subprocess.PIPE, text=True,
                          cwd=REPO, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _copy(store: Path, to: Path) -> Path:
    from dashboard.data.store import store_files

    shutil.rmtree(to, ignore_errors=True)
    to.mkdir(parents=True)
    for path in store_files(store):  # the GeoPackage, its WAL, caches and index (not the bundled files)
        if path.exists() and path.name.startswith(store.name) and not path.name.endswith((".building", ".lock",
                                                                                          "-shm")):
            shutil.copy2(path, to / path.name)
    return to / store.name


def measure_import(store: Path, workdir: Path, rows: int = 10_000) -> dict:
    """Import ``rows`` new incidents into a copy of ``store`` (its cache fresh first), then the next first load."""
    from dashboard.data.import_job import ImportRequest, run_import
    from dashboard.data.store import load_store
    from dashboard.settings import Limits
    from tests.hardening.synthetic import write_native

    load_store(store)  # the cache of the version before the import, as a server in use has it
    copy = _copy(store, workdir / "import-copy")
    new = write_native(workdir / f"import-{rows}.csv", rows, "BENCHIMP")
    started = time.perf_counter()
    report = run_import(ImportRequest(path=new, store=copy, warm_cache=True, reason="cold-path benchmark",
                                      limits=Limits(import_seconds=3600)))  # measured, not refused (a loaded machine)
    out = {"rows": rows, "added": report.added, "import_s": time.perf_counter() - started}
    first = _load(copy, "warm")
    out |= {"first_load_s": first["s"], "first_load_from_cache": first["from_cache"]}
    # the same store loaded cold: the import linked some of its reports to earlier ones (a store in use has links;
    # the synthetic store has none, and grouping linked reports costs memory the first cold load never sees)
    cold = _load(copy, "cold")
    out["cold_after_import"] = {"s": cold["s"], "peak_rss_mb": cold["peak_rss_mb"], "linked": _linked(copy)}
    shutil.rmtree(copy.parent, ignore_errors=True)
    return out


def _linked(store: Path) -> int:
    from dashboard.data.store import read_decisions

    return sum(d.verdict == "linked" for d in read_decisions(store))


def cold_load(store: Path, workdir: Path) -> dict:
    """A cold load (cache and index deleted) of a copy of ``store`` in a fresh interpreter: seconds and its peak
    resident memory."""
    copy = _copy(store, workdir / "cold-copy")
    out = _load(copy, "cold")
    shutil.rmtree(copy.parent, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/incident-map-cold-path"))
    parser.add_argument("--no-cold", action="store_true", help="only the import and the load after it")
    args = parser.parse_args(argv)
    if not args.no_cold:
        print(json.dumps({"cold": cold_load(args.store, args.workdir)}), flush=True)
    print(json.dumps({"import": measure_import(args.store, args.workdir, args.rows)}))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
