"""The app-facing store API: the validated incident frame of a store location, its dataset version, a fast cache.

* A location is a GeoPackage path (the embedded default, ``data/incidents.gpkg`` in a checkout) or a
  ``postgresql://…`` URL (a team's PostGIS database); :mod:`dashboard.data.engines` holds both engines, the
  change sets every write goes through, and the history every change appends to.
* A store path that does not exist yet is created holding the bundled Ségou dataset (its first change set).
* Reading returns the canonical GeoDataFrame, validated; a store that fails validation is an error.
* The dataset version is a content hash of the incidents that the store keeps up to date with every change set,
  so checking whether a store changed is one small query (:func:`store_state`), never a reload.
* A fast cache holds the validated frame: ``<store>.parquet`` beside a GeoPackage, or, for a PostGIS store, a
  file in the local cache folder (``$INCIDENT_MAP_CACHE`` or ``~/.cache/incident-map``) named by a hash of the
  URL. It is GeoParquet (zstd, page checksums) keyed on the dataset version and the validation rules (a hash of
  ``schema.py`` and ``validate.py``), and rebuilt whenever either differs or it cannot be read back exactly: it
  is never trusted over the store. Reading 1 M incidents from it takes 2–3 s instead of about a minute of reading
  and validation.
* The text-search index (:mod:`dashboard.data.search`) is built with the cache and saved beside it as
  ``<cache name>.search.arrow``, keyed on the same version; a stale or unreadable one is rebuilt (by
  :func:`load_store`) or ignored (by :func:`read_store`, which then searches by scanning).
* Each stored incident record is a *report* (one dataset's record of an event); the store's ``decision`` records
  (:data:`~dashboard.data.engines.records.DECISION`) group reports into incidents (:mod:`dashboard.data.reconcile`).
  :func:`load_store` returns both levels: the incident frame every view counts (cached as
  ``<cache name>.incidents.parquet``, same key), the reports and the decisions. The dataset version covers the
  reports and the linked pairs, so a link or unlink is a new version.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import bundled
from dashboard.data import engines
from dashboard.data import frame_files as files
from dashboard.data.atomic import replacing
from dashboard.data.engines import Change, ChangeSet, StoreError, default_author, is_postgres_url
from dashboard.data.engines.records import (
    DECISION,
    INCIDENT,
    LICENCE,
    RESPONSE,
    WORKFLOW,
    combine,
    dataset_hash,
    decision_hashes,
    frame_records,
    response_hashes,
    version_text,
)
from dashboard.data.freed import give_back
from dashboard.data.grading import GRADE_COLUMNS, REPORT_COLUMNS, grade_frame
from dashboard.data.points import Points
from dashboard.data.readers import read_csv_text
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.incidents import INCIDENT_COLUMNS
from dashboard.data.reconcile.view import ReportLevel, bundled_decisions, incidents_of
from dashboard.data.schema import COLUMNS, parse_sources
from dashboard.data.search import SEARCH_COLUMNS, SearchIndex
from dashboard.data.shared_columns import blank_columns, compact, joined, with_empty
from dashboard.data.source_types import source_type
from dashboard.data.sources.licences import Licence, declared
from dashboard.data.validate import ValidationResult, rejects_table, validate_flat
from dashboard.data.workflow_view import STATUS_COLUMN, status_column
from dashboard.history_words import BUNDLED, REPLACED
from dashboard.i18n import N_, Count
from dashboard.settings import STORE_ENV as STORE_ENV  # re-exported: the variable naming the store
from dashboard.settings import Settings

BUNDLED_CSV = bundled.path("incidents.csv")
BUNDLED_RESPONSES = "responses.csv"  # the accused party's responses the reference notes state with a source
INCIDENT_LAYER = "incidents"
SOURCE_LAYER = "sources"
CACHE_SUFFIX = ".parquet"
INCIDENT_CACHE_SUFFIX = ".incidents.parquet"
SEARCH_SUFFIX = ".search.arrow"
BUILD_LOCK_SUFFIX = ".building"  # beside the cache: held while a cache is built (dashboard.data.warming)
CACHE_FORMAT = 3  # bump when the cached layout or its key changes
log = logging.getLogger(__name__)
INCIDENT_FRAME_COLUMNS = (*COLUMNS, *INCIDENT_COLUMNS, *GRADE_COLUMNS)  # the incident frame's, as cached

Location = str | Path  # a GeoPackage path or a postgresql:// URL


def default_store_path() -> Location:
    """The configured store (``$INCIDENT_MAP_STORE``, else the default data folder: see :mod:`dashboard.settings`).
    The CLI and the app pass their :class:`~dashboard.settings.Settings`' store explicitly."""
    return Settings.from_env().store


def resolve_store(location: Location | None) -> Location:
    """A URL stays text; anything else is a path. ``None``: the configured store (:func:`default_store_path`)."""
    if not location:
        return default_store_path()
    return str(location) if is_postgres_url(str(location)) else Path(location)


def describe_store(location: Location | None) -> str:
    return engines.describe(resolve_store(location))


def load_bundled() -> gpd.GeoDataFrame:
    """What a fresh store holds, validated: the curated Ségou incidents (``dashboard/bundled/incidents.csv``) and the
    bundled UCDP GED 21.1 extract as its own dataset (:mod:`dashboard.data.ucdp_layer`)."""
    from dashboard.data.ucdp_layer import ucdp_flat

    flat = pd.concat([read_csv_text(BUNDLED_CSV), ucdp_flat()], ignore_index=True)
    result = validate_flat(flat, source_name=BUNDLED_CSV.name)
    if len(result.rejects):
        raise StoreError(N_("{path}: bundled data fails validation"), path=str(BUNDLED_CSV),
                         detail=rejects_table(result.rejects))
    return result.valid


def _populate_bundled(store: engines.Store) -> None:
    """A fresh store: the bundled reports and the decisions that go with them (the project's, from
    ``dashboard/bundled/decisions.csv``, and the rule's around them), in one change set."""
    reports = load_bundled()
    records = frame_records(reports)
    decisions = bundled_decisions(reports)
    responses = bundled_responses()
    store.apply(ChangeSet(kind="import", author="incident-map", reason=BUNDLED,
                          detail={"file": BUNDLED_CSV.name, "format": "native"},
                          changes=[*(Change(r["incident_id"], "insert", r) for r in records),
                                   *(Change(d.id, "insert", d.to_record(), record_type=DECISION.name)
                                     for d in decisions),
                                   *(Change(r["response_id"], "insert", r, record_type=RESPONSE.name)
                                     for r in responses)],
                          skip_existing=True))


def bundled_responses() -> list[dict]:
    """The responses of ``dashboard/bundled/responses.csv`` (their README says where each is stated)."""
    path = bundled.path(BUNDLED_RESPONSES)
    if not path.exists():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return [{k: (v or None) for k, v in r.items()} for r in table.to_dict("records")]


def open_store(location: Location | None = None) -> engines.Store:
    """The engine of a store location, creating the store from the bundled dataset if there is none yet."""
    return engines.open_store(resolve_store(location), populate=_populate_bundled)


def ensure_store(location: Location | None = None) -> Location:
    """Return the store location, creating the store from the bundled dataset if it does not exist yet."""
    resolved = resolve_store(location)
    engines.open_store(resolved, populate=_populate_bundled)
    return resolved


def store_state(location: Location | None = None) -> tuple[str, int]:
    """(dataset version, revision) of a store: one small query, what the app checks on every run."""
    return open_store(location).state()


@dataclass(frozen=True)
class StoreData:
    """A store's incidents (the frame every view counts: reports grouped by the decisions), its dataset version,
    whether the frames came from the fast cache, its reports and decisions."""

    incidents: gpd.GeoDataFrame
    version: str
    from_cache: bool
    search: SearchIndex | None = None  # the text-search index of exactly these incidents, when one is fresh
    reports: gpd.GeoDataFrame | None = None  # every stored report, validated
    decisions: tuple[Decision, ...] = ()
    report_incident: np.ndarray | None = None  # for each report (in order), the id of its incident
    links: str = ""  # the linked pairs' part of the version (what the cache checks the decisions against)
    licences: Mapping[str, Licence] = field(default_factory=dict)  # declared at import: report id → licence
    responses: tuple[dict, ...] = ()  # what the accused party said (migration 0008_grading), oldest first
    statuses: Mapping[str, str] = field(default_factory=dict)  # review workflow: report id → status (else published)
    deferred: files.DeferredReports | None = None  # the reports, when load_store(defer_reports=True) left them unread
    points: Points | None = None  # the incidents' points as the cache held them (None: ask the geometry)

    @property
    def report_level(self) -> ReportLevel:
        """Every report and its incident (the deferred reports are read now)."""
        return ReportLevel(self.deferred.frame() if self.reports is None else self.reports, self.report_incident)

    def report_level_when_asked(self) -> Callable[[], ReportLevel]:
        """:attr:`report_level`, read the first time it is called (at once when the reports are not deferred)."""
        if self.deferred is None:
            level = self.report_level
            return lambda: level
        deferred, owners = self.deferred, self.report_incident
        return lambda: ReportLevel(deferred.frame(), owners)


def read_store(location: Location | None = None) -> gpd.GeoDataFrame:
    """Read and validate the *reports* of a store (created from the bundled data if missing).

    Uses the fast cache when it is fresh but never writes one: a plain read (a CLI query, an import's dry run)
    leaves no file behind. :func:`load_store`, which the app uses, builds the cache."""
    return load_store(location, write_cache=False).reports


def load_store(location: Location | None = None, *, use_cache: bool = True, write_cache: bool = True,
               step: Callable[[str], None] | None = None, defer_reports: bool = False) -> StoreData:
    """The store's incidents, reports, decisions and dataset version: the frames from the fast cache when it is
    fresh for the store's current dataset version, otherwise read from the store (validated) and grouped by the
    decisions, after which the cache is (re)built unless ``write_cache`` is false. The decisions are always read
    from the store (a small table; a pending one changes no frame, so not the version either). ``step`` is told
    each stage of a build as it starts (:data:`dashboard.data.warming.STEPS`: the import's progress bar); the
    incidents' cache file is renamed into place after the search index is written, so a fresh cache means both are
    there (:func:`_write_derived`). ``defer_reports``: the reports' frame is left unread (``reports`` is ``None``)
    until :attr:`StoreData.report_level` asks for it (:class:`~dashboard.data.frame_files.DeferredReports`),
    whether the frames come from the cache or were built here and written to it."""
    step = _giving_back(step or (lambda _name: None))
    location = ensure_store(location)
    store = open_store(location)
    version = store.version()
    data = None
    if use_cache:
        with ThreadPoolExecutor(1) as pool:  # the decisions are read while the cache is (see _read_cache)
            reading = pool.submit(read_decisions, location)
            data = _read_cache(location, _cache_key(version), defer_reports=defer_reports)
            decisions = reading.result()
    if data is not None:
        # the same links as the cached frames' (else the store changed in between: read it whole)
        data = replace(data, decisions=decisions) if _links_hash(decisions) == data.links else None
    responses = read_responses(store)
    search = None
    if data is None:
        data = _build(store, location, responses, step, cache=use_cache and write_cache)
        if use_cache and write_cache:
            held = [data]
            del data  # only ``held`` refers to the frames: _write_derived lets them go while it builds the index
            data, search = _write_derived(store, location, held, step, defer_reports)
    statuses = read_statuses(store)
    data = replace(data, licences=read_licences(store), responses=responses, statuses=statuses)
    # each incident's and report's review status (dashboard.data.workflow_view): added on every load, never cached
    if data.deferred is None:
        data.incidents[STATUS_COLUMN], data.reports[STATUS_COLUMN] = status_column(
            data.incidents, data.reports, data.report_incident, statuses)
    else:  # the reports' ids only, and only when some report has a status (else every one is published)
        ids = data.deferred.ids() if statuses else pd.Series(index=range(len(data.report_incident)), dtype=object)
        data.incidents[STATUS_COLUMN], status = status_column(
            data.incidents, pd.DataFrame({"incident_id": ids}), data.report_incident, statuses)
        data.deferred.status = status
    if not use_cache:
        return data
    if search is None:
        give_back()  # what reading the frames freed (a cold load's read-back: see _write_derived)
        search = _open_search(location, _search_key(data.version, len(data.incidents)))
    if search is None and write_cache:
        step("index")
        search = SearchIndex.build(data.incidents)
        _write_search(location, search, data.version)
    return replace(data, search=search)


def _giving_back(step: Callable[[str], None]) -> Callable[[str], None]:
    """``step``, told each stage once what the last one freed is handed back (:mod:`dashboard.data.freed`)."""
    def stage(name: str) -> None:
        give_back()
        step(name)
    return stage


def _build(store: engines.Store, location: Location, responses: tuple[dict, ...],
           step: Callable[[str], None], *, cache: bool = False) -> StoreData:
    """The store's reports read and validated, grouped into incidents by the decisions, and graded.

    ``cache``: the reports' cache file is written as the grouping starts and the reports are deferred to it
    (``reports`` is ``None``; :class:`~dashboard.data.frame_files.DeferredReports` reads them back), so that grouping
    can move the rows it keeps out of the reports' frame rather than copy them beside it
    (``build_incidents(take=True)``); grading keeps only the reports' columns it reads. Measured at a million
    reports after an import linked some of them, a cold load peaked at 3.9 GB with the whole reports' frame held
    through grouping, grading and the cache (docs/benchmarks.md, "A store whose reports are linked"). A file that
    cannot be written leaves the reports in memory (:func:`_write_derived` tries again and says why)."""
    step("read")
    reports, decided, version = _read_validated(store, location)
    step("validate")
    decisions = _decisions(decided.flat)
    del decided
    step("group")
    reports = reports.reset_index(drop=True)  # (copy-on-write: the same columns)
    deferred = _defer_reports(location, reports, version) if cache else None
    read_by_grading = reports if deferred is None else reports[list(REPORT_COLUMNS)]
    built = incidents_of(reports, decisions, take=deferred is not None)
    if deferred is not None:
        reports = None  # (its columns were moved into the incident frame, or are shared with it if none grouped)
    step("grade")  # the grades are a function of the versioned record (responses included): cached with it
    graded = compact(grade_frame(built.frame, read_by_grading, built.report_incident, responses))
    report_incident = built.report_incident
    del built, read_by_grading  # the ungraded frame (the graded one shares its columns): not held any longer
    return StoreData(incidents=graded, version=version, from_cache=False, reports=reports, deferred=deferred,
                     decisions=decisions, report_incident=report_incident, links=_links_hash(decisions))


def _defer_reports(location: Location, reports: gpd.GeoDataFrame, version: str) -> files.DeferredReports | None:
    """The reports' cache file written and opened (``None``: it could not be, the reports stay in memory)."""
    try:
        _write_reports(location, reports, version)
    except Exception:  # (_write_derived writes it again and logs why it cannot)
        return None
    opened = files.open_frame(cache_path(location), _cache_key(version))
    return None if opened is None else files.DeferredReports(cache_path(location), *opened)


def _write_reports(location: Location, reports: gpd.GeoDataFrame, version: str) -> None:
    """The reports' cache file written (as the grouping starts, :func:`_defer_reports`, or with the incidents')."""
    files.replace_file(cache_path(location), _reports_table(reports, _cache_key(version), version), location)


def _write_derived(store: engines.Store, location: Location, held: list[StoreData], step: Callable[[str], None],
                   defer_reports: bool) -> tuple[StoreData, SearchIndex | None]:
    """Write the cache and the search index of a version just built (``held``: its one :class:`StoreData`, taken
    out), and return its frames read back from the cache (the reports left unread with ``defer_reports``, as the
    app loads) and the index when it could not be saved (else ``None``: see below). The incidents' file is renamed
    into place last, after the index is written: a fresh cache means its search index is there too
    (:mod:`dashboard.data.warming`).

    Why the frames are let go and read back: the index is built from the searched columns alone, so the frames are
    not held beside the build's own arrays. Measured at a million synthetic incidents, the process held 2.07 GB
    with both frames, 1.33 GB with the searched columns alone; the index build's peak was 4.05 GB with the frames
    held, 2.89 GB without; reading the incidents back (5 s) then peaks at 3.09 GB, about what a warm load of the
    same store takes (docs/benchmarks.md, "The frames let go while the index is built"; since then the index build
    and the read-back are leaner, "The index build and the read-back": 2.8 GB).

    The index, once saved, is let go too while the frames are read back (``None`` is returned: :func:`load_store`
    opens it from its file after them, as a warm load does); one that could not be saved is kept and returned.
    Measured on the million after an import linked some of its reports, the read-back beside the index peaked at
    2.53 GB, without it and then the index opened 2.33 GB (docs/benchmarks.md, "The read-back hands back as it
    reads")."""
    data = held.pop()
    key = _cache_key(data.version)
    decisions, version, rows = data.decisions, data.version, len(data.incidents)
    step("cache")
    renamed_last = contextlib.ExitStack()  # the incidents' file: written now, renamed into place after the index
    try:
        if data.deferred is None:  # (else written as the grouping started: _build)
            _write_reports(location, data.reports, version)
        tmp = renamed_last.enter_context(replacing(incident_cache_path(location), mode_like=files.mode_like(location)))
        files.write_table(_incidents_table(data, key), tmp)
    except Exception as exc:
        renamed_last.__exit__(type(exc), exc, exc.__traceback__)  # not renamed: the temporary file is removed
        log.warning("%s: could not write the store cache (%s)", incident_cache_path(location), exc)
        if data.deferred is None or defer_reports:
            return data, None
        try:  # the reports asked for in memory: read back from their file, written before the grouping
            return replace(data, reports=data.deferred.frame(), deferred=None), None
        except StoreError:
            return _build(store, location, read_responses(store), lambda _name: None), None
    with renamed_last:
        searched = data.incidents[list(SEARCH_COLUMNS)]
        del data  # the frames let go: the searched columns are all the index reads
        step("index")
        search = SearchIndex.build(searched, words=False)
        del searched  # the searched columns let go too: the word index reads the folded text alone
        give_back()
        search = search.with_words()
        if _write_search(location, search, version):
            search = None  # let go too: load_store opens it from its file once the frames are read back
    give_back()  # what the index build freed, before the frames are read back
    read = _read_cache(location, key, defer_reports=defer_reports)
    if read is None or read.version != version or len(read.incidents) != rows:  # a disk fault: built again
        log.warning("%s: the store cache just written does not read back; building the frames again",
                    incident_cache_path(location))
        rebuilt = _build(store, location, read_responses(store), lambda _name: None)
        return rebuilt, search if rebuilt.version == version else None  # the index is of that version's frame
    return replace(read, decisions=decisions, from_cache=False), search


def store_cache_version(location: Location) -> str | None:
    """The dataset version both cached frames hold under the rules in force (``None``: no usable cache). Reads
    only the files' footers: what the app asks before deciding whether reading a new version will be quick."""
    versions = set()
    for path in (cache_path(location), incident_cache_path(location)):
        try:
            meta = json.loads(pq.read_schema(path).metadata[files.CACHE_META])
        except Exception:  # missing, truncated or foreign: no usable cache
            return None
        if meta.get("key") != _cache_key(str(meta.get("version"))):
            return None
        versions.add(str(meta["version"]))
    return versions.pop() if len(versions) == 1 else None


def published(data: StoreData) -> tuple[gpd.GeoDataFrame, ReportLevel, bool]:
    """(incidents, report level, whether any report was left out): the published reports only, for the public view
    and public exports (:func:`dashboard.data.workflow_view.published_only`)."""
    from dashboard.data.workflow_view import published_only

    incidents, reports, owner, changed = published_only(data.incidents, data.reports, data.report_incident,
                                                        data.decisions, data.statuses)
    return incidents, ReportLevel(reports, owner), changed


def read_licences(store: engines.Store) -> dict[str, Licence]:
    """The licences declared at import (migration 0005), by report id (a small table, read with every load)."""
    return {key: declared(record) for key, (_, record) in store.records(LICENCE).items()}


def read_responses(store: engines.Store) -> tuple[dict, ...]:
    """The responses of the accused party (migration 0008_grading), by date (a small table, read with every load)."""
    records = [record for _, record in store.records(RESPONSE).values()]
    return tuple(sorted(records, key=lambda r: (r["incident_id"], r["date"], r["response_id"])))


def read_statuses(store: engines.Store) -> dict[str, str]:
    """The review workflow's statuses (migration 0006_workflow), by report id, for the reports that have one (the
    others are published); read with every load, like the licences."""
    flat = store.read(WORKFLOW).flat
    return dict(zip(flat["incident_id"], flat["status"], strict=True))


def has_accounts(store: engines.Store) -> bool:
    """Whether the store has team accounts (migration 0006_workflow). A store without any is one person's: its
    imports are published at once, as before the review workflow existed."""
    import sqlalchemy as sa

    with store.read_connection() as conn, conn.begin():
        return conn.execute(sa.text("SELECT 1 FROM accounts LIMIT 1")).first() is not None


def import_status(store: engines.Store, publish: bool) -> str:
    """The status an import gives its reports: ``published`` in a store without accounts, or when the importer
    (a reviewer or admin, checked by the caller) asks for it; ``draft`` otherwise."""
    return "published" if publish or not has_accounts(store) else "draft"


READ_CHUNK = 50_000  # reports read and validated at a time by a full load. Measured on a linked million's cold
# load: the read step's peak 1,971 MB with 100,000 at a time, 1,724-1,727 with 50,000, 1,599 with 25,000 (the
# cache step, 1.93-1.94 GB, is then the highest); 109, 110-114 and 117 s (docs/benchmarks.md, "Smaller chunks")


def _read_validated(store: engines.Store, location: Location) -> tuple[gpd.GeoDataFrame, engines.Snapshot, str]:
    """(the validated reports, the decisions' snapshot, the version), read in one snapshot. The reports are read
    and validated :data:`READ_CHUNK` at a time, so that only one chunk is ever held as Python objects (the flat
    records cost several times their validated, Arrow-backed form). Validation is per row but for the duplicate
    ids check, which a store's key makes moot; chunks are joined only when they validated to the same dtypes,
    else the store is validated whole (exactly as before). The chunks are joined a column at a time, each chunk's
    column let go once joined; a count or text column with no value in any chunk is not joined: the frame holds it
    as a view of one shared empty column (:func:`~dashboard.data.shared_columns.with_empty`, as a frame read back
    from the cache does)."""
    name = describe_store(location)
    results, (decided,), version = store.read_in_chunks(
        INCIDENT, READ_CHUNK, lambda flat: _compacted(validate_flat(flat, source_name=name)), also=(DECISION,))
    rejects = pd.concat([r.rejects for r in results], ignore_index=True)
    if len(rejects):
        _refuse(rejects, rejects["row"].nunique(), location)
    if len({tuple(map(str, r.valid.dtypes)) for r in results}) > 1:
        snapshot, decided = store.read_types((INCIDENT, DECISION))
        return _validated(snapshot.flat, location), decided, snapshot.version
    geometry, crs = results[0].valid.geometry.name, results[0].valid.crs
    valid = [pd.DataFrame(r.valid) for r in results]
    del results
    order = list(valid[0].columns)
    blank = blank_columns(valid)  # not joined: one shared empty column each (shared_columns.with_empty)
    columns = {}
    for column in order:  # joined a column at a time, each chunk's column let go once joined
        if column not in blank:
            whole = joined([v[column] for v in valid])
            if isinstance(whole.dtype, pd.StringDtype) and whole.dtype.storage == "pyarrow":
                # one Arrow chunk per text column, as a whole read (and the cache) give them
                whole = pd.Series(pd.array(pa.chunked_array(whole.array._pa_array).combine_chunks(),
                                           dtype=whole.dtype), name=column)
            columns[column] = whole
        for v in valid:
            del v[column]
        give_back()
    frame = with_empty(pd.DataFrame(columns, copy=False), blank, order)
    # copy=False: given a CRS, GeoDataFrame otherwise copies every column (these are this function's own)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs, copy=False), decided, version


def _validated(flat: pd.DataFrame, location: Location) -> gpd.GeoDataFrame:
    result = validate_flat(flat, source_name=describe_store(location))
    if len(result.rejects):
        _refuse(result.rejects, len(result.rejected_rows), location)
    return compact(result.valid)


def _compacted(result: ValidationResult) -> ValidationResult:
    """A chunk's validation with its repeating texts held as categories (:func:`shared_columns.compact`), as the
    store's frames hold them."""
    compact(result.valid)
    return result


def _refuse(rejects: pd.DataFrame, rows: int, location: Location) -> None:
    raise StoreError(N_("{path}: {n} stored incident(s) fail validation"), path=describe_store(location),
                     n=Count(rows), detail=rejects_table(rejects.head(20)))


def _real(path: Path) -> Path:
    """The file a store path names (through symbolic links): its derived files sit beside that file."""
    return Path(os.path.realpath(path))


def _cache_dir(location: Location) -> Path:
    """Where derived files go: beside a GeoPackage (its target, for a symbolic link), or in the local cache folder
    for a database."""
    if isinstance(location, Path):
        return _real(location).parent
    from dashboard.settings import cache_dir

    return cache_dir()


def _cache_name(location: Location) -> str:
    if isinstance(location, Path):
        return _real(location).name
    return "postgis-" + hashlib.sha256(str(location).encode()).hexdigest()[:16]


def cache_path(location: Location) -> Path:
    location = resolve_store(location)
    return _cache_dir(location) / (_cache_name(location) + CACHE_SUFFIX)


def incident_cache_path(location: Location) -> Path:
    location = resolve_store(location)
    return _cache_dir(location) / (_cache_name(location) + INCIDENT_CACHE_SUFFIX)


def search_path(location: Location) -> Path:
    location = resolve_store(location)
    return _cache_dir(location) / (_cache_name(location) + SEARCH_SUFFIX)


def _open_search(store: Location, key: dict) -> SearchIndex | None:
    path = search_path(store)
    if not path.exists():
        return None
    try:
        return SearchIndex.open(path, key)
    except Exception as exc:  # truncated or foreign: rebuilt (or, for a plain read, searched by scanning)
        log.warning("%s: ignoring the search index (%s)", path, exc)
        return None


# ---- the fast cache ----------------------------------------------------------------------------------------
def _cache_key(version: str) -> dict:
    return {"format": CACHE_FORMAT, "version": version, "rules": _rules_fingerprint()}


@cache
def _rules_fingerprint() -> str:
    """Validation and grouping rules in force: a cache validated or grouped under other rules is stale."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("schema.py", "validate.py", "reconcile/incidents.py", "reconcile/decisions.py", "grading.py",
                 "source_types.py"):
        digest.update((here / name).read_bytes())
    digest.update(bundled.path("source_types.csv").read_bytes())  # the organisations' types the grades read
    return digest.hexdigest()[:16]


def _read_cache(store: Location, key: dict, defer_reports: bool = False) -> StoreData | None:
    """The cached frames (reports, incidents) if the cache is fresh and reads back whole; ``None`` (rebuild)
    otherwise. The two files are read at once, in two threads (Parquet decoding and the points' creation release
    the interpreter's lock): measured at a million reports, 9.1 s one after the other, 5.2 s together.
    ``defer_reports``: the reports' file is only opened and its footer checked
    (:class:`~dashboard.data.frame_files.DeferredReports`)."""
    if defer_reports:
        reports = files.open_frame(cache_path(store), key)
        incidents = files.read_frame(incident_cache_path(store), key, list(INCIDENT_FRAME_COLUMNS))
    else:
        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(files.read_frame, cache_path(store), key, list(COLUMNS))
            incidents = files.read_frame(incident_cache_path(store), key, list(INCIDENT_FRAME_COLUMNS))
            reports = reading.result()
    if reports is None or incidents is None or reports[-1]["version"] != incidents[-1]["version"]:
        return None
    report_incident = incidents[-1].get("report_incident")
    if report_incident is None or len(report_incident) != reports[-1]["rows"]:
        return None
    deferred = files.DeferredReports(cache_path(store), *reports) if defer_reports else None
    return StoreData(incidents=incidents[0], points=incidents[1], version=str(incidents[-1]["version"]), from_cache=True,
                     reports=None if defer_reports else reports[0], deferred=deferred,
                     report_incident=np.asarray(report_incident, dtype=object), links=str(incidents[-1].get("links")))


def _write_cache(store: Location, key: dict, data: StoreData) -> None:
    """Both frames as GeoParquet 1.1 (point encoding, zstd, page checksums), with their key and version; the
    incidents' last. A file that cannot be written is skipped (:func:`atomic_write`)."""
    files.atomic_write(cache_path(store),
                       lambda tmp: files.write_table(_reports_table(data.reports, key, data.version), tmp), store)
    files.atomic_write(incident_cache_path(store), lambda tmp: files.write_table(_incidents_table(data, key), tmp),
                       store)


def _reports_table(reports: gpd.GeoDataFrame, key: dict, version: str) -> pa.Table:
    return files.frame_table(reports, list(COLUMNS), key, version, {})


def _incidents_table(data: StoreData, key: dict) -> pa.Table:
    return files.frame_table(data.incidents, list(INCIDENT_FRAME_COLUMNS), key, data.version,
                        {"report_incident": [str(r) for r in data.report_incident], "links": data.links})


def _search_key(version: str, rows: int) -> dict:
    """What a saved search index must have been built for: this version, these rows, under these rules."""
    return {"store": _cache_key(version), "version": version, "rows": rows}


def _write_search(location: Location, search: SearchIndex, version: str) -> bool:
    """The index saved beside the store; whether it could be."""
    key = _search_key(version, search.rows)
    return files.atomic_write(search_path(location), lambda tmp: search.save(tmp, key), location)


def write_store(location: Location, incidents: gpd.GeoDataFrame, decisions: Sequence[Decision] | None = None, *,
                reason: str = REPLACED, author: str | None = None,
                kind: str = "replace") -> engines.Applied:
    """Make the store hold exactly the reports ``incidents`` and the ``decisions`` (creating an empty store first if
    there is none), as one change set: new records inserted, changed ones updated field by field, missing ones
    deleted, all in the history. ``decisions=None`` keeps the stored decisions that name two of the reports kept."""
    location = resolve_store(location)
    store = engines.init_store(location)
    wanted = {r["incident_id"]: r for r in frame_records(incidents)}
    changes = diff_changes(store.records(), wanted, INCIDENT.name)
    stored_decisions = store.records(DECISION)
    if decisions is None:
        decisions = [Decision.from_record(r) for _, r in stored_decisions.values()
                     if r["a"] in wanted and r["b"] in wanted]
    changes += decision_changes(stored_decisions, decisions)
    return store.apply(ChangeSet(kind=kind, reason=reason, author=default_author(author), changes=changes))


def diff_changes(stored: Mapping[str, tuple[int, dict]], wanted: Mapping[str, dict], rtype: str) -> list[Change]:
    """The changes that make the ``stored`` records (key -> (version, record)) the ``wanted`` ones: inserts,
    field-by-field updates and deletes, each based on the version read (a concurrent change is a conflict)."""
    changes = [Change(key, "delete", expected_version=version, record_type=rtype)
               for key, (version, _) in stored.items() if key not in wanted]
    for key, record in wanted.items():
        if key not in stored:
            changes.append(Change(key, "insert", record, record_type=rtype))
            continue
        version, old = stored[key]
        diff = {n: v for n, v in record.items() if old.get(n) != v}
        if diff:
            changes.append(Change(key, "update", diff, expected_version=version, record_type=rtype))
    return changes


def decision_changes(stored: Mapping[str, tuple[int, dict]], decisions: Sequence[Decision]) -> list[Change]:
    """The decision records to insert, update or delete so that the store holds ``decisions``."""
    return diff_changes(stored, {d.id: d.to_record() for d in decisions}, DECISION.name)


def read_decisions(location: Location | None = None) -> tuple[Decision, ...]:
    """The decisions a store holds (in storage order)."""
    return _decisions(open_store(location).read(DECISION).flat)


def _decisions(flat: pd.DataFrame) -> tuple[Decision, ...]:
    """The decisions of their flat frame, as :meth:`Decision.from_record` makes each, read column by column (a
    frame's ``to_dict("records")`` cost seconds per hundred thousand decisions, on every load). Equal texts are one
    object (:func:`_shared`): an import's decisions share their author, time, reason and verdict, and a report is in
    many pairs."""
    if flat.empty:
        return ()
    columns = [_shared(flat[c].tolist()) for c in ("a", "b", "verdict", "author", "at", "reason", "score", "evidence")]
    return tuple(Decision(a=a, b=b, verdict=verdict, author=author, at=at, reason=reason or "",
                          score=None if score is None or score != score else int(score), evidence=evidence or "")
                 for a, b, verdict, author, at, reason, score, evidence in zip(*columns, strict=True))


def _shared(values: list) -> list:
    """``values`` with each equal value one object. Why: every text read from the store is its own object, and
    a load holds the decisions for as long as the page does. Measured on the 1 M store after a 10 k import (147,741
    decisions, 146,294 of them pending review): the decisions' objects and texts took 120 MB with a text per field,
    60 MB shared, and the cold load's peak fell from 3,224 / 3,148 MB to 3,018 / 2,983 (docs/benchmarks.md, "The
    decisions' texts shared")."""
    one: dict = {}
    return [one.setdefault(value, value) for value in values]


def _exists(location: Location) -> bool:
    if isinstance(location, Path):
        return location.exists()
    try:
        engines.open_store(location)
    except StoreError as exc:
        if "holds no incident store yet" in str(exc):
            return False
        raise
    return True


def preview_import(location: Location, incidents: gpd.GeoDataFrame) -> tuple[int, int]:
    """(new, duplicates): what importing these validated incidents would add and skip; writes nothing. A store
    not created yet counts as holding the bundled data (as it will when the import creates it)."""
    skipped = skipped_on_import(location, incidents)
    return len(incidents) - len(skipped), len(skipped)


def skipped_on_import(location: Location, incidents: gpd.GeoDataFrame) -> set[str]:
    """Ids of the validated incidents an import would skip (the store holds their id or their dataset record, or an
    earlier row repeats it); writes nothing. A store not created yet counts as holding the bundled data (as it will
    when the import creates it)."""
    from dashboard.data.engines.base import duplicates

    records = frame_records(incidents)
    location = resolve_store(location)
    if _exists(location):
        return engines.open_store(location).would_skip(records)
    bundled = frame_records(load_bundled())
    return duplicates([*bundled, *records], INCIDENT, set(), set()) - {r["incident_id"] for r in bundled}


def apply_import(location: Location, incidents: gpd.GeoDataFrame, *, reason: str, author: str | None = None,
                 detail: dict | None = None, decisions: Sequence[Change] = (),
                 changeset_id: str | None = None, licence: Mapping[str, object] | None = None,
                 status: str | None = None) -> engines.Applied:
    """Add the incidents the store does not hold yet, and the ``decisions`` changes that go with them (the rule's
    decisions recomputed for the new set of reports), in one change set (``kind="import"``): one transaction, so
    an import stopped part-way (a killed process, a time limit) adds nothing, neither reports nor decisions.
    ``changeset_id`` lets the caller name the change set in advance (to find out afterwards whether a stopped
    import had committed). ``licence`` (``licence``, ``attribution``, ``redistribute``, ``declared_by``,
    ``declared_at``): the licence declared for every report of the file, stored with each (migration 0005).
    ``status``: the review status of the new reports (default :func:`import_status`: draft once the store has
    accounts, published before)."""
    records = frame_records(incidents)
    named = {"changeset_id": changeset_id} if changeset_id else {}
    declared = [Change(r["incident_id"], "insert", {"report_id": r["incident_id"], **licence},
                       record_type=LICENCE.name) for r in records] if licence else []
    store = open_store(location)
    status = status or import_status(store, publish=False)
    # the reports' workflow status (migration 0006_workflow); a report the import skips keeps the status it has
    skipped = store.would_skip(records)
    statuses = [Change(r["incident_id"], "insert", {"incident_id": r["incident_id"], "status": status, "note": None},
                       record_type=WORKFLOW.name) for r in records if r["incident_id"] not in skipped]
    return store.apply(ChangeSet(
        kind="import", reason=reason, author=default_author(author), detail=detail or {}, skip_existing=True,
        changes=[*(Change(r["incident_id"], "insert", r) for r in records), *decisions, *declared, *statuses],
        **named))


def has_changeset(location: Location, changeset_id: str) -> bool:
    """Whether the store holds this change set (an import stopped at its time limit may have committed first)."""
    location = resolve_store(location)
    if not _exists(location):
        return False
    return engines.open_store(location).changeset(changeset_id) is not None


@contextlib.contextmanager
def store_lock(location: Location) -> Iterator[None]:
    """Kept for callers written before writes were transactions: every write is now one transaction that takes
    its own turn (and creating a store file takes the engine's creation lock), so this holds nothing."""
    yield


def store_files(location: Location) -> list[Path]:
    """Every file a store uses (by real path): a GeoPackage itself, its SQLite journal files and creation lock;
    for any store, its fast caches (reports and incidents), search index, cache-build lock and rejects file, and the
    bundled files a new store is made from (its reports, the UCDP layer and the bundled decisions). The decisions are records
    inside the store (no file of their own)."""
    from dashboard.data.reconcile.view import BUNDLED_DECISIONS
    from dashboard.data.ucdp_layer import FILE as UCDP_FILE

    location = resolve_store(location)
    cache = cache_path(location)
    derived = [cache, incident_cache_path(location), search_path(location), rejects_path(location),
               cache.with_name(cache.name + BUILD_LOCK_SUFFIX),  # a cache build's lock (dashboard.data.warming)
               BUNDLED_CSV, bundled.path(UCDP_FILE), bundled.path(BUNDLED_DECISIONS)]
    if not isinstance(location, Path):
        return [Path(os.path.realpath(p)) for p in derived]
    real = Path(os.path.realpath(location))
    own = [real, *(real.with_name(real.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))]
    return [*own, *(Path(os.path.realpath(p)) for p in derived)]


def rejects_path(location: Location) -> Path:
    """``<store stem>.rejects.csv`` beside a GeoPackage (its target, for a symbolic link); in the local cache folder
    for a database."""
    location = resolve_store(location)
    if isinstance(location, Path):
        real = _real(location)
        return real.with_name(f"{real.stem}.rejects.csv")
    cache = cache_path(location)
    return cache.with_name(cache.name.removesuffix(CACHE_SUFFIX) + ".rejects.csv")


def uses(store: Location, other: str | Path) -> bool:
    """Whether writing ``other`` would write over the store or a file it uses (symbolic and hard links too, and the
    temporary files of a write or of the store's creation)."""
    target = Path(os.path.realpath(other))
    files = store_files(store)
    if target in files:
        return True
    if any(target.parent == f.parent and target.name.startswith(f".{f.name}.") for f in files):
        return True
    if not target.exists():
        return False
    for used in files:
        with contextlib.suppress(OSError):
            if used.exists() and os.path.samefile(target, used):
                return True
    return False


def sources_table(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per (incident, source), for GIS users joining on incident_id, with the source's type (stated, else
    its organisation's: :mod:`dashboard.data.source_types`)."""
    rows = [
        {
            "incident_id": ident,
            "position": i,
            "organisation": s.organisation,
            "title": s.title,
            "url": s.url,
            "published": s.published,
            "type": source_type(s.organisation, s.type),
        }
        for ident, cell in zip(incidents["incident_id"], incidents["sources"], strict=True)
        for i, s in enumerate(parse_sources(cell), start=1)
    ]
    return pd.DataFrame(rows, columns=["incident_id", "position", "organisation", "title", "url", "published", "type"])


def dataset_version(incidents: pd.DataFrame, decisions: Sequence[Decision] = (), responses: Sequence[dict] = (),
                    statuses: Mapping[str, str] | None = None) -> str:
    """A short content hash of the reports, of which of them are linked into one incident, of the accused party's
    responses (they change grades) and of the review status of those not published (order-free): cite it with a
    view so others can tell data versions apart. Stores keep the same hash up to date with every change (see
    :mod:`.engines.records`)."""
    from dashboard.data.engines.records import workflow_hashes

    links = decision_hashes([d.to_record() for d in decisions])
    said = response_hashes(list(responses))
    held = workflow_hashes([{"incident_id": k, "status": v} for k, v in (statuses or {}).items()])
    return version_text(combine(dataset_hash(incidents), np.concatenate([links, said, held]),
                                np.zeros(0, dtype=np.uint64)))


def _links_hash(decisions: Sequence[Decision]) -> str:
    """The linked pairs' part of the version. Only a linked decision hashes to more than 0
    (:func:`~dashboard.data.engines.records.decision_hashes`), so only those are hashed: on every load, a store's
    pending decisions (often ten for each link) cost nothing here."""
    linked = [{"verdict": d.verdict, "a": d.a, "b": d.b} for d in decisions if d.verdict == "linked"]
    return str(combine(0, decision_hashes(linked), np.zeros(0, dtype=np.uint64)))
