"""What a filter state and a loaded frame compute once and share between sessions: values kept by key
(:class:`Kept`) and a frame's rows by position, taken when first asked for (:class:`Rows`).

Both are read by several sessions at once (Streamlit's shared caches run each session in its own thread), so a
value is computed under a lock: two sessions asking at once compute it once and get the same object. The standard
library has no keyed, thread-safe "compute once" (``functools.cached_property`` is per attribute and, since
Python 3.12, without a lock; ``functools.cache`` keys on the arguments, here frames); this is the one small piece
written by hand for it, used by the selection, the scope note and the frame index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Kept", "Rows"]


class Kept:
    """Values by key, each computed on first ask and kept (read-only for the callers)."""

    __slots__ = ("_lock", "_values")

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:  # held while computing: the second asker waits for the first one's value
            if key not in self._values:
                self._values[key] = compute()
            return self._values[key]

    def keys(self) -> frozenset:
        """The keys computed so far (for tests of what was computed)."""
        with self._lock:
            return frozenset(self._values)


class Rows:
    """Rows of ``frame`` at ``positions`` (in that order; ``None``: every row), taken column by column when asked
    for and kept. ``len(rows)`` needs no row."""

    __slots__ = ("_kept", "frame", "positions")

    def __init__(self, frame: pd.DataFrame, positions: np.ndarray | None = None) -> None:
        self.frame = frame
        self.positions = positions
        self._kept = Kept()  # column names (None: every column) → those columns of the rows

    def __len__(self) -> int:
        return len(self.frame) if self.positions is None else len(self.positions)

    @property
    def whole(self) -> pd.DataFrame:
        """Every column of the rows (``frame`` itself when every row is selected: read-only)."""
        return self.columns(None)

    def columns(self, names: Sequence[str] | None) -> pd.DataFrame:
        """The rows of the columns ``names`` only, in that order (``None``: every column), index kept: the same as
        ``whole[names]`` without taking the other columns. A GeoDataFrame when the geometry is among them."""
        key = None if names is None else tuple(names)

        def take() -> pd.DataFrame:
            part = self.frame if key is None else self.frame[list(key)]
            return part if self.positions is None else part.take(self.positions)

        return self._kept.get(key, take)

    def part(self, where: np.ndarray) -> Rows:
        """These rows at ``where`` (a boolean mask or positions over them): rows of the same frame."""
        where = np.flatnonzero(where) if where.dtype == bool else where
        return Rows(self.frame, where if self.positions is None else self.positions[where])

    def first(self, n: int, by: Sequence[str]) -> pd.DataFrame:
        """Every column of the first ``n`` rows ordered by the columns ``by``: ``whole.sort_values(by).head(n)``,
        with only ``by`` read of the other rows (the Timeline's cards: 200 incidents of up to a million)."""
        keys = self.columns(by).reset_index(drop=True)
        order = keys.sort_values(list(by)).index[:n].to_numpy()
        return self.frame.take(order if self.positions is None else self.positions[order])
