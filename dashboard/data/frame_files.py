"""A store's derived frames as files: a validated frame written as GeoParquet under a key, read back whole or a
few columns at a time, or opened and read when first asked for (:class:`DeferredReports`).

What the files are for (the fast cache of :mod:`dashboard.data.store`, keyed on the dataset version and the rules
in force) is the store's; this module is only their format: GeoParquet 1.1 (point encoding, zstd, page checksums)
whose metadata (:data:`CACHE_META`) carries the key, the rows, the dataset version and the dtypes the frame had, so
that a file written under other rules, truncated or foreign is never trusted (``None``: rebuilt from the store).
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.data import collector
from dashboard.data.atomic import replacing
from dashboard.data.engines import StoreError
from dashboard.data.freed import give_back
from dashboard.data.points import Points
from dashboard.data.schema import COLUMNS
from dashboard.data.shared_columns import EMPTY, STRING, compact, with_empty
from dashboard.data.validate import CRS
from dashboard.data.workflow_view import STATUS_COLUMN
from dashboard.i18n import N_

log = logging.getLogger("dashboard.data.store")  # (the store's warnings, as before this module was split off)

CACHE_META = b"incident_map_cache"  # the key of the files' own metadata
TEXT_AS_STRING = {pa.string(): STRING, pa.large_string(): STRING}.get  # Arrow text -> it, for to_pandas


class DeferredReports:
    """A cached version's reports, read when first asked for (``load_store(defer_reports=True)``, as the app loads):
    most pages need only the incidents, and at a million reports the reports' file is most of what a warm load reads
    (docs/benchmarks.md). The file is opened, and its footer checked, with the incidents; the open handle keeps that
    version's file readable once an import renames a newer one over it (a rename leaves an open file as it was), so
    the reports read later are always those of the incidents held. Read once, by whichever page asks first."""

    def __init__(self, path: Path, source: pq.ParquetFile, meta: dict):
        self._path, self._source, self._meta = path, source, meta
        self._lock = threading.Lock()
        self._frame: gpd.GeoDataFrame | None = None
        self.status = None  # the reports' review status (STATUS_COLUMN), set by load_store, added when read

    def ids(self) -> pd.Series:
        """The reports' ids, in order (one column read, unless the reports are)."""
        with self._lock:
            if self._frame is not None:
                return self._frame["incident_id"]
            return self._source.read(columns=["incident_id"]).column(0).to_pandas(
                types_mapper=TEXT_AS_STRING)

    def frame(self) -> gpd.GeoDataFrame:
        with self._lock:
            if self._frame is None:
                read = frame_of(self._path, self._source, self._meta, list(COLUMNS))
                if read is None:
                    raise StoreError(N_("{path}: the cached reports of dataset version {version} could not be read "
                                        "back; reload the page"), path=str(self._path), version=self._meta["version"])
                frame = read[0]
                frame[STATUS_COLUMN] = self.status
                self._frame, self._source = frame, None  # the file is closed once read
            return self._frame


def read_frame(path: Path, key: dict, columns: list[str]) -> tuple[gpd.GeoDataFrame, Points, dict] | None:
    """One cached frame: (frame, its rows' points, its metadata: the dataset version, its rows...)."""
    opened = open_frame(path, key)
    if opened is None:
        return None
    read = frame_of(path, *opened, columns)
    return None if read is None else (*read, opened[1])


def open_frame(path: Path, key: dict) -> tuple[pq.ParquetFile, dict] | None:
    """A cached frame's file, opened, and its metadata, if it was written under ``key``."""
    if not path.exists():
        return None
    try:
        # the footer read once (at a million reports its metadata, which maps them to incidents, is 15 MB)
        parquet = pq.ParquetFile(pa.OSFile(str(path)), page_checksum_verification=True)
        meta = json.loads(parquet.schema_arrow.metadata[CACHE_META])
        if meta.get("key") != key:
            return None  # stale: the store (or the validation rules) changed since the cache was built
        if not isinstance(meta.get("rows"), int) or "version" not in meta:
            raise ValueError("no rows or dataset version in its metadata")
    except Exception as exc:  # corrupt, truncated or foreign: never trusted, rebuilt from the store
        log.warning("%s: ignoring the store cache (%s); rebuilding it", path, exc)
        return None
    return parquet, meta


def frame_of(path: Path, parquet: pq.ParquetFile, meta: dict,
              columns: list[str]) -> tuple[gpd.GeoDataFrame, Points] | None:
    """The frame of an opened cache file (:func:`open_frame`), checked against its metadata, and its rows' points
    as read (the numbers the geometry is made of: kept, they need not be asked of the geometry again)."""
    try:
        if parquet.schema_arrow.names != [*columns, "geometry"]:
            raise ValueError("unexpected columns")
        geometry = _read_columns(parquet, ["geometry"], meta["rows"]).column(0).combine_chunks()
        # one chunk per column (a row group of up to 1 Mi rows): later row selections are several times faster
        empty: dict = {}  # one all-empty column per dtype, shared by the columns that are all empty
        frame = pd.concat([_converted_read(parquet, columns[lo:lo + _READ_COLUMNS], meta["rows"], empty)
                           for lo in range(0, len(columns), _READ_COLUMNS)], axis=1)
        has_point = geometry.is_valid().to_numpy(zero_copy_only=False)
        x = np.where(has_point, geometry.field("x").to_numpy(zero_copy_only=False), 0.0)
        y = np.where(has_point, geometry.field("y").to_numpy(zero_copy_only=False), 0.0)
        with collector.paused():  # a million tracked objects: see dashboard/data/collector.py
            points = gpd.points_from_xy(x, y, crs=CRS)
        points[~has_point] = None
        frame = gpd.GeoDataFrame(frame, geometry=points, crs=CRS, copy=False)  # the columns are fresh: no copy
        if dtypes_of(frame) != meta["dtypes"]:  # as validated when the cache was built (same rules: see key)
            raise ValueError("unexpected dtypes")
        return frame, Points(has_point=has_point, lat=y, lng=x)
    except Exception as exc:  # corrupt, truncated or foreign: never trusted, rebuilt from the store
        log.warning("%s: ignoring the store cache (%s); rebuilding it", path, exc)
        return None


_READ_COLUMNS = 4  # a cached frame's columns read, and converted, at a time (frame_of)


def _read_columns(parquet: pq.ParquetFile, columns: list[str], rows: int) -> pa.Table:
    """Some columns of a cached frame (:data:`_READ_COLUMNS` at a time), converted before the next are read. Why
    not the whole table at once: measured on a million synthetic incidents' file in a fresh process, reading it whole
    then converting it grew the process by 1.99–2.05 GB (the table's buffers, once converted, stay with Arrow's
    allocator); 4 columns at a time 1.63–1.69 GB and no slower (1.4 s); one at a time 1.60 GB, 2.6–3.2 s."""
    table = parquet.read(columns=columns)
    if table.num_rows != rows:
        raise ValueError("unexpected rows")
    return table


def _converted_read(parquet: pq.ParquetFile, columns: list[str], rows: int,
                    empty: dict[object, pd.Series]) -> pd.DataFrame:
    """Some columns of a cached frame read (:func:`_read_columns`) and converted (:func:`_converted`), then what
    reading them freed handed back (:func:`~dashboard.data.freed.give_back`) before the next are read. Why: the
    decoded pages and the converted columns' Arrow buffers stay with the allocator that served them, so reading
    a million incidents' file (1,008,553 rows, after an import linked some) grew a fresh process to 1,945–2,054 MB
    at its peak, and to 1,787–1,804 MB when each group's freed memory was handed back, no slower (2.5–3.1 s
    either way; docs/benchmarks.md, "The read-back hands back as it reads")."""
    frame = _converted(_read_columns(parquet, columns, rows).combine_chunks(), empty)
    give_back()
    return frame


def _converted(table: pa.Table, empty: dict[object, pd.Series]) -> pd.DataFrame:
    """Some columns of a cached frame as pandas, those with no value at all shared
    (:func:`~dashboard.data.shared_columns.with_empty`) rather than converted."""
    rows = table.num_rows
    dtypes = table.slice(0, 0).to_pandas(types_mapper=TEXT_AS_STRING).dtypes
    blank = {name: dtypes[name] for name, column in zip(table.column_names, table.columns, strict=True)
             if rows and column.null_count == rows and dtypes[name] in EMPTY}
    frame = compact(table.drop_columns(list(blank)).to_pandas(types_mapper=TEXT_AS_STRING))
    return with_empty(frame, blank, table.column_names, empty)


def dtypes_of(frame: pd.DataFrame) -> dict[str, str]:
    return {c: f"{t}/{getattr(t, 'storage', '')}/{getattr(t, 'na_value', '')}" for c, t in frame.dtypes.items()}


def write_table(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", write_page_checksum=True)


def frame_table(frame: gpd.GeoDataFrame, columns: list[str], key: dict, version: str, extra: dict) -> pa.Table:
    """A frame's columns and points as a GeoParquet table, with its key, version and dtypes in the metadata."""
    table = pa.Table.from_pandas(pd.DataFrame(frame[columns]), preserve_index=False)
    geom = frame.geometry
    has_point = (geom.notna() & ~geom.is_empty).to_numpy()
    xy = pa.StructArray.from_arrays(
        [pa.array(np.where(has_point, geom.x, 0.0)), pa.array(np.where(has_point, geom.y, 0.0))],
        names=["x", "y"], mask=pa.array(~has_point))
    table = table.append_column(pa.field("geometry", xy.type, nullable=True), xy)
    geo = {"version": "1.1.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "point", "geometry_types": ["Point"],
                                    "crs": gpd.GeoSeries([], crs=CRS).crs.to_json_dict()}}}
    # the dtypes of what is written (columns added to the frame on every load, e.g. the review status, are not)
    meta = {"key": key, "rows": len(frame), "version": version,
            "dtypes": dtypes_of(frame[[*columns, frame.geometry.name]]), **extra}
    return table.replace_schema_metadata({**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode(),
                                          CACHE_META: json.dumps(meta).encode()})


def mode_like(store: str | Path) -> Path | None:
    """The file whose permissions a derived file takes: the GeoPackage's (none for a database's: private)."""
    return store if isinstance(store, Path) else None


def replace_file(path: Path, table: pa.Table, store: str | Path) -> None:
    """Write ``table`` as ``path`` (a temporary file renamed over it); raises when it cannot."""
    with replacing(path, mode_like=mode_like(store)) as tmp:
        write_table(table, tmp)


def atomic_write(path: Path, write, store: str | Path) -> bool:
    """``write(tmp)`` then rename over ``path``, as readable as a GeoPackage store (private for a database's cache).
    A derived file that cannot be written (read-only folder, full disk...) is simply skipped: it is rebuilt or done
    without next time. Whether it was written."""
    try:
        with replacing(path, mode_like=mode_like(store)) as tmp:
            write(tmp)
    except Exception as exc:
        log.warning("%s: could not write this derived file (%s)", path, exc)
        return False
    return True
