"""Every Streamlit cache of the app, keyed on what really changes (the store's dataset version and revision, read
with one small query on every run), never on a DataFrame. Another process's import or edit is seen on the next
run: the version differs, so the incidents are loaded again (from the fast cache when one is fresh). While an import
is still building the new version's cache (:mod:`dashboard.data.warming`), pages keep the version they hold and say
that a newer one is being prepared: no page view reads and validates the whole store in its place."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.data import engines, warming
from dashboard.data.captures import Capture, read_captures, report_history
from dashboard.data.engines.editing import history_document
from dashboard.data.licensing import Withheld, redistributable
from dashboard.data.public import public_view
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.view import INCIDENT_OF_REPORT, ReportLevel
from dashboard.data.reference import cercle_seats
from dashboard.data.search import SearchIndex
from dashboard.data.sources.licences import Licence
from dashboard.data.store import (
    describe_store,
    ensure_store,
    load_store,
    open_store,
    published,
    read_decisions,
    store_state,
)
from dashboard.export.ratelimit import RateLimit
from dashboard.query.aggregate import distinct_of_cells
from dashboard.query.frame_index import FrameIndex
from dashboard.query.registry import FILTERS
from dashboard.query.selection import Filtered, filtered
from dashboard.query.spec import FilterSpec
from dashboard.settings import Settings
from dashboard.ui import foliummap
from dashboard.viz.maps import Basemap

BUILD_WAIT_S = 600  # a server holding no version waits this long for an import's cache build, then reads the store
WATCH_S = 2.0  # how often the server looks for a newer version whose cache an import has finished (see watch)
WATCH_FROM = 50_000  # incidents from which a store is watched (see watch)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    incidents: gpd.GeoDataFrame  # shared between sessions: treat as read-only
    version: str
    store: str  # the location (a path or a URL), as load_store takes it
    public: bool
    search: SearchIndex | None  # text-search index of exactly these rows (public mode keeps rows and text)
    # every report and its incident (coarsened in public mode, as the incidents), read when a page first asks
    report_level: Callable[[], ReportLevel]
    decisions: tuple[Decision, ...] = ()
    withheld: Withheld | None = None  # public view: what the licences kept out (counted by cercle and month)
    credited: tuple[Licence, ...] = ()  # public view: the licences of what it holds or counts (attribution lines)
    licences: Mapping[str, Licence] | None = None  # declared at import: report id → licence
    newer: str | None = None  # a newer dataset version whose cache an import is still building (shown meanwhile)
    index: FrameIndex | None = None  # of these incidents (their search index, scopes, codes), for every filter state

    @property
    def reports(self) -> ReportLevel:
        """Every report and its incident: read from the cache the first time a page asks (the map and most pages
        need only the incidents: :class:`~dashboard.data.frame_files.DeferredReports`)."""
        return self.report_level()

    def reports_of(self, incidents: pd.DataFrame) -> dict[str, list[dict]]:
        """incident id → its reports as records (lead first), for cards."""
        several = incidents.loc[incidents["n_reports"].to_numpy() > 1]
        return self.reports.by_incident(several) if len(several) else {}


def store_key(settings: Settings) -> tuple[str, str]:
    """(location, dataset version): the version is one query to the store, not a reload."""
    location = ensure_store(settings.store)
    version, _ = store_state(location)
    return str(location), version


def store_label(location: str) -> str:
    """The store as shown on pages: a file name, or a database URL without its password."""
    shown = describe_store(location)
    return Path(shown).name if not shown.startswith("postgresql://") else shown


@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def _load(location: str, version: str, public: bool) -> Loaded:
    # the fast cache for this version, rebuilt when stale (see data/store.py); the public view's reports are read
    # at once (which are published, and what the licences allow, decide which incidents it shows)
    stored = load_store(location, defer_reports=not public)
    incidents, search, withheld, credited = stored.incidents, stored.search, None, ()
    points = stored.points  # as the cache held them (None: the index reads them from the geometry)
    if not public:
        reports = stored.report_level_when_asked()
    else:  # published reports only (the review workflow), coarsened, then what the licences allow
        incidents, level, unpublished = published(stored)
        if unpublished:
            search = None  # the index is of every report's incidents: search by scanning
        incidents = public_view(incidents, cercle_seats())
        level = replace(level, reports=public_view(level.reports, cercle_seats()))
        incidents, level, withheld, credited = _redistributable(incidents, level, stored.licences)
        if withheld:
            search = None  # the index is of the rows before the licences: search by scanning
        reports = lambda: level  # noqa: E731
        points = None  # the public view's rows and coarsened points are its own: read from its geometry
    return Loaded(incidents=incidents, version=stored.version, store=location, public=public, search=search,
                  report_level=reports, decisions=stored.decisions, withheld=withheld, credited=credited,
                  licences=stored.licences, index=FrameIndex(incidents, search, points).warmed())


def _redistributable(incidents: gpd.GeoDataFrame, level: ReportLevel, declared: Mapping[str, Licence] | None):
    """The public view holds only what the licences allow handing on (:func:`redistributable`)."""
    out = redistributable(incidents, level.of(incidents), declared=declared)
    held, credited = out.withheld, out.licences
    if not held:
        return incidents, level, held, credited
    reports = out.reports
    kept = ReportLevel(reports.drop(columns=[INCIDENT_OF_REPORT]).reset_index(drop=True),
                       reports[INCIDENT_OF_REPORT].to_numpy(dtype=object))
    return out.incidents.reset_index(drop=True), kept, held, credited


@st.cache_resource(max_entries=2, show_spinner=False)
def _decisions(location: str, revision: int) -> tuple[Decision, ...]:
    """The store's decisions at a revision: a pending or kept-apart decision changes the review queue but not the
    dataset version (no count moves), so they are keyed on the revision."""
    return read_decisions(location)


class _Held(dict):
    """(store, public mode) → the version last loaded (a dict the watcher can hold by weak reference)."""


@st.cache_resource
def _held() -> _Held:
    """The version last loaded for each (store, public mode), shared by the sessions: what pages show while an
    import builds a newer version's cache."""
    return _Held()


def _current(location: str, version: str, public: bool) -> Loaded:
    """The store's incidents at ``version``, unless an import is still building that version's cache: then the
    version held (marked ``newer``), or, holding none, the new one once built (at most :data:`BUILD_WAIT_S`)."""
    held = _held().get((location, public))
    # the lock first: asking whether the cache holds the version reads both files' footers (0.2 s at a million)
    if (held is None or held.version != version) and warming.being_built(location) \
            and not warming.is_ready(location, version):
        if held is not None:
            return replace(held, newer=version)
        warming.wait_built(location, BUILD_WAIT_S)
    data = _load(location, version, public)
    _held()[(location, public)] = data
    return data


def loaded(settings: Settings) -> Loaded:
    location, version = store_key(settings)
    data = _current(location, version, settings.public)
    watch(location, settings.public, len(data.incidents))
    _, revision = store_state(location)
    return replace(data, decisions=_decisions(location, revision))


# the watcher of each (store, mode) and the dict it fills, by weak reference: once Streamlit's caches are cleared,
# the versions held are freed at once, not kept by the watcher until the next page registers a new one (at a
# million incidents that was 2.7 GB held while the next page loaded its own copy)
_WATCHED: dict[tuple[str, bool], tuple[threading.Thread, weakref.ref]] = {}
_WATCHING = threading.Lock()
_WATCHER = "incident-map watch"


class _NoPageHere(logging.Filter):
    """Streamlit warns "missing ScriptRunContext" when the watcher's load would show its spinner: there is no page
    to show it on, as expected; every other thread's warnings pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith(_WATCHER)


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NoPageHere())


def watch(location: str, public: bool, incidents: int) -> None:
    """Load each new version of the store as soon as an import has built its cache, before anyone opens a page.

    One thread per store and mode, for the life of the server, once the store holds :data:`WATCH_FROM` incidents
    (a smaller one loads in about a second: nothing to gain). Every :data:`WATCH_S` it reads the store's version
    (one small query); when it is not the version the pages hold, and its cache is written and no longer being
    built (:mod:`dashboard.data.warming`), it loads it through the same cache pages read (:func:`_load`, so the
    next page finds it there, or waits for the load in progress rather than starting another). Measured at a
    million reports: loading a version from its cache takes 8–10 s, which the first page after an import used to
    wait for. The thread ends when the store's file is gone (it never creates one) or the cache it fills was
    cleared (a new thread then watches for the new one)."""
    if incidents < WATCH_FROM:
        return
    held = _held()  # read here, in a page's run: the thread then needs no Streamlit context for it
    with _WATCHING:
        if (known := _WATCHED.get((location, public))) is not None and known[0].is_alive() and known[1]() is held:
            return
        ref = weakref.ref(held)
        thread = threading.Thread(target=_watching, args=(location, public, ref), daemon=True,
                                  name=f"{_WATCHER} {store_label(location)}")
        _WATCHED[(location, public)] = (thread, ref)
        thread.start()


def _watching(location: str, public: bool, ref: weakref.ref) -> None:
    while True:
        time.sleep(WATCH_S)  # holding no version meanwhile (see _WATCHED)
        held = ref()
        if held is None or _WATCHED.get((location, public), (None, None))[1] is not ref:
            return  # the cache was cleared: another thread watches the new one
        if not _looked(location, public, held):
            return
        del held


def _looked(location: str, public: bool, held: _Held) -> bool:
    """One look for a newer version, loaded into ``held`` when its cache is ready; ``False``: stop watching."""
    if not engines.is_postgres_url(location) and not Path(location).exists():
        return False  # gone: pages say so themselves
    try:
        version, _ = engines.open_store(location).state()  # never creates a store (store_state would)
        now = held.get((location, public))
        if now is None or now.version == version or not warming.is_ready(location, version) \
                or warming.being_built(location):
            return True
        held[(location, public)] = _load(location, version, public)
    except Exception as exc:  # unreadable: pages say so themselves
        log.info("stopped watching %s for new versions: %s", store_label(location), exc)
        return False
    return True


@st.cache_resource
def basemap() -> Basemap:
    return Basemap.bundled()


@st.cache_data(max_entries=4)
def filter_options(location: str, version: str, public: bool) -> dict[str, list[str]]:
    """The values the data-driven filters offer, by filter field (see ``Filter.options``), from the distinct cells
    the frame's index keeps (reading a million cells for them took 90 ms of each version's first page)."""
    index = _load(location, version, public).index
    return {f.field: distinct_of_cells(index.coded(f.options).values, split=f.split) for f in FILTERS if f.options}


def spec_key(spec: FilterSpec) -> tuple:
    """A filter state as a plain, canonical key: every field of the spec, sets in a fixed order (a frozenset's own
    order depends on its history); equal specs give equal keys."""
    return tuple((f.name, sorted(v) if isinstance(v := getattr(spec, f.name), frozenset) else v)
                 for f in fields(spec))


@st.cache_resource(max_entries=4, show_spinner=False)
def _filtered(location: str, version: str, public: bool, key: tuple, _incidents, _spec, _index) -> Filtered:
    return filtered(_incidents, _spec, _index)


def selection(data: Loaded, spec: FilterSpec) -> Filtered:
    """The selection of ``spec`` in the version a page shows, its totals and scope note
    (:func:`dashboard.query.selection.filtered`), computed once per filter state and shared by the sessions: a rerun
    that does not change the filters (a map mode, a click, another page) does no filter work, and each session
    keeps nothing of it. At most four filter states are held (a selection with no filter holds no copy)."""
    index = data.index if data.index is not None else FrameIndex(data.incidents, data.search)
    return _filtered(data.store, data.version, data.public, spec_key(spec), data.incidents, spec, index)


def options(data: Loaded) -> dict[str, list[str]]:
    """The filter options of the version a page shows (:func:`loaded`)."""
    return filter_options(data.store, data.version, data.public)


@st.cache_data(max_entries=256, show_spinner=False)
def _history(location: str, revision: int, record_id: str) -> dict:
    store = open_store(location)
    entries = store.history(record_id)
    version = store.current([record_id]).get(record_id, (None, None))[0]
    return history_document(record_id, [*entries, *report_history(store, record_id)], version)


def history(location: str, record_id: str) -> dict:
    """An incident's history (as ``incident-map history --json`` gives it), fresh for the store's revision."""
    _, revision = store_state(location)
    return _history(location, revision, record_id)


@st.cache_resource
def briefing_budget(per_minute: int) -> RateLimit:
    """The public server's budget of PDF builds, shared by every session (one per setting value)."""
    return RateLimit(per_minute)


@st.cache_resource(max_entries=32, show_spinner=False)
def map_payload(view_key: tuple, _build: Callable[[], folium.Map]) -> dict:
    """A map rendered for the browser (:func:`dashboard.ui.foliummap.payload`), shared by every session showing
    the same view. ``view_key`` says everything the map depends on (dataset version, public mode, filter, period,
    display options); ``_build`` (not part of the key) builds the map when it is not cached yet."""
    return foliummap.payload(_build())


@st.cache_resource(max_entries=32, show_spinner=False)
def shared(view_key: tuple, _build: Callable[[], object]) -> object:
    """A value computed once for every session showing the same view (read-only, like the incidents):
    ``view_key`` says everything it depends on (store, dataset version, public mode, filter — :func:`spec_key` —,
    language where it holds text); ``_build`` (not part of the key) computes it when it is not cached yet."""
    return _build()


def view_key(what: str, data: Loaded, spec: FilterSpec, *more: object) -> tuple:
    """The key of a :func:`shared` value: what it is, the store, the dataset version, the public mode (a public and
    a private view never share one) and the filter, then whatever else it depends on (``more``: the language where
    it holds text, a page's own settings)."""
    return (what, data.store, data.version, data.public, spec_key(spec), *more)


@st.cache_data(max_entries=8, show_spinner=False)
def _captures(location: str, revision: int) -> list[Capture]:
    return read_captures(open_store(location))


def captures(location: str) -> list[Capture]:
    """Every capture of the store (the metadata; the files are read on demand), fresh for the store's revision."""
    _, revision = store_state(location)
    return _captures(location, revision)
