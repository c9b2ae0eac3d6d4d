"""Adapter for files already in the canonical layout: CSV, GeoJSON and GeoPackage (via pyogrio).

Each reader returns a *flat* frame (canonical columns + ``latitude``/``longitude``) whose index is the
row number a user would see: the line number for CSV (header = line 1), the feature number (from 1)
for GeoJSON and GeoPackage.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pyogrio

from dashboard.data.schema import FLAT_COLUMNS

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableFile(ValueError):
    """The file cannot be read at all; the message names the file and what was expected."""


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read any CSV as text only (no type guessing), tolerant of a UTF-8 BOM and CRLF line ends.

    A row with more fields than the header is an error naming its line (pandas would otherwise silently turn
    the first columns into an index and shift every value one column to the left)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                             index_col=False)
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path.name}: not UTF-8 text ({_bad_utf8(path)}); save the file as UTF-8 CSV") from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(f"{path.name}: the file is empty; expected a CSV with a header row") from None
    except pd.errors.ParserWarning:
        raise UnreadableFile(f"{path.name}: {_long_row(path)} has more fields than the header; quote values "
                             "that contain commas") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        detail = (f"line {found[2]} has {found[3]} fields, the header {found[1]}; quote values that contain commas"
                  if found else _first_line(exc))
        raise UnreadableFile(f"{path.name}: not a readable CSV ({detail})") from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    return df


def _bad_utf8(path: Path) -> str:
    """Where the first byte that is not UTF-8 is: "line 3, byte 737 (0xff)"."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"line {line}, byte {exc.start} (0x{data[exc.start]:02x})"
    return "unknown position"


def _long_row(path: Path) -> str:
    """The line of the first record with more fields than the header, for the error message."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(2**31 - 1)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            width = len(next(reader, []))
            for record in reader:
                if len(record) > width:
                    return f"line {reader.line_num}"
    except (csv.Error, UnicodeDecodeError):
        pass
    finally:
        csv.field_size_limit(limit)
    return "a row"


def read_native_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(path)


def read_native_vector(path: Path, layer: str | None = None) -> pd.DataFrame:
    """GeoJSON or GeoPackage in the canonical layout → flat frame with latitude/longitude."""
    doc = _check_feature_collection(path) if path.suffix.lower() in {".geojson", ".json"} else None
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio raises several DataSourceError types for corrupt files
        raise UnreadableFile(f"{path.name}: not a readable GeoJSON/GeoPackage ({gdal_reason(exc)})") from None
    flat = flatten_geometry(gdf)
    if doc is not None:
        _restore_control_characters(flat, doc)
    return flat


def _restore_control_characters(flat: pd.DataFrame, doc: dict) -> None:
    """GDAL cuts a string at a NUL: put back the original text, so that validation rejects the cell instead of
    importing a silently shortened one."""
    for number, feature in enumerate(doc.get("features") or [], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        for key, value in (props or {}).items() if isinstance(props, dict) else ():
            if isinstance(value, str) and key in flat.columns and number in flat.index and _CONTROL.search(value):
                flat[key] = flat[key].astype(object)
                flat.at[number, key] = value


def flatten_geometry(gdf) -> pd.DataFrame:
    """Points become latitude/longitude columns; rows without a point keep empty coordinates."""
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name) if hasattr(gdf, "geometry") else gdf)
    if hasattr(gdf, "geometry"):
        geom = gdf.geometry
        is_point = geom.notna() & ~geom.is_empty & (geom.geom_type == "Point")
        if "latitude" not in df or df["latitude"].isna().all():
            df["latitude"] = geom.y.where(is_point)
            df["longitude"] = geom.x.where(is_point)
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda v: isinstance(v, list | dict)).any():
            df[col] = df[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    return df


def is_native_layout(columns) -> bool:
    cols = set(columns)
    return {"incident_id", "date_start", "perpetrator_category", "sources"} <= cols


def native_columns() -> tuple[str, ...]:
    return FLAT_COLUMNS


def _check_feature_collection(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path.name}: not UTF-8 text; expected a GeoJSON FeatureCollection") from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{path.name}: not valid JSON (line {exc.lineno}); expected a GeoJSON "
                             "FeatureCollection") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise UnreadableFile(f"{path.name}: GeoJSON of type {kind!r}; expected a FeatureCollection of incidents")
    return doc


def gdal_reason(exc: Exception) -> str:
    """GDAL's long error messages, said in a few words."""
    text = str(exc)
    if "malformed" in text or "file is not a database" in text:
        return "the file is damaged or truncated: database disk image is malformed"
    if "not recognized as being in a supported file format" in text:
        return "GDAL does not recognise the file format"
    return _first_line(exc)[:200]


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
