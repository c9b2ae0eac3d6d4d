"""Decisions about reports, written to a store: rerun the rule, link two reports, keep two apart, unlink one.

Each operation holds the store's lock across its read-modify-write, reads the reports and decisions, changes the
decisions (:mod:`dashboard.data.reconcile.people`), recomputes the rule's decisions around them
(:func:`~dashboard.data.reconcile.rerun.rerun`) and writes the store once. The CLI (``incident-map reconcile``,
``link``, ``unlink``, ``keep-apart``) and the Review page call these; ``review_queue`` is what both list.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dashboard.data.reconcile import people
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.rerun import Outcome, rerun
from dashboard.data.reconcile.view import ReportLevel
from dashboard.data.store import StoreData, ensure_store, load_store, read_decisions, store_lock, write_store
from dashboard.wording import toll_text

__all__ = ["default_author", "keep_apart", "link", "reconcile_store", "review_queue", "unlink"]


def default_author(given: str | None = None) -> str:
    """Who decides: ``--author`` (or the name typed on the Review page), else the system user name (a local name
    until accounts exist)."""
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container without a passwd entry)
        return "unknown"


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _change(store: str | Path, change: Callable[[list[Decision], StoreData, str], list[Decision]],
            now: datetime | None) -> Outcome:
    path = ensure_store(store)
    at = _stamp(now)
    with store_lock(path):
        data = load_store(path, write_cache=False)
        decisions = change(list(read_decisions(path)), data, at)
        outcome = rerun(data.reports, decisions, at)
        if outcome.changed or list(outcome.decisions) != list(data.decisions):
            write_store(path, data.reports, outcome.decisions)
    return outcome


def reconcile_store(store: str | Path, *, now: datetime | None = None) -> Outcome:
    """Recompute the rule's decisions for every report of the store (what an import does for its reports)."""
    return _change(store, lambda decisions, _data, _at: decisions, now)


def link(store: str | Path, x: str, y: str, *, reason: str, author: str | None = None,
         now: datetime | None = None) -> Outcome:
    """A person says ``x`` and ``y`` report the same event."""
    def change(decisions, data, at):
        evidence = _pending(decisions, x, y)
        return people.link(decisions, x, y, author=default_author(author), at=at, reason=reason,
                           known=data.reports["incident_id"], **evidence)
    return _change(store, change, now)


def keep_apart(store: str | Path, x: str, y: str, *, reason: str, author: str | None = None,
               now: datetime | None = None) -> Outcome:
    """A person says ``x`` and ``y`` report different events."""
    def change(decisions, data, at):
        evidence = _pending(decisions, x, y)
        return people.keep_apart(decisions, x, y, author=default_author(author), at=at, reason=reason,
                                 known=data.reports["incident_id"], **evidence)
    return _change(store, change, now)


def unlink(store: str | Path, report: str, *, reason: str, author: str | None = None,
           now: datetime | None = None) -> Outcome:
    """A person takes ``report`` out of its incident."""
    def change(decisions, data, at):
        ids = data.reports["incident_id"].to_numpy(dtype=object)
        incident = data.report_incident[ids == report]
        members = list(ids[data.report_incident == incident[0]]) if len(incident) else [report]
        return people.unlink(decisions, report, members, author=default_author(author), at=at, reason=reason,
                             known=ids)
    return _change(store, change, now)


def _pending(decisions: list[Decision], x: str, y: str) -> dict:
    """The score and evidence the rule gave the pair, kept with a person's decision about it."""
    for d in decisions:
        if {d.a, d.b} == {x, y} and not d.by_user:
            return {"score": d.score, "evidence": d.evidence}
    return {}


def review_queue(level: ReportLevel, decisions: Iterable[Decision]) -> pd.DataFrame:
    """The pairs waiting for a person, best first: ``a``, ``b``, ``score``, ``evidence``, the incidents they are in
    now, and a short line about each report (dataset, date, place, toll)."""
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
                     "report_a": _line(reports.iloc[pa]), "report_b": _line(reports.iloc[pb])})
    return pd.DataFrame(rows, columns=["a", "b", "score", "evidence", "incident_a", "incident_b", "report_a",
                                       "report_b"])


def _line(r: pd.Series) -> str:
    return (f"{r['dataset']} · {r['date_start']:%Y-%m-%d} · {r['location'][:50]} · "
            f"{r['perpetrator_category'].replace(';', '/')} · killed {toll_text(r['fatalities_min'], r['fatalities_max'])}")
