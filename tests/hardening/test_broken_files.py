"""Broken files through the real CLI (``incident-map import``), each with its exact outcome.

* A file that cannot be read at all: exit code 2, exactly one line on stderr, ``error: <file>: <what is wrong>``
  naming the line where there is one; nothing on stdout; the store byte-identical (SHA-256 before and after)
  and no rejects file.
* A readable file with bad rows: exit code 0, the bad rows quarantined in ``<store>.rejects.csv`` with their row
  number, column and reason; the good rows imported; a store with nothing to add stays byte-identical.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.data.importer import rejects_path
from dashboard.data.readers import read_csv_text
from dashboard.data.store import read_store
from tests.factories import incidents, row
from tests.hardening.corpus import NATIVE_COLUMNS, write_native_csv
from tests.hardening.hostile_files import sha256

CLI = str(Path(sys.executable).parent / "incident-map")


def day(offset: int) -> date:
    """Today plus ``offset`` days, read when the case runs: the installed command (another process) reads the
    real clock when it imports, so a case dated when this module loaded would fail after midnight
    (``tests/clock.py`` pins the in-process import only)."""
    return date.today() + timedelta(days=offset)


@dataclass(frozen=True)
class Unreadable:
    message: str  # the whole stderr line after "error: "


@dataclass(frozen=True)
class Quarantined:
    added: int
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (_row, _column, problem substring)
    duplicates: int = 0


def good(**overrides) -> dict[str, str]:
    return {c: v for c, v in row(**{"incident_id": "F-1", "source_record_id": "F-1", **overrides}).items()
            if v is not None}


def csv_bytes(*rows: dict, tmp: Path) -> bytes:
    return write_native_csv(tmp / "_rows.csv", list(rows)).read_bytes()


def header() -> bytes:
    return ",".join(NATIVE_COLUMNS).encode()


def _gpkg(tmp: Path) -> bytes:
    """A user's GeoPackage of incidents (as the app exports them: GDAL's layers, not a store)."""
    from dashboard.export.files import to_gpkg_bytes

    return to_gpkg_bytes(incidents(row(incident_id="G-1"), row(incident_id="G-2", source_record_id="G-2")))


def _junk(first: bytes = b"\xff") -> bytes:
    rnd = random.Random(20251002)
    return first + bytes(rnd.randrange(256) for _ in range(4095))


def _csv_lines(tmp: Path, *rows: dict) -> list[bytes]:
    return csv_bytes(*rows, tmp=tmp).split(b"\r\n")


BIG = 5 * 1024 * 1024
HEADER = ",".join(NATIVE_COLUMNS)

CASES: dict[str, tuple[str, Callable[[Path], bytes], Unreadable | Quarantined | Callable[[], Quarantined]]] = {
    # ---- files that cannot be read at all ----------------------------------------------------------------
    "empty csv": ("empty.csv", lambda t: b"", Unreadable("empty.csv: the file is empty; expected a CSV with a header row")),
    "empty geojson": ("empty.geojson", lambda t: b"",
                      Unreadable("empty.geojson: not valid JSON (line 1); expected a GeoJSON FeatureCollection")),
    "binary junk": ("junk.csv", lambda t: _junk(),
                    Unreadable("junk.csv: not UTF-8 text (line 1, byte 0 (0xff)); save the file as UTF-8 CSV")),
    "binary junk named .gpkg": ("junk.gpkg", lambda t: _junk(),
                                Unreadable("junk.gpkg: not a readable GeoPackage (not an SQLite file)")),
    "truncated GeoPackage": ("truncated.gpkg", lambda t: _gpkg(t)[: len(_gpkg(t)) // 2],
                             Unreadable("truncated.gpkg: not a readable GeoPackage (the file is damaged or truncated: "
                                        "database disk image is malformed)")),
    "semicolon-separated": ("semicolon.csv", lambda t: csv_bytes(good(), tmp=t).replace(b",", b";"),
                            Unreadable(f"semicolon.csv: the columns are separated by semicolons, not commas (header: "
                                       f"{HEADER.replace(',', ';')[:80]!r}...); save the file as comma-separated CSV")),
    "tab-separated": ("tabs.csv", lambda t: header().replace(b",", b"\t") + b"\n",
                      Unreadable(f"tabs.csv: the columns are separated by tabs, not commas (header: "
                                 f"{HEADER.replace(',', chr(9))[:80]!r}...); save the file as comma-separated CSV")),
    "GeoJSON Feature": ("feature.geojson",
                        lambda t: json.dumps({"type": "Feature", "geometry": None, "properties": good()}).encode(),
                        Unreadable("feature.geojson: GeoJSON of type 'Feature'; expected a FeatureCollection of "
                                   "incidents")),
    "GeoJSON geometry": ("point.geojson", lambda t: b'{"type": "Point", "coordinates": [-6.2, 13.4]}',
                         Unreadable("point.geojson: GeoJSON of type 'Point'; expected a FeatureCollection of "
                                    "incidents")),
    "GeoJSON list": ("list.geojson", lambda t: b"[]",
                     Unreadable("list.geojson: GeoJSON of type 'list'; expected a FeatureCollection of incidents")),
    "JSON without records": ("records.json", lambda t: b'{"status": 200, "count": 0}',
                             Unreadable('records.json: JSON without a list of records; expected ACLED API JSON '
                                        '{"data": [...]}, a list of records or a GeoJSON FeatureCollection')),
    "JSON syntax error": ("broken.json", lambda t: b'{"data": [',
                          Unreadable("broken.json: not valid JSON (line 1: Expecting value)")),
    "invalid UTF-8 in row 3": ("latin1.csv",
                               lambda t: b"\r\n".join([*_csv_lines(t, good())[:2],
                                                       _csv_lines(t, good(location="S\xe9gou"))[1]
                                                       .replace("Ségou".encode(), b"S\xe9gou")]) + b"\r\n",
                               Unreadable("latin1.csv: not UTF-8 text (line 3, byte {offset} (0xe9)); save the file "
                                          "as UTF-8 CSV")),
    "extra field in the first row": ("shifted.csv",
                                     lambda t: b"\r\n".join([_csv_lines(t, good())[0],
                                                             _csv_lines(t, good())[1] + b",extra"]) + b"\r\n",
                                     Unreadable("shifted.csv: line 2 has more fields than the header; quote values "
                                                "that contain commas")),
    "extra field in a later row": ("ragged.csv",
                                   lambda t: b"\r\n".join([*_csv_lines(t, good())[:2],
                                                           _csv_lines(t, good())[1] + b",extra"]) + b"\r\n",
                                   Unreadable("ragged.csv: not a readable CSV (line 3 has 33 fields, the header 32; "
                                              "quote values that contain commas)")),
    "unknown columns": ("other.csv", lambda t: b"name,value\na,1\n",
                        Unreadable("other.csv: unrecognised layout (columns: name, value); expected an ACLED export "
                                   "(event_id_cnty, event_date, event_type, actor1, ...), a UCDP GED file (id, "
                                   "type_of_violence, side_a, side_b, ...) or the canonical incident columns "
                                   "(incident_id, date_start, location, sources, ...)")),
    "native without sources column": ("nosources.csv",
                                      lambda t: csv_bytes(good(), tmp=t).replace(b",sources,", b",notsources,"),
                                      Unreadable("nosources.csv: missing required column(s) sources for the native "
                                                 "layout; expected an ACLED export (event_id_cnty, event_date, "
                                                 "event_type, actor1, ...), a UCDP GED file (id, type_of_violence, "
                                                 "side_a, side_b, ...) or the canonical incident columns "
                                                 "(incident_id, date_start, location, sources, ...)")),
    "spreadsheet": ("sheet.xlsx", lambda t: b"PK\x03\x04" + _junk()[:100],
                    Unreadable("sheet.xlsx: spreadsheets are not read directly; save the sheet as UTF-8 CSV")),
    # ---- readable files with bad rows: quarantined ------------------------------------------------------
    "header only": ("headeronly.csv", lambda t: header() + b"\r\n", Quarantined(added=0)),
    "duplicate ids in the file": ("dupes.csv", lambda t: csv_bytes(good(), good(source_record_id="F-1b"), tmp=t),
                                  Quarantined(added=1, rejects=[(3, "incident_id",
                                                                 "duplicate incident_id (first at row 2)")])),
    "id already in the store": ("again.csv", lambda t: csv_bytes(good(incident_id="T-1", source_record_id="T-1"),
                                                                  tmp=t),
                                Quarantined(added=0, duplicates=1)),
    "5 MB summary": ("huge.csv", lambda t: csv_bytes(good(summary="x" * BIG), tmp=t),
                     Quarantined(added=0, rejects=[(2, "summary", f"text of {BIG:,} characters is longer than the "
                                                                  "limit of 10,000")])),
    "dates in the future": ("future.csv", lambda t: csv_bytes(
        good(incident_id="F-1", date_start=day(1).isoformat()),
        good(incident_id="F-2", source_record_id="F-2", date_start=day(2).isoformat()),
        good(incident_id="F-3", source_record_id="F-3", date_start="2099-01-01", date_precision="year"), tmp=t),
        lambda: Quarantined(added=1, rejects=[
            (3, "date_start", f"{day(2)} is in the future (after the import day {day(0)} + 1 day)"),
            (4, "date_start", "2099-01-01 is in the future")])),
    "coordinates out of range or (0, 0)": ("coords.csv", lambda t: csv_bytes(
        good(incident_id="C-1", source_record_id="C-1", latitude="91"),
        good(incident_id="C-2", source_record_id="C-2", longitude="-181"),
        good(incident_id="C-3", source_record_id="C-3", latitude="0", longitude="0"),
        good(incident_id="C-4", source_record_id="C-4", longitude=""),
        good(incident_id="C-5", source_record_id="C-5", latitude="13,5"),
        good(incident_id="C-6", source_record_id="C-6", latitude="0.0", longitude="-0.0"), tmp=t),
        Quarantined(added=0, rejects=[(2, "latitude", "outside -90..90"), (3, "longitude", "outside -180..180"),
                                      (4, "latitude", "(0, 0) is a placeholder, not a place"),
                                      (5, "latitude", "latitude and longitude must both be given or both empty"),
                                      (6, "latitude", "not a number"),
                                      (7, "latitude", "(0, 0) is a placeholder, not a place")])),
    "GeoJSON point out of range": ("coords.geojson", lambda t: json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [200.0, 95.0]},
         "properties": {k: v for k, v in good().items() if k not in ("latitude", "longitude")}}]}).encode(),
        Quarantined(added=0, rejects=[(1, "latitude", "outside -90..90"), (1, "longitude", "outside -180..180")])),
    "NUL in a text cell": ("nul.csv", lambda t: csv_bytes(good(location="Ségou\x00<b>cut here</b>"), tmp=t),
                           Quarantined(added=0, rejects=[(2, "location", "contains the control character U+0000 at "
                                                                         "position 5")])),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_file(case, store, tmp_path):
    name, make, expected = CASES[case]
    path = tmp_path / name
    data = make(tmp_path)
    expected = expected() if callable(expected) else expected  # dated now, as the rows just written
    path.write_bytes(data)
    before = sha256(store)
    result = subprocess.run([CLI, "import", str(path), "--store", str(store), "--json"], capture_output=True,
                            text=True, timeout=120)
    rejects = rejects_path(store)
    if isinstance(expected, Unreadable):
        message = expected.message.replace("{offset}", str(data.find(b"\xe9")))
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert result.stderr.splitlines() == [f"error: {message}"]
        assert sha256(store) == before
        assert not rejects.exists()
        return
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert (report["added"], report["rejected"], report["duplicates"]) == (
        expected.added, len({r for r, _, _ in expected.rejects}), expected.duplicates)
    assert report["rows"] == report["accepted"] + report["rejected"] + report["duplicates"]
    if expected.added == 0:
        assert sha256(store) == before
    else:
        assert len(read_store(store)) == 1 + expected.added
    if not expected.rejects:
        assert not rejects.exists()
        return
    quarantined = read_csv_text(rejects)
    problems = [(int(r), c, p) for r, c, p in zip(quarantined["_row"], quarantined["_column"], quarantined["_problem"],
                                                   strict=True)]
    assert len(problems) == len({r for r, _, _ in expected.rejects})
    for row_number, column, problem in expected.rejects:
        matching = [p for p in problems if p[0] == row_number]
        assert matching, f"row {row_number} is not in the rejects file"
        _, columns, reasons = matching[0]
        assert column in columns.split(", ")
        assert problem in reasons, reasons
    # the original content is kept so that the row can be fixed and imported again
    if case == "5 MB summary":
        assert len(quarantined["summary"].iloc[0]) == BIG
