"""Every Streamlit cache of the app, keyed on what really changes (the store file), never on a DataFrame."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.data.public import public_view
from dashboard.data.reconcile.decisions import Decision
from dashboard.data.reconcile.view import ReportLevel
from dashboard.data.reference import cercle_seats
from dashboard.data.search import SearchIndex
from dashboard.data.store import ensure_store, load_store
from dashboard.query.aggregate import distinct_values
from dashboard.query.registry import FILTERS
from dashboard.settings import Settings
from dashboard.viz.maps import Basemap


@dataclass(frozen=True)
class Loaded:
    incidents: gpd.GeoDataFrame  # shared between sessions: treat as read-only
    version: str
    store: Path
    public: bool
    search: SearchIndex | None  # text-search index of exactly these rows (public mode keeps rows and text)
    reports: ReportLevel  # every report and its incident (coarsened in public mode, as the incidents)
    decisions: tuple[Decision, ...] = ()

    def reports_of(self, incidents: pd.DataFrame) -> dict[str, list[dict]]:
        """incident id → its reports as records (lead first), for cards."""
        several = incidents.loc[incidents["n_reports"].to_numpy() > 1]
        return self.reports.by_incident(several) if len(several) else {}


def store_key(settings: Settings) -> tuple[str, int, int]:
    path = ensure_store(settings.store)
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def _load(path: str, mtime_ns: int, size: int, public: bool) -> Loaded:
    stored = load_store(path)  # the fast cache beside the store, rebuilt when stale (see data/store.py)
    incidents, version, level = stored.incidents, stored.version, stored.report_level
    if public:
        incidents = public_view(incidents, cercle_seats())
        level = replace(level, reports=public_view(level.reports, cercle_seats()))
    return Loaded(incidents=incidents, version=version, store=Path(path), public=public, search=stored.search,
                  reports=level, decisions=stored.decisions)


def loaded(settings: Settings) -> Loaded:
    return _load(*store_key(settings), settings.public)


@st.cache_resource
def basemap() -> Basemap:
    return Basemap.bundled()


@st.cache_data(max_entries=4)
def filter_options(path: str, mtime_ns: int, size: int, public: bool) -> dict[str, list[str]]:
    """The values the data-driven filters offer, by filter field (see ``Filter.options``)."""
    incidents = _load(path, mtime_ns, size, public).incidents
    return {f.field: distinct_values(incidents, f.options, split=f.split) for f in FILTERS if f.options}


def options(settings: Settings) -> dict[str, list[str]]:
    return filter_options(*store_key(settings), settings.public)
