"""Adapter for files already in the canonical layout: CSV, GeoJSON and GeoPackage with the canonical columns (and
``latitude``/``longitude`` in CSV), as this app exports them. The readers (:mod:`dashboard.data.readers`) give the
rows; this adapter only checks that the required columns are there and keeps the canonical ones."""

from __future__ import annotations

import pandas as pd

from dashboard.data.schema import FLAT_COLUMNS, GEOMETRY_COLUMN, REQUIRED_COLUMNS
from dashboard.errors import LayoutError
from dashboard.i18n import N_

__all__ = ["looks_native", "native_to_flat"]


def looks_native(columns: set[str]) -> bool:
    """Canonical-ish: three of the required columns are enough, validation names what is missing."""
    return len(columns & set(REQUIRED_COLUMNS)) >= 3


def native_to_flat(raw: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns of ``raw`` (others are left out, but a geometry that is not a point stays named for
    validation to reject); :class:`LayoutError` naming missing required ones."""
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise LayoutError(N_("missing required column(s) {columns}"), columns=", ".join(missing))
    return raw[[c for c in (*FLAT_COLUMNS, GEOMETRY_COLUMN) if c in raw.columns]].copy()
