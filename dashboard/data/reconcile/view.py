"""The store's side of reconciliation: the incident frame of stored reports and decisions, the part of the
dataset version that the grouping adds, and the decisions a new store starts with.

``dashboard/bundled/decisions.csv`` holds the decisions made by the project about the bundled reports (which
curated incident a bundled UCDP event reports, which pairs are distinct), with their author, date and reason; a
store created from the bundled data starts with them, and with the rule's decisions recomputed around them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard import bundled
from dashboard.data.reconcile.decisions import Decision, incident_groups
from dashboard.data.reconcile.incidents import DATASET_RANK, Incidents, build_incidents
from dashboard.data.reconcile.rerun import rerun

__all__ = ["BUNDLED_DECISIONS", "INCIDENT_OF_REPORT", "ReportLevel", "bundled_decisions", "incidents_of", "linked_digest",
           "read_decisions_csv", "reports_of"]

BUNDLED_DECISIONS = "decisions.csv"


def incidents_of(reports: pd.DataFrame, decisions: Iterable[Decision], *, take: bool = False) -> Incidents:
    """The incident frame of stored reports under stored decisions (no matching: the ``linked`` ones group);
    ``take``: the caller gives ``reports`` up (:func:`~dashboard.data.reconcile.incidents.build_incidents`)."""
    return build_incidents(reports, incident_groups(reports["incident_id"], decisions), take=take)


def linked_digest(decisions: Iterable[Decision]) -> bytes:
    """What the grouping adds to the dataset version: a digest of the linked pairs (empty when there are none, so
    a store without links keeps the version of its reports alone)."""
    pairs = sorted((d.a, d.b) for d in decisions if d.verdict == "linked")
    if not pairs:
        return b""
    return hashlib.sha256("\n".join(f"{a}\x00{b}" for a, b in pairs).encode()).digest()


def read_decisions_csv(path) -> list[Decision]:
    """Decisions from a CSV with the columns of :meth:`Decision.to_record` (``decision_id`` optional)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    records = table.to_dict("records")
    return [Decision.from_record({**r, "score": int(r["score"]) if r.get("score") else None}) for r in records]


def bundled_decisions(reports: pd.DataFrame, at: str | None = None) -> Sequence[Decision]:
    """The decisions a store created from the bundled ``reports`` starts with: the project's (the bundled file),
    then the rule's around them (dated ``at``, default now)."""
    path = bundled.path(BUNDLED_DECISIONS)
    people = read_decisions_csv(path) if path.exists() else []
    at = at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return rerun(reports, people, at).decisions


INCIDENT_OF_REPORT = "belongs_to_incident"  # the column saying which incident a listed report belongs to


def reports_of(incidents: pd.DataFrame, reports: pd.DataFrame, report_incident) -> pd.DataFrame:
    """The reports of ``incidents`` (a selection of the incident frame), in the incidents' order and, within an
    incident, lead first (as ``report_ids`` lists them), with :data:`INCIDENT_OF_REPORT` added."""
    order = pd.Series(np.arange(len(incidents)), index=incidents["incident_id"].to_numpy())
    owner = pd.Series(report_incident, dtype=object)
    at = order.reindex(owner.to_numpy()).to_numpy()
    keep = ~np.isnan(at)
    out = reports.iloc[np.flatnonzero(keep)].copy()
    out[INCIDENT_OF_REPORT] = pd.array(owner[keep].to_numpy(), dtype=reports["incident_id"].dtype)
    rank = out["dataset"].map(DATASET_RANK).fillna(len(DATASET_RANK)).to_numpy()
    key = pd.DataFrame({"at": at[keep], "rank": rank, "id": out["incident_id"].astype(str).to_numpy()})
    return out.iloc[key.sort_values(["at", "rank", "id"], kind="stable").index.to_numpy()]


@dataclass(frozen=True)
class ReportLevel:
    """Every report of a store and the incident each belongs to: what views ask for the reports of incidents."""

    reports: gpd.GeoDataFrame
    report_incident: np.ndarray

    def of(self, incidents: pd.DataFrame) -> gpd.GeoDataFrame:
        """The reports of these incidents (see :func:`reports_of`)."""
        return reports_of(incidents, self.reports, self.report_incident)

    def by_incident(self, incidents: pd.DataFrame) -> dict[str, list[dict]]:
        """incident id → its reports as records (lead first), for cards."""
        out: dict[str, list[dict]] = {}
        for record in self.of(incidents).to_dict("records"):
            out.setdefault(record[INCIDENT_OF_REPORT], []).append(record)
        return out
