"""Decisions about pairs of reports: linked (the same event), kept apart, or waiting for review.

A decision names two report ids (``a < b``), its verdict, who made it (``auto``: the matching rule at a score above
the threshold, or a person's name), when, why, and the score and evidence sentence the pair had then. An
*incident* is a connected group of reports under the ``linked`` decisions (:func:`incident_groups`).

* ``linked`` by ``auto``: the score reached :data:`~dashboard.data.reconcile.evidence.AUTO_LINK` and nothing kept
  the two apart; recomputed at every import or ``reconcile``, so that the grouping depends only on the reports and
  the people's decisions, never on the order in which files came in.
* ``pending`` by ``auto``: the middle band (or a link the rules would not make alone): the review queue.
* ``linked`` / ``apart`` by a person: kept as given, never recomputed; a pair kept apart is never proposed again,
  and automatic links never join two groups that a person kept apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["AUTO", "VERDICTS", "Decision", "UnionFind", "decision_id", "first_of_group", "incident_groups", "pair"]

AUTO = "auto"  # the author of the rule's decisions
VERDICTS = ("linked", "apart", "pending")
Verdict = Literal["linked", "apart", "pending"]


def pair(x: str, y: str) -> tuple[str, str]:
    """The two ids in the order a decision stores them."""
    return (x, y) if x <= y else (y, x)


def decision_id(a: str, b: str) -> str:
    """A stable key for the pair (ids may hold any character, so they are hashed rather than joined)."""
    a, b = pair(a, b)
    return "D-" + hashlib.sha256(f"{a}\x00{b}".encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Decision:
    a: str
    b: str
    verdict: Verdict
    author: str  # AUTO or a person's (local) name
    at: str  # ISO 8601 UTC
    reason: str
    score: int | None = None
    evidence: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}; got {self.verdict!r}")
        if self.a > self.b:
            a, b = pair(self.a, self.b)
            object.__setattr__(self, "a", a)
            object.__setattr__(self, "b", b)

    @property
    def id(self) -> str:
        return decision_id(self.a, self.b)

    @property
    def by_user(self) -> bool:
        return self.author != AUTO

    def to_record(self) -> dict:
        return {"decision_id": self.id, **asdict(self)}

    @classmethod
    def from_record(cls, record: Mapping) -> Decision:
        score = record.get("score")
        return cls(a=record["a"], b=record["b"], verdict=record["verdict"], author=record["author"],
                   at=record["at"], reason=record.get("reason") or "",
                   score=None if score is None or score != score else int(score),
                   evidence=record.get("evidence") or "")


class UnionFind:
    """Groups of reports, joined one link at a time. Hand-written (30 lines): the matching joins under constraints
    checked at each union (:mod:`dashboard.data.reconcile.clusters`), which graph libraries' connected-components
    functions do not offer, and the project has no graph library otherwise."""

    def __init__(self, n: int):
        self.parent = np.arange(n)
        self.members: dict[int, list[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return int(root)

    def group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def union(self, x: int, y: int) -> int:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return rx
        if len(self.group(rx)) < len(self.group(ry)):
            rx, ry = ry, rx
        self.parent[ry] = rx
        self.members[rx] = self.group(rx) + self.group(ry)
        self.members.pop(ry, None)
        return rx

    def labels(self) -> np.ndarray:
        """The root of every element (only the joined ones need looking up)."""
        out = np.arange(len(self.parent), dtype=np.int64)
        for root, members in self.members.items():
            out[members] = root
        return out


def incident_groups(ids: Iterable[str], decisions: Iterable[Decision]) -> np.ndarray:
    """For each report id (in order), the position of the first report of its incident: the connected groups under
    the ``linked`` decisions (decisions naming a report not in ``ids`` are kept in the store but have no effect)."""
    index = pd.Index(ids)
    linked = [(d.a, d.b) for d in decisions if d.verdict == "linked"]
    uf = UnionFind(len(index))
    if linked:
        a = index.get_indexer([x for x, _ in linked])
        b = index.get_indexer([y for _, y in linked])
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            if x >= 0 and y >= 0:
                uf.union(x, y)
    return first_of_group(uf.labels())


def first_of_group(labels: np.ndarray) -> np.ndarray:
    """Group labels → the position of each group's first element (the same grouping, labelled canonically)."""
    first = np.full(len(labels), len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels), dtype=np.int64))
    return first[labels]
