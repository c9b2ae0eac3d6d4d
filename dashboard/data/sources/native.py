"""Adapter for files already in the canonical layout: CSV, GeoJSON and GeoPackage (via pyogrio).

Each reader returns a *flat* frame (canonical columns + ``latitude``/``longitude``) whose index is the
row number a user would see: the line number for CSV (header = line 1), the feature number (from 1)
for GeoJSON and GeoPackage.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio

from dashboard.data.schema import FLAT_COLUMNS


class UnreadableFile(ValueError):
    """The file cannot be read at all; the message names the file and what was expected."""


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read any CSV as text only (no type guessing), tolerant of a UTF-8 BOM and CRLF line ends."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path.name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV") from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(f"{path.name}: the file is empty; expected a CSV with a header row") from None
    except pd.errors.ParserError as exc:
        raise UnreadableFile(f"{path.name}: not a readable CSV ({exc})") from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    return df


def read_native_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(path)


def read_native_vector(path: Path, layer: str | None = None) -> pd.DataFrame:
    """GeoJSON or GeoPackage in the canonical layout → flat frame with latitude/longitude."""
    if path.suffix.lower() in {".geojson", ".json"}:
        _check_feature_collection(path)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio raises several DataSourceError types for corrupt files
        raise UnreadableFile(f"{path.name}: not a readable GeoJSON/GeoPackage ({_first_line(exc)})") from None
    return flatten_geometry(gdf)


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


def _check_feature_collection(path: Path) -> None:
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


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
