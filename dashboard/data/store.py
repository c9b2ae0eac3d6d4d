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
* Each row of the ``incidents`` layer is a *report* (one dataset's record of an event); the ``decisions`` table
  holds the decisions that group reports into incidents (:mod:`dashboard.data.reconcile`). :func:`load_store`
  returns both levels: the incident frame every view counts (cached as ``<store>.incidents.parquet``, same key),
  and the reports.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
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
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.incidents import INCIDENT_COLUMNS
from dashboard.data.reconcile.view import ReportLevel, bundled_decisions, incidents_of, linked_digest
from dashboard.data.schema import COLUMNS, parse_sources
from dashboard.data.search import SearchIndex
from dashboard.data.validate import CRS, validate_flat
from dashboard.errors import StoreError
from dashboard.settings import STORE_ENV as STORE_ENV  # re-exported: the variable naming the store
from dashboard.settings import Settings

BUNDLED_CSV = bundled.path("incidents.csv")
INCIDENT_LAYER = "incidents"
SOURCE_LAYER = "sources"
DECISION_LAYER = "decisions"
DECISION_FIELDS = ("decision_id", "a", "b", "verdict", "author", "at", "reason", "score", "evidence")
CACHE_SUFFIX = ".parquet"
INCIDENT_CACHE_SUFFIX = ".incidents.parquet"
SEARCH_SUFFIX = ".search.arrow"
CACHE_FORMAT = 2  # bump when the cached layout changes
_CACHE_META = b"incident_map_cache"
log = logging.getLogger(__name__)


def default_store_path() -> Path:
    """The configured store (``$INCIDENT_MAP_STORE``, else the default data folder: see :mod:`dashboard.settings`).
    The CLI and the app pass their :class:`~dashboard.settings.Settings`' store explicitly."""
    return Settings.from_env().store


def resolve_store(path: str | Path | None) -> Path:
    return Path(path) if path else default_store_path()


def load_bundled() -> gpd.GeoDataFrame:
    """The curated Ségou incidents shipped in ``dashboard/bundled/incidents.csv``, validated."""
    result = validate_flat(read_csv_text(BUNDLED_CSV), source_name=BUNDLED_CSV.name)
    if len(result.rejects):
        raise StoreError(f"{BUNDLED_CSV}: bundled data fails validation", detail=result.rejects.to_string())
    return result.valid


def ensure_store(path: str | Path | None = None) -> Path:
    """Return the store path, creating it from the bundled dataset if it does not exist yet."""
    store = resolve_store(path)
    if not store.exists():
        with store_lock(store):
            if not store.exists():
                reports = load_bundled()
                write_store(store, reports, bundled_decisions(reports))
    return store


@dataclass(frozen=True)
class StoreData:
    """A store's incidents (the frame every view counts: reports grouped by the decisions), its reports and
    decisions, its dataset version, and whether the frames came from the fast cache."""

    incidents: gpd.GeoDataFrame
    version: str
    from_cache: bool
    search: SearchIndex | None = None  # the text-search index of exactly these incidents, when one is fresh
    reports: gpd.GeoDataFrame | None = None  # every stored report, validated
    decisions: tuple[Decision, ...] = ()
    report_incident: np.ndarray | None = None  # for each report (in order), the id of its incident

    @property
    def report_level(self) -> ReportLevel:
        return ReportLevel(self.reports, self.report_incident)


def read_store(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Read and validate the *reports* of a store (created from the bundled data if missing).

    Uses the fast cache when it is fresh but never writes one: a plain read (a CLI query, an import's dry run)
    leaves no file behind. :func:`load_store`, which the app uses, builds the cache."""
    return load_store(path, write_cache=False).reports


def load_store(path: str | Path | None = None, *, use_cache: bool = True, write_cache: bool = True) -> StoreData:
    """The store's incidents, reports and dataset version: from the fast cache when it is fresh, otherwise from
    the GeoPackage (validated) and the decisions, after which the cache is (re)built unless ``write_cache`` is
    false."""
    store = ensure_store(path)
    key = _cache_key(store)
    decisions = read_decisions(store)
    data = _read_cache(store, key, decisions) if use_cache else None
    if data is None:
        reports = _read_geopackage(store)
        built = incidents_of(reports, decisions)
        data = StoreData(incidents=built.frame, version=dataset_version(reports, decisions), from_cache=False,
                         reports=reports, decisions=decisions, report_incident=built.report_incident)
        if use_cache and write_cache and _cache_key(store) == key:  # the store did not change while it was read
            _write_cache(store, key, data)
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


def incident_cache_path(path: str | Path) -> Path:
    store = Path(path)
    return store.with_name(store.name + INCIDENT_CACHE_SUFFIX)


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


def _read_cache(store: Path, key: dict, decisions: tuple[Decision, ...]) -> StoreData | None:
    """The cached frames if the cache is fresh and reads back whole; ``None`` (rebuild) otherwise."""
    reports = _read_frame(cache_path(store), key, list(COLUMNS))
    incidents = _read_frame(incident_cache_path(store), key, [*COLUMNS, *INCIDENT_COLUMNS])
    if reports is None or incidents is None or reports[1] != incidents[1]:
        return None
    if reports[2] != dataset_version(reports[0], decisions):
        return None  # the decisions differ from those the incident frame was built from
    report_incident = incidents[3].get("report_incident")
    if report_incident is None or len(report_incident) != len(reports[0]):
        return None
    return StoreData(incidents=incidents[0], version=reports[2], from_cache=True, reports=reports[0],
                     decisions=decisions, report_incident=np.asarray(report_incident, dtype=object))


def _read_frame(path: Path, key: dict, columns: list[str]) -> tuple[gpd.GeoDataFrame, str, str, dict] | None:
    """One cached frame: (frame, its cache key as text, the dataset version, the rest of its metadata)."""
    if not path.exists():
        return None
    try:
        meta = json.loads(pq.read_schema(path).metadata[_CACHE_META])
        if meta.get("key") != key:
            return None  # stale: the store (or the validation rules) changed since the cache was built
        # one chunk per column (a row group of up to 1 Mi rows): later row selections are several times faster
        table = pq.ParquetFile(path, page_checksum_verification=True).read()
        if table.num_rows != meta["rows"] or table.column_names != [*columns, "geometry"]:
            raise ValueError("unexpected rows or columns")
        geometry = table.column("geometry").combine_chunks()
        frame = table.drop(["geometry"]).combine_chunks().to_pandas(
            types_mapper={pa.string(): _STRING, pa.large_string(): _STRING}.get)
        has_point = geometry.is_valid().to_numpy(zero_copy_only=False)
        x = np.where(has_point, geometry.field("x").to_numpy(zero_copy_only=False), 0.0)
        y = np.where(has_point, geometry.field("y").to_numpy(zero_copy_only=False), 0.0)
        points = gpd.points_from_xy(x, y, crs=CRS)
        points[~has_point] = None
        frame = gpd.GeoDataFrame(frame, geometry=points, crs=CRS)
        if _dtypes(frame) != meta["dtypes"]:  # as validated when the cache was built (same rules: see key)
            raise ValueError("unexpected dtypes")
        return frame, json.dumps(key, sort_keys=True), str(meta["version"]), meta
    except Exception as exc:  # corrupt, truncated or foreign: never trusted, rebuilt from the store
        log.warning("%s: ignoring the store cache (%s); rebuilding it", path, exc)
        return None


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {c: f"{t}/{getattr(t, 'storage', '')}/{getattr(t, 'na_value', '')}" for c, t in frame.dtypes.items()}


def _write_cache(store: Path, key: dict, data: StoreData) -> None:
    """Both frames as GeoParquet 1.1 (point encoding, zstd, page checksums), with their key and version."""
    _write_frame(cache_path(store), store, key, data.reports, list(COLUMNS), data.version, {})
    _write_frame(incident_cache_path(store), store, key, data.incidents, [*COLUMNS, *INCIDENT_COLUMNS],
                 data.version, {"report_incident": [str(r) for r in data.report_incident]})


def _write_frame(path: Path, store: Path, key: dict, frame: gpd.GeoDataFrame, columns: list[str], version: str,
                 extra: dict) -> None:
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
    meta = {"key": key, "rows": len(frame), "version": version, "dtypes": _dtypes(frame), **extra}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode(),
                                           _CACHE_META: json.dumps(meta).encode()})
    _atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", write_page_checksum=True), store)


def _atomic_write(path: Path, write, store: Path) -> None:
    """``write(tmp)`` then rename over ``path``, as readable as the store. A derived file that cannot be written
    (read-only folder, full disk...) is simply skipped: it is rebuilt or done without next time."""
    try:
        with replacing(path, mode_like=store) as tmp:
            write(tmp)
    except Exception as exc:
        log.warning("%s: could not write this derived file (%s)", path, exc)


def write_store(path: str | Path, incidents: gpd.GeoDataFrame, decisions: Sequence[Decision] = ()) -> None:
    """Atomically replace the store with the reports ``incidents`` and the ``decisions`` about them (callers hold
    :func:`store_lock`)."""
    store = Path(path)
    store.parent.mkdir(parents=True, exist_ok=True)
    frame = _for_gpkg(incidents)
    _remove_stale_temporaries(store)
    # a fresh name that GDAL itself creates (it refuses to write a GeoPackage over an existing empty file, so no
    # mkstemp placeholder): once the temporary file exists it stays until it replaces the store or is removed
    with replacing(store, suffix=".tmp.gpkg", create=False) as tmp:
        pyogrio.write_dataframe(frame, tmp, layer=INCIDENT_LAYER, driver="GPKG", VERSION="1.2")
        pyogrio.write_dataframe(sources_table(incidents), tmp, layer=SOURCE_LAYER, driver="GPKG", append=True)
        pyogrio.write_dataframe(decisions_table(decisions), tmp, layer=DECISION_LAYER, driver="GPKG", append=True)
    for derived in (cache_path(store), incident_cache_path(store), search_path(store)):
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


def decisions_table(decisions: Sequence[Decision]) -> pd.DataFrame:
    """The decisions as a plain table (the store's ``decisions`` layer)."""
    frame = pd.DataFrame([d.to_record() for d in decisions], columns=list(DECISION_FIELDS))
    frame["score"] = pd.array(frame["score"], dtype="Int64")
    return frame


def read_decisions(path: str | Path) -> tuple[Decision, ...]:
    """The decisions a store holds (none in a store written before reconciliation existed)."""
    store = Path(path)
    try:
        if DECISION_LAYER not in {name for name, _ in pyogrio.list_layers(store)}:
            return ()
        table = pyogrio.read_dataframe(store, layer=DECISION_LAYER, read_geometry=False)
    except Exception as exc:
        raise StoreError(f"{store}: cannot read the '{DECISION_LAYER}' table ({exc})") from None
    table = table.astype(object).where(table.notna(), None)
    return tuple(Decision.from_record(r) for r in table.to_dict("records"))


def dataset_version(incidents: pd.DataFrame, decisions: Sequence[Decision] = ()) -> str:
    """A short content hash of the reports and of which of them are linked into one incident: cite it with a view
    so others can tell data versions apart."""
    digest = hashlib.sha256()
    frame = incidents[list(COLUMNS)].sort_values("incident_id", kind="stable")
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    geom = incidents.geometry.loc[frame.index]
    digest.update(geom.x.to_numpy(dtype="float64").tobytes())
    digest.update(geom.y.to_numpy(dtype="float64").tobytes())
    digest.update(linked_digest(decisions))
    return digest.hexdigest()[:12]


def _for_gpkg(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = incidents[[*COLUMNS, incidents.geometry.name]].copy()
    for col in ("date_start", "date_end"):
        frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    frame["civilian_targeting"] = frame["civilian_targeting"].astype("object").where(
        frame["civilian_targeting"].notna(), None
    )
    return frame
