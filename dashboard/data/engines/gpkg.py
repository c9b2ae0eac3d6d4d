"""The embedded engine: one GeoPackage file, written in place with SQLite transactions (WAL journal).

* Every write is one SQLite transaction started with ``BEGIN IMMEDIATE``: writers (processes or threads) take
  turns, waiting up to :data:`BUSY_SECONDS` for the one before; readers are never blocked (WAL) and see the
  store as of their transaction's start. A writer killed mid-transaction leaves nothing: SQLite rolls back the
  unfinished transaction when the file is next opened. No write rewrites the file.
* The file stays a valid GeoPackage 1.2 (the schema comes from :mod:`.migrations`): ``ogrinfo`` and QGIS read
  it, including while the app writes. Points are GeoPackage geometry blobs (a ``GP`` header with SRID 4326 and no
  envelope, then little-endian WKB), as GDAL writes them.
* The spatial index triggers the GeoPackage spec prescribes call ``ST_IsEmpty``, ``ST_MinX``, ``ST_MaxX``,
  ``ST_MinY`` and ``ST_MaxY``. GDAL, QGIS and SpatiaLite provide those SQL functions; Python's sqlite3 does not,
  so :func:`register_functions` adds equivalents on every connection this engine opens (otherwise any insert or
  update of a point fails with "no such function: ST_IsEmpty"). Keeping the spec's own triggers, rather than
  triggers of our own, means a GIS program that edits the file keeps the index right too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import sqlite3
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import shapely
import sqlalchemy as sa

from dashboard.data.engines import migrate
from dashboard.data.engines.base import Store
from dashboard.data.engines.changes import StoreError
from dashboard.i18n import N_

BUSY_SECONDS = 600  # a writer waits this long for the one before it (a large import can take minutes)
SRID = 4326
_HEADER = b"GP\x00\x01" + struct.pack("<i", SRID)  # version 0, flags: little-endian, no envelope, not empty
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


# ---- GeoPackage geometry blobs ------------------------------------------------------------------------------
def point_blob(lon: float | None, lat: float | None) -> bytes | None:
    """A GeoPackage geometry blob of a WGS84 point, or None when there is no point."""
    if lon is None or lat is None:
        return None
    return _HEADER + struct.pack("<BIdd", 1, 1, float(lon), float(lat))


def _split(blob: bytes) -> tuple[int, bytes]:
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0x07)
    if envelope is None:
        raise ValueError("invalid GeoPackage envelope indicator")
    return flags, blob[8 + envelope:]


def blob_point(blob: bytes | None) -> tuple[float | None, float | None]:
    """(longitude, latitude) of a GeoPackage point blob; (None, None) for no point or an empty one."""
    if blob is None:
        return None, None
    flags, wkb = _split(bytes(blob))
    if flags & 0x10:
        return None, None
    if len(wkb) == 21 and wkb[0] == 1 and wkb[1:5] == b"\x01\x00\x00\x00":
        _, _, x, y = struct.unpack("<BIdd", wkb)
        return x, y
    geom = shapely.from_wkb(wkb)
    if geom.is_empty:
        return None, None
    return geom.x, geom.y


def _bounds(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    flags, wkb = _split(bytes(blob))
    if flags & 0x10:
        return None
    if len(wkb) == 21 and wkb[0] == 1:
        x, y = blob_point(blob)
        return x, y, x, y
    return tuple(shapely.from_wkb(wkb).bounds)


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    flags, wkb = _split(bytes(blob))
    return int(bool(flags & 0x10) or shapely.from_wkb(wkb).is_empty) if len(wkb) != 21 else int(bool(flags & 0x10))


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the GeoPackage R-tree triggers call (see module doc)."""
    conn.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    for index, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        conn.create_function(name, 1, lambda b, i=index: None if (bb := _bounds(b)) is None else bb[i],
                             deterministic=True)


# ---- the engine -------------------------------------------------------------------------------------------------
def _engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_SECONDS},
                              poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # transactions are begun below, as this engine needs them
        register_functions(dbapi_conn)
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        # a writer takes the write lock at once (and waits its turn); anything else reads a snapshot, never waiting
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


class GeoPackageStore(Store):
    engine_name = "geopackage"

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(str(path), _engine(self.path))

    def point_sql(self) -> str:
        return ":geom"

    def point_params(self, record: dict) -> dict:
        return {"geom": point_blob(record.get("longitude"), record.get("latitude"))}

    def select_point_sql(self) -> str:
        return "geom"

    def read_point(self, row):
        return blob_point(row[0])

    @contextlib.contextmanager
    def write_connection(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn.execution_options(write=True)

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn.execution_options(write=False)

    def bulk_insert(self, conn, table, columns, rows, point=False) -> None:
        """``executemany`` on the sqlite3 cursor: SQLAlchemy's per-row work dominates at a million rows."""
        if not rows:
            return
        names = [*columns, *(["geom"] if point else [])]
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        n = len(columns)
        if point:
            rows = [(*r[:n], point_blob(r[n], r[n + 1])) for r in rows]
        conn.connection.driver_connection.executemany(sql, rows)


def is_geopackage_store(path: Path) -> bool:
    """A file this engine manages (created by its migrations), as opposed to a GeoPackage from before them."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return "alembic_version" in tables


@contextlib.contextmanager
def creation_lock(path: Path) -> Iterator[None]:
    """Serialises creating (or converting) the store file between processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def create(path: Path, populate: Callable[[GeoPackageStore], None] | None = None) -> None:
    """Create a store file whole: schema (and ``populate``'s first change set) in a temporary file that then
    replaces ``path``, so no reader ever sees a half-made store. Callers hold :func:`creation_lock`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(f".{path.name}.*.creating*"):  # from a killed creation (we hold the lock)
        leftover.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.creating")
    try:
        store = GeoPackageStore(tmp)
        try:
            migrate.upgrade(store.engine)
            if populate is not None:
                populate(store)
        finally:
            store.close()  # the last connection to close checkpoints the WAL into the file and removes it
        os.replace(tmp, path)
    except sqlite3.Error as exc:
        raise StoreError(N_("{path}: cannot create the store ({why})"), path=str(path), why=str(exc)) from None
    finally:
        for name in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            name.unlink(missing_ok=True)
