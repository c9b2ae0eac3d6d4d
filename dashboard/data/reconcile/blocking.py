"""Which pairs of reports are worth comparing: an index by time and space, never all pairs.

A pair is compared only if the two widened date spans overlap *and* the reports share something about the place:
a place-name key, a commune, or nearby points. Each of the three is a join on a blocking key
``(thing, week)``: every report is entered under each week its widened span touches, and looked up under the week
its span starts in (of two overlapping spans, the later one starts inside the other, so every overlapping pair
meets in at least one week). Points are blocked on a grid of :data:`CELL_DEG` degrees (wider than the largest
uncertainty radius, and as wide in kilometres), a report looking in its own cell and the eight around it.

Everything is a pandas merge on integer keys, so 100,000 reports give a few million raw pairs at most, filtered
by exact date overlap in arrays (``benchmarks/reconcile.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.data.reconcile.features import RADIUS_KM, Features

__all__ = ["CELL_DEG", "WEEK_DAYS", "candidate_pairs"]

WEEK_DAYS = 7
CELL_DEG = 0.25  # about 27.8 km: more than the largest uncertainty radius
assert max(RADIUS_KM.values()) < CELL_DEG * 111.19, "a radius must fit in a grid cell"


def _weeks(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, week) for every week each span [start, end] touches."""
    first = np.floor_divide(start, WEEK_DAYS)
    last = np.floor_divide(end, WEEK_DAYS)
    count = (last - first + 1).astype(np.int64)
    rows = np.repeat(np.arange(len(start)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(first, count) + offset


def _join(keys: np.ndarray, rows: np.ndarray, f: Features, *, probe_keys: np.ndarray | None = None,
          probe_rows: np.ndarray | None = None, focus: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, of rows sharing a key and a week whose widened dates overlap, with repeats (see the
    module docstring); ``probe_*``: the keys rows are looked up under when they differ from the keys they are
    entered under (the grid's neighbouring cells). ``focus`` (a mask of ``f``'s rows): only the pairs with a row in
    it, found as two smaller joins (focus rows entered, every row looking; every row entered, focus rows looking)
    instead of the whole join filtered."""
    if probe_keys is None:
        probe_keys, probe_rows = keys, rows
    if focus is not None:
        entered, looking = focus[rows], focus[probe_rows]
        i1, j1 = _join(keys[entered], rows[entered], f, probe_keys=probe_keys, probe_rows=probe_rows)
        i2, j2 = _join(keys, rows, f, probe_keys=probe_keys[looking], probe_rows=probe_rows[looking])
        return np.concatenate([i1, i2]), np.concatenate([j1, j2])
    if not len(keys) or not len(probe_keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span_rows, span_weeks = _weeks(f.wide_start[rows], f.wide_end[rows])
    probe_weeks = np.floor_divide(f.wide_start[probe_rows], WEEK_DAYS)
    first_week = min(span_weeks.min(), probe_weeks.min())
    weeks = max(span_weeks.max(), probe_weeks.max()) - first_week + 1
    # one int64 key per (key, week): a single-column merge is several times faster than a two-column one
    entered = pd.DataFrame({"k": keys[span_rows] * weeks + (span_weeks - first_week), "i": rows[span_rows]})
    looked = pd.DataFrame({"k": probe_keys * weeks + (probe_weeks - first_week), "j": probe_rows})
    met = entered.merge(looked, on="k", how="inner")
    i, j = met["i"].to_numpy(np.int64), met["j"].to_numpy(np.int64)
    keep = (i < j) & (f.wide_start[i] <= f.wide_end[j]) & (f.wide_start[j] <= f.wide_end[i])
    swapped = (i > j) & (f.wide_start[i] <= f.wide_end[j]) & (f.wide_start[j] <= f.wide_end[i])
    return np.concatenate([i[keep], j[swapped]]), np.concatenate([j[keep], i[swapped]])


def _unique_pairs(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Distinct pairs (i < j given), sorted, as an (m, 2) array."""
    if not len(i):
        return np.zeros((0, 2), dtype=np.int64)
    code = np.sort(pd.unique(i * n + j))  # pandas' hash table: several times faster than np.unique here
    return np.stack([code // n, code % n], axis=1)


def _codes(values: Iterable[object]) -> np.ndarray:
    return pd.factorize(pd.Series(list(values), dtype=object))[0].astype(np.int64)


def name_pairs(f: Features, focus: np.ndarray | None = None) -> np.ndarray:
    """Pairs whose widened dates overlap and whose locations share a place-name key (``focus``: see
    :func:`candidate_pairs`)."""
    rows = np.fromiter((r for r, keys in enumerate(f.names) for _ in keys), dtype=np.int64)
    names = [k for keys in f.names for k in keys]
    return _unique_pairs(*_join(_codes(names), rows, f, focus=focus), len(f))


def commune_pairs(f: Features, focus: np.ndarray | None = None) -> np.ndarray:
    """Pairs whose widened dates overlap, in the same commune (cercle and commune both known)."""
    rows = np.flatnonzero(pd.notna(f.commune))
    return _unique_pairs(*_join(_codes(f.commune[rows]), rows, f, focus=focus), len(f))


def near_pairs(f: Features, focus: np.ndarray | None = None) -> np.ndarray:
    """Pairs whose widened dates overlap and whose points lie within the larger of their uncertainty radii."""
    rows = np.flatnonzero(~np.isnan(f.lat))
    if not len(rows):
        return np.zeros((0, 2), dtype=np.int64)
    # a cell is CELL_DEG of latitude high and as wide in km at the data's highest latitude (wider in degrees there)
    widest = np.cos(np.radians(min(80.0, float(np.abs(f.lat[rows]).max()))))
    cy = np.floor(f.lat[rows] / CELL_DEG).astype(np.int64)
    cx = np.floor(f.lon[rows] * widest / CELL_DEG).astype(np.int64)
    cell = cy * 100_000 + cx  # a unique integer per cell (|cx| < 1,440 * 6)
    # entered under the 9 cells around it, looked up under its own: two points less than a cell apart meet once
    around = np.array([dy * 100_000 + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1)], dtype=np.int64)
    entered_keys = (cell[:, None] + around[None, :]).ravel()
    entered_rows = np.repeat(rows, len(around))
    i, j = _join(entered_keys, entered_rows, f, probe_keys=cell, probe_rows=rows, focus=focus)
    near = distance_km(f, i, j) <= np.fmax(f.radius[i], f.radius[j])
    return _unique_pairs(i[near], j[near], len(f))


def distance_km(f: Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Great-circle distance (haversine, mean Earth radius); NaN when either report has no usable point."""
    lat1, lat2 = np.radians(f.lat[i]), np.radians(f.lat[j])
    dlat = lat2 - lat1
    dlon = np.radians(f.lon[j] - f.lon[i])
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def candidate_pairs(f: Features, focus: np.ndarray | None = None) -> pd.DataFrame:
    """Every pair worth scoring, once (``i < j``), with which blocks it met in: ``name``, ``commune``, ``near``.
    ``focus`` (a mask of ``f``'s rows): only the pairs with at least one row in it (the reports an import adds:
    :func:`dashboard.data.reconcile.rerun.rerun`), the same pairs as the whole set's filtered, without the
    whole set's join (at a million reports, tens of gigabytes)."""
    n = max(len(f), 1)
    found = {"name": name_pairs(f, focus), "commune": commune_pairs(f, focus), "near": near_pairs(f, focus)}
    codes = {kind: p[:, 0] * n + p[:, 1] for kind, p in found.items()}
    every = np.sort(pd.unique(np.concatenate(list(codes.values()))))  # by i, then j
    out = pd.DataFrame({"i": every // n, "j": every % n})
    for kind, code in codes.items():
        out[kind] = np.isin(every, code, assume_unique=True)
    return out
