"""Every Streamlit cache of the app, keyed on what really changes (the store file), never on a DataFrame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st

from dashboard.data.public import public_view
from dashboard.data.reference import cercle_seats
from dashboard.data.search import SearchIndex
from dashboard.data.store import ensure_store, load_store
from dashboard.export.ratelimit import RateLimit
from dashboard.query.aggregate import distinct_values
from dashboard.query.registry import FILTERS
from dashboard.settings import Settings
from dashboard.ui import foliummap
from dashboard.viz.maps import Basemap


@dataclass(frozen=True)
class Loaded:
    incidents: gpd.GeoDataFrame  # shared between sessions: treat as read-only
    version: str
    store: Path
    public: bool
    search: SearchIndex | None  # text-search index of exactly these rows (public mode keeps rows and text)


def store_key(settings: Settings) -> tuple[str, int, int]:
    path = ensure_store(settings.store)
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def _load(path: str, mtime_ns: int, size: int, public: bool) -> Loaded:
    stored = load_store(path)  # the fast cache beside the store, rebuilt when stale (see data/store.py)
    incidents, version = stored.incidents, stored.version
    if public:
        incidents = public_view(incidents, cercle_seats())
    return Loaded(incidents=incidents, version=version, store=Path(path), public=public, search=stored.search)


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
