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
* a file that cannot be read at all, or is over an import limit (:class:`~dashboard.settings.Limits`), raises
  :class:`UnreadableFile` with one sentence naming the file, and the store is left byte-identical (nothing is
  written before everything has been checked);
* the importer, not the file, says where rows come from (:mod:`dashboard.data.provenance`): the dataset is the
  layout's, a verification level above ``reported`` is kept as the source's claim, and a new row may not take
  another dataset's id prefix;
* the new rows are *reports*: in the same write, the rule's decisions are recomputed for all the reports
  (:func:`dashboard.data.reconcile.rerun.rerun`, through :func:`dashboard.data.decide.plan_import`), so a report
  of an event the store already holds joins that incident (or waits for review), and the report says how many did;
* a store reached through a symbolic link is written through to its target (its rejects and cache files sit
  beside the target), so the link keeps pointing at the current store;
* an import stopped part-way (killed, or at the time limit of :mod:`dashboard.data.import_job`) adds nothing: the new
  reports and the decisions that go with them go to the store in one change set, one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from dashboard.data import provenance
from dashboard.data.atomic import replacing
from dashboard.data.decide import plan_import
from dashboard.data.engines import ConflictError, default_author
from dashboard.data.geocoder import Geocoder
from dashboard.data.import_report import ImportReport
from dashboard.data.placing import place_rows
from dashboard.data.provenance import USER_DATASET
from dashboard.data.readers import load_raw
from dashboard.data.sources.registry import (
    AUTO,
    SourceAdapter,
    adapter,
    expected_layouts,
    format_choices,
    recognise,
)
from dashboard.data.spreadsheet import defuse_formulas
from dashboard.data.store import Location, apply_import, ensure_store, resolve_store, skipped_on_import
from dashboard.data.store import rejects_path as rejects_path
from dashboard.data.validate import REJECT_COLUMNS, SAID_COLUMN, problems_said, validate_flat
from dashboard.errors import LayoutError, UnreadableFile, UserError
from dashboard.history_words import IMPORT_OF
from dashboard.i18n import N_, Phrase, Translator, tr
from dashboard.settings import Limits

__all__ = ["ImportReport", "detect_format", "import_file", "read_any", "rejects_path"]

IMPORT_ATTEMPTS = 20  # concurrent imports: each is planned again when another landed first (optimistic concurrency)
def detect_format(path: str | Path, limits: Limits | None = None) -> str:
    """The name of the adapter that recognises the file's layout; :class:`UnreadableFile` when none does."""
    path = Path(path)
    raw = load_raw(path, limits)
    found = recognise(raw.columns)
    if found is None:
        raise _unknown_layout(path, raw.columns)
    return found.name


def read_any(path: str | Path, fmt: str = "auto", limits: Limits | None = None) -> pd.DataFrame:
    """Any supported file → flat canonical frame (index = the user's row numbers)."""
    return _read(Path(path), fmt, limits)[1]


def _read(path: Path, fmt: str, limits: Limits | None) -> tuple[pd.DataFrame, pd.DataFrame, SourceAdapter]:
    if fmt != AUTO:
        try:
            chosen = adapter(fmt)
        except UnreadableFile:
            raise UnreadableFile(N_("{name}: unknown format {fmt}; use {choices}"), name=path.name, fmt=repr(fmt),
                                 choices=format_choices()) from None
    raw = load_raw(path, limits)
    if fmt == AUTO:
        chosen = recognise(raw.columns)
        if chosen is None:
            raise _unknown_layout(path, raw.columns)
    try:
        flat = chosen.to_flat(raw)
    except LayoutError as exc:
        raise UnreadableFile(N_("{name}: {problem} for the {layout} layout; {expected}"), name=path.name, problem=exc,
                             layout=chosen.name, expected=expected_layouts) from None
    return raw, flat, chosen


def _unknown_layout(path: Path, columns) -> UnreadableFile:
    names = [str(c) for c in columns]
    for sep, word in ((";", N_("semicolons")), ("\t", N_("tabs")), ("|", N_("vertical bars"))):
        if len(names) <= 2 and names and names[0].count(sep) >= 2:
            return UnreadableFile(N_("{name}: the columns are separated by {sep}, not commas (header: {header}...); "
                                     "save the file as comma-separated CSV"), name=path.name, sep=Phrase(word),
                                  header=repr(names[0][:80]))
    shown = ", ".join(n[:40] for n in names[:8]) + (", ..." if len(names) > 8 else "")
    if not shown:
        return UnreadableFile(N_("{name}: unrecognised layout (no columns); {expected}"), name=path.name,
                              expected=expected_layouts)
    return UnreadableFile(N_("{name}: unrecognised layout (columns: {columns}); {expected}"), name=path.name,
                          columns=shown, expected=expected_layouts)


# ---- importing ----------------------------------------------------------------------------------------
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
    limits: Limits | None = None,
    changeset_id: str | None = None,
    now: datetime | None = None,
    licence: Mapping[str, object] | None = None,
    status: str | None = None,
    lang: str = "en",
) -> ImportReport:
    """Read, adapt, geocode, validate and add a file's new reports to the store (see module doc).

    ``geocoder`` defaults to the bundled village gazetteer's; ``today`` is the import day for the date rules
    (default: the local date now); ``author`` and ``reason`` go into the history (default: ``default_author()`` and
    "import of FILE (FORMAT)"); ``limits`` the import limits (default: :class:`~dashboard.settings.Limits`'
    defaults); ``changeset_id`` names the change set in advance (:mod:`dashboard.data.import_job`); ``now`` dates
    the rule's new decisions (default: the time now, UTC); ``licence`` the licence declared for the file's rows
    (``licence``, ``attribution``, ``redistribute``; files in this tool's own layout only: ACLED and UCDP files
    carry their dataset's licence, ``docs/licences.md``); ``status`` the new reports' review status (default:
    :func:`~dashboard.data.store.import_status`, draft once the store has accounts); ``lang`` the language of the
    rejects file's ``_problem`` column (the person who fixes the rows reads it; the JSON report stays English)."""
    path = Path(path)
    limits = limits or Limits()
    store_path = resolve_store(store)
    raw, flat, chosen = _read(path, fmt, limits)
    if licence and chosen.dataset != USER_DATASET:
        raise UserError(N_("{name} is in the {layout} layout: its rows carry {dataset}'s licence ({licence}); a "
                           "licence is declared only for files in this tool's own layout"), name=path.name,
                        layout=chosen.name, dataset=chosen.licence.label, licence=Phrase(chosen.licence.name))
    flat, named, lowered = provenance.assign(flat, chosen.dataset)
    flat, placing = place_rows(flat, geocoder if geocoder is not None else Geocoder.default())
    try:
        result = validate_flat(flat, source_name=path.name, today=today or date.today(),
                               max_text_chars=limits.cell_chars)
    except LayoutError as exc:  # the same message, said as the file's problem
        raise UnreadableFile(exc.template, detail=exc.detail, **exc.fields) from None
    rejects_file = None
    for attempt in range(IMPORT_ATTEMPTS):
        new, duplicates, problems = _new_reports(store_path, result, named, chosen.dataset)
        bad_rows = sorted(set(problems["row"]))
        blocked = strict and bool(bad_rows)
        if not dry_run and not blocked and not new.empty:
            ensure_store(store_path)  # a new store starts with the bundled reports and decisions, before they are met
        # the rule's decisions for the store's reports and the new ones (what the import writes with them)
        plan = plan_import(store_path, new, now=now, skipped=set()) if dry_run or not blocked else None
        report = ImportReport(
            path=path, format=chosen.name, rows=len(raw), accepted=len(new), rejected=len(bad_rows),
            duplicates=duplicates, added=0, rejects_file=None, unresolved_places=placing.not_found,
            ambiguous_places=placing.ambiguous, renamed_cercles=placing.cercles, problems=problems, dry_run=dry_run,
            strict=strict, store=store_path, dataset=chosen.dataset,
            dataset_claims=provenance.replaced(named, chosen.dataset), verification_claims=lowered,
            matches=None if plan is None else plan.matches,
        )
        if dry_run:
            return report
        if bad_rows and rejects_file is None:
            rejects_file = _write_rejects(rejects_path(store_path), raw, problems, tr(lang))
        report.rejects_file = rejects_file
        if report.blocked or new.empty:
            report.matches = None
            return report
        try:
            declared = None if not licence else {
                **licence, "declared_by": default_author(author),
                "declared_at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")}
            applied = apply_import(store_path, new, author=author, changeset_id=changeset_id, decisions=plan.changes,
                                   licence=declared, status=status,
                                   reason=reason or IMPORT_OF.format(name=path.name, format=chosen.name),
                                   detail={"file": path.name, "format": chosen.name, "rows": len(raw)})
            break
        except ConflictError:
            # another import or decision landed between the plan and its commit (the rule's decisions were computed
            # from the reports seen then; nothing of this one was written): skip and plan again on the store as it
            # is now, under the same change set id
            if attempt == IMPORT_ATTEMPTS - 1:
                raise
    offered = set(new["incident_id"])
    added = sum(key in offered for key in applied.inserted)  # reports (the change set also holds decisions)
    report.added = report.accepted = added
    report.duplicates += len(new) - added  # stored by another import in the meantime
    report.changeset_id = applied.changeset_id
    report.versions = (applied.base_version, applied.version) if applied.changeset_id else None
    return report


def _new_reports(store: Location, result, named: pd.Series, dataset: str) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """(the valid rows an import adds, how many it skips, every problem): skips as :func:`_skips` finds them, then a
    new row that takes another dataset's id prefix is a problem (:func:`provenance.id_problems`)."""
    valid = result.valid
    rows = pd.Series(list(result.rows), index=valid.index) if len(valid) else pd.Series([], dtype=object)
    claimed = named.reindex(rows.to_numpy()).to_numpy() if len(valid) else []
    skipped = _skips(store, valid, claimed)
    keep = ~valid["incident_id"].isin(skipped).to_numpy(dtype=bool)
    new, new_rows = valid.loc[keep], rows.loc[keep].tolist()
    problems = result.rejects
    foreign = provenance.id_problems(new["incident_id"], new_rows, dataset)
    if foreign:
        taken = {p["incident_id"] for p in foreign}
        new = new.loc[~new["incident_id"].isin(taken)]
        problems = pd.concat([problems, pd.DataFrame(foreign, columns=[*REJECT_COLUMNS, SAID_COLUMN])], ignore_index=True)
        problems = problems.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    return new, int(keep.size - keep.sum()), problems


def _skips(store: Location, valid: pd.DataFrame, claimed) -> set[str]:
    """Ids of the valid rows the store already holds: by id, by (dataset, ``source_record_id``), or by the
    ``source_record_id`` under the dataset the row's file named (``claimed``, per row: an exported ACLED row
    imported again as a native file is still that ACLED record), or that an earlier row of the file repeats."""
    skipped = skipped_on_import(store, valid)
    other = [isinstance(n, str) and n != d and isinstance(r, str)
             for n, d, r in zip(claimed, valid["dataset"], valid["source_record_id"], strict=True)]
    if any(other):
        as_named = valid.loc[other].copy()
        as_named["dataset"] = [n for n, o in zip(claimed, other, strict=True) if o]
        real = list(as_named["incident_id"])
        as_named["incident_id"] = [f"\x00claimed:{i}" for i in real]  # matched by dataset record only
        found = skipped_on_import(store, as_named)
        skipped |= {i for i, m in zip(real, as_named["incident_id"], strict=True) if m in found}
    return skipped


def _write_rejects(target: Path, raw: pd.DataFrame, problems: pd.DataFrame, t: Translator | None = None) -> Path:
    """Bad rows with their original content plus ``_row``, ``_column``, ``_problem`` (in ``t``'s language, English
    without; the column names stay as they are, for the importer and for scripts); atomic replace. Spreadsheet-safe
    (:mod:`dashboard.data.spreadsheet`): people open it in a spreadsheet to fix the rows, and the rows are
    untrusted."""
    grouped = problems.groupby("row", sort=True)
    rows = list(grouped.groups)
    out = raw.loc[rows].copy()
    out = out.drop(columns=[c for c in ("_row", "_column", "_problem") if c in out.columns])
    out.insert(0, "_row", rows)
    out["_column"] = [", ".join(dict.fromkeys(grouped.get_group(r)["column"])) for r in rows]
    out["_problem"] = [problems_said(grouped.get_group(r), t) for r in rows]
    out = defuse_formulas(out)
    with replacing(target) as tmp:
        # UTF-8 with a BOM so that spreadsheet programs show "Ségou", not mojibake; the importer reads it back
        out.to_csv(tmp, index=False, encoding="utf-8-sig")
    return target
