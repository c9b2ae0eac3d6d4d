"""Stores written before change sets existed (a GeoPackage that GDAL wrote whole: ``incidents`` + ``sources``
layers, no schema revision) are converted once, the first time they are opened: the incidents are read and
validated as before, a new store is made with them as its first change set ("create"), and the old file is kept
beside it as ``<name>.before-history.gpkg``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyogrio

from dashboard.data.engines import gpkg
from dashboard.data.engines.changes import Change, ChangeSet, StoreError
from dashboard.data.engines.records import frame_records
from dashboard.history_words import CONVERTED
from dashboard.i18n import N_, Count

LAYER = "incidents"


def read_legacy(path: Path):
    from dashboard.data.readers import flatten_geometry
    from dashboard.data.validate import rejects_table, validate_flat

    try:
        layer = pyogrio.read_dataframe(path, layer=LAYER)
    except Exception as exc:
        raise StoreError(N_("{path}: cannot read the '{layer}' layer ({why})"), path=str(path), layer=LAYER,
                         why=str(exc)) from None
    flat = flatten_geometry(layer)
    for col in ("date_start", "date_end"):
        if col in flat:
            flat[col] = pd.to_datetime(flat[col]).dt.strftime("%Y-%m-%d")
    result = validate_flat(flat, source_name=str(path))
    if len(result.rejects):
        raise StoreError(N_("{path}: {n} stored incident(s) fail validation"), path=str(path),
                         n=Count(len(result.rejected_rows)), detail=rejects_table(result.rejects.head(20)))
    return result.valid


def convert_legacy(path: Path) -> None:
    """Convert in place (callers hold :func:`gpkg.creation_lock`)."""
    incidents = read_legacy(path)
    records = frame_records(incidents)

    def populate(store) -> None:
        store.apply(ChangeSet(kind="create", author="incident-map", changes=[
            Change(r["incident_id"], "insert", r) for r in records],
            reason=CONVERTED.format(name=path.name)))

    backup = path.with_name(f"{path.stem}.before-history{path.suffix}")
    tmp = path.with_name(f".{path.name}.converted")
    gpkg.create(tmp, populate)
    os.replace(path, backup)
    os.replace(tmp, path)
