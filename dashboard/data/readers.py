"""Reading files as they are: CSV, JSON (records or GeoJSON) and GeoPackage. Nothing here knows a layout: the rows
come back as text, indexed by the row number a user sees (the CSV line with the header as line 1; the record or
feature number from 1), and the source adapters (:mod:`dashboard.data.sources`) map them.

The format is decided from the file's bytes (:func:`dashboard.data.sniff.sniff`) and each format has exactly one
reader: CSV by pandas as text (never decompressed, whatever the name says); JSON by Python's ``json`` after its
nesting depth is checked; a GeoJSON FeatureCollection's features here, without GDAL, so a GeoJSON file cannot make
GDAL open or fetch anything (points become latitude/longitude, other geometries are named for validation to
reject); a GeoPackage by GDAL's GPKG driver alone, after the checks of :mod:`dashboard.data.geopackage`. XML (a
GDAL VRT, whatever its name), archives and other binary files are refused. The import limits
(:class:`~dashboard.settings.Limits`: size, rows, columns, JSON depth) are checked before the rows are built.

A file that cannot be read at all raises :class:`UnreadableFile` with one sentence naming the file and what is wrong,
which never quotes more of the file than its header. Line numbers in those sentences come from the ``csv`` module,
never from pandas' messages.
"""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pandas as pd

from dashboard.data.geopackage import flatten_geometry, gdal_reason, read_geopackage
from dashboard.data.missing import is_missing
from dashboard.data.schema import GEOMETRY_COLUMN
from dashboard.data.sniff import JsonTooDeep, loads_bounded, sniff
from dashboard.errors import UnreadableFile
from dashboard.i18n import N_, Count, Phrase
from dashboard.settings import Limits

__all__ = ["GEOMETRY_COLUMN", "SUFFIXES", "flatten_geometry", "gdal_reason", "load_raw", "read_csv_text"]

SUFFIXES = ("csv", "json", "geojson", "gpkg")  # what an upload may be
_SPREADSHEETS = {".xlsx", ".xls", ".ods"}
_KINDS = {".gpkg": "GeoPackage", ".geojson": "GeoJSON FeatureCollection"}  # what a name promises


def load_raw(path: str | Path, limits: Limits | None = None) -> pd.DataFrame:
    """The file's rows as they are (text for CSV/JSON), indexed by the row number a user sees."""
    path = Path(path)
    limits = limits or Limits()
    if not path.is_file():
        raise UnreadableFile(N_("{name}: no such file") if not path.exists() else N_("{name}: not a file"),
                             name=path.name)
    suffix = path.suffix.lower()
    if suffix in _SPREADSHEETS:
        raise UnreadableFile(N_("{name}: spreadsheets are not read directly; save the sheet as UTF-8 CSV"),
                             name=path.name)
    size = path.stat().st_size
    if size > limits.upload_bytes:
        raise UnreadableFile(N_("{name}: {mb} MB, larger than the limit of {limit} MB per import; split the file"),
                             name=path.name, mb=f"{size / 2**20:.1f}", limit=limits.upload_mb)
    with path.open("rb") as fh:
        head = fh.read(4096)
    kind, why = sniff(head)
    expected = _KINDS.get(suffix)
    if kind is None:
        if expected:
            raise UnreadableFile(N_("{name}: not a {expected} (it is {why}); nothing was read from it"),
                                 name=path.name, expected=expected, why=Phrase(why))
        raise UnreadableFile(N_("{name}: not a CSV, JSON, GeoJSON or GeoPackage file (it is {why}); nothing was "
                                "read from it"), name=path.name, why=Phrase(why))
    if suffix == ".gpkg" and kind != "gpkg":
        raise UnreadableFile(N_("{name}: not a readable GeoPackage (not an SQLite file)"), name=path.name)
    if kind == "gpkg":
        return read_geopackage(path, limits)
    if kind == "json" or suffix in (".json", ".geojson"):  # text named .json: the JSON parser says what is wrong
        return _read_json(path, limits, geojson=suffix == ".geojson")
    return read_csv_text(path, limits)


# ---- CSV -----------------------------------------------------------------------------------------------------
def read_csv_text(path: Path, limits: Limits | None = None) -> pd.DataFrame:
    """Read any CSV as text only (no type guessing, no decompression), tolerant of a UTF-8 BOM and CRLF line ends.

    A row with more fields than the header is an error naming its line (pandas would otherwise silently turn
    the first columns into an index and shift every value one column to the left). Lines starting with ``#``
    before the header are comments (an export's metadata, see :mod:`dashboard.export.metadata`): skipped, and the
    row numbers stay the file's line numbers. With ``limits``, a file with more columns or rows than allowed is
    refused before its rows are built."""
    comments = _leading_comments(path)
    if limits is not None:
        _check_header(path, limits, comments)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                             index_col=False, compression=None, skiprows=comments,
                             nrows=None if limits is None else limits.import_rows + 1)
    except UnicodeDecodeError:
        line, byte, code = _bad_utf8(path)
        raise UnreadableFile(N_("{name}: not UTF-8 text (line {line}, byte {byte} ({code})); save the file as UTF-8 "
                                "CSV"), name=path.name, line=line, byte=byte, code=code) from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(N_("{name}: the file is empty; expected a CSV with a header row"),
                             name=path.name) from None
    except pd.errors.ParserWarning:
        wide = _wide_record(path)
        if wide:
            raise UnreadableFile(N_("{name}: line {line} has more fields than the header; quote values that contain "
                                    "commas"), name=path.name, line=wide[0]) from None
        raise UnreadableFile(N_("{name}: a row has more fields than the header; quote values that contain commas"),
                             name=path.name) from None
    except pd.errors.ParserError as exc:
        wide = _wide_record(path)
        if wide:
            raise UnreadableFile(N_("{name}: not a readable CSV (line {line} has {fields} fields, the header "
                                    "{header}; quote values that contain commas)"),
                                 name=path.name, line=wide[0], fields=wide[1], header=wide[2]) from None
        raise UnreadableFile(N_("{name}: not a readable CSV ({detail})"), name=path.name,
                             detail=_first_line(exc)) from None
    if limits is not None and len(df) > limits.import_rows:
        raise UnreadableFile(N_("{name}: more than {limit} rows, the limit per import; split the file"),
                             name=path.name, limit=Count(limits.import_rows))
    df.columns = [str(c).strip() for c in df.columns]
    df.index = pd.RangeIndex(comments + 2, len(df) + comments + 2, name="row")
    return df


def _check_header(path: Path, limits: Limits, comments: int = 0) -> None:
    """Refuse a header wider than the column limit (pandas would build every column first); ``comments``: the
    ``#`` lines before the header."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(limits.upload_bytes)
        with path.open(encoding="utf-8-sig", newline="", errors="replace") as fh:
            for _ in range(comments):
                fh.readline()
            width = len(next(csv.reader(fh), []))
    except csv.Error:
        return  # pandas says what is wrong with the file
    finally:
        csv.field_size_limit(limit)
    if width > limits.import_columns:
        raise UnreadableFile(N_("{name}: {n} columns, more than the limit of {limit}"), name=path.name, n=Count(width),
                             limit=limits.import_columns)


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


def _bad_utf8(path: Path) -> tuple[int | str, int | str, str]:
    """Where the first byte that is not UTF-8 is: (3, 737, "0xff") for line 3, byte 737."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return line, exc.start, f"0x{data[exc.start]:02x}"
    return "?", "?", "?"


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


# ---- JSON and GeoJSON ----------------------------------------------------------------------------------------
def _load_json(path: Path, limits: Limits, *, geojson: bool) -> object:
    expected = Phrase(N_("expected a GeoJSON FeatureCollection") if geojson else N_("expected JSON records or GeoJSON"))
    try:
        return loads_bounded(path.read_bytes(), limits.json_depth)
    except UnicodeDecodeError:
        raise UnreadableFile(N_("{name}: not UTF-8 text; {expected}"), name=path.name, expected=expected) from None
    except JsonTooDeep as exc:
        raise UnreadableFile(N_("{name}: JSON nested {depth} levels deep, more than the limit of {limit}; {expected}"),
                             name=path.name, depth=exc.depth, limit=exc.limit, expected=expected) from None
    except json.JSONDecodeError as exc:
        if geojson:
            raise UnreadableFile(N_("{name}: not valid JSON (line {line}); expected a GeoJSON FeatureCollection"),
                                 name=path.name, line=exc.lineno) from None
        raise UnreadableFile(N_("{name}: not valid JSON (line {line}: {why})"), name=path.name, line=exc.lineno,
                             why=exc.msg) from None


def _read_json(path: Path, limits: Limits, *, geojson: bool) -> pd.DataFrame:
    doc = _load_json(path, limits, geojson=geojson)
    if geojson or (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"):
        return _read_features(path, doc, limits)
    records = doc
    if isinstance(doc, dict):
        # ACLED API: {"status": 200, "success": true, "count": n, "data": [...]}; UCDP API: {"Result": [...]}
        records = next((doc[k] for k in ("data", "Result", "result", "records") if isinstance(doc.get(k), list)),
                       None)
        if records is None:
            detail = doc.get("error") or doc.get("message")
            if detail:
                raise UnreadableFile(N_('{name}: JSON without a list of records (the API said: {said}); expected '
                                        'ACLED API JSON {{"data": [...]}}, a list of records or a GeoJSON '
                                        'FeatureCollection'), name=path.name, said=str(detail)[:200])
            raise UnreadableFile(N_('{name}: JSON without a list of records; expected ACLED API JSON {{"data": [...]}}, '
                                    'a list of records or a GeoJSON FeatureCollection'), name=path.name)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UnreadableFile(N_('{name}: JSON is not a list of records; expected ACLED API JSON {{"data": [...]}}, a '
                                'list of records or a GeoJSON FeatureCollection'), name=path.name)
    if not records:
        raise UnreadableFile(N_("{name}: the JSON holds no records"), name=path.name)
    _check_size(path, len(records), {k for r in records for k in r}, limits)
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype(object).map(_as_text)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def _read_features(path: Path, doc: object, limits: Limits) -> pd.DataFrame:
    """A GeoJSON FeatureCollection, read here rather than by GDAL (module docstring): one row per feature, its
    properties as text, a point as latitude/longitude, any other geometry named in ``_geometry``."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise UnreadableFile(N_("{name}: GeoJSON of type {kind}; expected a FeatureCollection of incidents"),
                             name=path.name, kind=repr(str(kind)[:40]))
    features = doc.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise UnreadableFile(N_("{name}: the FeatureCollection's features are not a list of objects"),
                             name=path.name)
    props = [f.get("properties") if isinstance(f.get("properties"), dict) else {} for f in features]
    _check_size(path, len(features), {k for p in props for k in p}, limits)
    rows = []
    for feature, properties in zip(features, props, strict=True):
        row = {str(k).strip(): _as_text(v) for k, v in properties.items()}
        kind, lat, lon = _point(feature.get("geometry"))
        if kind is not None:
            row[GEOMETRY_COLUMN] = kind
        elif lat is not None and is_missing(row.get("latitude")):
            row["latitude"], row["longitude"] = lat, lon
        rows.append(row)
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def _point(geometry: object) -> tuple[str | None, str | None, str | None]:
    """``(None, lat, lon)`` for a GeoJSON point (``(None, None, None)`` without a geometry), else ``(type, None,
    None)`` naming what it is instead."""
    if geometry is None:
        return None, None, None
    if not isinstance(geometry, dict):
        return "geometry that is not a GeoJSON object", None, None
    kind = geometry.get("type")
    if kind != "Point":
        return (str(kind)[:40] if isinstance(kind, str) else "geometry without a type"), None, None
    coords = geometry.get("coordinates")
    if coords == []:
        return None, None, None  # an empty point: no place
    if (not isinstance(coords, list) or len(coords) not in (2, 3)
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)):
        return "Point without two numeric coordinates", None, None
    return None, repr(float(coords[1])), repr(float(coords[0]))


def _check_size(path: Path, rows: int, columns: set, limits: Limits) -> None:
    if rows > limits.import_rows:
        raise UnreadableFile(N_("{name}: {n} records, more than the limit of {limit} rows per import; split the "
                                "file"), name=path.name, n=Count(rows), limit=Count(limits.import_rows))
    if len(columns) > limits.import_columns:
        raise UnreadableFile(N_("{name}: {n} fields, more than the limit of {limit}"), name=path.name,
                             n=Count(len(columns)), limit=limits.import_columns)


def _as_text(value: object) -> object:
    if is_missing(value):
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

