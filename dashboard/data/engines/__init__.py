"""Store engines: one interface (:class:`~.base.Store`), chosen by the store location.

* a path → the embedded GeoPackage (:mod:`.gpkg`);
* a ``postgresql://…`` URL (libpq syntax, e.g. ``postgresql:///incidents?host=/run/postgresql``) → PostGIS
  (:mod:`.postgis`).

:data:`ENGINES` is the registry: each entry says which locations it takes, how to open one, and how to create the
schema. :func:`open_store` keeps one open store per location and process (the app checks the dataset version on
every rerun: that costs one small query, not a new connection pool).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.data.engines import gpkg, migrate, postgis
from dashboard.data.engines.base import HistoryEntry, Snapshot, Store, ValidationFailed
from dashboard.data.engines.changes import (
    Applied,
    Change,
    ChangeSet,
    ConflictError,
    ReasonRequired,
    StoreError,
    default_author,
)
from dashboard.data.engines.postgis import is_postgres_url, redact
from dashboard.i18n import N_

__all__ = [
    "ENGINES", "Applied", "Change", "ChangeSet", "ConflictError", "HistoryEntry", "ReasonRequired", "Snapshot",
    "Store", "StoreError", "ValidationFailed", "default_author", "describe", "init_store", "is_postgres_url",
    "open_store", "redact",
]

Populate = Callable[[Store], None]


@dataclass(frozen=True)
class Engine:
    name: str
    takes: Callable[[str], bool]
    open: Callable[[str, Populate | None], Store]  # (location, populate a store that did not exist) -> store
    init: Callable[[str], Store]  # create an empty store, or upgrade an existing one's schema


def _real_path(location: str) -> Path:
    """A store reached through a symbolic link is the file it names: creating or converting the store replaces that
    file, never the link (SQLite itself writes through links, its journal beside the target)."""
    return Path(os.path.realpath(location))


def _open_gpkg(location: str, populate: Populate | None) -> Store:
    path = _real_path(location)
    if not path.exists():
        if populate is None:
            raise StoreError(N_("{path}: no store here (incident-map store init {path} creates an empty one)"),
                             path=str(path))
        with gpkg.creation_lock(path):
            if not path.exists():
                gpkg.create(path, populate)
    _upgrade_gpkg(path)
    return gpkg.GeoPackageStore(path)


def _upgrade_gpkg(path: Path) -> None:
    from dashboard.data.engines.legacy import convert_legacy

    try:
        managed = gpkg.is_geopackage_store(path)
    except Exception as exc:
        raise StoreError(N_("{path}: not a readable store ({why})"), path=str(path), why=str(exc)) from None
    if not managed:
        with gpkg.creation_lock(path):
            if not gpkg.is_geopackage_store(path):
                convert_legacy(path)
        return
    store = gpkg.GeoPackageStore(path)
    try:
        if migrate.current(store.engine) != migrate.head():
            with gpkg.creation_lock(path):
                migrate.upgrade(store.engine)
    finally:
        store.close()


def _init_gpkg(location: str) -> Store:
    path = _real_path(location)
    with gpkg.creation_lock(path):
        if not path.exists():
            gpkg.create(path)
    _upgrade_gpkg(path)
    return gpkg.GeoPackageStore(path)


def _open_postgis(location: str, populate: Populate | None) -> Store:
    store = postgis.PostgisStore(location)
    if postgis.has_schema(store) and migrate.current(store.engine) == migrate.head():
        return store
    with postgis.migration_lock(store):
        fresh = not postgis.has_schema(store)
        if fresh and populate is None:
            store.close()
            raise StoreError(N_("{url}: the database holds no incident store yet; create one with: incident-map "
                                "store init URL"), url=redact(location))
        migrate.upgrade(store.engine)
        if fresh:
            populate(store)
    return store


def _init_postgis(location: str) -> Store:
    store = postgis.PostgisStore(location)
    postgis.upgrade(store)
    return store


ENGINES: tuple[Engine, ...] = (
    Engine("postgis", is_postgres_url, _open_postgis, _init_postgis),
    Engine("geopackage", lambda location: True, _open_gpkg, _init_gpkg),  # any other location is a file path
)

_OPEN: dict[tuple[int, str], Store] = {}
_LOCK = threading.Lock()


def engine_for(location: str) -> Engine:
    return next(e for e in ENGINES if e.takes(location))


def open_store(location: str | Path, populate: Populate | None = None) -> Store:
    """The store at ``location`` (schema upgraded if needed). A location with no store yet is created and filled
    by ``populate`` when it is given, otherwise refused."""
    key = (os.getpid(), str(location))
    with _LOCK:
        store = _OPEN.get(key)
        if store is not None and (is_postgres_url(str(location)) or Path(location).exists()):
            return store
        store = engine_for(str(location)).open(str(location), populate)
        _OPEN[key] = store
        return store


def init_store(location: str | Path) -> Store:
    """Create an empty store at ``location`` (or upgrade the schema of the one there)."""
    store = engine_for(str(location)).init(str(location))
    with _LOCK:
        _OPEN[(os.getpid(), str(location))] = store
    return store


def forget(location: str | Path) -> None:
    """Close the open store of a location (tests that delete or replace a store file)."""
    with _LOCK:
        store = _OPEN.pop((os.getpid(), str(location)), None)
    if store is not None:
        store.close()


def describe(location: str | Path) -> str:
    """A location as shown to people (a URL without its password)."""
    return redact(str(location)) if is_postgres_url(str(location)) else str(location)
