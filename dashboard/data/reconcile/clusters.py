"""From reports and people's decisions to incidents: which pairs the rule links, which wait for review.

:func:`reconcile` is a pure function of the *set* of reports and the people's decisions, so importing A then B
gives the same incidents as B then A:

1. people's ``linked`` decisions join their reports first, unconditionally;
2. the candidate pairs the rule may link (:mod:`~dashboard.data.reconcile.evidence`) are taken from the highest
   score down (ties by report ids), each joining two groups unless that would put two reports of one dataset in one
   incident (a dataset's editors keep its rows apart) or join two reports a person kept apart; a pair that cannot
   be linked for one of these reasons waits for review instead, saying why;
3. the other candidates from :data:`~dashboard.data.reconcile.evidence.REVIEW` points whose reports are still in
   different groups wait for review. A pair a person decided (either way) is never proposed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.reconcile.blocking import candidate_pairs
from dashboard.data.reconcile.decisions import AUTO, Decision, UnionFind, first_of_group
from dashboard.data.reconcile.evidence import score_pairs
from dashboard.data.reconcile.features import Features, features

__all__ = ["Reconciliation", "candidates", "reconcile"]

CANDIDATE_COLUMNS = ("a", "b", "score", "evidence")


@dataclass(frozen=True)
class Reconciliation:
    """What the rule decides for a set of reports: its links and the queue (frames with ``a``, ``b``, ``score``,
    ``evidence``), and the incident of every report (``group``: the position of its incident's first report)."""

    ids: np.ndarray
    links: pd.DataFrame
    pending: pd.DataFrame
    group: np.ndarray

    def decisions(self, at: str) -> list[Decision]:
        """The rule's decisions, dated ``at`` (what an import or ``reconcile`` stores)."""
        out = []
        for verdict, frame in (("linked", self.links), ("pending", self.pending)):
            reason = ("score reached the automatic threshold" if verdict == "linked"
                      else "possible match: waits for a person")
            for r in frame.itertuples(index=False):
                out.append(Decision(a=r.a, b=r.b, verdict=verdict, author=AUTO, at=at, reason=reason,
                                    score=int(r.score), evidence=r.evidence))
        return out


def candidates(reports: pd.DataFrame, f: Features | None = None) -> pd.DataFrame:
    """Every scored candidate pair of the reports (see :func:`~dashboard.data.reconcile.evidence.score_pairs`)."""
    f = features(reports) if f is None else f
    return score_pairs(f, candidate_pairs(f))


def reconcile(reports: pd.DataFrame, decisions: Iterable[Decision] = (), *, f: Features | None = None,
              scored: pd.DataFrame | None = None) -> Reconciliation:
    """The rule's links and review queue for ``reports`` given people's ``decisions`` (``auto`` ones are ignored:
    they are what this recomputes). ``f``, ``scored``: the reports' features and candidates, if already known."""
    f = features(reports) if f is None else f
    scored = candidates(reports, f) if scored is None else scored
    where = {r: k for k, r in enumerate(f.ids)}
    people = [d for d in decisions if d.by_user]
    decided = {(d.a, d.b) for d in people}
    apart: dict[int, set[int]] = {}
    uf = UnionFind(len(f))
    datasets: dict[int, set[str]] = {}

    def datasets_of(root: int) -> set[str]:
        return datasets.get(root) or {f.dataset[root]}

    for d in people:
        if d.a not in where or d.b not in where:
            continue  # about a report this store does not hold (yet): kept, without effect
        x, y = where[d.a], where[d.b]
        if d.verdict == "linked":
            rx, ry = uf.find(x), uf.find(y)
            if rx != ry:
                merged = datasets_of(rx) | datasets_of(ry)
                datasets[uf.union(x, y)] = merged
        elif d.verdict == "apart":
            apart.setdefault(x, set()).add(y)
            apart.setdefault(y, set()).add(x)

    if decided:
        undecided = np.array([(a, b) not in decided for a, b in zip(scored["a"], scored["b"], strict=True)], dtype=bool)
        scored = scored.loc[undecided]
    rule = scored.loc[scored["auto"].to_numpy(bool)].sort_values(["score", "a", "b"], ascending=[False, True, True],
                                                                 kind="stable")
    links, blocked = [], []
    for r in rule.itertuples(index=False):
        rx, ry = uf.find(r.i), uf.find(r.j)
        if rx == ry:
            continue
        why = _conflict(uf, rx, ry, datasets_of(rx), datasets_of(ry), apart)
        if why:
            blocked.append((r.a, r.b, r.score, f"{r.evidence} ({why})", r.i, r.j))
            continue
        merged = datasets_of(rx) | datasets_of(ry)
        datasets[uf.union(r.i, r.j)] = merged
        links.append((r.a, r.b, r.score, r.evidence))
    labels = uf.labels()
    proposed = scored.loc[~scored["auto"].to_numpy(bool)]
    apart_still = labels[proposed["i"].to_numpy(np.int64)] != labels[proposed["j"].to_numpy(np.int64)]
    pending = [b[:4] for b in blocked if labels[b[4]] != labels[b[5]]]
    pending += list(proposed.loc[apart_still, list(CANDIDATE_COLUMNS)].itertuples(index=False, name=None))
    return Reconciliation(
        ids=f.ids,
        links=_frame(links),
        pending=_frame(pending),
        group=first_of_group(labels),
    )


def _conflict(uf: UnionFind, rx: int, ry: int, dx: set[str], dy: set[str], apart: dict[int, set[int]]) -> str:
    shared = dx & dy
    if shared:
        return f"would put two reports of {sorted(shared)[0]} in one incident"
    if len(uf.group(rx)) > len(uf.group(ry)):
        rx, ry = ry, rx
    for member in uf.group(rx):  # the smaller group's members, against the other group
        if any(uf.find(p) == ry for p in apart.get(member, ())):
            return "a person kept reports of these two incidents apart"
    return ""


def _frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))
    frame["score"] = frame["score"].astype(np.int64)
    return frame.sort_values(["a", "b"], kind="stable").reset_index(drop=True)

