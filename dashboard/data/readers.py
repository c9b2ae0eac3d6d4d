"""Reading files as they are: CSV, JSON (records or GeoJSON) and vector files (GeoJSON, GeoPackage), recognised by
their name and first bytes. Nothing here knows a layout: the rows come back as text, indexed by the row number a
user sees (the CSV line with the header as line 1; the record or feature number from 1), and the source adapters
(:mod:`dashboard.data.sources`) map them.

A file that cannot be read at all raises :class:`UnreadableFile` with one sentence naming the file and what is wrong.
Line numbers in those sentences come from the ``csv`` module, never from pandas' messages.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pyogrio

from dashboard.data.missing import is_missing
from dashboard.errors import UnreadableFile

__all__ = ["SUFFIXES", "flatten_geometry", "gdal_reason", "load_raw", "read_csv_text", "read_native_vector"]

SUFFIXES = ("csv", "json", "geojson", "gpkg")  # what an upload may be
INCIDENT_LAYER = "incidents"  # the layer a GeoPackage written by this app holds its incidents in
_VECTOR_SUFFIXES = {".gpkg", ".geojson"}
_SPREADSHEETS = {".xlsx", ".xls", ".ods"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RECORDS_EXPECTED = 'expected ACLED API JSON {"data": [...]}, a list of records or a GeoJSON FeatureCollection'


def load_raw(path: str | Path) -> pd.DataFrame:
    """The file's rows as they are (text for CSV/JSON), indexed by the row number a user sees."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path.name}: no such file")
    suffix = path.suffix.lower()
    if suffix in _SPREADSHEETS:
        raise UnreadableFile(f"{path.name}: spreadsheets are not read directly; save the sheet as UTF-8 CSV")
    with path.open("rb") as fh:
        head = fh.read(64)
    if suffix in _VECTOR_SUFFIXES or head.startswith(b"SQLite format 3\x00"):
        return read_native_vector(path, layer=_incident_layer(path))
    if suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _read_json(path)
    return read_csv_text(path)


# ---- CSV -----------------------------------------------------------------------------------------------------
def read_csv_text(path: Path) -> pd.DataFrame:
    """Read any CSV as text only (no type guessing), tolerant of a UTF-8 BOM and CRLF line ends.

    A row with more fields than the header is an error naming its line (pandas would otherwise silently turn
    the first columns into an index and shift every value one column to the left). Lines starting with ``#``
    before the header are comments (an export's metadata, see :mod:`dashboard.export.metadata`): skipped, and the
    row numbers stay the file's line numbers."""
    comments = _leading_comments(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                             index_col=False, skiprows=comments)
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path.name}: not UTF-8 text ({_bad_utf8(path)}); save the file as UTF-8 CSV") from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(f"{path.name}: the file is empty; expected a CSV with a header row") from None
    except pd.errors.ParserWarning:
        wide = _wide_record(path)
        raise UnreadableFile(f"{path.name}: {f'line {wide[0]}' if wide else 'a row'} has more fields than the "
                             "header; quote values that contain commas") from None
    except pd.errors.ParserError as exc:
        wide = _wide_record(path)
        detail = (f"line {wide[0]} has {wide[1]} fields, the header {wide[2]}; quote values that contain commas"
                  if wide else _first_line(exc))
        raise UnreadableFile(f"{path.name}: not a readable CSV ({detail})") from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = pd.RangeIndex(comments + 2, len(df) + comments + 2, name="row")
    return df


def _leading_comments(path: Path) -> int:
    """How many lines before the header start with ``#``."""
    count = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                count += 1
    except UnicodeDecodeError:
        return 0  # pandas reports it, with its position
    return count


def _bad_utf8(path: Path) -> str:
    """Where the first byte that is not UTF-8 is: "line 3, byte 737 (0xff)"."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"line {line}, byte {exc.start} (0x{data[exc.start]:02x})"
    return "unknown position"


def _wide_record(path: Path) -> tuple[int, int, int] | None:
    """(line, fields, fields of the header) of the first record with more fields than the header, read by the
    ``csv`` module (its line numbers count the lines of quoted values too)."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(2**31 - 1)
        comments = _leading_comments(path)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for _ in range(comments):
                fh.readline()
            reader = csv.reader(fh)
            width = len(next(reader, []))
            for record in reader:
                if len(record) > width:
                    return reader.line_num + comments, len(record), width
    except (csv.Error, UnicodeDecodeError):
        pass
    finally:
        csv.field_size_limit(limit)
    return None


# ---- JSON ----------------------------------------------------------------------------------------------------
def _load_json(path: Path, *, geojson: bool) -> object:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return json.load(fh)
    except UnicodeDecodeError:
        expected = "expected a GeoJSON FeatureCollection" if geojson else "expected JSON records or GeoJSON"
        raise UnreadableFile(f"{path.name}: not UTF-8 text; {expected}") from None
    except json.JSONDecodeError as exc:
        where = (f"line {exc.lineno}); expected a GeoJSON FeatureCollection" if geojson
                 else f"line {exc.lineno}: {exc.msg})")
        raise UnreadableFile(f"{path.name}: not valid JSON ({where}") from None


def _read_json(path: Path) -> pd.DataFrame:
    doc = _load_json(path, geojson=False)
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        return read_native_vector(path)
    records = doc
    if isinstance(doc, dict):
        # ACLED API: {"status": 200, "success": true, "count": n, "data": [...]}; UCDP API: {"Result": [...]}
        records = next((doc[k] for k in ("data", "Result", "result", "records") if isinstance(doc.get(k), list)),
                       None)
        if records is None:
            detail = doc.get("error") or doc.get("message")
            hint = f" (the API said: {str(detail)[:200]})" if detail else ""
            raise UnreadableFile(f"{path.name}: JSON without a list of records{hint}; {_RECORDS_EXPECTED}")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UnreadableFile(f"{path.name}: JSON is not a list of records; {_RECORDS_EXPECTED}")
    if not records:
        raise UnreadableFile(f"{path.name}: the JSON holds no records")
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype(object).map(_as_text)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def _as_text(value: object) -> object:
    if is_missing(value):
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- GeoJSON and GeoPackage ----------------------------------------------------------------------------------
def read_native_vector(path: Path, layer: str | None = None) -> pd.DataFrame:
    """GeoJSON or GeoPackage → flat frame with latitude/longitude."""
    doc = None
    if path.suffix.lower() in {".geojson", ".json"}:
        doc = _load_json(path, geojson=True)
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
            raise UnreadableFile(f"{path.name}: GeoJSON of type {kind!r}; expected a FeatureCollection of incidents")
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


def _incident_layer(path: Path) -> str | None:
    """A GeoPackage's ``incidents`` layer (as this app writes them), else its first layer."""
    if path.suffix.lower() == ".geojson":
        return None
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # corrupt or not a GeoPackage at all
        raise UnreadableFile(f"{path.name}: not a readable GeoPackage ({gdal_reason(exc)})") from None
    if not layers:
        raise UnreadableFile(f"{path.name}: the GeoPackage has no layers; expected a layer of incidents")
    return INCIDENT_LAYER if INCIDENT_LAYER in layers else layers[0]


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
