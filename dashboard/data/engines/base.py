"""The store interface both engines share: read the records and the dataset version, apply a change set in one
transaction, read the history.

Engine subclasses (:mod:`.gpkg`, :mod:`.postgis`) only say how to connect, how a point is written and read, how
writers are serialised, and how many rows are inserted at once; everything else (versions per record, conflict
detection, history rows, the dataset version, the derived ``sources`` table) is here, once, in plain SQL through
SQLAlchemy connections.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.data.engines.changes import Applied, Change, ChangeSet, ConflictError, StoreError
from dashboard.data.engines.records import (
    INCIDENT,
    RecordType,
    combine,
    record_type,
    to_json,
    version_text,
)
from dashboard.data.schema import parse_sources
from dashboard.i18n import N_

T = TypeVar("T")

CHUNK = 500  # keys per IN (...) list


class ValidationFailed(StoreError):
    """A change would store a record the schema refuses; the message lists every problem."""


@dataclass(frozen=True)
class Snapshot:
    """All incidents as flat records (a frame in storage order) and the store's dataset version and revision."""

    flat: pd.DataFrame
    version: str
    revision: int


@dataclass(frozen=True)
class HistoryEntry:
    changeset_id: str
    kind: str
    author: str
    at: str
    reason: str
    record_type: str
    record_id: str
    version: int
    field: str | None  # None: the whole record was created (after) or deleted (before)
    before: object
    after: object

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class Store:
    """One store location. Use :func:`dashboard.data.engines.open_store` to get one."""

    engine_name = "?"

    def __init__(self, location: str, engine: sa.Engine):
        self.location = location
        self.engine = engine

    # ---- engine hooks -----------------------------------------------------------------------------------------
    def point_sql(self) -> str:
        """SQL expression binding ``:longitude``/``:latitude`` (or an engine-specific parameter) as the point."""
        raise NotImplementedError

    def point_params(self, record: dict) -> dict:
        return {"longitude": record.get("longitude"), "latitude": record.get("latitude")}

    def select_point_sql(self) -> str:
        """Columns selecting a stored point (as what :meth:`read_point` takes)."""
        raise NotImplementedError

    def read_point(self, row: Sequence) -> tuple[float | None, float | None]:
        """(longitude, latitude) from the columns :meth:`select_point_sql` selected."""
        raise NotImplementedError

    def write_connection(self):
        """A connection whose transaction may write."""
        raise NotImplementedError

    def start_write(self, conn: sa.Connection, exclusive: bool) -> None:
        """Called first in a write transaction; ``exclusive``: serialise with every other importer."""

    def read_connection(self):
        """A connection whose transaction sees one consistent snapshot."""
        raise NotImplementedError

    def lock_for_update(self) -> str:
        return ""  # PostgreSQL: " FOR UPDATE"

    def bulk_insert(self, conn: sa.Connection, table: str, columns: Sequence[str], rows: list[tuple],
                    point: bool = False) -> None:
        """Insert many rows; with ``point`` the last two values of each row are longitude, latitude."""
        names = list(columns)
        values = [f":{c}" for c in names]
        if point:
            names.append("geom")
            values.append(self.point_sql())
        sql = sa.text(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})")
        params = []
        for row in rows:
            item = dict(zip(columns, row[: len(columns)], strict=True))
            if point:
                item.update(self.point_params({"longitude": row[-2], "latitude": row[-1]}))
            params.append(item)
        if params:
            conn.execute(sql, params)

    def plain(self, kind: str, value: object) -> object:
        """A value read from the database as a plain flat value."""
        if value is None:
            return None
        if kind == "date":
            return value if isinstance(value, str) else value.isoformat()
        if kind == "bool":
            return bool(value)
        if kind == "int":
            return int(value)
        return value

    def close(self) -> None:
        self.engine.dispose()

    # ---- reading ---------------------------------------------------------------------------------------------
    def meta(self, conn: sa.Connection | None = None) -> dict[str, str]:
        if conn is None:
            with self.read_connection() as c, c.begin():
                return self.meta(c)
        return {k: v for k, v in conn.execute(sa.text("SELECT key, value FROM store_meta"))}

    def version(self) -> str:
        """The dataset version (a content hash of the incidents), read from the store: cheap."""
        return version_text(int(self.meta()["dataset_hash"]))

    def state(self) -> tuple[str, int]:
        """(dataset version, revision): what a reader checks to know whether the store changed."""
        meta = self.meta()
        return version_text(int(meta["dataset_hash"])), int(meta.get("revision", 0))

    def read(self, rtype: RecordType = INCIDENT) -> Snapshot:
        """Every record of a type as a flat frame (storage order) with the version, in one snapshot."""
        return self.read_types((rtype,))[0]

    def read_types(self, rtypes: Sequence[RecordType]) -> list[Snapshot]:
        """:meth:`read` of several types in one snapshot (the reports and the decisions that group them)."""
        with self.read_connection() as conn, conn.begin():
            meta = self.meta(conn)
            return [self._read(conn, rtype, meta) for rtype in rtypes]

    def read_in_chunks(self, rtype: RecordType, size: int, each: Callable[[pd.DataFrame], T],
                       also: Sequence[RecordType] = ()) -> tuple[list[T], list[Snapshot], str]:
        """``each`` of the flat frames of ``size`` records of ``rtype`` at a time (storage order, rows numbered as
        :meth:`read` numbers them), the snapshots of ``also``, and the version, all in one snapshot: a caller that
        keeps only what ``each`` makes of a chunk never holds every record as Python objects (a store's load)."""
        with self.read_connection() as conn, conn.begin():
            meta = self.meta(conn)
            others = [self._read(conn, t, meta) for t in also]
            done = [each(flat) for flat in self._chunks(conn, rtype, size)]
        return done, others, version_text(int(meta["dataset_hash"]))

    def _read(self, conn: sa.Connection, rtype: RecordType, meta: dict) -> Snapshot:
        (flat,) = self._chunks(conn, rtype, None)
        return Snapshot(flat=flat, version=version_text(int(meta["dataset_hash"])),
                        revision=int(meta.get("revision", 0)))

    def _chunks(self, conn: sa.Connection, rtype: RecordType, size: int | None) -> Iterator[pd.DataFrame]:
        """The records as flat frames of ``size`` rows (``None``: one frame, even empty), from one statement."""
        cols = list(rtype.columns)
        select = ", ".join(cols) + (f", {self.select_point_sql()}" if rtype.point else "")
        result = conn.execution_options(stream_results=True).exec_driver_sql(
            f"SELECT {select} FROM {rtype.table} ORDER BY fid")
        kinds = dict(rtype.fields)
        start = 1
        while True:
            rows = result.fetchmany(size) if size else result.fetchall()
            if not rows and start > 1:
                return
            data = {c: [self.plain(kinds[c], r[i]) for r in rows] for i, c in enumerate(cols)}
            if rtype.point:
                points = [self.read_point(r[len(cols):]) for r in rows]
                data["longitude"] = [p[0] for p in points]
                data["latitude"] = [p[1] for p in points]
            del rows[:]  # the row tuples, before the frame copies the columns
            flat = pd.DataFrame({n: data[n] for n in rtype.names}, columns=list(rtype.names))
            del data
            flat.index = pd.RangeIndex(start, start + len(flat), name="row")
            start += len(flat)
            yield flat
            if not size or len(flat) < size:
                return

    def current(self, ids: Iterable[str], rtype: RecordType = INCIDENT, conn: sa.Connection | None = None,
                lock: bool = False) -> dict[str, tuple[int, dict]]:
        """The stored records with these keys: key -> (version, flat record)."""
        if conn is None:
            with self.read_connection() as c, c.begin():
                return self.current(ids, rtype, c)
        cols = list(rtype.columns)
        select = ", ".join(cols) + ", record_version" + (f", {self.select_point_sql()}" if rtype.point else "")
        kinds = dict(rtype.fields)
        out: dict[str, tuple[int, dict]] = {}
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            sql = sa.text(f"SELECT {select} FROM {rtype.table} WHERE {rtype.key} IN :keys"
                          f"{self.lock_for_update() if lock else ''}").bindparams(sa.bindparam("keys", expanding=True))
            for row in conn.execute(sql, {"keys": chunk}):
                record = {c: self.plain(kinds[c], row[i]) for i, c in enumerate(cols)}
                if rtype.point:
                    record["longitude"], record["latitude"] = self.read_point(row[len(cols) + 1:])
                out[record[rtype.key]] = (int(row[len(cols)]), {n: record.get(n) for n in rtype.names})
        return out

    def records(self, rtype: RecordType = INCIDENT) -> dict[str, tuple[int, dict]]:
        """Every stored record of a type: key -> (version, flat record)."""
        with self.read_connection() as conn, conn.begin():
            keys = [r[0] for r in conn.execute(sa.text(f"SELECT {rtype.key} FROM {rtype.table} ORDER BY fid"))]
            found = self.current(keys, rtype, conn)
        return {k: found[k] for k in keys}  # storage order

    def history(self, record_id: str | None = None, rtype: RecordType = INCIDENT) -> list[HistoryEntry]:
        """The history of one record (or of every record), oldest first."""
        where, params = "", {}
        if record_id is not None:
            where, params = "WHERE h.record_type = :rt AND h.record_id = :rid", {"rt": rtype.name, "rid": record_id}
        sql = sa.text(f"""SELECT h.changeset_id, c.kind, c.author, c.at, c.reason, h.record_type, h.record_id,
                                 h.version, h.field, h.before, h.after
                          FROM history h JOIN changesets c ON c.changeset_id = h.changeset_id
                          {where} ORDER BY h.record_type, h.record_id, h.version, h.fid""")
        with self.read_connection() as conn, conn.begin():
            rows = conn.execute(sql, params).fetchall()
        return [HistoryEntry(*r[:9], before=_json(r[9]), after=_json(r[10])) for r in rows]

    def changeset(self, changeset_id: str) -> dict | None:
        with self.read_connection() as conn, conn.begin():
            return _changeset(conn, changeset_id)

    # ---- writing ---------------------------------------------------------------------------------------------
    def apply(self, cs: ChangeSet) -> Applied:
        """Apply every change of ``cs`` in one transaction, or none (see module doc of :mod:`.changes`)."""
        by_type: dict[str, list[Change]] = {}
        for change in cs.changes:
            by_type.setdefault(change.record_type, []).append(change)
        with self.write_connection() as conn, conn.begin():
            self.start_write(conn, exclusive=cs.skip_existing)
            done = {"inserted": [], "updated": [], "deleted": [], "skipped": []}
            history: list[tuple] = []
            added_hash, removed_hash = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.uint64)]
            for name, changes in by_type.items():
                rtype = record_type(name)
                plus, minus = self._apply_type(conn, cs, rtype, changes, done, history)
                if rtype.hash_rows is not None:  # the types the dataset version covers
                    added_hash.append(rtype.hash_rows(plus))
                    removed_hash.append(rtype.hash_rows(minus))
            if not history:
                return Applied(changeset_id=None, skipped=tuple(done["skipped"]), version=self.version_in(conn))
            conn.execute(sa.text("INSERT INTO changesets (changeset_id, kind, author, at, reason, detail) "
                                 "VALUES (:id, :kind, :author, :at, :reason, :detail)"),
                         {"id": cs.changeset_id, "kind": cs.kind, "author": cs.author, "at": cs.at,
                          "reason": cs.reason.strip(), "detail": to_json(dict(cs.detail)) if cs.detail else None})
            self.bulk_insert(conn, "history", ("changeset_id", "record_type", "record_id", "version", "field",
                                               "before", "after"), history)
            base, version = self._bump(conn, np.concatenate(added_hash), np.concatenate(removed_hash))
        # a key once, though a report's licence and workflow records share its key
        once = {k: tuple(dict.fromkeys(v)) for k, v in done.items()}
        return Applied(changeset_id=cs.changeset_id, inserted=once["inserted"], updated=once["updated"],
                       deleted=once["deleted"], skipped=once["skipped"], version=version, base_version=base)

    def version_in(self, conn: sa.Connection) -> str:
        return version_text(int(self.meta(conn)["dataset_hash"]))

    def _bump(self, conn: sa.Connection, added: np.ndarray, removed: np.ndarray) -> tuple[str, str]:
        """(the dataset version before, after) this change set, read and written under the write lock."""
        meta = dict(conn.execute(sa.text(f"SELECT key, value FROM store_meta WHERE key IN ('dataset_hash', "
                                         f"'revision'){self.lock_for_update()}")).fetchall())
        total = combine(int(meta["dataset_hash"]), added, removed)
        revision = int(meta.get("revision", 0)) + 1
        conn.execute(sa.text("UPDATE store_meta SET value = :v WHERE key = 'dataset_hash'"), {"v": str(total)})
        if "revision" in meta:
            conn.execute(sa.text("UPDATE store_meta SET value = :v WHERE key = 'revision'"), {"v": str(revision)})
        else:
            conn.execute(sa.text("INSERT INTO store_meta (key, value) VALUES ('revision', :v)"), {"v": str(revision)})
        return version_text(int(meta["dataset_hash"])), version_text(total)

    def _apply_type(self, conn, cs: ChangeSet, rtype: RecordType, changes: list[Change], done: dict,
                    history: list) -> tuple[list[dict], list[dict]]:
        stored = self.current([c.record_id for c in changes], rtype, conn, lock=True)
        natural = self._stored_natural_keys(conn, rtype, changes) if rtype.natural_key else set()
        last = self._last_versions(conn, rtype, [c.record_id for c in changes if c.op == "insert"
                                                 and c.record_id not in stored])
        inserts, updates, deletes = [], [], []
        added, removed = [], []
        seen: set = set()
        for change in changes:
            key = change.record_id
            if change.op == "insert":
                nat = tuple(change.values.get(k) for k in rtype.natural_key) if rtype.natural_key else ()
                has_nat = bool(nat) and all(v is not None for v in nat)
                if key in stored or key in seen or (has_nat and nat in natural):
                    if cs.skip_existing:
                        done["skipped"].append(key)
                        continue
                    raise StoreError(N_("{id}: a {kind} with this id (or this dataset record) is already stored; "
                                        "edit it instead of adding it again"), id=key, kind=rtype.name)
                seen.add(key)
                if has_nat:
                    natural.add(nat)
                version = last.get(key, 0) + 1  # 1, or after a deletion the next version (a restore)
                record = {n: change.values.get(n) for n in rtype.names}
                inserts.append((record, version))
                history.append((cs.changeset_id, rtype.name, key, version, None, None, to_json(record)))
                added.append(record)
                done["inserted"].append(key)
                continue
            if key not in stored:
                by = self._last_change(conn, rtype, key)
                if change.expected_version is not None and by is not None:
                    raise ConflictError(key, change.expected_version, None, by)
                raise StoreError(N_("{id}: no such {kind} in the store"), id=key, kind=rtype.name)
            version, old = stored[key]
            if change.expected_version is not None and change.expected_version != version:
                raise ConflictError(key, change.expected_version, version, self._last_change(conn, rtype, key))
            if change.op == "delete":
                deletes.append((key, version))
                history.append((cs.changeset_id, rtype.name, key, version + 1, None, to_json(old), None))
                removed.append(old)
                done["deleted"].append(key)
                continue
            new = {**old, **dict(change.values or {})}
            diff = [n for n in rtype.names if new.get(n) != old.get(n)]
            if not diff:
                continue
            updates.append((key, version, new, diff))
            for n in diff:
                history.append((cs.changeset_id, rtype.name, key, version + 1, n, to_json(old.get(n)),
                                to_json(new.get(n))))
            removed.append(old)
            added.append(new)
            done["updated"].append(key)
        self._write(conn, rtype, inserts, updates, deletes)
        return added, removed

    def would_skip(self, records: Sequence[dict], rtype: RecordType = INCIDENT) -> set[str]:
        """Keys of the records an import would skip (already stored, or repeating an earlier record)."""
        changes = [Change(r[rtype.key], "insert", r, record_type=rtype.name) for r in records]
        with self.read_connection() as conn, conn.begin():
            stored = set(self.current([c.record_id for c in changes], rtype, conn))
            natural = self._stored_natural_keys(conn, rtype, changes) if rtype.natural_key else set()
        return duplicates(records, rtype, stored, natural)

    def _stored_natural_keys(self, conn, rtype: RecordType, changes: list[Change]) -> set[tuple]:
        wanted = {tuple(c.values.get(k) for k in rtype.natural_key) for c in changes if c.op == "insert"}
        wanted = {w for w in wanted if all(v is not None for v in w)}
        if not wanted:
            return set()
        first, rest = rtype.natural_key[0], rtype.natural_key[1:]
        found: set[tuple] = set()
        firsts = sorted({w[0] for w in wanted})
        cols = ", ".join(rtype.natural_key)
        for start in range(0, len(firsts), CHUNK):
            sql = sa.text(f"SELECT {cols} FROM {rtype.table} WHERE {first} IN :v"
                          + "".join(f" AND {r} IS NOT NULL" for r in rest)).bindparams(
                sa.bindparam("v", expanding=True))
            found.update(tuple(r) for r in conn.execute(sql, {"v": firsts[start:start + CHUNK]}))
        return found & wanted

    def _last_versions(self, conn, rtype: RecordType, keys: list[str]) -> dict[str, int]:
        """The last version in history of each key that has one (a deleted record being inserted again)."""
        out: dict[str, int] = {}
        for start in range(0, len(keys), CHUNK):
            sql = sa.text("SELECT record_id, max(version) FROM history WHERE record_type = :t AND record_id IN :k "
                          "GROUP BY record_id").bindparams(sa.bindparam("k", expanding=True))
            out.update({k: int(v) for k, v in conn.execute(sql, {"t": rtype.name, "k": keys[start:start + CHUNK]})})
        return out

    def _last_change(self, conn, rtype: RecordType, key: str) -> dict | None:
        row = conn.execute(sa.text("SELECT changeset_id FROM history WHERE record_type = :t AND record_id = :k "
                                   "ORDER BY version DESC, fid DESC LIMIT 1"), {"t": rtype.name, "k": key}).first()
        return None if row is None else _changeset(conn, row[0])

    def _write(self, conn, rtype: RecordType, inserts, updates, deletes) -> None:
        cols = list(rtype.columns)
        if inserts:
            rows = [tuple(r[c] for c in cols) + (v,) + ((r.get("longitude"), r.get("latitude")) if rtype.point else ())
                    for r, v in inserts]
            self.bulk_insert(conn, rtype.table, [*cols, "record_version"], rows, point=rtype.point)
        for key, version, new, diff in updates:
            sets = [f"{n} = :{n}" for n in diff if n in cols]
            params = {n: new[n] for n in diff if n in cols}
            if rtype.point and ({"latitude", "longitude"} & set(diff)):
                sets.append(f"geom = {self.point_sql()}")
                params.update(self.point_params(new))
            sql = (f"UPDATE {rtype.table} SET {', '.join([*sets, 'record_version = :nv'])} "
                   f"WHERE {rtype.key} = :key AND record_version = :ov")
            result = conn.execute(sa.text(sql), {**params, "nv": version + 1, "key": key, "ov": version})
            if result.rowcount != 1:
                raise ConflictError(key, version, None, self._last_change(conn, rtype, key))
        for key, version in deletes:
            result = conn.execute(sa.text(f"DELETE FROM {rtype.table} WHERE {rtype.key} = :key "
                                          "AND record_version = :ov"), {"key": key, "ov": version})
            if result.rowcount != 1:
                raise ConflictError(key, version, None, self._last_change(conn, rtype, key))
        if rtype is INCIDENT:
            resourced = {k: n for k, _, n, d in updates if "sources" in d}
            written = {**{r["incident_id"]: r for r, _ in inserts}, **resourced}
            self._write_sources(conn, written, remove=[*resourced, *(k for k, _ in deletes)])

    def _write_sources(self, conn, records: dict[str, dict], remove: list[str]) -> None:
        """The ``sources`` table (one row per incident and source, for GIS joins) follows the incidents."""
        for start in range(0, len(remove), CHUNK):
            conn.execute(sa.text("DELETE FROM sources WHERE incident_id IN :k").bindparams(
                sa.bindparam("k", expanding=True)), {"k": remove[start:start + CHUNK]})
        rows = [(k, i, s.organisation, s.title, s.url, s.published)
                for k, record in records.items() for i, s in enumerate(parse_sources(record["sources"]), start=1)]
        self.bulk_insert(conn, "sources", ("incident_id", "position", "organisation", "title", "url", "published"),
                         rows)


def duplicates(records: Sequence[dict], rtype: RecordType, stored: set[str], natural: set[tuple]) -> set[str]:
    """Keys of records that repeat a stored record (key or natural key) or an earlier record of the list."""
    seen, natural, out = set(stored), set(natural), set()
    for r in records:
        nat = tuple(r.get(k) for k in rtype.natural_key)
        has_nat = bool(nat) and all(v is not None for v in nat)
        if r[rtype.key] in seen or (has_nat and nat in natural):
            out.add(r[rtype.key])
            continue
        seen.add(r[rtype.key])
        if has_nat:
            natural.add(nat)
    return out


def _changeset(conn, changeset_id: str) -> dict | None:
    row = conn.execute(sa.text("SELECT changeset_id, kind, author, at, reason, detail FROM changesets "
                               "WHERE changeset_id = :c"), {"c": changeset_id}).first()
    if row is None:
        return None
    return {"changeset_id": row[0], "kind": row[1], "author": row[2], "at": row[3], "reason": row[4],
            "detail": _json(row[5])}


def _json(text):
    return None if text is None else json.loads(text)
