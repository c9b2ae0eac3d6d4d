"""Which incidents may be handed on raw, given the licences of their reports (``docs/licences.md``).

An incident joins reports from several datasets (a curated report and a UCDP event, an ACLED event...). The rule:

* an incident is handed on raw when **at least one** of its reports' licences allows redistribution, and then its
  fields are **rebuilt from those reports only** (:func:`~dashboard.data.reconcile.incidents.build_incidents` on
  them, grouped as before): no summary, toll, place, actor, source or report id of a restricted report reaches the
  file. Its restricted reports are counted in the note ("2 ACLED reports of exported incidents left out");
* an incident whose reports are all restricted is **left out**, and only counted by cercle and month of its start
  (:meth:`Withheld.counts`).

``include=True`` (``--include-restricted``, private use only) keeps everything as it is and says so (the warning
of :meth:`Withheld.warning`). Pure: frames in, frames out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.reconcile.incidents import build_incidents
from dashboard.data.reconcile.view import INCIDENT_OF_REPORT
from dashboard.data.sources.registry import licence_of

__all__ = ["Licensed", "Withheld", "attribution_lines", "redistributable"]

NO_CERCLE = "(no cercle)"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Withheld:
    """What the licences kept out of (or, with ``included``, let into) a file: the incidents left out (whole
    rows, for the counts), the restricted reports dropped from incidents that were kept, by dataset."""

    incidents: pd.DataFrame = field(default_factory=pd.DataFrame)  # left out: only ever counted
    incident_datasets: dict[str, int] = field(default_factory=dict)  # left-out incidents by lead dataset
    reports_dropped: dict[str, int] = field(default_factory=dict)  # restricted reports of kept incidents
    included: dict[str, int] = field(default_factory=dict)  # --include-restricted: restricted reports kept

    def __bool__(self) -> bool:
        return bool(len(self.incidents) or self.reports_dropped or self.included)

    def note(self) -> str:
        """"12 ACLED incidents left out: ACLED's terms forbid redistributing its rows; counts by cercle and month
        below." ('' when nothing was left out)."""
        parts = []
        for dataset, n in sorted(self.incident_datasets.items()):
            lic = licence_of(dataset)
            if not lic.terms:  # not restricted itself: left out with a restricted dataset (no reports to rebuild)
                lic = next((licence_of(d) for d in self.reports_dropped if licence_of(d).terms), lic)
            parts.append(f"{plural(n, f'{lic.label} incident')} left out: {lic.terms}; counts by cercle and month "
                         "below.")
        for dataset, n in sorted(self.reports_dropped.items()):
            lic = licence_of(dataset)
            parts.append(f"{plural(n, f'{lic.label} report')} of exported incidents left out ({lic.terms}): those "
                         "incidents are given from their other reports only.")
        return " ".join(parts)

    def warning(self) -> str:
        """The warning written into a file made with ``--include-restricted`` ('' when it holds no such row)."""
        if not self.included:
            return ""
        held = ", ".join(f"{plural(n, 'report')} of {licence_of(d).label} ({licence_of(d).name})"
                         for d, n in sorted(self.included.items()))
        return (f"WARNING: made with --include-restricted, this file holds {held}, whose licence forbids "
                "redistributing them: for private use only, do not share it.")

    def counts(self) -> pd.DataFrame:
        """The left-out incidents counted by cercle and month of their start (``cercle``, ``month``,
        ``incidents``), the only form in which they are shown."""
        if not len(self.incidents):
            return pd.DataFrame({"cercle": [], "month": [], "incidents": []})
        frame = pd.DataFrame({
            "cercle": self.incidents["cercle"].astype(object).where(self.incidents["cercle"].notna(), NO_CERCLE),
            "month": self.incidents["date_start"].dt.strftime("%Y-%m"),
        })
        out = frame.groupby(["cercle", "month"]).size().rename("incidents").reset_index()
        return out.sort_values(["month", "cercle"], kind="stable").reset_index(drop=True)

    def count_lines(self) -> list[str]:
        """``["Niono, 2025-10: 3 incidents", ...]``."""
        return [f"{r.cercle}, {r.month}: {plural(int(r.incidents), 'incident')}"
                for r in self.counts().itertuples(index=False)]


@dataclass(frozen=True)
class Licensed:
    incidents: gpd.GeoDataFrame  # what may be handed on (rebuilt where restricted reports were dropped)
    reports: gpd.GeoDataFrame | None  # their reports (restricted ones dropped), as ``reports_of`` gives them
    withheld: Withheld
    datasets: tuple[str, ...]  # the datasets of the reports the file holds (for its attribution lines)


def _allowed(datasets: pd.Series) -> np.ndarray:
    cache = {d: licence_of(d).redistribute for d in pd.unique(datasets.astype(object))}
    return datasets.astype(object).map(cache).fillna(False).to_numpy(dtype=bool)


def _datasets_of_incidents(incidents: pd.DataFrame) -> pd.Series:
    """Each incident's datasets (its ``datasets`` column, ``"; "``-joined; a frame of reports: ``dataset``), as
    lists."""
    column = "datasets" if "datasets" in incidents.columns else "dataset"
    return incidents[column].astype(object).map(lambda v: [d.strip() for d in str(v).split(";") if d.strip()])


def attribution_lines(datasets) -> list[str]:
    """The attribution lines of these datasets, once each, in a fixed order (the curated record first)."""
    lines: list[str] = []
    for d in sorted(set(datasets), key=lambda d: (d != "segou-curated", d)):
        for line in licence_of(d).attribution:
            if line not in lines:
                lines.append(line)
    return lines


def redistributable(incidents: gpd.GeoDataFrame, reports: gpd.GeoDataFrame | None, *,
                    include: bool = False) -> Licensed:
    """Split ``incidents`` (a selection of the incident frame, in order) by the licences of their ``reports``
    (:func:`~dashboard.data.reconcile.view.reports_of` of them, with :data:`INCIDENT_OF_REPORT`). Without the
    reports, an incident with any restricted dataset is left out whole (nothing to rebuild it from)."""
    if reports is None:
        lists = _datasets_of_incidents(incidents)
        bad = lists.map(lambda ds: not all(licence_of(d).redistribute for d in ds)).to_numpy(dtype=bool)
        all_ds = Counter(d for ds in lists for d in ds)
        if include or not bad.any():
            held = {d: n for d, n in all_ds.items() if not licence_of(d).redistribute} if include else {}
            return Licensed(incidents, None, Withheld(included=held), tuple(sorted(all_ds)))
        kept = incidents.loc[~bad]
        out = incidents.loc[bad]
        counted = Counter(next(d for d in ds if not licence_of(d).redistribute) for ds in lists[bad])
        return Licensed(kept, None, Withheld(incidents=out, incident_datasets=dict(counted)),
                        tuple(sorted({d for ds in lists[~bad] for d in ds})))

    allowed = _allowed(reports["dataset"])
    if include or allowed.all():
        restricted = Counter(reports["dataset"].astype(object).to_numpy()[~allowed])
        return Licensed(incidents, reports, Withheld(included=dict(restricted) if include else {}),
                        tuple(sorted(pd.unique(reports["dataset"].astype(object)))))

    owner = reports[INCIDENT_OF_REPORT].astype(object).to_numpy()
    ids = incidents["incident_id"].astype(object).to_numpy()
    has_allowed = set(owner[allowed])
    has_restricted = set(owner[~allowed])
    keep = np.array([i in has_allowed for i in ids], dtype=bool)
    mixed = [i for i in ids if i in has_allowed and i in has_restricted]

    left = incidents.loc[~keep]
    lead: dict = {}  # each incident's first listed report is its lead (reports_of)
    for o, d in zip(owner, reports["dataset"].astype(object), strict=True):
        lead.setdefault(o, d)
    withheld_ds = Counter(lead.get(i, "unknown") for i in left["incident_id"].astype(object))
    dropped = Counter(d for o, d, ok in zip(owner, reports["dataset"].astype(object), allowed, strict=True)
                      if not ok and o in has_allowed)

    kept_reports = reports.loc[allowed]
    out = incidents.loc[keep]
    if mixed:
        out, kept_reports = _rebuild(out, kept_reports, set(mixed))
    return Licensed(out, kept_reports, Withheld(incidents=left, incident_datasets=dict(withheld_ds),
                                                reports_dropped=dict(dropped)),
                    tuple(sorted(pd.unique(kept_reports["dataset"].astype(object)))))


def _rebuild(incidents: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, mixed: set[str]
             ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The ``mixed`` incidents rebuilt from their (allowed) ``reports`` alone, in place; the reports' incident ids
    follow a rebuilt incident's new id (its lead may have changed)."""
    owner = reports[INCIDENT_OF_REPORT].astype(object)
    part = reports.loc[owner.isin(mixed).to_numpy()]
    codes, labels = pd.factorize(part[INCIDENT_OF_REPORT].astype(object))
    built = build_incidents(part.drop(columns=[INCIDENT_OF_REPORT]), codes).frame
    # build_incidents puts each incident where its first report sits: row k is group k (factorize's order)
    rows = {labels[k]: built.iloc[k] for k in range(len(built))}
    new_of = {old: row["incident_id"] for old, row in rows.items()}
    out = incidents.copy()
    columns = [c for c in out.columns if c in built.columns]
    for i, old in enumerate(out["incident_id"].astype(object)):
        if old in rows:
            for c in columns:
                out.iat[i, out.columns.get_loc(c)] = rows[old][c]
    kept = reports.copy()
    kept[INCIDENT_OF_REPORT] = pd.array([new_of.get(o, o) for o in owner], dtype=reports[INCIDENT_OF_REPORT].dtype)
    return out, kept
