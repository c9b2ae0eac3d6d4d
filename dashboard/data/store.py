"""The embedded store: one GeoPackage holding the incidents (point layer) and their sources (table).

* A store path that does not exist yet is created holding the bundled Ségou dataset.
* Writes are atomic (a temporary file in the same folder, then ``os.replace``) and serialised by an
  exclusive lock file, so an interrupted or concurrent import never leaves a half-written store.
* Reading returns the canonical GeoDataFrame, validated; a store that fails validation is an error.
* A fast cache sits beside the store: ``<store>.parquet`` (GeoParquet, zstd, page checksums) holding the validated
  frame and its dataset version. It is keyed on the GeoPackage's size, mtime and inode and on the validation rules
  (a hash of ``schema.py`` and ``validate.py``), and is rebuilt whenever any of them differs or the file cannot be
  read back exactly (corrupt, truncated, other columns or dtypes): it is never trusted over the store. Reading it
  is many times faster than reading and validating the GeoPackage (``docs/benchmarks.md``: store load).
* The text-search index (:mod:`dashboard.data.search`) is built with the cache and saved beside it as
  ``<store>.search.arrow``, keyed on the same key and the dataset version; a stale or unreadable one is rebuilt
  (by :func:`load_store`) or ignored (by :func:`read_store`, which then searches by scanning).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio

from dashboard import bundled
from dashboard.data.atomic import replacing
from dashboard.data.readers import flatten_geometry, read_csv_text
from dashboard.data.schema import COLUMNS, parse_sources
from dashboard.data.search import SearchIndex
from dashboard.data.validate import CRS, validate_flat
from dashboard.errors import StoreError
from dashboard.settings import STORE_ENV as STORE_ENV  # re-exported: the variable naming the store
from dashboard.settings import Settings

BUNDLED_CSV = bundled.path("incidents.csv")
INCIDENT_LAYER = "incidents"
SOURCE_LAYER = "sources"
CACHE_SUFFIX = ".parquet"
SEARCH_SUFFIX = ".search.arrow"
CACHE_FORMAT = 1  # bump when the cached layout changes
_CACHE_META = b"incident_map_cache"
log = logging.getLogger(__name__)


def default_store_path() -> Path:
    """The configured store (``$INCIDENT_MAP_STORE``, else the default data folder: see :mod:`dashboard.settings`).
    The CLI and the app pass their :class:`~dashboard.settings.Settings`' store explicitly."""
    return Settings.from_env().store


def resolve_store(path: str | Path | None) -> Path:
    return Path(path) if path else default_store_path()


def load_bundled() -> gpd.GeoDataFrame:
    """What a fresh store holds, validated: the curated Ségou incidents (``dashboard/bundled/incidents.csv``) and the
    bundled UCDP GED 21.1 extract as its own dataset (:mod:`dashboard.data.ucdp_layer`)."""
    from dashboard.data.ucdp_layer import ucdp_flat

    flat = pd.concat([read_csv_text(BUNDLED_CSV), ucdp_flat()], ignore_index=True)
    result = validate_flat(flat, source_name=BUNDLED_CSV.name)
    if len(result.rejects):
        raise StoreError(f"{BUNDLED_CSV}: bundled data fails validation", detail=result.rejects.to_string())
    return result.valid


def ensure_store(path: str | Path | None = None) -> Path:
    """Return the store path, creating it from the bundled dataset if it does not exist yet."""
    store = resolve_store(path)
    if not store.exists():
        with store_lock(store):
            if not store.exists():
                write_store(store, load_bundled())
    return store


@dataclass(frozen=True)
class StoreData:
    """The validated incidents of a store, their dataset version, and whether they came from the fast cache."""

    incidents: gpd.GeoDataFrame
    version: str
    from_cache: bool
    search: SearchIndex | None = None  # the text-search index of exactly these rows, when one is fresh


def read_store(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Read and validate the incidents of a store (created from the bundled data if missing).

    Uses the fast cache when it is fresh but never writes one: a plain read (a CLI query, an import's dry run)
    leaves no file behind. :func:`load_store`, which the app uses, builds the cache."""
    return load_store(path, write_cache=False).incidents


def load_store(path: str | Path | None = None, *, use_cache: bool = True, write_cache: bool = True) -> StoreData:
    """The store's incidents and dataset version: from the fast cache when it is fresh, otherwise from the
    GeoPackage (validated), after which the cache is (re)built unless ``write_cache`` is false."""
    store = ensure_store(path)
    key = _cache_key(store)
    data = _read_cache(store, key) if use_cache else None
    if data is None:
        incidents = _read_geopackage(store)
        data = StoreData(incidents=incidents, version=dataset_version(incidents), from_cache=False)
        if use_cache and write_cache and _cache_key(store) == key:  # the store did not change while it was read
            _write_cache(store, key, data.incidents, data.version)
    if not use_cache:
        return data
    search_key = {"store": key, "version": data.version, "rows": len(data.incidents)}
    search = _open_search(store, search_key)
    if search is None and write_cache and _cache_key(store) == key:
        search = SearchIndex.build(data.incidents)
        _atomic_write(search_path(store), lambda tmp: search.save(tmp, search_key), store)
    return replace(data, search=search)


def cache_path(path: str | Path) -> Path:
    store = Path(path)
    return store.with_name(store.name + CACHE_SUFFIX)


def search_path(path: str | Path) -> Path:
    store = Path(path)
    return store.with_name(store.name + SEARCH_SUFFIX)


def _open_search(store: Path, key: dict) -> SearchIndex | None:
    path = search_path(store)
    if not path.exists():
        return None
    try:
        return SearchIndex.open(path, key)
    except Exception as exc:  # truncated or foreign: rebuilt (or, for a plain read, searched by scanning)
        log.warning("%s: ignoring the search index (%s)", path, exc)
        return None


def _read_geopackage(store: Path) -> gpd.GeoDataFrame:
    try:
        layer = pyogrio.read_dataframe(store, layer=INCIDENT_LAYER)
    except Exception as exc:
        raise StoreError(f"{store}: cannot read the '{INCIDENT_LAYER}' layer ({exc})") from None
    flat = flatten_geometry(layer)
    for col in ("date_start", "date_end"):
        if col in flat:
            flat[col] = pd.to_datetime(flat[col]).dt.strftime("%Y-%m-%d")
    result = validate_flat(flat, source_name=str(store))
    if len(result.rejects):
        raise StoreError(f"{store}: {len(result.rejected_rows)} stored incident(s) fail validation",
                         detail=result.rejects.head(20).to_string(index=False))
    return result.valid


# ---- the fast cache ----------------------------------------------------------------------------------------
def _cache_key(store: Path) -> dict:
    stat = store.stat()
    return {"format": CACHE_FORMAT, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino,
            "rules": _rules_fingerprint()}


@cache
def _rules_fingerprint() -> str:
    """Validation rules in force: a cache validated under other rules is stale."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("schema.py", "validate.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


_STRING = pd.StringDtype("pyarrow", na_value=np.nan)  # the canonical text dtype ("str")


def _read_cache(store: Path, key: dict) -> StoreData | None:
    """The cached frame if the cache is fresh and reads back whole; ``None`` (rebuild) otherwise."""
    path = cache_path(store)
    if not path.exists():
        return None
    try:
        meta = json.loads(pq.read_schema(path).metadata[_CACHE_META])
        if meta.get("key") != key:
            return None  # stale: the store (or the validation rules) changed since the cache was built
        # one chunk per column (a row group of up to 1 Mi rows): later row selections are several times faster
        table = pq.ParquetFile(path, page_checksum_verification=True).read()
        if table.num_rows != meta["rows"] or table.column_names != [*COLUMNS, "geometry"]:
            raise ValueError("unexpected rows or columns")
        geometry = table.column("geometry").combine_chunks()
        frame = table.drop(["geometry"]).combine_chunks().to_pandas(
            types_mapper={pa.string(): _STRING, pa.large_string(): _STRING}.get)
        has_point = geometry.is_valid().to_numpy(zero_copy_only=False)
        x = np.where(has_point, geometry.field("x").to_numpy(zero_copy_only=False), 0.0)
        y = np.where(has_point, geometry.field("y").to_numpy(zero_copy_only=False), 0.0)
        points = gpd.points_from_xy(x, y, crs=CRS)
        points[~has_point] = None
        incidents = gpd.GeoDataFrame(frame, geometry=points, crs=CRS)
        if _dtypes(incidents) != meta["dtypes"]:  # as validated when the cache was built (same rules: see key)
            raise ValueError("unexpected dtypes")
        return StoreData(incidents=incidents, version=str(meta["version"]), from_cache=True)
    except Exception as exc:  # corrupt, truncated or foreign: never trusted, rebuilt from the store
        log.warning("%s: ignoring the store cache (%s); rebuilding it", path, exc)
        return None


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {c: f"{t}/{getattr(t, 'storage', '')}/{getattr(t, 'na_value', '')}" for c, t in frame.dtypes.items()}


def _write_cache(store: Path, key: dict, incidents: gpd.GeoDataFrame, version: str) -> None:
    """The validated frame as GeoParquet 1.1 (point encoding, zstd, page checksums), with its key and version."""
    table = pa.Table.from_pandas(pd.DataFrame(incidents[list(COLUMNS)]), preserve_index=False)
    geom = incidents.geometry
    has_point = (geom.notna() & ~geom.is_empty).to_numpy()
    xy = pa.StructArray.from_arrays(
        [pa.array(np.where(has_point, geom.x, 0.0)), pa.array(np.where(has_point, geom.y, 0.0))],
        names=["x", "y"], mask=pa.array(~has_point))
    table = table.append_column(pa.field("geometry", xy.type, nullable=True), xy)
    geo = {"version": "1.1.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "point", "geometry_types": ["Point"],
                                    "crs": gpd.GeoSeries([], crs=CRS).crs.to_json_dict()}}}
    meta = {"key": key, "rows": len(incidents), "version": version, "dtypes": _dtypes(incidents)}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode(),
                                           _CACHE_META: json.dumps(meta).encode()})
    _atomic_write(cache_path(store),
                  lambda tmp: pq.write_table(table, tmp, compression="zstd", write_page_checksum=True), store)


def _atomic_write(path: Path, write, store: Path) -> None:
    """``write(tmp)`` then rename over ``path``, as readable as the store. A derived file that cannot be written
    (read-only folder, full disk...) is simply skipped: it is rebuilt or done without next time."""
    try:
        with replacing(path, mode_like=store) as tmp:
            write(tmp)
    except Exception as exc:
        log.warning("%s: could not write this derived file (%s)", path, exc)


def write_store(path: str | Path, incidents: gpd.GeoDataFrame) -> None:
    """Atomically replace the store with ``incidents`` (callers hold :func:`store_lock`)."""
    store = Path(path)
    store.parent.mkdir(parents=True, exist_ok=True)
    frame = _for_gpkg(incidents)
    _remove_stale_temporaries(store)
    # a fresh name that GDAL itself creates (it refuses to write a GeoPackage over an existing empty file, so no
    # mkstemp placeholder): once the temporary file exists it stays until it replaces the store or is removed
    with replacing(store, suffix=".tmp.gpkg", create=False) as tmp:
        pyogrio.write_dataframe(frame, tmp, layer=INCIDENT_LAYER, driver="GPKG", VERSION="1.2")
        pyogrio.write_dataframe(sources_table(incidents), tmp, layer=SOURCE_LAYER, driver="GPKG", append=True)
    for derived in (cache_path(store), search_path(store)):
        derived.unlink(missing_ok=True)  # stale now (and their keys would say so anyway)


def _remove_stale_temporaries(store: Path) -> None:
    """Temporary stores left by a killed import. Only a writer holding the lock creates one, and the caller holds
    it now, so any that exists belongs to a writer that died."""
    for leftover in store.parent.glob(f".{glob.escape(store.name)}.*.tmp.gpkg*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            log.warning("%s: removed a temporary file left by an interrupted write", leftover)


@contextlib.contextmanager
def store_lock(path: str | Path) -> Iterator[None]:
    """Exclusive advisory lock beside the store; concurrent writers wait their turn."""
    store = Path(path)
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(store.with_name(store.name + ".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def sources_table(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per (incident, source), for GIS users joining on incident_id."""
    rows = [
        {
            "incident_id": ident,
            "position": i,
            "organisation": s.organisation,
            "title": s.title,
            "url": s.url,
            "published": s.published,
        }
        for ident, cell in zip(incidents["incident_id"], incidents["sources"], strict=True)
        for i, s in enumerate(parse_sources(cell), start=1)
    ]
    return pd.DataFrame(rows, columns=["incident_id", "position", "organisation", "title", "url", "published"])


def dataset_version(incidents: pd.DataFrame) -> str:
    """A short content hash of the incidents: cite it with a view so others can tell data versions apart."""
    digest = hashlib.sha256()
    frame = incidents[list(COLUMNS)].sort_values("incident_id", kind="stable")
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    geom = incidents.geometry.loc[frame.index]
    digest.update(geom.x.to_numpy(dtype="float64").tobytes())
    digest.update(geom.y.to_numpy(dtype="float64").tobytes())
    return digest.hexdigest()[:12]


def _for_gpkg(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = incidents[[*COLUMNS, incidents.geometry.name]].copy()
    for col in ("date_start", "date_end"):
        frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    frame["civilian_targeting"] = frame["civilian_targeting"].astype("object").where(
        frame["civilian_targeting"].notna(), None
    )
    return frame
