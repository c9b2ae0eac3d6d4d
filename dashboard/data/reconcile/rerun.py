"""What a write to the store does to the decisions: the rule's decisions recomputed for the new set of reports.

Every import, ``incident-map reconcile`` and every decision a person makes calls :func:`rerun`: people's decisions
are kept as they are; the rule's (author ``auto``) are recomputed by
:func:`~dashboard.data.reconcile.clusters.reconcile` from all the reports, so the stored grouping never depends on
the order of imports. A rule decision that is made again unchanged keeps its date; one that is new or changed is
dated ``at``; one no longer made is *retracted* (the store records that in its history: nothing is lost).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.reconcile.clusters import Reconciliation, reconcile
from dashboard.data.reconcile.decisions import Decision

__all__ = ["Matches", "Outcome", "matches", "rerun"]


@dataclass(frozen=True)
class Outcome:
    decisions: tuple[Decision, ...]  # everything to store: people's, then the rule's
    added: tuple[Decision, ...]  # the rule's decisions that are new or changed
    retracted: tuple[Decision, ...]  # the rule's decisions no longer made
    reconciliation: Reconciliation

    @property
    def changed(self) -> bool:
        return bool(self.added or self.retracted)


def rerun(reports: pd.DataFrame, decisions: Iterable[Decision], at: str) -> Outcome:
    """The decisions to store for ``reports`` (see the module docstring)."""
    decisions = list(decisions)
    people = [d for d in decisions if d.by_user]
    rec = reconcile(reports, people)
    before = {d.id: d for d in decisions if not d.by_user}
    kept, added = [], []
    for d in rec.decisions(at):
        old = before.pop(d.id, None)
        if old is not None and (old.verdict, old.score, old.evidence) == (d.verdict, d.score, d.evidence):
            kept.append(old)
        else:
            kept.append(d)
            added.append(d)
    return Outcome(decisions=(*people, *kept), added=tuple(added), retracted=tuple(before.values()),
                   reconciliation=rec)


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
