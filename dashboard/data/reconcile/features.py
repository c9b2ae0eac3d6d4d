"""What matching compares, per report, as flat arrays: the date span (widened by its precision), the point and its
uncertainty, the place-name keys, the commune, the perpetrator categories, the toll as counted, the event type.

Built once per reconciliation from the canonical report frame (:mod:`dashboard.data.schema`), vectorised where the
values are plain, so that scoring millions of candidate pairs is array arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.distinct import per_distinct_value
from dashboard.data.placekeys import key
from dashboard.data.reconcile.names import name_keys
from dashboard.data.schema import PERPETRATOR_CATEGORIES
from dashboard.data.shared_columns import filled

__all__ = ["ALLIED", "DATE_SLACK_DAYS", "RADIUS_KM", "UNIDENTIFIED", "Features", "category_bits", "features"]

# Each span is widened by this many days on both sides before spans are compared ("dates overlap once widened by
# their precision"): a night attack is dated to either day, a week or a month is a coder's rounding.
DATE_SLACK_DAYS = {"day": 1, "week": 3, "month": 7, "year": 30}
# How far from its point the place may really be, by location precision: an exact place (1) is the village, a
# point near a named place (2) is within about 25 km of it (UCDP's where_prec 2, ACLED's geo_precision 2). A
# region-level report (3) has no usable point: it is matched by name or commune only.
RADIUS_KM = {1: 5.0, 2: 25.0}
_BIT = {c: 1 << i for i, c in enumerate(PERPETRATOR_CATEGORIES)}
UNIDENTIFIED = _BIT["unidentified"]
# State forces, foreign forces fighting beside them and pro-government militias operate together in central Mali
# (the sources often name one where another names the other): a difference among them is weaker evidence against.
ALLIED = _BIT["state_forces"] | _BIT["foreign_forces"] | _BIT["progov_militia"]


@dataclass(frozen=True)
class Features:
    """One entry per report, in the frame's order."""

    ids: np.ndarray  # report ids (object)
    dataset: np.ndarray  # dataset names (object)
    group: np.ndarray  # "dataset/event_group" or None: rows its editors grouped as related but distinct
    start: np.ndarray  # first and last day (days since 1970-01-01)
    end: np.ndarray
    slack: np.ndarray  # days each side may be widened by
    day_precise: np.ndarray  # date known to the day
    lat: np.ndarray  # NaN without a usable point (none, or region-level)
    lon: np.ndarray
    radius: np.ndarray  # km; NaN without a usable point
    locations: np.ndarray  # the location texts (object)
    names: tuple[frozenset[str], ...]  # their place-name keys
    commune: np.ndarray  # "cercle/commune" key or None
    cats: np.ndarray  # perpetrator categories as bits (uint16)
    toll_lo: np.ndarray  # the toll as counted: [min, max or else min]; NaN unknown
    toll_hi: np.ndarray
    open_ended: np.ndarray  # a minimum without a maximum ("at least 6")
    event_type: np.ndarray  # object

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def wide_start(self) -> np.ndarray:
        return self.start - self.slack

    @property
    def wide_end(self) -> np.ndarray:
        return self.end + self.slack


def category_bits(cells: pd.Series) -> np.ndarray:
    """``"state_forces;progov_militia"`` → the OR of their bits (computed once per distinct value)."""
    codes, uniques = pd.factorize(cells)
    bits = np.array([sum(_BIT.get(c.strip(), 0) for c in str(u).split(";") if c.strip()) for u in uniques]
                    + [0], dtype=np.uint16)
    return bits[codes]


def _days(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def features(reports: pd.DataFrame) -> Features:
    """The features of every report of a canonical frame (a GeoDataFrame with a point geometry)."""
    n = len(reports)
    precision = reports["date_precision"].astype(object).to_numpy()
    slack = pd.Series(precision).map(DATE_SLACK_DAYS).fillna(0).to_numpy(np.int64)
    geo = reports["geo_precision"].astype("Int64").fillna(3).to_numpy(np.int64)
    geom = reports.geometry
    has_point = (geom.notna() & ~geom.is_empty).to_numpy() & (geo <= 2)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    if has_point.any():
        lat[has_point] = geom.y.to_numpy()[has_point]
        lon[has_point] = geom.x.to_numpy()[has_point]
    radius = np.where(has_point, pd.Series(geo).map(RADIUS_KM).to_numpy(float), np.nan)
    lo = reports["fatalities_min"].astype("Float64").to_numpy(float, na_value=np.nan)
    hi = reports["fatalities_max"].astype("Float64").to_numpy(float, na_value=np.nan)
    open_ended = ~np.isnan(lo) & np.isnan(hi)
    # the toll as totals count it: "at least 6" counts 6..6, "up to 9" counts 0..9, unknown stays NaN
    hi = np.where(open_ended, lo, hi)
    lo = np.where(np.isnan(lo) & ~np.isnan(hi), 0.0, lo)
    group = reports["event_group"].astype(object).to_numpy()
    dataset = reports["dataset"].astype(object).to_numpy()
    grouped = np.array([None if not isinstance(g, str) or not g.strip() else f"{d}/{g.strip()}"
                        for d, g in zip(dataset, group, strict=True)], dtype=object)
    units = filled(reports["admin2"], "").astype(str) + "\x00" + filled(reports["admin3"], "").astype(str)
    commune = per_distinct_value(units, _commune_key)
    return Features(
        ids=reports["incident_id"].astype(object).to_numpy(),
        dataset=dataset,
        group=grouped,
        start=_days(reports["date_start"]),
        end=_days(reports["date_end"]),
        slack=slack,
        day_precise=precision == "day",
        lat=lat,
        lon=lon,
        radius=radius,
        locations=reports["location"].astype(object).to_numpy(),
        names=tuple(per_distinct_value(reports["location"], name_keys)),
        commune=commune,
        cats=category_bits(reports["perpetrator_category"]),
        toll_lo=lo,
        toll_hi=hi,
        open_ended=open_ended,
        event_type=reports["event_type"].astype(object).to_numpy(),
    )


def _commune_key(cell: object) -> str | None:
    """``"Niono\\x00Pogo"`` → ``"niono/pogo"``; ``None`` unless both the cercle and the commune are known."""
    if not isinstance(cell, str):
        return None
    cercle, _, commune = cell.partition("\x00")
    cercle, commune = key(cercle), key(commune)
    return f"{cercle}/{commune}" if cercle and commune else None
