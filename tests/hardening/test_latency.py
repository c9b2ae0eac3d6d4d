"""A run of the latency benchmark (``benchmarks/latency.py``): 1 session, then 30 at once for 30 s, then 3 while
3,000 rows are imported the way the Data page imports (the loads before its rows are in the store, and after). Every
page load finishes without an exception box or the app's bug sentence, every one of the 30 sessions gets its pages,
the import succeeds, and each phase measured some loads. Not a speed test: the median, 95th percentile and worst
latency of each phase and their ratios to one session's are printed, never judged (the machine is shared; the
README and docs/benchmarks.md state a full run's figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.latency import URLS

LATENCY = Path(__file__).resolve().parents[2] / "benchmarks" / "latency.py"


def test_the_latency_benchmark_measures_one_and_several_sessions():
    result = subprocess.run([sys.executable, str(LATENCY), "--sessions", "1", "30", "--seconds", "30", "--think", "5",
                             "15", "--import-rows", "3000", "--import-sessions", "3", "--json"],
                            capture_output=True, text=True, timeout=900)
    assert result.stdout.strip(), result.stderr
    phases = json.loads(result.stdout)
    for phase in phases:
        print(f"{phase['phase']}: {phase['page_loads']} loads, median {phase['median_s']} s, p95 {phase['p95_s']} s, "
              f"worst {phase['worst_s']} s, peak RSS {phase['rss_peak_mb']} MB")
    alone = phases[0]
    for phase in phases[1:]:  # printed for the log, never judged: the machine is shared
        print(f"  {phase['phase']}: median {phase['median_s'] / alone['median_s']:.1f}x, p95 "
              f"{phase['p95_s'] / alone['p95_s']:.1f}x, worst {phase['worst_s'] / alone['worst_s']:.1f}x one "
              "session's" if phase["page_loads"] else "  (no load)")
    assert [p["sessions"] for p in phases] == [1, 30, 3, 3]
    assert "during an import of 3,000 rows" in phases[2]["phase"]
    assert all(p["errors"] == 0 for p in phases), [p["examples"] for p in phases]
    assert phases[0]["page_loads"] == 2 * len(URLS)  # one session: every page twice
    assert phases[1]["page_loads"] >= 30 and phases[1]["sessions_served"] == 30  # every session got its pages
    assert phases[2]["page_loads"] >= 1
    assert all(0 < p["median_s"] <= p["p95_s"] <= p["worst_s"] for p in phases[:3])
    assert result.returncode == 0
