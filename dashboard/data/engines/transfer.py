"""Copying a store between locations (GeoPackage ⇄ PostGIS, or the same engine), and a fingerprint to prove a
copy lost nothing.

A copy is a faithful replica, not a change: every record (with its version), the ``sources`` table, every change
set and history row, and the dataset version go across in storage order, in one transaction on the destination,
and no change set is added. The destination must be empty (just created by ``store init`` or not existing yet).
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from dashboard.data.engines.base import Store
from dashboard.data.engines.changes import StoreError
from dashboard.data.engines.records import RECORD_TYPES
from dashboard.i18n import N_

PLAIN_TABLES: dict[str, tuple[str, ...]] = {
    "sources": ("incident_id", "position", "organisation", "title", "url", "published"),
    "changesets": ("changeset_id", "kind", "author", "at", "reason", "detail"),
    "history": ("changeset_id", "record_type", "record_id", "version", "field", "before", "after"),
}
META_KEYS = ("dataset_hash", "revision")


def _rows(store: Store, table: str, columns: tuple[str, ...]) -> list[tuple]:
    with store.read_connection() as conn, conn.begin():
        return [tuple(r) for r in conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table} ORDER BY fid")]


def _is_empty(store: Store) -> bool:
    with store.read_connection() as conn, conn.begin():
        return conn.exec_driver_sql("SELECT count(*) FROM changesets").scalar() == 0 and all(
            conn.exec_driver_sql(f"SELECT count(*) FROM {t.table}").scalar() == 0 for t in RECORD_TYPES.values())


def copy_store(src: Store, dst: Store) -> dict[str, int]:
    """Copy everything from ``src`` into the empty ``dst``; returns the number of rows per table."""
    if not _is_empty(dst):
        raise StoreError(N_("{location}: the destination store is not empty; copy into a new location "
                            "(incident-map store init creates one)"), location=str(dst.location))
    counts: dict[str, int] = {}
    records = {name: src.records(rtype) for name, rtype in RECORD_TYPES.items()}
    plain = {table: _rows(src, table, cols) for table, cols in PLAIN_TABLES.items()}
    meta = src.meta()
    with dst.write_connection() as conn, conn.begin():
        dst.start_write(conn, exclusive=True)
        for name, rtype in RECORD_TYPES.items():
            cols = list(rtype.columns)
            rows = [tuple(rec[c] for c in cols) + (version,) +
                    ((rec.get("longitude"), rec.get("latitude")) if rtype.point else ())
                    for version, rec in records[name].values()]
            dst.bulk_insert(conn, rtype.table, [*cols, "record_version"], rows, point=rtype.point)
            counts[rtype.table] = len(rows)
        for table, cols in PLAIN_TABLES.items():
            dst.bulk_insert(conn, table, cols, plain[table])
            counts[table] = len(plain[table])
        for key in META_KEYS:
            if key in meta:
                conn.execute(sa.text("DELETE FROM store_meta WHERE key = :k"), {"k": key})
                conn.execute(sa.text("INSERT INTO store_meta (key, value) VALUES (:k, :v)"), {"k": key, "v": meta[key]})
    return counts


def fingerprint(store: Store) -> dict[str, str]:
    """A SHA-256 per table of everything a copy must carry (records with versions, sources, change sets,
    history, the dataset version), independent of the engine: two stores with equal fingerprints hold the same."""
    out = {}
    for rtype in RECORD_TYPES.values():
        out[rtype.table] = _digest([[key, version, rec] for key, (version, rec) in store.records(rtype).items()])
    for table, cols in PLAIN_TABLES.items():
        out[table] = _digest(_rows(store, table, cols))
    meta = store.meta()
    out["store_meta"] = _digest([[k, meta.get(k)] for k in META_KEYS])
    return out


def _digest(rows) -> str:
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
