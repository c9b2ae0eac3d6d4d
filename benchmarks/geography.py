"""How fast are the geocoder and the point-in-polygon assignment?  ``python benchmarks/geography.py``.

Prints (figures, not pass/fail tests; targets from issue 11):

* the geocoder resolving 10,000 names drawn from the village gazetteer — bare names, names with their cercle,
  names with their commune, and unknown names with a commune (target: 10,000 in ≤ 2 s);
* :func:`dashboard.data.admin.assign` on 1,000,000 random points over the region's bounding box
  (target: ≤ 10 s).

The geocoder is timed on a first pass with its name caches emptied, then as the best of ``--repeat`` passes
(names repeat in real imports, and the caches are part of the design); loading the bundled files is timed apart.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from dashboard import bundled
from dashboard.data import admin, placekeys
from dashboard.data.geocoder import Geocoder

NAMES = 10_000
POINTS = 1_000_000


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    geocoder = Geocoder.default()
    communes = admin.communes()
    print(f"loading the village gazetteer, names table and communes: {time.perf_counter() - t0:.2f} s")

    villages = pd.read_csv(bundled.path("segou_villages.csv"), dtype=str, keep_default_na=False)
    sample = villages.sample(NAMES, replace=True, random_state=11)
    rows = list(zip(sample["name"], sample["commune"], sample["cercle"], strict=True))
    cases = {
        "bare names": lambda: [geocoder.geocode(n) for n, _, _ in rows],
        "names + cercle": lambda: [geocoder.geocode(n, cercle=c) for n, _, c in rows],
        "names + commune + cercle": lambda: [geocoder.geocode(n, commune=k, cercle=c) for n, k, c in rows],
        "unknown names + commune": lambda: [geocoder.geocode(n + " Koura", commune=k) for n, k, _ in rows],
    }
    print(f"\ngeocoder, {NAMES:,} names (target <= 2 s): first pass with empty name caches / best of {args.repeat}")
    for label, fn in cases.items():
        placekeys._key.cache_clear()
        placekeys._loose.cache_clear()
        geocoder.names._memo.clear()
        cold = best_of(1, fn)
        seconds = best_of(args.repeat, fn)
        print(f"  {label:<28} {cold:6.3f} s / {seconds:6.3f} s  ({cold / NAMES * 1e6:5.1f} / "
              f"{seconds / NAMES * 1e6:5.1f} µs per name)")
    verdicts = pd.Series([geocoder.geocode(n, cercle=c).verdict for n, _, c in rows]).value_counts()
    print("  verdicts for names + cercle: " + ", ".join(f"{k} {v:,}" for k, v in verdicts.items()))

    rng = np.random.default_rng(11)
    west, south, east, north = communes.total_bounds
    lat, lon = rng.uniform(south, north, POINTS), rng.uniform(west, east, POINTS)
    admin.assign(lat[:1000], lon[:1000], communes)  # warm-up
    seconds = best_of(args.repeat, lambda: admin.assign(lat, lon, communes))
    inside = admin.assign(lat, lon, communes)["commune_pcode"].notna().mean()
    print(f"\npoint in polygon, {POINTS:,} points over the region's bounding box (target <= 10 s):")
    print(f"  {seconds:6.2f} s  ({seconds / POINTS * 1e6:.2f} µs per point; {inside:.0%} fall in a commune)")


if __name__ == "__main__":
    main()
