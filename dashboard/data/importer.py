"""Import what users already have: ACLED exports, UCDP GED files and files in the canonical layout.

``import_file`` reads a file (CSV, JSON, GeoJSON or GeoPackage), recognises its layout, turns it into the
flat canonical frame, places named-but-unplaced incidents with the offline village geocoder and gives every row its
cercle and commune (:mod:`dashboard.data.placing`), validates every row, and adds the incidents the store does not
hold yet in one change set (one transaction, recorded in the history with its author and reason; concurrent imports
run one after the other, so a report is stored exactly once):

* bad rows never stop good ones (unless ``strict``): each is copied, with its *original* content, to
  ``<store stem>.rejects.csv`` beside the store, with ``_row`` (row number in the file: CSV line with the
  header as line 1, or record/feature number from 1), ``_column`` and ``_problem`` added, so it can be
  fixed and imported again;
* re-importing a file adds nothing: a row is a duplicate when the store already has its ``incident_id`` or
  its (``dataset``, ``source_record_id``) pair. The stored version wins (an updated ACLED event is *not*
  overwritten);
* a file that cannot be read at all raises :class:`UnreadableFile` with one sentence naming the file, and
  the store is left byte-identical (nothing is written before everything has been checked);
* the new rows are *reports*: in the same write, the rule's decisions are recomputed for all the reports
  (:func:`dashboard.data.reconcile.rerun.rerun`), so a report of an event the store already holds joins that
  incident (or waits for review), and the report says how many did.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from dashboard.data.atomic import replacing
from dashboard.data.decide import plan_import
from dashboard.data.engines import ConflictError
from dashboard.data.geocoder import Geocoder
from dashboard.data.import_report import ImportReport
from dashboard.data.placing import place_rows
from dashboard.data.readers import load_raw
from dashboard.data.sources.registry import ADAPTERS, AUTO, adapter, expected_layouts, format_choices, recognise
from dashboard.data.store import Location, apply_import, cache_path, ensure_store, resolve_store
from dashboard.data.validate import validate_flat
from dashboard.errors import LayoutError, UnreadableFile

__all__ = ["IMPORT_HELP", "ImportReport", "detect_format", "import_file", "read_any", "rejects_path"]

IMPORT_ATTEMPTS = 20  # concurrent imports: each is planned again when another landed first (optimistic concurrency)
IMPORT_HELP = (
    "Import a file into the store: " + "; ".join(f"{a.description} (--format {a.name})" for a in ADAPTERS)
    + ". The layout is recognised from the columns unless --format names it.\n\nBad rows go to <store>.rejects.csv with the reason; rows already "
    "in the store are skipped.\n\nExit code 0 on success, 1 if rows were rejected with --strict (nothing imported), "
    "2 if the file cannot be read."
)


def detect_format(path: str | Path) -> str:
    """The name of the adapter that recognises the file's layout; :class:`UnreadableFile` when none does."""
    path = Path(path)
    raw = load_raw(path)
    found = recognise(raw.columns)
    if found is None:
        raise UnreadableFile(_unknown_layout(path, raw.columns))
    return found.name


def read_any(path: str | Path, fmt: str = "auto") -> pd.DataFrame:
    """Any supported file → flat canonical frame (index = the user's row numbers)."""
    return _read(Path(path), fmt)[1]


def _read(path: Path, fmt: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if fmt != AUTO:
        try:
            chosen = adapter(fmt)
        except UnreadableFile:
            raise UnreadableFile(f"{path.name}: unknown format {fmt!r}; use {format_choices()}") from None
    raw = load_raw(path)
    if fmt == AUTO:
        chosen = recognise(raw.columns)
        if chosen is None:
            raise UnreadableFile(_unknown_layout(path, raw.columns))
    try:
        flat = chosen.to_flat(raw)
    except LayoutError as exc:
        raise UnreadableFile(f"{path.name}: {exc} for the {chosen.name} layout; {expected_layouts()}") from None
    return raw, flat, chosen.name


def _unknown_layout(path: Path, columns) -> str:
    names = [str(c) for c in columns]
    for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if len(names) <= 2 and names and names[0].count(sep) >= 2:
            return (f"{path.name}: the columns are separated by {word}, not commas (header: "
                    f"{names[0][:80]!r}...); save the file as comma-separated CSV")
    shown = ", ".join(n[:40] for n in names[:8]) + (", ..." if len(names) > 8 else "")
    return f"{path.name}: unrecognised layout (columns: {shown or 'none'}); {expected_layouts()}"


# ---- importing ----------------------------------------------------------------------------------------
def rejects_path(store: Location) -> Path:
    """``<store stem>.rejects.csv`` beside a GeoPackage; in the local cache folder for a database."""
    store = resolve_store(store)
    if isinstance(store, Path):
        return store.with_name(f"{store.stem}.rejects.csv")
    return cache_path(store).with_name(cache_path(store).name.removesuffix(".parquet") + ".rejects.csv")


def import_file(
    path: str | Path,
    store: str | Path | None = None,
    fmt: str = "auto",
    dry_run: bool = False,
    strict: bool = False,
    geocoder: Geocoder | None = None,
    today: date | None = None,
    author: str | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Read, adapt, geocode, validate and add a file's new reports to the store (see module doc).

    ``geocoder`` defaults to the bundled village gazetteer's; ``today`` is the import day for the future-date rule
    (default: the local date now); ``author`` and ``reason`` go into the history (default: ``default_author()`` and
    "import of FILE (FORMAT)"); ``now`` dates the rule's new decisions (default: the time now, UTC)."""
    path = Path(path)
    store_path = resolve_store(store)
    raw, flat, fmt = _read(path, fmt)
    flat, placing = place_rows(flat, geocoder if geocoder is not None else Geocoder.default())
    try:
        result = validate_flat(flat, source_name=path.name, today=today or date.today())
    except LayoutError as exc:
        raise UnreadableFile(str(exc)) from None
    problems = result.rejects
    bad_rows = result.rejected_rows
    if not dry_run:
        ensure_store(store_path)  # a new store starts with the bundled reports and decisions, before they are met
    rejects_file = None
    for attempt in range(IMPORT_ATTEMPTS):
        plan = plan_import(store_path, result.valid, now=now)
        report = ImportReport(
            path=path, format=fmt, rows=len(raw), accepted=len(plan.new), rejected=len(bad_rows),
            duplicates=plan.duplicates, added=0, rejects_file=None, unresolved_places=placing.not_found,
            ambiguous_places=placing.ambiguous, renamed_cercles=placing.cercles, problems=problems, dry_run=dry_run,
            strict=strict, store=store_path, matches=plan.matches,
        )
        if dry_run:
            return report
        if bad_rows and rejects_file is None:
            rejects_file = _write_rejects(rejects_path(store_path), raw, problems)
        report.rejects_file = rejects_file
        if report.blocked or plan.new.empty:
            report.matches = None
            return report
        try:
            applied = apply_import(store_path, plan.new, author=author, decisions=plan.changes,
                                   reason=reason or f"import of {path.name} ({fmt})",
                                   detail={"file": path.name, "format": fmt, "rows": len(raw)})
            break
        except ConflictError:
            # another import or decision landed between the plan and its commit (the rule's decisions were
            # computed from the reports seen then): plan again on the store as it is now
            if attempt == IMPORT_ATTEMPTS - 1:
                raise
    offered = set(plan.new["incident_id"])
    added = sum(key in offered for key in applied.inserted)  # reports (the change set also holds decisions)
    report.added = report.accepted = added
    report.duplicates = len(result.valid) - added
    report.changeset_id = applied.changeset_id
    return report


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
    with replacing(target) as tmp:
        # UTF-8 with a BOM so that spreadsheet programs show "Ségou", not mojibake; the importer reads it back
        out.to_csv(tmp, index=False, encoding="utf-8-sig")
    return target
