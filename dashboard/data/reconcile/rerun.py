"""What a write to the store does to the decisions: the rule's decisions recomputed for the new set of reports.

Every import, ``incident-map reconcile`` and every decision a person makes calls :func:`rerun`: people's decisions
are kept as they are; the rule's (author ``auto``) are recomputed by
:func:`~dashboard.data.reconcile.clusters.reconcile` from all the reports, so the stored grouping never depends on
the order of imports. A rule decision that is made again unchanged keeps its date; one that is new or changed is
dated ``at``; one no longer made is *retracted* (the store records that in its history: nothing is lost).

Above :data:`WHOLE_UP_TO` reports, an import passes the reports it adds (``around``), a person's decision the reports
it names, and only the part of the record they can change is recomputed. (Up to it, every write recomputes the whole
record, in seconds: that also brings the rule's decisions up to date after reports were edited, which does not
recompute them.) The rule decides each connected part of the candidate graph (reports joined by a scored pair or by a
person's decision) on its own: its links are taken in score order, and a link is refused only for a conflict inside
the two groups it would join (:mod:`~dashboard.data.reconcile.clusters`). Adding reports adds only the pairs that
name one of them, so the parts the new pairs do not reach are decided as before, and their stored decisions stand.
The parts they reach are found from the stored decisions: of the old candidate graph, every pair that scored is
either a stored decision or joins two reports the stored links already put in one incident, so "joined by a stored
decision" draws the old parts exactly. The recomputed set is the new reports (or the reports a changed decision
names), every report a new pair names, and everything a stored decision joins to those; the rule runs on that set
alone, with the same result as on the whole (``tests/data/test_rerun_around.py`` compares both on random records).
Measured at a million stored reports with 10,000 added: the whole candidate join grew past 12 GB and was stopped;
the pairs of the added reports alone take seconds. ``incident-map reconcile`` still recomputes the whole record
(after the rule itself changes, say).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.reconcile.blocking import candidate_pairs
from dashboard.data.reconcile.clusters import Reconciliation, reconcile
from dashboard.data.reconcile.decisions import Decision, UnionFind
from dashboard.data.reconcile.evidence import score_pairs
from dashboard.data.reconcile.features import features

__all__ = ["WHOLE_UP_TO", "Matches", "Outcome", "matches", "reached", "rerun"]

# the most reports a write recomputes the rule's decisions for in whole (the 100,000-report benchmark store: seconds)
WHOLE_UP_TO = 100_000


@dataclass(frozen=True)
class Outcome:
    decisions: tuple[Decision, ...]  # everything to store: people's, then the rule's
    added: tuple[Decision, ...]  # the rule's decisions that are new or changed
    retracted: tuple[Decision, ...]  # the rule's decisions no longer made
    reconciliation: Reconciliation

    @property
    def changed(self) -> bool:
        return bool(self.added or self.retracted)


def rerun(reports: pd.DataFrame, decisions: Iterable[Decision], at: str, *,
          around: Sequence[str] | None = None) -> Outcome:
    """The decisions to store for ``reports`` (see the module docstring). ``around``: the ids of the reports just
    added, when ``decisions`` are the rule's for the others (what the store holds); only the part of the record they
    reach is recomputed, and the outcome's ``reconciliation`` covers that part."""
    decisions = list(decisions)
    people = [d for d in decisions if d.by_user]
    before = {d.id: d for d in decisions if not d.by_user}
    kept, added = [], []
    if around is not None:
        rows = reached(reports, decisions, around)
        reports = reports.iloc[rows]
        inside = set(reports["incident_id"])
        for d in [d for d in before.values() if d.a not in inside and d.b not in inside]:
            kept.append(before.pop(d.id))
    rec = reconcile(reports, people)
    for d in rec.decisions(at):
        old = before.pop(d.id, None)
        if old is not None and (old.verdict, old.score, old.evidence) == (d.verdict, d.score, d.evidence):
            kept.append(old)
        else:
            kept.append(d)
            added.append(d)
    return Outcome(decisions=(*people, *kept), added=tuple(added), retracted=tuple(before.values()),
                   reconciliation=rec)


def reached(reports: pd.DataFrame, decisions: Iterable[Decision], around: Sequence[str]) -> np.ndarray:
    """The positions, in ``reports``, of the reports ``around`` names and of every report a scored pair with one of
    them or a chain of stored ``decisions`` joins to those (see the module docstring)."""
    ids = pd.Index(reports["incident_id"].astype(object))
    focus = ids.isin(list(around))
    f = features(reports)
    pairs = score_pairs(f, candidate_pairs(f, focus=focus))
    uf = UnionFind(len(ids))
    named = [(d.a, d.b) for d in decisions]
    a = ids.get_indexer([x for x, _ in named]) if named else np.zeros(0, dtype=np.int64)
    b = ids.get_indexer([y for _, y in named]) if named else np.zeros(0, dtype=np.int64)
    for x, y in zip(np.concatenate([pairs["i"].to_numpy(np.int64), a]).tolist(),
                    np.concatenate([pairs["j"].to_numpy(np.int64), b]).tolist(), strict=True):
        if x >= 0 and y >= 0:
            uf.union(x, y)
    labels = uf.labels()
    return np.flatnonzero(np.isin(labels, labels[focus]))


@dataclass(frozen=True)
class Matches:
    """How new reports met the incidents already stored: ``linked`` joined one, ``waiting`` may (review)."""

    linked: tuple[str, ...]
    waiting: tuple[str, ...]

    @property
    def matched(self) -> int:
        return len(self.linked) + len(self.waiting)

    def sentence(self, t=None) -> str:
        """"2 reports matched existing incidents (1 linked, 1 waiting for review)", in ``t``'s language (a
        :class:`dashboard.i18n.Translator`; English without)."""
        from dashboard.i18n import tr

        t = t or tr()
        n = self.matched
        return t.ngettext("{n} report matched existing incidents ({linked} linked, {waiting} waiting for review)",
                          "{n} reports matched existing incidents ({linked} linked, {waiting} waiting for review)",
                          n).format(n=n, linked=len(self.linked), waiting=len(self.waiting))


def matches(outcome: Outcome, new_ids: Sequence[str]) -> Matches:
    """Which of ``new_ids`` (the reports just added) the outcome links to, or proposes with, a report stored
    before them."""
    rec = outcome.reconciliation
    new = set(new_ids)
    old_group = {g for r, g in zip(rec.ids, rec.group, strict=True) if r not in new}
    group = dict(zip(rec.ids, rec.group, strict=True))
    linked = [r for r in new_ids if r in group and group[r] in old_group]
    pending = rec.pending
    with_old = np.zeros(len(pending), dtype=bool)
    if len(pending):
        a_new, b_new = pending["a"].isin(new).to_numpy(), pending["b"].isin(new).to_numpy()
        with_old = a_new ^ b_new
    candidates = set(pending.loc[with_old & pending["a"].isin(new).to_numpy(), "a"]) | set(
        pending.loc[with_old & pending["b"].isin(new).to_numpy(), "b"])
    waiting = [r for r in new_ids if r in candidates and r not in set(linked)]
    return Matches(linked=tuple(linked), waiting=tuple(waiting))
