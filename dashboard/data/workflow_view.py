"""What the review workflow (issue 14, :mod:`dashboard.team.workflow`) means for the frames every view reads.

* :func:`status_column`: each report's status (a report with no workflow record is ``published``: everything
  stored before the workflow existed was public) and each incident's, the one of its reports furthest from
  publication (withdrawn, then draft, then in review), so the team view can filter and badge by status.
* :func:`published_only`: the public view and public exports hold the published reports only; an incident that
  joins a published report and an unpublished one is rebuilt from its published reports (its toll, place and
  sources then come from them alone), and an incident without a published report is left out.

Pure: frames and the statuses in, frames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.view import incidents_of
from dashboard.i18n import N_

DEFAULT = "published"
STATUS_COLUMN = "status"
STATUSES = ("draft", "in_review", "published", "withdrawn")  # as records.WORKFLOW_STATUSES
STATUS_LABELS = {"draft": N_("draft"), "in_review": N_("in review"), "published": N_("published"),
                 "withdrawn": N_("withdrawn")}
RANK = {"withdrawn": 0, "draft": 1, "in_review": 2, "published": 3}
_BY_RANK = np.array(sorted(RANK, key=RANK.__getitem__), dtype=object)
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # the canonical text dtype ("str"), as the frames' other text


def report_statuses(report_ids: Iterable[str], statuses: Mapping[str, str]) -> np.ndarray:
    """Each report's status (``statuses``: report id → status, for the reports that have a workflow record)."""
    return _statuses_at(_looked_up(_ids(report_ids), statuses), statuses)


def status_column(incidents: pd.DataFrame, reports: pd.DataFrame, report_incident: np.ndarray,
                  statuses: Mapping[str, str]) -> tuple[ExtensionArray, ExtensionArray]:
    """(each incident's status, each report's status), in the frames' orders, as categories (as the frames hold
    their repeating texts: :data:`dashboard.data.shared_columns.REPEATING`).

    Array lookups in the (usually small) table of statuses and a group-by over the reports not published only: the
    row-by-row version took 3.5 s on every load of a million-report store once an import had given 10,000 reports a
    status. With no status at all (the usual case) both columns are "published" throughout, made from one value
    without a Python string per row: as arrays of Python strings, made and then converted to text on assignment,
    they cost 0.25 s of every load of a million-report store (measured on 2026-12-01)."""
    if not statuses:  # every report published: no id to look up (indexing a million ids took 0.14 s per load)
        return _everywhere(DEFAULT, len(incidents)), _everywhere(DEFAULT, len(reports))
    at = _looked_up(_ids(reports["incident_id"]), statuses)  # once, for the reports' statuses and their ranks
    of_report = _statuses_at(at, statuses)
    rank_of = np.array([RANK.get(s, RANK["draft"]) for s in statuses.values()], dtype=np.int64)
    rank = np.where(at >= 0, rank_of[np.maximum(at, 0)], RANK[DEFAULT])
    below = np.flatnonzero(rank < RANK[DEFAULT])
    ranks = np.full(len(incidents), RANK[DEFAULT], dtype=np.int64)
    if len(below):
        lowest = pd.Series(rank[below]).groupby(np.asarray(report_incident, dtype=object)[below]).min()
        where = pd.Index(lowest.index, dtype=object).get_indexer(_ids(incidents["incident_id"]))
        ranks = np.where(where >= 0, lowest.to_numpy(np.int64)[np.maximum(where, 0)], RANK[DEFAULT])
    return _categories(_BY_RANK[ranks]), _categories(of_report)


def _categories(values: np.ndarray) -> pd.Categorical:
    """``values`` (statuses) as a category of the values held, sorted."""
    return pd.Categorical(values, categories=pd.Index(sorted(set(values)), dtype=TEXT))


def _everywhere(value: str, n: int) -> pd.Categorical:
    """``value`` ``n`` times as a category: one small code per row."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value], dtype=TEXT))


def _statuses_at(at: np.ndarray, statuses: Mapping[str, str]) -> np.ndarray:
    """The status of each position ``at`` among ``statuses``' keys (-1: none, so published)."""
    out = np.full(len(at), DEFAULT, dtype=object)
    hit = at >= 0
    out[hit] = np.asarray(list(statuses.values()), dtype=object)[at[hit]]
    return out


def _ids(values: Iterable[str]) -> pd.Index:
    return pd.Index(values.to_numpy(dtype=object) if isinstance(values, pd.Series) else list(values), dtype=object)


def _looked_up(ids: pd.Index, statuses: Mapping[str, str]) -> np.ndarray:
    """Each id's position among ``statuses``' keys (-1: none)."""
    if not statuses:
        return np.full(len(ids), -1, dtype=np.int64)
    return pd.Index(list(statuses), dtype=object).get_indexer(ids)


def published_only(incidents: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, report_incident: np.ndarray,
                   decisions: Iterable[Decision], statuses: Mapping[str, str]
                   ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, np.ndarray, bool]:
    """(incidents, reports, report_incident, changed): the frames holding the published reports only; ``changed``
    is False (and the frames are the ones given) when every report is published."""
    published = report_statuses(reports["incident_id"], statuses) == DEFAULT
    if published.all():
        return incidents, reports, report_incident, False
    kept = reports.loc[published].reset_index(drop=True)
    built = incidents_of(kept, list(decisions))
    return built.frame.reset_index(drop=True), kept, built.report_incident, True
