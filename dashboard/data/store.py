"""The embedded store: one GeoPackage holding the incidents (point layer) and their sources (table).

* A store path that does not exist yet is created holding the bundled Ségou dataset.
* Writes are atomic (a temporary file in the same folder, then ``os.replace``) and serialised by an
  exclusive lock file, so an interrupted or concurrent import never leaves a half-written store.
* Reading returns the canonical GeoDataFrame, validated; a store that fails validation is an error.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from dashboard.data.schema import COLUMNS, parse_sources
from dashboard.data.sources.native import flatten_geometry, read_native_csv
from dashboard.data.validate import validate_flat

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
BUNDLED_CSV = REPO_DATA / "incidents.csv"
STORE_ENV = "INCIDENT_MAP_STORE"
INCIDENT_LAYER = "incidents"
SOURCE_LAYER = "sources"


class StoreError(RuntimeError):
    """The store cannot be read or written; the message says which file and why."""


def default_store_path() -> Path:
    return Path(os.environ.get(STORE_ENV) or REPO_DATA / "incidents.gpkg")


def resolve_store(path: str | Path | None) -> Path:
    return Path(path) if path else default_store_path()


def load_bundled() -> gpd.GeoDataFrame:
    """The curated Ségou incidents shipped in ``data/incidents.csv``, validated."""
    result = validate_flat(read_native_csv(BUNDLED_CSV), source_name=BUNDLED_CSV.name)
    if len(result.rejects):
        raise StoreError(f"{BUNDLED_CSV}: bundled data fails validation:\n{result.rejects.to_string()}")
    return result.valid


def ensure_store(path: str | Path | None = None) -> Path:
    """Return the store path, creating it from the bundled dataset if it does not exist yet."""
    store = resolve_store(path)
    if not store.exists():
        with store_lock(store):
            if not store.exists():
                write_store(store, load_bundled())
    return store


def read_store(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Read and validate the incidents of a store (created from the bundled data if missing)."""
    store = ensure_store(path)
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
        raise StoreError(f"{store}: {len(result.rejected_rows)} stored incident(s) fail validation:\n"
                         f"{result.rejects.head(20).to_string(index=False)}")
    return result.valid


def write_store(path: str | Path, incidents: gpd.GeoDataFrame) -> None:
    """Atomically replace the store with ``incidents`` (callers hold :func:`store_lock`)."""
    store = Path(path)
    store.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{store.name}.", suffix=".tmp.gpkg", dir=store.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL refuses to create a GeoPackage over an existing (empty) file
    try:
        frame = _for_gpkg(incidents)
        pyogrio.write_dataframe(frame, tmp, layer=INCIDENT_LAYER, driver="GPKG", VERSION="1.2")
        pyogrio.write_dataframe(sources_table(incidents), tmp, layer=SOURCE_LAYER, driver="GPKG", append=True)
        os.replace(tmp, store)
    finally:
        tmp.unlink(missing_ok=True)


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
