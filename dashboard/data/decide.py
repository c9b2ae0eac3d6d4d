"""Decisions about reports, written to a store: rerun the rule, link two reports, keep two apart, unlink one; and
what an import adds to the decisions.

Each operation reads the reports and the stored decision records (with their versions), changes the decisions
(:mod:`dashboard.data.reconcile.people`), recomputes the rule's decisions around them
(:func:`~dashboard.data.reconcile.rerun.rerun`) and applies the difference as one change set (kind ``link``,
``keep-apart``, ``unlink`` or ``reconcile``) with its author and reason: the history says who decided what, when
and why. A decision record changed by someone else meanwhile makes the change set a conflict (nothing written).
The CLI (``incident-map reconcile``, ``link``, ``unlink``, ``keep-apart``) and the Review page call these;
``review_queue`` is what both list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd

from dashboard.data.engines import Change, ChangeSet
from dashboard.data.engines import default_author as _author
from dashboard.data.engines.records import DECISION
from dashboard.data.reconcile import people
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.rerun import WHOLE_UP_TO, Matches, Outcome, matches, rerun
from dashboard.data.reconcile.view import ReportLevel, bundled_decisions
from dashboard.data.store import (
    Location,
    StoreData,
    _exists,
    decision_changes,
    ensure_store,
    load_bundled,
    load_store,
    open_store,
    resolve_store,
    skipped_on_import,
)
from dashboard.wording import toll_text

__all__ = ["ImportPlan", "default_author", "keep_apart", "link", "plan_import", "reconcile_store", "review_queue",
           "unlink"]

RULE_RERUN = "the matching rule rerun on every report (incident-map reconcile)"


def default_author(given: str | None = None) -> str:
    """Who decides: ``--author`` (or the name typed on the Review page), else ``$INCIDENT_MAP_AUTHOR``, else the
    system user name (a local name until accounts exist)."""
    return _author(given)


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _change(store: Location | None, change: Callable[[list[Decision], StoreData, str], list[Decision]],
            now: datetime | None, *, kind: str, reason: str, author: str | None) -> Outcome:
    location = ensure_store(store)
    at = _stamp(now)
    data = load_store(location, write_cache=False)
    engine = open_store(location)
    stored = engine.records(DECISION)
    before = {d.id: d for d in (Decision.from_record(r) for _, r in stored.values())}
    decisions = change(list(before.values()), data, at)
    around = None
    if len(data.reports) > WHOLE_UP_TO:  # recompute only around the reports whose decisions the person changed
        after = {d.id: d for d in decisions}
        changed = [d for d in decisions if before.get(d.id) != d] + [d for k, d in before.items() if k not in after]
        around = sorted({x for d in changed for x in (d.a, d.b)})
    outcome = rerun(data.reports, decisions, at, around=around)
    changes = decision_changes(stored, outcome.decisions)
    if changes:
        engine.apply(ChangeSet(kind=kind, reason=reason, author=default_author(author), changes=changes))
    return outcome


def reconcile_store(store: Location | None, *, now: datetime | None = None, author: str | None = None) -> Outcome:
    """Recompute the rule's decisions for every report of the store (what an import does for its reports)."""
    return _change(store, lambda decisions, _data, _at: decisions, now, kind="reconcile", reason=RULE_RERUN,
                   author=author)


def link(store: Location | None, x: str, y: str, *, reason: str, author: str | None = None,
         now: datetime | None = None) -> Outcome:
    """A person says ``x`` and ``y`` report the same event."""
    def change(decisions, data, at):
        evidence = _pending(decisions, x, y)
        return people.link(decisions, x, y, author=default_author(author), at=at, reason=reason,
                           known=data.reports["incident_id"], **evidence)
    return _change(store, change, now, kind="link", reason=reason, author=author)


def keep_apart(store: Location | None, x: str, y: str, *, reason: str, author: str | None = None,
               now: datetime | None = None) -> Outcome:
    """A person says ``x`` and ``y`` report different events."""
    def change(decisions, data, at):
        evidence = _pending(decisions, x, y)
        return people.keep_apart(decisions, x, y, author=default_author(author), at=at, reason=reason,
                                 known=data.reports["incident_id"], **evidence)
    return _change(store, change, now, kind="keep-apart", reason=reason, author=author)


def unlink(store: Location | None, report: str, *, reason: str, author: str | None = None,
           now: datetime | None = None) -> Outcome:
    """A person takes ``report`` out of its incident."""
    def change(decisions, data, at):
        ids = data.reports["incident_id"].to_numpy(dtype=object)
        incident = data.report_incident[ids == report]
        members = list(ids[data.report_incident == incident[0]]) if len(incident) else [report]
        return people.unlink(decisions, report, members, author=default_author(author), at=at, reason=reason,
                             known=ids)
    return _change(store, change, now, kind="unlink", reason=reason, author=author)


def _pending(decisions: list[Decision], x: str, y: str) -> dict:
    """The score and evidence the rule gave the pair, kept with a person's decision about it."""
    for d in decisions:
        if {d.a, d.b} == {x, y} and not d.by_user:
            return {"score": d.score, "evidence": d.evidence}
    return {}


@dataclass(frozen=True)
class ImportPlan:
    """What importing validated reports would do: which are new, and the decision changes that go with them."""

    new: gpd.GeoDataFrame  # the reports the store does not hold yet
    duplicates: int
    changes: tuple[Change, ...] = ()  # decision records to insert, update or delete, in the import's change set
    matches: Matches | None = None  # how the new reports met the incidents already stored (None: nothing new)


def plan_import(store: Location | None, valid: gpd.GeoDataFrame, *, now: datetime | None = None,
                skipped: set[str] | None = None) -> ImportPlan:
    """Which of ``valid`` an import adds, and the rule's decisions recomputed for the store's reports and those
    (writes nothing). A store not created yet counts as holding the bundled data and decisions. ``skipped``: the ids
    of ``valid`` the caller has already found the import skips (the importer's own rules, which also match a row
    by the dataset its file named); default: :func:`~dashboard.data.store.skipped_on_import`'s."""
    location = resolve_store(store)
    if skipped is None:
        skipped = skipped_on_import(location, valid)
    new = valid[~valid["incident_id"].isin(skipped)]
    if new.empty:
        return ImportPlan(new=new, duplicates=len(skipped))
    at = _stamp(now)
    if _exists(location):
        reports = load_store(location, write_cache=False).reports
        stored = open_store(location).records(DECISION)
    else:
        reports = load_bundled()
        stored = {d.id: (1, d.to_record()) for d in bundled_decisions(reports, at)}
    combined = gpd.GeoDataFrame(pd.concat([reports, new], ignore_index=True), geometry="geometry",
                                crs=reports.crs or new.crs)
    outcome = rerun(combined, [Decision.from_record(r) for _, r in stored.values()], at,
                    around=list(new["incident_id"]) if len(combined) > WHOLE_UP_TO else None)
    return ImportPlan(new=new, duplicates=len(skipped), changes=tuple(decision_changes(stored, outcome.decisions)),
                      matches=matches(outcome, list(new["incident_id"])))


def review_queue(level: ReportLevel, decisions: Iterable[Decision]) -> pd.DataFrame:
    """The pairs waiting for a person, best first: ``a``, ``b``, ``score``, ``evidence``, the incidents they are in
    now, a short line about each report (dataset, date, place, toll), and the decision's id (for its history)."""
    waiting = [d for d in decisions if d.verdict == "pending"]
    reports = level.reports.reset_index(drop=True)
    position = {r: k for k, r in enumerate(reports["incident_id"])}
    rows = []
    for d in sorted(waiting, key=lambda d: (-(d.score or 0), d.a, d.b)):
        if d.a not in position or d.b not in position:
            continue
        pa, pb = position[d.a], position[d.b]
        rows.append({"a": d.a, "b": d.b, "score": d.score, "evidence": d.evidence,
                     "incident_a": level.report_incident[pa], "incident_b": level.report_incident[pb],
                     "report_a": _line(reports.iloc[pa]), "report_b": _line(reports.iloc[pb]), "decision_id": d.id})
    return pd.DataFrame(rows, columns=["a", "b", "score", "evidence", "incident_a", "incident_b", "report_a",
                                       "report_b", "decision_id"])


def _line(r: pd.Series) -> str:
    return (f"{r['dataset']} · {r['date_start']:%Y-%m-%d} · {r['location'][:50]} · "
            f"{r['perpetrator_category'].replace(';', '/')} · killed {toll_text(r['fatalities_min'], r['fatalities_max'])}")
