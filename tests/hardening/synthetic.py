"""Synthetic incidents in the native layout, in bulk (for the atomic-write, concurrency and load tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tests.hardening.corpus import NATIVE_COLUMNS

SOURCES = json.dumps([{"organisation": "Synthetic desk", "title": "Generated", "url": "https://example.org/s",
                       "published": "2024-01-01"}])


def native_frame(n: int, prefix: str, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2500, n), unit="D")
    lo = rng.integers(0, 30, n)
    frame = pd.DataFrame({
        "incident_id": [f"{prefix}-{i:06d}" for i in range(n)],
        "date_start": days.strftime("%Y-%m-%d"),
        "date_precision": "day",
        "location": [f"Place {i % 997}" for i in range(n)],
        "admin1": "Ségou",
        "admin2": rng.choice(["Niono", "Macina", "Ségou", "San", "Tominian", "Bla", "Barouéli"], n),
        "latitude": np.round(rng.uniform(12.5, 15.5, n), 4),
        "longitude": np.round(rng.uniform(-7.0, -4.0, n), 4),
        "geo_precision": rng.choice([1, 2], n),
        "event_type": "Violence against civilians",
        "civilian_targeting": "true",
        "perpetrators": "Synthetic armed group",
        "perpetrator_category": rng.choice(["state_forces", "jihadist_group", "progov_militia", "unidentified"], n),
        "attribution_basis": "source_attributed",
        "fatalities_min": lo,
        "fatalities_max": lo + rng.integers(0, 10, n),
        "summary": [f"Synthetic incident {prefix}-{i}." for i in range(n)],
        "sources": SOURCES,
        "verification": "reported",
        "dataset": "user",
        "source_record_id": [f"{prefix}-{i:06d}" for i in range(n)],
    })
    return frame.reindex(columns=list(NATIVE_COLUMNS))


def write_native(path: Path, n: int, prefix: str, seed: int = 0) -> Path:
    native_frame(n, prefix, seed).to_csv(path, index=False)
    return path
