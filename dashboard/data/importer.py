"""Import what users already have: ACLED exports, UCDP GED files and files in the canonical layout.

``import_file`` reads a file (CSV, JSON, GeoJSON or GeoPackage), recognises its layout, turns it into the
flat canonical frame, places named-but-unplaced incidents with the offline gazetteer, validates every row,
skips incidents the store already holds, and appends the rest to the store in one atomic write:

* bad rows never stop good ones (unless ``strict``): each is copied, with its *original* content, to
  ``<store stem>.rejects.csv`` beside the store, with ``_row`` (row number in the file: CSV line with the
  header as line 1, or record/feature number from 1), ``_column`` and ``_problem`` added, so it can be
  fixed and imported again;
* re-importing a file adds nothing: a row is a duplicate when the store already has its ``incident_id`` or
  its (``dataset``, ``source_record_id``) pair. The stored version wins (an updated ACLED event is *not*
  overwritten);
* a file that cannot be read at all raises :class:`UnreadableFile` with one sentence naming the file, and
  the store is left byte-identical (nothing is written before everything has been checked).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import pyogrio

from dashboard.data.gazetteer import Gazetteer, geocode_missing, spell_cercles
from dashboard.data.schema import FLAT_COLUMNS, REQUIRED_COLUMNS
from dashboard.data.sources.acled import acled_to_flat, looks_like_acled
from dashboard.data.sources.native import UnreadableFile, gdal_reason, read_csv_text, read_native_vector
from dashboard.data.sources.ucdp import looks_like_ucdp, ucdp_to_flat
from dashboard.data.store import (
    BUNDLED_CSV,
    INCIDENT_LAYER,
    load_bundled,
    read_store,
    resolve_store,
    store_lock,
    write_store,
)
from dashboard.data.validate import LayoutError, empty_incidents, validate_flat

Format = Literal["acled", "ucdp", "native"]
FORMATS: tuple[str, ...] = ("acled", "ucdp", "native")
_VECTOR_SUFFIXES = {".gpkg", ".geojson"}
_SPREADSHEETS = {".xlsx", ".xls", ".ods"}
_EXPECTED = (
    "expected an ACLED export (event_id_cnty, event_date, event_type, actor1, ...), "
    "a UCDP GED file (id, type_of_violence, side_a, side_b, ...) "
    "or the canonical incident columns (incident_id, date_start, location, sources, ...)"
)


@dataclass
class ImportReport:
    path: Path
    format: str
    rows: int  # rows read from the file
    accepted: int  # valid rows not already in the store
    rejected: int  # rows that failed validation
    duplicates: int  # valid rows the store (or an earlier row of the file) already holds
    added: int  # rows written to the store (0 in a dry run, or a strict import with rejects)
    rejects_file: Path | None
    unresolved_places: list[str] = field(default_factory=list)
    renamed_cercles: dict[str, str] = field(default_factory=dict)  # cercle as the file spells it -> as stored
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)  # row, incident_id, column, problem, value
    dry_run: bool = False
    strict: bool = False
    store: Path | None = None

    @property
    def blocked(self) -> bool:
        """A strict import that imported nothing because some rows were bad."""
        return self.strict and self.rejected > 0

    def to_dict(self) -> dict:
        problems = self.problems.astype(object).where(self.problems.notna(), None)
        return {
            "file": str(self.path),
            "format": self.format,
            "store": None if self.store is None else str(self.store),
            "rows": self.rows,
            "accepted": self.accepted,
            "added": self.added,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "rejects_file": None if self.rejects_file is None else str(self.rejects_file),
            "places_not_found": list(self.unresolved_places),
            "cercles_respelled": dict(self.renamed_cercles),
            "dry_run": self.dry_run,
            "strict": self.strict,
            "problems": [
                {k: (int(v) if k == "row" and v is not None else v) for k, v in rec.items()}
                for rec in problems.to_dict(orient="records")
            ],
        }

    def summary(self, max_problems: int = 20) -> str:
        if self.dry_run:
            outcome = "dry run: nothing written"
        elif self.blocked:
            outcome = "strict: nothing imported because some rows were rejected"
        else:
            outcome = f"{self.added} added to {self.store}"
        lines = [
            f"{self.path.name} ({self.format}): {self.rows} row(s) read; {outcome}",
            f"  accepted          {self.accepted}",
            f"  rejected          {self.rejected}",
            f"  duplicates        {self.duplicates} (already in the store)",
            f"  rejects file      {self.rejects_file if self.rejects_file else '-'}",
            f"  places not found  {', '.join(self.unresolved_places) if self.unresolved_places else '-'}",
            f"  cercles respelled {', '.join(f'{a} → {b}' for a, b in self.renamed_cercles.items()) or '-'}",
        ]
        for rec in self.problems.head(max_problems).itertuples(index=False):
            value = "" if rec.value is None or pd.isna(rec.value) else f" ({str(rec.value)[:60]})"
            lines.append(f"    row {rec.row}: {rec.column}: {rec.problem}{value}")
        if len(self.problems) > max_problems:
            lines.append(f"    ... {len(self.problems) - max_problems} more problem(s) in the rejects file")
        return "\n".join(lines)


# ---- reading ------------------------------------------------------------------------------------------
def load_raw(path: str | Path) -> pd.DataFrame:
    """The file's rows as they are (text for CSV/JSON), indexed by the row number a user sees."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path.name}: no such file")
    suffix = path.suffix.lower()
    if suffix in _SPREADSHEETS:
        raise UnreadableFile(f"{path.name}: spreadsheets are not read directly; save the sheet as UTF-8 CSV")
    head = _head(path)
    if suffix in _VECTOR_SUFFIXES or head.startswith(b"SQLite format 3\x00"):
        return read_native_vector(path, layer=_incident_layer(path))
    if suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _load_json(path)
    return read_csv_text(path)


def detect_layout(columns) -> str | None:
    cols = {str(c).strip().lower() for c in columns}
    if looks_like_acled(cols):
        return "acled"
    if looks_like_ucdp(cols):
        return "ucdp"
    if len(cols & set(REQUIRED_COLUMNS)) >= 3:  # canonical-ish: validation names what is missing
        return "native"
    return None


def detect_format(path: str | Path) -> Format:
    """``"acled"``, ``"ucdp"`` or ``"native"``; :class:`UnreadableFile` for anything else."""
    path = Path(path)
    raw = load_raw(path)
    fmt = detect_layout(raw.columns)
    if fmt is None:
        raise UnreadableFile(_unknown_layout(path, raw.columns))
    return fmt  # type: ignore[return-value]


def read_any(path: str | Path, fmt: str = "auto") -> pd.DataFrame:
    """Any supported file → flat canonical frame (index = the user's row numbers)."""
    return _read(Path(path), fmt)[1]


def _read(path: Path, fmt: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if fmt not in ("auto", *FORMATS):
        raise UnreadableFile(f"{path.name}: unknown format {fmt!r}; use auto, {', '.join(FORMATS)}")
    raw = load_raw(path)
    if fmt == "auto":
        detected = detect_layout(raw.columns)
        if detected is None:
            raise UnreadableFile(_unknown_layout(path, raw.columns))
        fmt = detected
    try:
        if fmt == "acled":
            flat = acled_to_flat(raw)
        elif fmt == "ucdp":
            flat = ucdp_to_flat(raw)
        else:
            missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
            if missing:
                raise LayoutError(f"missing required column(s) {', '.join(missing)}")
            flat = raw[[c for c in FLAT_COLUMNS if c in raw.columns]].copy()
    except LayoutError as exc:
        raise UnreadableFile(f"{path.name}: {exc} for the {fmt} layout; {_EXPECTED}") from None
    return raw, flat, fmt


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


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(64)


def _load_json(path: Path) -> pd.DataFrame:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path.name}: not UTF-8 text; expected JSON records or GeoJSON") from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
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
            raise UnreadableFile(f"{path.name}: JSON without a list of records{hint}; expected ACLED API JSON "
                                 '{"data": [...]}, a list of records or a GeoJSON FeatureCollection')
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UnreadableFile(f"{path.name}: JSON is not a list of records; expected ACLED API JSON "
                             '{"data": [...]}, a list of records or a GeoJSON FeatureCollection')
    if not records:
        raise UnreadableFile(f"{path.name}: the JSON holds no records")
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype(object).map(_as_text)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def _as_text(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _unknown_layout(path: Path, columns) -> str:
    names = [str(c) for c in columns]
    for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if len(names) <= 2 and names and names[0].count(sep) >= 2:
            return (f"{path.name}: the columns are separated by {word}, not commas (header: "
                    f"{names[0][:80]!r}...); save the file as comma-separated CSV")
    shown = ", ".join(n[:40] for n in names[:8]) + (", ..." if len(names) > 8 else "")
    return f"{path.name}: unrecognised layout (columns: {shown or 'none'}); {_EXPECTED}"


# ---- importing ----------------------------------------------------------------------------------------
def rejects_path(store: str | Path) -> Path:
    store = Path(store)
    return store.with_name(f"{store.stem}.rejects.csv")


def import_file(
    path: str | Path,
    store: str | Path | None = None,
    fmt: str = "auto",
    dry_run: bool = False,
    strict: bool = False,
    gazetteer: Gazetteer | None = None,
    today: date | None = None,
) -> ImportReport:
    """Read, adapt, geocode, validate and append a file's new incidents to the store (see module doc).

    ``today`` is the import day for the future-date rule (default: the local date now)."""
    path = Path(path)
    store_path = resolve_store(store)
    raw, flat, fmt = _read(path, fmt)
    gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()
    flat, renamed = spell_cercles(flat, gazetteer)
    flat, unresolved = geocode_missing(flat, gazetteer)
    try:
        result = validate_flat(flat, source_name=path.name, today=today or date.today())
    except LayoutError as exc:
        raise UnreadableFile(str(exc)) from None
    problems = result.rejects
    bad_rows = result.rejected_rows
    lock = contextlib.nullcontext() if dry_run else store_lock(store_path)
    with lock:
        existing = _existing(store_path)
        new, duplicates = _new_incidents(result.valid, existing)
        report = ImportReport(
            path=path, format=fmt, rows=len(raw), accepted=len(new), rejected=len(bad_rows),
            duplicates=duplicates, added=0, rejects_file=None, unresolved_places=unresolved, renamed_cercles=renamed,
            problems=problems, dry_run=dry_run, strict=strict, store=store_path,
        )
        if dry_run:
            return report
        if bad_rows:
            report.rejects_file = _write_rejects(rejects_path(store_path), raw, problems)
        if report.blocked or new.empty:
            return report
        combined = pd.concat([existing, new], ignore_index=True)
        combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=existing.crs or new.crs)
        write_store(store_path, combined)
        report.added = len(new)
    return report


def _existing(store: Path) -> gpd.GeoDataFrame:
    """What the store holds now; a store not created yet holds the bundled data (as ``ensure_store`` does)."""
    if store.exists():
        return read_store(store)
    if BUNDLED_CSV.exists():
        return load_bundled()
    return empty_incidents()


def _new_incidents(valid: gpd.GeoDataFrame, existing: pd.DataFrame) -> tuple[gpd.GeoDataFrame, int]:
    ids = set(existing["incident_id"])
    keys = {(d, s) for d, s in zip(existing["dataset"], existing["source_record_id"], strict=True)
            if isinstance(s, str)}
    seen: set[tuple[str, str]] = set()
    keep = []
    for ident, dataset, record in zip(valid["incident_id"], valid["dataset"], valid["source_record_id"],
                                      strict=True):
        key = (dataset, record) if isinstance(record, str) else None
        duplicate = ident in ids or (key is not None and (key in keys or key in seen))
        keep.append(not duplicate)
        if key is not None:
            seen.add(key)
    new = valid.loc[keep]
    return new, len(valid) - len(new)


def _write_rejects(target: Path, raw: pd.DataFrame, problems: pd.DataFrame) -> Path:
    """Bad rows with their original content plus ``_row``, ``_column``, ``_problem``; atomic replace."""
    grouped = problems.groupby("row", sort=True)
    rows = list(grouped.groups)
    out = raw.loc[rows].copy()
    out = out.drop(columns=[c for c in ("_row", "_column", "_problem") if c in out.columns])
    out.insert(0, "_row", rows)
    out["_column"] = [", ".join(dict.fromkeys(grouped.get_group(r)["column"])) for r in rows]
    out["_problem"] = [
        "; ".join(f"{p.column}: {p.problem}" for p in grouped.get_group(r).itertuples(index=False)) for r in rows
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        # UTF-8 with a BOM so that spreadsheet programs show "Ségou", not mojibake; the importer reads it back
        out.to_csv(tmp_name, index=False, encoding="utf-8-sig")
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return target
