"""The Story page's own work at scale: what it computes on every run beyond what every page does (loading the
store and filtering are shared and measured by ``benchmarks/run.py``).

    python benchmarks/story.py [--sizes 20000 1000000] [--repeat 3]

For each size, a synthetic record (``benchmarks/synthetic.py``, validated on a sample) stands for the selection and
the record (the default filter keeps nearly every incident). Timed, median of ``--repeat``: the default story
(:func:`dashboard.export.story.default_story_ids`: the ``DEFAULT_STEPS`` most serious, oldest first), the editor's
list (the ``PICK_OPTIONS`` most serious, oldest first, and their labels as records), the story's frame
(:func:`~dashboard.export.story.story_frame`), and, for comparison, what the page did before issue 22: sorting the
whole selection for a story of every incident and making a label of every incident of the record. Issue 22: the
page never finished loading at 20,000 incidents; it must load at 20 k and 1 M within a few seconds.
``tests/scale/test_story_page_scale.py`` opens the page itself on 20,000 incidents (no timing there).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def measure(n: int, repeat: int) -> dict:
    from benchmarks.synthetic import synthetic_incidents
    from dashboard.export.story import (
        DEFAULT_STEPS,
        PICK_OPTIONS,
        Story,
        default_story_ids,
        most_serious_first,
        story_frame,
    )

    incidents = synthetic_incidents(n, seed=3)
    out: dict = {"n": n}
    out["default story"], (ids, left) = _timed(lambda: default_story_ids(incidents, DEFAULT_STEPS), repeat)
    out["editor's list"], _ = _timed(lambda: most_serious_first(incidents, PICK_OPTIONS).sort_values(
        ["date_start", "incident_id"]).to_dict("records"), repeat)
    out["story frame"], _ = _timed(lambda: story_frame(incidents, Story.of("", ids)), repeat)
    out["before: sort every incident"], _ = _timed(
        lambda: list(incidents.sort_values(["date_start", "incident_id"])["incident_id"]), 1)
    out["before: label every incident"], _ = _timed(lambda: incidents.to_dict("records"), 1)
    out["steps"], out["left out"] = len(ids), left
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = [measure(n, args.repeat) for n in args.sizes]
    keys = [k for k in rows[0] if k not in ("n", "steps", "left out")]
    print("| incidents | steps | left out | " + " | ".join(keys) + " |")
    print("|---:|---:|---:|" + "---:|" * len(keys))
    for r in rows:
        print(f"| {r['n']:,} | {r['steps']} | {r['left out']:,} | "
              + " | ".join(f"{r[k]:.2f} s" for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
