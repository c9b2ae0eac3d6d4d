"""Reading an imported GeoPackage without letting it reach anything else.

GDAL picks a driver from a file's content and many drivers follow references (a VRT names other files or URLs,
which GDAL then opens or fetches). So an imported GeoPackage is read only after :mod:`dashboard.data.sniff` has
seen the GeoPackage header, and then:

* from a private copy with a plain name (the ``GPKG:`` connection prefix cannot take a path with a colon, and the
  copy cannot be swapped between the checks and the read);
* with the one driver forced by the ``GPKG:`` prefix (pyogrio has no ``allowed_drivers``; the prefix is GDAL's way
  of naming the driver);
* after checking with SQLite itself (read-only, immutable) that the file holds no view and no virtual table other
  than an R*Tree spatial index, and that the layer is a table: a view can expand a small file into millions of
  rows, and a virtual table can be backed by another file;
* with GDAL's network access off (:func:`offline`): ``/vsicurl/`` refuses every URL and HTTP gives up at once;
* within the row and column limits, counted before any row is read.

:func:`flatten_geometry` turns points into latitude/longitude; any other geometry is named in the ``_geometry``
column, and validation rejects its row (README, "Import rules").
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from dashboard.data.schema import GEOMETRY_COLUMN
from dashboard.errors import UnreadableFile
from dashboard.i18n import N_, Count, Phrase
from dashboard.settings import Limits

__all__ = ["GEOMETRY_COLUMN", "flatten_geometry", "gdal_reason", "offline", "read_geopackage"]

INCIDENT_LAYER = "incidents"  # the layer a GeoPackage written by this app holds its incidents in
_OFFLINE = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".incident-map-offline",  # /vsicurl/ opens no URL
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "incident-map-offline",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "OSR_USE_NON_DEPRECATED": "NO",
    "PROJ_NETWORK": "OFF",
}
_NOT_READABLE = N_("{name}: not a readable GeoPackage ({why})")
_VIRTUAL = re.compile(r"^\s*create\s+virtual\s+table\s+.*?\busing\s+(\w+)", re.IGNORECASE | re.DOTALL)


def offline() -> None:
    """Turn GDAL's network access off for this process (the app never asks GDAL for anything online)."""
    pyogrio.set_gdal_config_options(_OFFLINE)


def read_geopackage(path: Path, limits: Limits) -> pd.DataFrame:
    """The rows of a GeoPackage's incident layer (``incidents`` if present, else its first layer), flat."""
    offline()
    with tempfile.TemporaryDirectory(prefix="incident-map-import-") as tmp:
        copy = Path(tmp) / "import.gpkg"
        shutil.copyfile(path, copy)
        layer = _check(copy, path.name, limits)
        try:
            gdf = pyogrio.read_dataframe(f"GPKG:{copy}", layer=layer)
        except Exception as exc:  # pyogrio raises several DataSourceError types for corrupt files
            raise UnreadableFile(_NOT_READABLE, name=path.name, why=gdal_reason(exc)) from None
    return flatten_geometry(gdf)


def _check(copy: Path, name: str, limits: Limits) -> str:
    """The layer to read, after the file passed the checks in the module docstring."""
    try:
        con = sqlite3.connect(f"{copy.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise UnreadableFile(_NOT_READABLE, name=name, why=gdal_reason(exc)) from None
    try:
        objects = con.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        views = [n for kind, n, _ in objects if kind == "view"]
        if views:
            raise UnreadableFile(N_("{name}: the GeoPackage holds a view ({view}); only tables are imported: save "
                                    "the layer as a table"), name=name, view=_quoted(views[0]))
        for _, n, sql in objects:
            module = _VIRTUAL.match(sql or "")
            if module and module.group(1).lower() != "rtree":
                raise UnreadableFile(N_("{name}: the GeoPackage holds a virtual table ({table}); only tables are "
                                        "imported: save the layer as a table"), name=name, table=_quoted(n))
        tables = {n for kind, n, sql in objects if kind == "table" and not _VIRTUAL.match(sql or "")}
        if "gpkg_contents" not in tables:
            raise UnreadableFile(N_("{name}: not a readable GeoPackage (it has no gpkg_contents table)"), name=name)
        layers = [str(n) for (n,) in con.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') ORDER BY rowid")]
        if not layers:
            raise UnreadableFile(N_("{name}: the GeoPackage has no layers; expected a layer of incidents"), name=name)
        layer = INCIDENT_LAYER if INCIDENT_LAYER in layers else layers[0]
        if layer not in tables:
            raise UnreadableFile(N_("{name}: the layer {layer} is not a table; only tables are imported"), name=name,
                                 layer=_quoted(layer))
        quoted = '"' + layer.replace('"', '""') + '"'
        columns = len(con.execute(f"SELECT * FROM {quoted} LIMIT 0").description)  # noqa: S608 (quoted name)
        if columns > limits.import_columns:
            raise UnreadableFile(N_("{name}: {n} columns, more than the limit of {limit}"), name=name,
                                 n=Count(columns), limit=Count(limits.import_columns))
        rows = con.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608
        if rows > limits.import_rows:
            raise UnreadableFile(N_("{name}: {n} rows, more than the limit of {limit} rows per import; split the file"),
                                 name=name, n=Count(rows), limit=Count(limits.import_rows))
    except sqlite3.Error as exc:
        raise UnreadableFile(_NOT_READABLE, name=name, why=gdal_reason(exc)) from None
    finally:
        con.close()
    return layer


def _quoted(text: str) -> str:
    return repr(str(text)[:60])


def flatten_geometry(gdf) -> pd.DataFrame:
    """Points become latitude/longitude columns; rows without a point keep empty coordinates, and a geometry that
    is not a point is named in :data:`GEOMETRY_COLUMN` (its row is rejected by validation)."""
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name) if hasattr(gdf, "geometry") else gdf)
    if hasattr(gdf, "geometry"):
        geom = gdf.geometry
        present = geom.notna() & ~geom.is_empty
        is_point = present & (geom.geom_type == "Point")
        if "latitude" not in df or df["latitude"].isna().all():
            points = np.where(is_point.to_numpy(), geom.to_numpy(), None)  # NaN for everything but a point
            df["latitude"] = shapely.get_y(points)
            df["longitude"] = shapely.get_x(points)
        other = present & ~is_point
        if other.any():
            df[GEOMETRY_COLUMN] = geom.geom_type.where(other, None)
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda v: isinstance(v, list | dict)).any():
            df[col] = df[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    return df


def gdal_reason(exc: Exception) -> str:
    """GDAL's and SQLite's long error messages, said in a few words (never quoting the file's content): the two
    usual ones as a :class:`~dashboard.i18n.Phrase` (said in the message's language), any other as GDAL says it."""
    text = str(exc)
    if "malformed" in text or "file is not a database" in text:
        return Phrase(N_("the file is damaged or truncated: database disk image is malformed"))
    if "not recognized as being in a supported file format" in text:
        return Phrase(N_("GDAL does not recognise the file format"))
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first[:200]
