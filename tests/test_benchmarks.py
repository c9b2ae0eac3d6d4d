"""The benchmark writes its table into docs/benchmarks.md, between the markers, and leaves the prose around it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"
BEGIN = "<!-- benchmark table: written by benchmarks/run.py, do not edit by hand -->"
END = "<!-- end of benchmark table -->"


def split(text: str) -> tuple[str, str, str]:
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    head, rest = text.split(BEGIN)
    block, tail = rest.split(END)
    return head, block, tail


def test_the_benchmark_rewrites_only_its_table(tmp_path):
    doc = tmp_path / "benchmarks.md"
    shutil.copy(DOC, doc)
    before = split(doc.read_text(encoding="utf-8"))
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "300",
                           "--baseline-size", "300", "--no-apptest", "--workdir", str(tmp_path / "work"),
                           "--markdown", str(doc)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    head, block, tail = split(doc.read_text(encoding="utf-8"))
    assert (head, tail) == (before[0], before[2])  # the prose is kept
    assert "N = 300 |" in block  # the table of this run
    assert "Budgets:" in block and "Naive folium baseline at N = 300" in block
    assert "peak memory, cold load after that import (some reports linked)" in block
    assert block != before[1]


def test_a_cold_load_in_a_fresh_process_reports_its_own_peak_not_its_parents(tmp_path):
    """Linux gives a child the parent's resident size at the fork as its starting ``ru_maxrss``: measured that way, a
    cold load run behind the 1 M benchmark (5 GB resident) read 5 GB whatever it used."""
    import numpy as np

    from benchmarks.cold_path import cold_load
    from benchmarks.synthetic import write_synthetic_store

    store = write_synthetic_store(tmp_path / "small.gpkg", 200, seed=1)
    held = np.ones(2**30 // 8)  # 1 GiB resident here when the child is started
    out = cold_load(store, tmp_path / "work")
    assert held.sum() == len(held)
    assert out["from_cache"] is False
    assert 50 < out["peak_rss_mb"] < 800  # a 200-incident cold load: its interpreter and modules, not 1 GiB
