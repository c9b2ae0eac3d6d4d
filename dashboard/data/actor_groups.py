"""Canonical actors: the names sources give a perpetrator ("l'armée malienne", "Malian soldiers (5 pickups)",
"les FAMa (cited by some sources)") grouped under one actor ("Malian Armed Forces (FAMa)"), from the table
``dashboard/bundled/actors.csv``.

Each row of the table is one alias of one actor, with its basis (why that name denotes that actor, and whose
allegation it is). An alias is either a reported name (``match = name``: the whole name, compared after
:func:`~dashboard.data.sources.actors.normalise_name`) or a regular expression over normalised names
(``match = pattern``), for the names other datasets use (ACLED's "Military Forces of Mali (2021-)"). One name may
denote two actors ("Wagner Group fighters in a Malian army convoy" → Wagner Group and FAMa). A name that no row
recognises belongs to no group: it stays searchable as reported (the "names as reported" filter), never guessed.

A reported name listed by a ``name`` row is never also matched by a pattern, and a ``name`` row with an empty
``actor`` keeps a name out of every group on purpose (its basis says why: "men dressed as Dozo hunters", where the
record codes the perpetrators as unidentified).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from dashboard import bundled
from dashboard.data.sources.actors import normalise_name

__all__ = ["ACTORS_FILE", "ActorGroups"]

ACTORS_FILE = "actors.csv"
COLUMNS = ("actor", "category", "alias", "match", "basis")


@dataclass(frozen=True)
class ActorGroups:
    table: pd.DataFrame  # the rows of actors.csv

    def __post_init__(self) -> None:
        missing = [c for c in COLUMNS if c not in self.table.columns]
        if missing:
            raise ValueError(f"{ACTORS_FILE} lacks the column(s) {', '.join(missing)}")
        names: dict[str, set[str]] = {}
        patterns: list[tuple[str, re.Pattern[str]]] = []
        for row in self.table.itertuples(index=False):
            if row.match == "name":
                names.setdefault(normalise_name(row.alias), set()).update([row.actor] if row.actor else [])
            elif row.match == "pattern":
                patterns.append((row.actor, re.compile(row.alias)))
            else:
                raise ValueError(f"{ACTORS_FILE}: match must be 'name' or 'pattern', got {row.match!r}")
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_patterns", patterns)

    @classmethod
    @cache
    def default(cls) -> ActorGroups:
        """The bundled table."""
        return cls(pd.read_csv(bundled.path(ACTORS_FILE), dtype=str, keep_default_na=False))

    @property
    def actors(self) -> tuple[str, ...]:
        """The canonical actors, in the table's order."""
        return tuple(a for a in dict.fromkeys(self.table["actor"]) if a)

    def category(self, actor: str) -> str:
        return str(self.table.loc[self.table["actor"] == actor, "category"].iloc[0])

    def of_name(self, name: str) -> frozenset[str]:
        """The actors one reported name denotes (none: the name is not grouped)."""
        key = normalise_name(name)
        if key in self._names:  # a reported name the table lists: exactly the actors it says (maybe none)
            return frozenset(self._names[key])
        return frozenset(actor for actor, pattern in self._patterns if pattern.search(key))

    def of_cell(self, cell: object) -> frozenset[str]:
        """The actors of a ``perpetrators`` cell (names separated by ``;``)."""
        if not isinstance(cell, str):
            return frozenset()
        return frozenset().union(*(self.of_name(n) for n in cell.split(";") if n.strip()))

    def aliases(self, actor: str) -> list[str]:
        return list(self.table.loc[self.table["actor"] == actor, "alias"])

    def hits(self, cells: Iterable[object], wanted: Iterable[str]) -> np.ndarray:
        """Per ``perpetrators`` cell, whether it names one of the ``wanted`` actors (a filter asks once per distinct
        cell: :meth:`dashboard.query.frame_index.FrameIndex.per_distinct`)."""
        wanted = frozenset(wanted)
        return np.array([bool(self.of_cell(c) & wanted) for c in cells], dtype=bool)
