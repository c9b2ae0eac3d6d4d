"""A new dataset version's fast cache and search index derived from the previous version's, when a change set touched
only some reports: what an import builds before the next page opens (:mod:`dashboard.data.warming`).

A full build reads every stored report, validates it, groups the reports into incidents, grades them and folds and
indexes their text (about a minute per million reports). After an import of a few thousand reports, almost all of
that is the previous version's cache again. :func:`update` builds the new cache from it:

* **reports**: the previous cache's reports, minus those the change set touched, plus the touched reports as they are
  stored now, validated alone (validation is per row: a store holds each id once, so the duplicate check has nothing
  to find across the two parts), in storage order;
* **incidents**: an incident's row and grade depend only on its own reports and the responses naming them
  (:func:`dashboard.data.reconcile.incidents.build_incidents`, :func:`dashboard.data.grading.grade_frame`). The
  reports are grouped under the decisions now (cheap: a union-find over ids), and only the groups that are not
  exactly one cached incident with none of its reports touched (a new or edited report, a deleted member, a link or
  an unlink) are built and graded again; every other incident keeps its cached row. Incidents sit where their first
  report sits, as ``build_incidents`` puts them. A changed *response* (it may name any report) is not derived;
* **search index**: rebuilt on the new frame from the previous index's folded text (only the new rows are folded;
  the word index is re-cut from the folded text: :meth:`dashboard.data.search.SearchIndex.build`).

Anything else falls back to the full build (``update`` returns ``False``): the previous cache missing, stale or
unreadable; the store no longer at the change set's version (another change landed since: the change set's ids are
then not all that changed); a touched response or any record type other than reports, decisions, licences and
review statuses (the last two are read with every load, never cached); a touched report that fails validation (the full build reports it); a frame whose dtypes or shape differ from the
cache's. The new cache is keyed and written as a full build writes it (each file atomically, the incidents' last,
after the search index), so a reader cannot tell which path made it; ``tests/data/test_incremental.py`` checks
that both give the same frames and the same search results after random imports, edits, deletes, links and unlinks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.data.engines.records import DECISION, INCIDENT, LICENCE, WORKFLOW
from dashboard.data.frame_files import dtypes_of
from dashboard.data.grading import grade_frame
from dashboard.data.reconcile.decisions import incident_groups
from dashboard.data.reconcile.incidents import build_incidents
from dashboard.data.search import SearchIndex
from dashboard.data.shared_columns import compact, stacked
from dashboard.data.validate import validate_flat

__all__ = ["Since", "since_report", "update"]

# record types whose change leaves the cached frames as they were (read with every load) or is checked here
_HANDLED = {INCIDENT.name, DECISION.name, LICENCE.name, WORKFLOW.name}


@dataclass(frozen=True)
class Since:
    """One committed change set: the dataset version it was applied on, the version after it, and its id."""

    base_version: str
    version: str
    changeset_id: str


def since_report(report) -> Since | None:
    """The change set an import report describes (``None``: nothing written)."""
    versions = getattr(report, "versions", None)
    if not versions or not report.changeset_id:
        return None
    return Since(base_version=versions[0], version=versions[1], changeset_id=report.changeset_id)


def update(location, since: Since, step: Callable[[str], None] | None = None) -> bool:
    """Write the store's cache and search index for ``since.version`` from the cache of ``since.base_version``;
    whether it did (``False``: nothing written, the caller builds them in full). See the module docstring."""
    from dashboard.data import store as st

    step = step or (lambda _name: None)
    step("read")
    old = st._read_cache(location, st._cache_key(since.base_version))
    if old is None:
        return False
    store = st.open_store(location)
    read = _changed(store, since)
    if read is None:
        return False
    ids, records, order, decided = read
    decisions = st._decisions(decided)
    responses = st.read_responses(store)

    step("validate")
    present = [i for i in ids if i in records]
    flat = pd.DataFrame([records[i] for i in present], columns=list(INCIDENT.names))
    flat.index = pd.RangeIndex(1, len(flat) + 1, name="row")
    result = validate_flat(flat, source_name=st.describe_store(location))
    if len(result.rejects) or len(result.valid) != len(present):
        return False
    fresh = compact(result.valid.reset_index(drop=True))

    touched = set(ids)
    kept = ~old.reports["incident_id"].isin(touched).to_numpy()
    reports = stacked([old.reports.iloc[np.flatnonzero(kept)], fresh])
    at = pd.Index(reports["incident_id"].astype(object)).get_indexer(pd.Index(order, dtype=object))
    if len(at) != len(reports) or (at < 0).any():
        return False  # the stored reports are not the cached ones plus the change set's
    reports = reports.take(at).reset_index(drop=True)
    if dtypes_of(reports) != dtypes_of(old.reports):
        return False

    step("group")
    before = np.asarray(old.report_incident, dtype=object)
    owner = np.concatenate([before[kept], np.full(len(fresh), None, dtype=object)])[at]  # None: a touched report
    labels = incident_groups(order, decisions)
    affected = _regrouped(labels, owner, before)
    sub = reports.iloc[np.flatnonzero(affected)]
    built = build_incidents(sub, labels[affected])
    dropped = set(before[~kept]) | (set(owner[affected]) - {None})  # the cached incidents built again
    owner[affected] = built.report_incident
    step("grade")
    graded = compact(grade_frame(built.frame, sub.reset_index(drop=True), built.report_incident, responses))
    was = ~old.incidents["incident_id"].isin(dropped).to_numpy()
    incidents = stacked([old.incidents.iloc[np.flatnonzero(was)], graded])
    first = pd.unique(owner)  # incidents in the order of their first report (build_incidents' order)
    where = pd.Index(incidents["incident_id"].astype(object)).get_indexer(pd.Index(first, dtype=object))
    if len(where) != len(incidents) or (where < 0).any():
        return False
    incidents = incidents.take(where).reset_index(drop=True)
    if dtypes_of(incidents) != dtypes_of(old.incidents):
        return False

    step("index")
    previous = st._open_search(location, st._search_key(since.base_version, len(old.incidents)))
    if previous is None:
        search = SearchIndex.build(incidents)
    else:
        row_before = np.concatenate([np.flatnonzero(was), np.full(len(graded), -1)])[where]
        search = SearchIndex.build(incidents, previous=(previous, row_before))
    st._write_search(location, search, since.version)

    step("cache")
    data = st.StoreData(incidents=incidents, version=since.version, from_cache=False, reports=reports,
                        decisions=decisions, report_incident=owner, links=st._links_hash(decisions))
    st._write_cache(location, st._cache_key(since.version), data)
    return True


def _regrouped(labels: np.ndarray, owner: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Mask of the reports (storage order) whose incident must be built again: every report of an incident (under
    the decisions now: ``labels``) that holds a touched report (``owner`` None), or whose reports were not exactly
    one incident of the cache (``owner``: each report's cached incident; ``before``: the cache's, whole)."""
    old_code, _ = pd.factorize(owner, use_na_sentinel=True)  # -1: a touched report
    old_size = pd.Series(before).value_counts()
    size_of = np.append(old_size.reindex(pd.unique(owner[old_code >= 0])).to_numpy(), 0)
    frame = pd.DataFrame({"g": labels, "code": old_code})
    by = frame.groupby("g")["code"]
    lo, hi, n = by.min(), by.max(), by.size()
    # the cached size of each group's (single) old incident: codes number pd.unique's order
    same = (lo >= 0) & (lo == hi) & (n.to_numpy() == size_of[np.where(lo >= 0, lo, -1)])
    return ~same.reindex(labels).to_numpy()


def _changed(store, since: Since):
    """In one snapshot of a store still at ``since.version``: the report ids the change set touched, their stored
    records (a deleted one is absent), every report id in storage order, the decisions' flat frame. ``None`` when
    the store moved on, or the change set touched a record type this module does not derive (see module doc)."""
    with store.read_connection() as conn, conn.begin():
        meta = store.meta(conn)
        if store.version_in(conn) != since.version:
            return None
        touched = conn.execute(sa.text("SELECT DISTINCT record_type, record_id FROM history "
                                       "WHERE changeset_id = :id"), {"id": since.changeset_id}).fetchall()
        if not touched or {t for t, _ in touched} - _HANDLED:
            return None
        ids = sorted({r for t, r in touched if t == INCIDENT.name})
        records = {k: record for k, (_, record) in store.current(ids, INCIDENT, conn).items()}
        order = [r[0] for r in conn.execute(sa.text("SELECT incident_id FROM incidents ORDER BY fid"))]
        decided = store._read(conn, DECISION, meta).flat
    return ids, records, order, decided
