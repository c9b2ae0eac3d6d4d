"""Hostile files for the import tests: files that try to make the server read its own files or a URL, expand into
far more than they weigh, nest beyond any need, or carry dates, geometries and provenance the record must not take.

Every case is a file name, a function that writes the file's bytes (given a folder holding :data:`SECRET`'s file
and the URL of a :class:`Listener` on 127.0.0.1), and the exact outcome: :class:`Refused` (exit code 2, one line,
the store byte-identical, no rejects file) or :class:`Imported` (what was added and which rows were rejected why).
Whatever the outcome, the listener must receive no request and no byte of the secret file may appear in any
message, the store or the rejects file.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import http.server
import io
import json
import sqlite3
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import Polygon

from dashboard.export.files import to_gpkg_bytes
from tests.factories import incidents, row
from tests.hardening.corpus import NATIVE_COLUMNS, write_native_csv

SECRET = "SERVER-SECRET-7d1f0c"  # in the "server file" a VRT points at: it must never come back out


@dataclass(frozen=True)
class Refused:
    message: str  # the whole error line after "error: "


@dataclass(frozen=True)
class Imported:
    added: int
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, problem substring)


@dataclass(frozen=True)
class Case:
    name: str  # the file's name
    make: Callable[[Path, str], bytes]  # (folder with the secret file, listener URL) -> the file's bytes
    expected: Refused | Imported | Callable[[], Refused | Imported]  # a callable is computed when the case runs

    def outcome(self) -> Refused | Imported:
        """The expected outcome, dated now when it names the import day: the CLI and the served app (other
        processes) read the real clock, so an outcome dated when this module loaded would fail after midnight."""
        return self.expected() if callable(self.expected) else self.expected


# ---- a listener that must hear nothing ---------------------------------------------------------------------
class Listener:
    """An HTTP server on 127.0.0.1 that records every request (a VRT or a linked CRS would call it)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                body = f"incident_id,location\nLEAK-1,{SECRET}\n".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    with Listener() as listener:
        yield listener


# ---- the "server file" --------------------------------------------------------------------------------------
def write_secret(folder: Path) -> Path:
    """A server-side CSV in the canonical layout, so that a VRT pointing at it would be imported as incidents."""
    return write_native_csv(folder / "server-secret.csv",
                            [good(incident_id="LEAK-1", source_record_id="LEAK-1", location=SECRET, summary=SECRET)])


def good(**overrides) -> dict[str, str]:
    return {c: v for c, v in row(**{"incident_id": "F-1", "source_record_id": "F-1", "verification": "reported",
                                    **overrides}).items() if v is not None}


def csv_of(*rows: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=NATIVE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c, "") for c in NATIVE_COLUMNS})
    return buffer.getvalue().encode("utf-8")


def vrt(source: str) -> bytes:
    """A GDAL VRT whose layer, named like the incident layer, is the one layer of ``source`` (a file or URL; GDAL
    names a CSV's or GeoJSON's layer after the file's stem)."""
    return (f'<OGRVRTDataSource>\n  <OGRVRTLayer name="incidents">\n    <SrcDataSource>{source}</SrcDataSource>\n'
            f"    <SrcLayer>{Path(source).stem}</SrcLayer>\n  </OGRVRTLayer>\n</OGRVRTDataSource>\n").encode()


def _local_vrt(folder: Path, _url: str) -> bytes:
    return vrt(str(write_secret(folder)))


def _url_vrt(_folder: Path, url: str) -> bytes:
    return vrt(f"/vsicurl/{url}/secret.csv")


def _geojson_url_vrt(_folder: Path, url: str) -> bytes:
    return vrt(f"{url}/secret.geojson")


# ---- GeoPackages --------------------------------------------------------------------------------------------
VIEW_ROWS = 200_000


def _gpkg_bytes(folder: Path, build: Callable[[Path], None]) -> bytes:
    path = folder / f"_{build.__name__}.gpkg"
    path.unlink(missing_ok=True)
    build(path)
    return path.read_bytes()


def _gdal_gpkg(path: Path) -> None:
    """One incident in a GeoPackage GDAL wrote (an export: ``incidents`` + ``sources`` layers, GDAL's own tables)."""
    path.write_bytes(to_gpkg_bytes(incidents(good())))


def build_view_gpkg(path: Path) -> None:
    """One incident in a table ``base``, and a layer ``incidents`` that is a view repeating it VIEW_ROWS times."""
    _gdal_gpkg(path)
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE incidents RENAME TO base")
        columns = [r[1] for r in db.execute("PRAGMA table_info(base)") if r[1] != "fid"]
        db.execute(
            f"CREATE VIEW incidents AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {VIEW_ROWS}) SELECT n.i AS fid, {', '.join(f'base.{c}' for c in columns)} FROM n, base")
        db.execute("UPDATE gpkg_contents SET table_name = 'base', identifier = 'base' WHERE table_name = 'incidents'")
        db.execute("UPDATE gpkg_geometry_columns SET table_name = 'base' WHERE table_name = 'incidents'")
        db.execute("DELETE FROM gpkg_ogr_contents WHERE table_name = 'incidents'")  # GDAL's cached count (1 row)
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                   "VALUES ('incidents', 'features', 'incidents', 4326)")
        db.execute("INSERT INTO gpkg_geometry_columns VALUES ('incidents', 'geom', 'POINT', 4326, 0, 0)")


def build_virtual_table_gpkg(path: Path) -> None:
    """A GeoPackage with a virtual table over a server file (SQLite's schema written directly)."""
    _gdal_gpkg(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'leak', 'leak', "
                   "0, 'CREATE VIRTUAL TABLE leak USING VirtualOGR(''/etc/passwd'')')")
        db.execute("PRAGMA writable_schema = OFF")


def build_polygon_gpkg(path: Path) -> None:
    flat = good(incident_id="P-1", source_record_id="P-1")
    frame = gpd.GeoDataFrame([{k: v for k, v in flat.items() if k not in ("latitude", "longitude")}],
                             geometry=[Polygon([(-6.2, 13.4), (-6.1, 13.4), (-6.1, 13.5)])], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, path, layer="incidents", driver="GPKG")


def build_plain_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE incidents (incident_id TEXT)")


# ---- archives and depth -------------------------------------------------------------------------------------
BOMB_BYTES = 100 * 2**20  # what the archives expand to


def _gzip_bomb(_folder: Path, _url: str) -> bytes:
    line = b"incident_id,location\n" + b"B-1,x\n" * 1000
    return gzip.compress(line * (BOMB_BYTES // len(line)), compresslevel=9)


def _zip_bomb(folder: Path, _url: str) -> bytes:
    path = folder / "_bomb.zip"
    with (zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
          archive.open("incidents.gpkg", "w", force_zip64=True) as member):
        chunk = b"\0" * 2**20
        for _ in range(BOMB_BYTES // len(chunk)):
            member.write(chunk)
    return path.read_bytes()


DEPTH = 100_000


def _deep_json(_folder: Path, _url: str) -> bytes:
    return b'{"data": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"


def _deep_geojson(_folder: Path, _url: str) -> bytes:
    nested = "[" * DEPTH + "]" * DEPTH
    return ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": '
            f'{{"incident_id": "D-1", "notes": {nested}}}}}]}}').encode()


def _linked_crs_geojson(_folder: Path, url: str) -> bytes:
    """A GeoJSON with an old-style CRS link that GDAL would fetch: read without GDAL, the link is ignored."""
    props = {k: v for k, v in good(incident_id="C-1", source_record_id="C-1").items()
             if k not in ("latitude", "longitude")}
    return json.dumps({"type": "FeatureCollection",
                       "crs": {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}},
                       "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-6.2, 13.4]},
                                     "properties": props}]}).encode()


def _polygons_geojson(_folder: Path, _url: str) -> bytes:
    def props(ident: str) -> dict:
        return {k: v for k, v in good(incident_id=ident, source_record_id=ident).items()
                if k not in ("latitude", "longitude")}

    square = [[[-6.2, 13.4], [-6.1, 13.4], [-6.1, 13.5], [-6.2, 13.4]]]
    features = [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square}, "properties": props("P-1")},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[-6.2, 13.4], [-6.1, 13.5]]},
         "properties": props("P-2")},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-6.2, 13.4]}, "properties": props("P-3")},
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _csv(*rows: dict) -> Callable[[Path, str], bytes]:
    return lambda _folder, _url: csv_of(*rows)


XML = "it is XML or HTML (such as a GDAL VRT)"
CASES: tuple[Case, ...] = (
    # a VRT under another name: never given to GDAL
    Case("local.gpkg", _local_vrt, Refused(f"local.gpkg: not a GeoPackage ({XML}); nothing was read from it")),
    Case("local.csv", _local_vrt,
         Refused(f"local.csv: not a CSV, JSON, GeoJSON or GeoPackage file ({XML}); nothing was read from it")),
    Case("local.geojson", _local_vrt,
         Refused(f"local.geojson: not a GeoJSON FeatureCollection ({XML}); nothing was read from it")),
    Case("url.gpkg", _url_vrt, Refused(f"url.gpkg: not a GeoPackage ({XML}); nothing was read from it")),
    Case("url.csv", _url_vrt,
         Refused(f"url.csv: not a CSV, JSON, GeoJSON or GeoPackage file ({XML}); nothing was read from it")),
    Case("url.geojson", _geojson_url_vrt,
         Refused(f"url.geojson: not a GeoJSON FeatureCollection ({XML}); nothing was read from it")),
    Case("url.vrt", _geojson_url_vrt,
         Refused(f"url.vrt: not a CSV, JSON, GeoJSON or GeoPackage file ({XML}); nothing was read from it")),
    Case("linked-crs.geojson", _linked_crs_geojson, Imported(added=1)),
    # GeoPackages that are not just tables
    Case("view.gpkg", lambda f, _u: _gpkg_bytes(f, build_view_gpkg),
         Refused("view.gpkg: the GeoPackage holds a view ('incidents'); only tables are imported: save the layer as "
                 "a table")),
    Case("virtual.gpkg", lambda f, _u: _gpkg_bytes(f, build_virtual_table_gpkg),
         Refused("virtual.gpkg: the GeoPackage holds a virtual table ('leak'); only tables are imported: save the "
                 "layer as a table")),
    Case("plain.gpkg", lambda f, _u: _gpkg_bytes(f, build_plain_sqlite),
         Refused("plain.gpkg: not a GeoPackage (it is an SQLite database that is not a GeoPackage); nothing was read "
                 "from it")),
    # archives that expand
    Case("bomb.csv", _gzip_bomb,
         Refused("bomb.csv: not a CSV, JSON, GeoJSON or GeoPackage file (it is gzip-compressed); nothing was read "
                 "from it")),
    Case("bomb.csv.gz", _gzip_bomb,
         Refused("bomb.csv.gz: not a CSV, JSON, GeoJSON or GeoPackage file (it is gzip-compressed); nothing was "
                 "read from it")),
    Case("bomb.gpkg", _zip_bomb,
         Refused("bomb.gpkg: not a GeoPackage (it is a ZIP archive); nothing was read from it")),
    Case("bomb.gpkg.zip", _zip_bomb,
         Refused("bomb.gpkg.zip: not a CSV, JSON, GeoJSON or GeoPackage file (it is a ZIP archive); nothing was "
                 "read from it")),
    # nesting
    Case("deep.json", _deep_json,
         Refused(f"deep.json: JSON nested {DEPTH + 1} levels deep, more than the limit of 64; expected JSON records "
                 "or GeoJSON")),
    Case("deep.geojson", _deep_geojson,
         Refused(f"deep.geojson: JSON nested {DEPTH + 4} levels deep, more than the limit of 64; expected a GeoJSON "
                 "FeatureCollection")),
    # dates, time zones, geometries: rows rejected with their reason, the others imported
    Case("years.csv", _csv(good(incident_id="Y-1", source_record_id="Y-1", date_start="0001-01-01"),
                           good(incident_id="Y-2", source_record_id="Y-2", date_start="9999-12-31",
                                date_precision="year"),
                           good(incident_id="Y-3", source_record_id="Y-3", date_start="2025-10-02",
                                date_end="9999-12-31"),
                           good(incident_id="Y-4", source_record_id="Y-4", date_start="1959-12-31"),
                           good(incident_id="Y-5", source_record_id="Y-5", date_start="1960-01-01")),
         lambda: Imported(added=1, rejects=[
             (2, "date_start", "0001-01-01 is before 1960-01-01, the earliest date accepted"),
             (3, "date_start", f"9999-12-31 is in the future (after the import day {date.today()} + 1 day)"),
             (4, "date_end", "9999-12-31 is in the future"),
             (5, "date_start", "1959-12-31 is before 1960-01-01")])),
    Case("zones.csv", _csv(good(incident_id="Z-1", source_record_id="Z-1", date_start="2025-10-02T23:30:00-05:00"),
                           good(incident_id="Z-2", source_record_id="Z-2", date_start="2025-10-02T10:00:00Z"),
                           good(incident_id="Z-3", source_record_id="Z-3", date_start="2025-10-02",
                                date_end="2025-10-03T01:00+01:00"),
                           good(incident_id="Z-4", source_record_id="Z-4", date_start="2025-10-02")),
         Imported(added=1, rejects=[(2, "date_start", "has a time zone"), (3, "date_start", "has a time zone"),
                                    (4, "date_end", "has a time zone")])),
    Case("polygons.geojson", _polygons_geojson,
         Imported(added=1, rejects=[(1, "geometry", "a Polygon, not a point"),
                                    (2, "geometry", "a LineString, not a point")])),
    Case("polygons.gpkg", lambda f, _u: _gpkg_bytes(f, build_polygon_gpkg),
         Imported(added=0, rejects=[(1, "geometry", "a Polygon, not a point")])),
    # provenance: the importer says where rows come from
    Case("claims.csv", _csv(
        good(incident_id="SEG-2025-777", source_record_id="X-1", dataset="segou-curated", verification="confirmed"),
        good(incident_id="ЅЕG-2025-778", source_record_id="X-2", dataset="segou-curated"),  # Cyrillic Ѕ and Е
        good(incident_id="ACLED-MLI999", source_record_id="X-3", dataset="acled"),
        good(incident_id="U-9", source_record_id="X-4", dataset="segou-curated", verification="confirmed"),
        good(incident_id="U-10", source_record_id="X-5", summary='=HYPERLINK("http://evil.example","x")',
             fatalities_min="9", fatalities_max="1")),
        Imported(added=1, rejects=[(2, "incident_id", "belong to the segou-curated dataset"),
                                   (3, "incident_id", "belong to the segou-curated dataset"),
                                   (4, "incident_id", "belong to the acled dataset"),
                                   (6, "fatalities_max", "fatalities_max at least fatalities_min")])),
)


def sha256(path: Path) -> str:
    """The file's digest: a store refused a file when it is the same before and after."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
