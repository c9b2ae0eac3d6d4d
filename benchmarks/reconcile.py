"""How fast is cross-source reconciliation?  ``python benchmarks/reconcile.py [--sizes 100000]``.

For each size N, a fresh Python process takes N synthetic ACLED-like reports (:mod:`benchmarks.synthetic`, every
row in dataset ``acled``: events in bursts at a limited set of villages, so many pairs share a place and a week)
beside the bundled curated record, and times each step of :func:`dashboard.data.reconcile.clusters.reconcile` and
:func:`dashboard.data.reconcile.incidents.build_incidents`: the features, the indexed candidate pairs, their scores,
the rule's links under the constraints, and the incident frame. It prints the raw pairs met in the index, the
candidates kept, the links, the review queue, the incidents, and the peak memory of the process (``ru_maxrss``).
Issue 12's target: 100,000 reports in at most 20 s and 2 GB. With ``--markdown FILE`` the table is written into
that file between the markers (``docs/benchmarks.md``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BEGIN = "<!-- reconciliation table: written by benchmarks/reconcile.py, do not edit by hand -->"
END = "<!-- end of reconciliation table -->"
TARGET_S, TARGET_MB = 20.0, 2048.0


def measure(n: int, seed: int) -> dict:
    """One size, in this process (run in a child process by :func:`main`, so the peak memory is this size's)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from benchmarks.synthetic import synthetic_incidents
    from dashboard.data.reconcile.blocking import candidate_pairs
    from dashboard.data.reconcile.clusters import reconcile
    from dashboard.data.reconcile.evidence import score_pairs
    from dashboard.data.reconcile.features import features
    from dashboard.data.reconcile.incidents import build_incidents
    from dashboard.data.store import load_bundled

    synthetic = synthetic_incidents(n, seed=seed, validate="none")
    synthetic["dataset"] = pd.array(np.full(n, "acled"), dtype=synthetic["dataset"].dtype)
    bundled = load_bundled()
    reports = gpd.GeoDataFrame(pd.concat([bundled, synthetic], ignore_index=True), geometry="geometry",
                               crs=bundled.crs)
    out: dict = {"n": n, "reports": len(reports)}
    steps = {}

    def timed(name, fn, *args):
        t0 = time.perf_counter()
        result = fn(*args)
        steps[name] = time.perf_counter() - t0
        return result

    f = timed("features", features, reports)
    pairs = timed("candidate pairs (index)", candidate_pairs, f)
    scored = timed("scores and sentences", score_pairs, f, pairs)
    rec = timed("links under constraints", lambda: reconcile(reports, f=f, scored=scored))
    built = timed("incident frame", build_incidents, reports, rec.group)
    out.update({
        "steps": steps,
        "total_s": sum(steps.values()),
        "pairs_met": len(pairs),
        "candidates": len(scored),
        "links": len(rec.links),
        "pending": len(rec.pending),
        "incidents": len(built.frame),
        "linked_to_bundled": int(built.frame["datasets"].str.contains("segou-curated; acled").sum()),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    })
    return out


def table(results: list[dict]) -> str:
    lines = ["| N synthetic reports (+ 81 bundled) | features | index | scores | links | incidents | total | "
             "peak memory | pairs met | candidates | linked | waiting | incidents |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        s = r["steps"]
        lines.append(
            f"| {r['n']:,} | {s['features']:.1f} s | {s['candidate pairs (index)']:.1f} s | "
            f"{s['scores and sentences']:.1f} s | {s['links under constraints']:.1f} s | {s['incident frame']:.1f} s | "
            f"**{r['total_s']:.1f} s** | **{r['peak_mb']:,.0f} MB** | {r['pairs_met']:,} | {r['candidates']:,} | "
            f"{r['links']:,} | {r['pending']:,} | {r['incidents']:,} |")
    met = all(r["total_s"] <= TARGET_S and r["peak_mb"] <= TARGET_MB for r in results if r["n"] == 100_000)
    lines.append("")
    lines.append(f"Target (issue 12): 100,000 reports in at most {TARGET_S:g} s and {TARGET_MB:,.0f} MB — "
                 + ("met." if met else "not met (or not measured at 100,000)."))
    return "\n".join(lines)


def write_markdown(path: Path, text: str) -> None:
    doc = path.read_text(encoding="utf-8")
    if BEGIN not in doc:
        doc = doc.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", type=Path, help="write the table into this file between the markers")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process: measure one size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.seed)))
        return
    results = []
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)],
                              capture_output=True, text=True, check=True, cwd=REPO)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"N = {n:,}: {result['total_s']:.1f} s, peak {result['peak_mb']:,.0f} MB; "
              + ", ".join(f"{k} {v:.2f} s" for k, v in result["steps"].items())
              + f"; {result['pairs_met']:,} pairs met, {result['candidates']:,} candidates, {result['links']:,} linked "
                f"({result['linked_to_bundled']} to bundled incidents), {result['pending']:,} waiting, "
                f"{result['incidents']:,} incidents", flush=True)
    text = table(results)
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)


if __name__ == "__main__":
    main()
