"""Pure summaries of a selection: totals with honest toll ranges, breakdowns, per-period counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import labels
from dashboard.data.schema import PERPETRATOR_CATEGORIES
from dashboard.data.shared_columns import filled
from dashboard.i18n import Translator, tr
from dashboard.wording import toll_text, toll_words


@dataclass(frozen=True, slots=True)
class Totals:
    incidents: int
    killed_min: int          # sum of lower bounds (known tolls only)
    killed_max: int          # sum of upper bounds, using the lower bound where no upper bound is reported
    unknown_toll: int        # incidents with no toll at all
    open_ended: int          # incidents with a lower bound but no upper bound ("at least 6")

    def sentence(self, total: int | None = None, t: Translator | None = None) -> str:
        """"Showing 2 of 36 incidents · at least 31 (up to 47) killed · toll unknown for 1" (numbers grouped as the
        language does: "Showing 34,418 of 1,000,000 incidents", "34 418 incidents affichés sur 1 000 000")."""
        t = t or tr()
        n = t.number(self.incidents)
        shown = (t.ngettext("Showing {n} of {total} incidents", "Showing {n} of {total} incidents", self.incidents).format(
            n=n, total=t.number(total)) if total is not None
            else t.ngettext("{n} incident", "{n} incidents", self.incidents).format(n=n))
        killed = toll_text(self.killed_min, self.killed_max, open_ended=bool(self.open_ended),
                           words=toll_words(t, bounds=True), thousands=True)
        parts = [shown, t.ngettext("{killed} killed", "{killed} killed", self.killed_max).format(killed=killed)]
        if self.unknown_toll:
            parts.append(t.gettext("toll unknown for {n}").format(n=t.number(self.unknown_toll)))
        if self.open_ended:
            parts.append(t.gettext("no upper bound reported for {n}").format(n=t.number(self.open_ended)))
        return " · ".join(parts)


def totals(incidents: pd.DataFrame) -> Totals:
    lo, hi = incidents["fatalities_min"], incidents["fatalities_max"]
    return Totals(
        incidents=len(incidents),
        killed_min=int(lo.sum(skipna=True)),
        killed_max=int(_upper(incidents).sum(skipna=True)),
        unknown_toll=int((lo.isna() & hi.isna()).sum()),
        open_ended=int((lo.notna() & hi.isna()).sum()),
    )


class TollParts(NamedTuple):
    """Each row's part of :func:`totals`, as numbers: summed over a selection's positions they give its totals
    without taking its columns. :class:`~dashboard.query.frame_index.FrameIndex` keeps them per loaded frame: at a
    million incidents, taking the two toll columns of the default view's 191,710 rows and summing them with their
    missing values cost 12-15 ms of every filter change, the sums by position 1-3 ms."""

    lower: np.ndarray  # int64: the lower bound, 0 where none is reported
    upper: np.ndarray  # int64: the upper bound, else the lower bound (open-ended), else 0
    unknown: np.ndarray  # bool: no toll at all
    open_ended: np.ndarray  # bool: a lower bound and no upper bound

    def totals(self, positions: np.ndarray | None = None) -> Totals:
        """:func:`totals` of the rows at ``positions`` (``None``: every row)."""
        def part(values: np.ndarray) -> np.ndarray:
            return values if positions is None else values[positions]

        return Totals(incidents=len(part(self.lower)), killed_min=int(part(self.lower).sum()),
                      killed_max=int(part(self.upper).sum()), unknown_toll=int(part(self.unknown).sum()),
                      open_ended=int(part(self.open_ended).sum()))


def toll_parts(incidents: pd.DataFrame) -> TollParts:
    """:class:`TollParts` of every row of ``incidents`` (tolls are whole numbers: the validated columns are
    integers)."""
    lo, hi = incidents["fatalities_min"], incidents["fatalities_max"]
    lo_missing, hi_missing = lo.isna().to_numpy(dtype=bool), hi.isna().to_numpy(dtype=bool)
    lower = lo.to_numpy(dtype="int64", na_value=0)
    upper = np.where(hi_missing, lower, hi.to_numpy(dtype="int64", na_value=0))
    return TollParts(lower, upper, lo_missing & hi_missing, ~lo_missing & hi_missing)


def explode_categories(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per (incident, perpetrator category): an incident with two categories counts in both."""
    out = incidents[["incident_id", "perpetrator_category", "fatalities_min", "fatalities_max",
                     "date_start"]].copy()
    out["category"] = out["perpetrator_category"].str.split(";")
    out = out.explode("category")
    out["category"] = out["category"].str.strip()
    return out.drop(columns="perpetrator_category")


def _upper(incidents: pd.DataFrame) -> pd.Series:
    """Upper bound of each toll: the reported maximum, else the lower bound (flagged as open-ended)."""
    return incidents["fatalities_max"].fillna(incidents["fatalities_min"])


def _summarise(frame: pd.DataFrame, keys: pd.Series, count: str) -> pd.DataFrame:
    frame = frame.assign(_hi=_upper(frame))
    return frame.groupby(keys, sort=False).agg(
        incidents=("incident_id", count),
        killed_min=("fatalities_min", lambda s: int(s.sum(skipna=True))),
        killed_max=("_hi", lambda s: int(s.sum(skipna=True))),
    )


def by_category(incidents: pd.DataFrame, t: Translator | None = None) -> pd.DataFrame:
    """Incidents and killed (min, max) per perpetrator category, in the canonical category order."""
    rows = explode_categories(incidents)
    grouped = _summarise(rows, rows["category"], "nunique")
    order = [c for c in PERPETRATOR_CATEGORIES if c in grouped.index]
    grouped = grouped.loc[order]
    grouped.insert(0, "label", [labels.category(c, t) for c in order])
    return grouped


def by_column(incidents: pd.DataFrame, column: str, missing: str = "(not stated)") -> pd.DataFrame:
    grouped = _summarise(incidents, filled(incidents[column], missing), "size")
    return grouped.sort_values("incidents", ascending=False)


def _datasets_of(incidents: pd.DataFrame) -> pd.Series:
    """The dataset of each report of each incident: one row per (incident, dataset) (the incident frame's
    ``datasets`` lists them; a frame of reports has one each)."""
    if "datasets" in incidents.columns:
        return filled(incidents["datasets"], "").str.split("; ").explode().loc[lambda s: s != ""]
    return incidents["dataset"]


def _dataset_counts(incidents: pd.DataFrame) -> tuple[dict[str, int], int]:
    """Reports per dataset, and how many incidents have reports from more than one: an incident frame's
    ``datasets`` lists are split once per distinct list (a few at any size) and weighted by how many incidents
    hold each, rather than split row by row (seconds at a million incidents)."""
    if "datasets" not in incidents.columns:
        names = _datasets_of(incidents)
        return names.value_counts(sort=False).to_dict(), int((names.groupby(level=0).size() > 1).sum())
    codes, cells = pd.factorize(incidents["datasets"])
    return _list_counts(cells, np.bincount(codes[codes >= 0], minlength=len(cells)))


def _list_counts(lists, held) -> tuple[dict[str, int], int]:
    """:func:`_dataset_counts` of incidents whose distinct ``datasets`` lists are ``lists``, each held by the number
    of incidents at the same place in ``held``."""
    counts: dict[str, int] = {}
    shared = 0
    for cell, n in zip(lists, held, strict=True):
        names = [name for name in str(cell).split("; ") if name != ""]
        for name in names:
            counts[name] = counts.get(name, 0) + int(n)
        shared += int(n) if len(names) > 1 else 0
    return counts, shared


def datasets_note(incidents: pd.DataFrame, t: Translator | None = None) -> str | None:
    """When a selection holds reports from several datasets, say how they are counted: each incident once, however
    many datasets report it."""
    return _datasets_sentence(*_dataset_counts(incidents), t or tr())


def datasets_note_of_lists(held: pd.Series, t: Translator | None = None) -> str | None:
    """:func:`datasets_note` of incidents whose distinct ``datasets`` lists are ``held``'s index, each held by that
    many incidents (what :meth:`dashboard.query.selection.Filtered.value_counts` gives without taking a row)."""
    return _datasets_sentence(*_list_counts(held.index, held.to_numpy()), t or tr())


def _datasets_sentence(counts: dict[str, int], shared: int, t: Translator) -> str | None:
    if len(counts) < 2:
        return None
    parts = ", ".join(f"{t.number(int(n))} {name}"
                      for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return t.ngettext(
        "{k} datasets: incidents with a report from {parts}; {shared} incident is reported by more than one and "
        "counted once (possible matches not yet decided are counted apart: see Review)",
        "{k} datasets: incidents with a report from {parts}; {shared} incidents are reported by more than one and "
        "counted once (possible matches not yet decided are counted apart: see Review)", shared).format(
        k=len(counts), parts=parts, shared=t.number(shared))


def distinct_values(incidents: pd.DataFrame, column: str, split: str | None = None) -> list[str]:
    """Sorted distinct non-empty values of a column (split multi-valued cells on ``split``)."""
    return distinct_of_cells(pd.Series(incidents[column].dropna().unique()), split)  # distinct cells first


def distinct_of_cells(cells: pd.Series, split: str | None = None) -> list[str]:
    """:func:`distinct_values` of a column whose distinct cells are ``cells`` (no missing value among them): the
    frame's index keeps them (:meth:`dashboard.query.frame_index.FrameIndex.coded`)."""
    if split:
        cells = cells.str.split(split).explode().str.strip()
    return sorted(v for v in cells.unique() if v)


