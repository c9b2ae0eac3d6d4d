"""Map page: the filtered incidents on a vector basemap, the selected incident's card, what is not drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from babel.dates import format_date

from dashboard.data.captures import captures_root
from dashboard.data.points import Points
from dashboard.i18n import N_
from dashboard.labels import place
from dashboard.query.aggregate import totals
from dashboard.query.registry import overlaps
from dashboard.query.selection import Filtered
from dashboard.ui import cache, common, foliummap, state
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current
from dashboard.ui.period import period_chart
from dashboard.ui.widgets import capture_downloads
from dashboard.viz import scale
from dashboard.viz.cards import incident_captures, incident_card_html, incident_id_from_tooltip
from dashboard.viz.choropleth import MEASURES, UNITS, figures, not_allocated_note
from dashboard.viz.history import history_html
from dashboard.viz.maps import MAP_MODES, aggregate_columns, build_incident_map, first_unplotted

MODE_LABELS = {"points": N_("Points"), "clusters": N_("Clusters"), "heat": N_("Heat"), "hexbin": N_("Hexagons (H3)"),
               "choropleth": N_("By cercle/commune")}
UNIT_LABELS = {"cercle": N_("Cercles"), "commune": N_("Communes")}
TIMELINE_KEY = "overview_timeline"
TIMELINE_OPEN_KEY = "overview_timeline_open"
MAP_KEY = "map"
NOT_DRAWN_LISTED = 50  # incidents listed beside the map; the rest are counted (the table page lists them all)
NOT_DRAWN_KEY = "not_drawn_card"
MAP_HEIGHT = 520
# What the page reads of a selection the map will not draw as markers: the map's columns for its mode
# (maps.aggregate_columns); with the month player, the dates it plays and the ids and places of the rows it keeps.
# Taking these instead of the ~80 columns of 190,000 incidents (the default view at a million) cut 0.1-0.4 s from
# the page (docs/benchmarks.md). Without the player, a click's id and the not-drawn list's labels are taken of the
# rows they need alone (_shown, unplotted_rows): at a million, the ids, dates and places of the default view's 191,710
# rows were 12-15 ms of every filter change.
LISTED_COLUMNS = ("incident_id", "date_start", "location")  # what the not-drawn list reads of each incident
PLAYER_COLUMNS = (*LISTED_COLUMNS, "date_end")


def page_columns(mode: str, play: bool) -> tuple[str, ...]:
    """The columns the page takes of a selection the map will not draw as markers (see above)."""
    return (*aggregate_columns(mode), *(PLAYER_COLUMNS if play else ()))


def months_of(incidents: pd.DataFrame) -> list[str]:
    return [str(m) for m in np.unique(incidents["date_start"].to_numpy().astype("datetime64[M]"))]


def _step(months: list[str], delta: int) -> None:
    current = st.session_state.get("play_month", months[-1])
    i = months.index(current) if current in months else len(months) - 1
    st.session_state["play_month"] = months[max(0, min(len(months) - 1, i + delta))]


def render(ctx: PageContext) -> None:
    """The map first (on a laptop and on a phone it is in the first screen), then its controls, what the count
    leaves out, the timeline (built once opened) and the citation. Streamlit sends elements as they are made, so the map is also the
    first heavy thing the browser gets."""
    common.header(ctx, _("Incidents in the Ségou region"), note=False)
    t = current()
    if "map_mode" not in st.session_state:
        st.session_state["map_mode"] = ctx.state.mode
    map_area = st.container()  # filled below, once the controls under it have been read
    c1, c2, c3 = st.columns([3, 1.3, 1.5])
    mode = c1.radio(_("Map display"), MAP_MODES, horizontal=True, key="map_mode",
                    format_func=lambda m: _(MODE_LABELS[m]))
    tiles = c2.toggle(_("Online basemap"), key="online_tiles",
                      help=_("Adds OpenStreetMap and satellite layers to the layer menu. They load from the internet; "
                             "off, nothing leaves this machine."))
    play = c3.toggle(_("Step through months"), key="play", help=_("For presentations: one month at a time."))
    unit, measure = _choropleth_choice(ctx) if mode == "choropleth" else (ctx.state.unit, ctx.state.measure)
    view = ctx.selection.columns(page_columns(mode, play))  # every column only where markers are drawn (below)
    points = ctx.selection.points  # where each one is, as numbers (the geometry is read only to draw markers)
    month = None
    if play and len(view):
        months = months_of(view)
        if st.session_state.get("play_month") not in months:
            st.session_state["play_month"] = ctx.state.month if ctx.state.month in months else months[0]
        b1, b2, b3 = st.columns([1, 8, 1])
        b1.button(_("◀ Prev"), on_click=_step, args=(months, -1), width="stretch")
        month = b2.select_slider(_("Month"), months, key="play_month", label_visibility="collapsed")
        b3.button(_("Next ▶"), on_click=_step, args=(months, 1), width="stretch")
        start = pd.Timestamp(f"{month}-01")
        period = (start, start + pd.offsets.MonthEnd(0))
        inside = overlaps(view, *period)
        view, points = view.loc[inside], points.take(inside)
        st.markdown(f"**{format_date(start, 'LLLL y', locale=t.lang)}** — {totals(view).sentence(t=t)}")
    markers = _markers_possible(view, mode, ctx.settings.max_markers, points)
    if markers:  # their cards read every column: the same rows, whole
        view = ctx.view if month is None else ctx.view.loc[inside]
    selected = _selected_id(ctx)
    with map_area:
        if not common.empty_state(ctx) and len(view) == 0:
            st.info(_("No incidents in this period."))
        left, right = st.columns([2.2, 1])
        with left:
            if len(ctx.selection):
                filtered = not ctx.spec.is_empty() or len(view) < len(ctx.selection)  # a filter or a month
                view_key = (t.lang, ctx.data.version, ctx.data.public, cache.spec_key(ctx.spec), month, mode, tiles,
                            unit, measure,
                            ctx.settings.max_markers, ctx.settings.max_marker_bytes)  # all the map depends on
                rendered = cache.map_payload(view_key, lambda: build_incident_map(
                    view, basemap=cache.basemap(), mode=mode, online_tiles=tiles, public=ctx.data.public,
                    bounds=scale.map_view(view, filtered, points), max_markers=ctx.settings.max_markers,
                    max_marker_bytes=ctx.settings.max_marker_bytes, unit=unit, measure=measure,
                    reports=ctx.data.reports_of(view) if markers and len(view) <= ctx.settings.max_markers else None,
                    t=t, points=points))
                foliummap.show(rendered, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                               returned_objects=["last_object_clicked_tooltip"])
                # st_folium copies the browser's value to session_state[MAP_KEY] (its return value is keyed on a
                # hash of the map script and would be empty after a rerun)
                if mode == "choropleth":
                    st.caption(_allocation_caption(view, unit))
                clicked = st.session_state.get(MAP_KEY) or {}
                clicked_id = incident_id_from_tooltip(clicked.get("last_object_clicked_tooltip"))
                if clicked_id and _shown(view, clicked_id, ctx):
                    selected = clicked_id
        with right:
            if len(view):
                _detail(view, selected, ctx)
                _not_drawn(view, points, ctx)
    common.scope_note(ctx)
    if len(ctx.selection):
        _timeline(ctx)
    common.cite(ctx, "map")
    state.publish(ctx.spec, state.ViewState(mode=mode, selected=selected, month=month, unit=unit, measure=measure))


def _timeline(ctx: PageContext) -> None:
    """The timeline, built only once opened (Streamlit's lazy expander): drawn with the map, its chart took the
    browser about as long as the map did, on the first paint of every visit (docs/benchmarks.md, "First paint").
    Opened, it stays open for the session; the Timeline page draws it whole."""
    box = st.expander(_("Timeline: drag across it to choose a period"), key=TIMELINE_OPEN_KEY, on_change="rerun",
                      icon=":material/timeline:")
    if box.open:
        with box:
            period_chart(ctx, key=TIMELINE_KEY, freq="month", height=280)


def _choropleth_choice(ctx: PageContext) -> tuple[str, str]:
    """The unit and the measure of the choropleth (seeded from the URL once)."""
    st.session_state.setdefault("choropleth_unit", ctx.state.unit)
    st.session_state.setdefault("choropleth_measure", ctx.state.measure)
    a, b = st.columns([1, 2])
    unit = a.radio(_("Units"), UNITS, horizontal=True, key="choropleth_unit", format_func=lambda u: _(UNIT_LABELS[u]))
    measure = b.radio(_("Colour by"), list(MEASURES), horizontal=True, key="choropleth_measure",
                      format_func=lambda m: _(MEASURES[m]))
    return unit, measure


def _allocation_caption(view: pd.DataFrame, unit: str) -> str:
    """What the choropleth counts, and what it leaves out (never spread over units)."""
    found = figures(view, cache.basemap().units(unit), unit)
    note = not_allocated_note(found, unit, current())
    if unit == "cercle":
        return _("Each cercle counts the incidents known to lie in it. {note}: they are counted here, not spread over "
                 "cercles.").format(note=note[:1].upper() + note[1:])
    return _("Each commune counts the incidents known to lie in it. {note}: they are counted here, not spread over "
             "communes.").format(note=note[:1].upper() + note[1:])


def _markers_possible(view: pd.DataFrame, mode: str, max_markers: int, points: Points) -> bool:
    """Whether the map may draw ``view`` as markers (points or clusters within the marker budget); otherwise it
    reads only its mode's :func:`~dashboard.viz.maps.aggregate_columns`."""
    return mode in ("points", "clusters") and int(scale.plottable_mask(view, points).sum()) <= max_markers


def _selected_id(ctx: PageContext) -> str | None:
    """The incident the URL selects: by its id, or by the id of one of its reports (a link cited before the report
    joined an incident keeps working)."""
    selected = ctx.state.selected
    if not selected:
        return None
    if bool((ctx.all["incident_id"] == selected).any()):
        return selected
    level = ctx.data.reports
    owner = level.report_incident[(level.reports["incident_id"] == selected).to_numpy()]
    return str(owner[0]) if len(owner) else None


def _shown(view: pd.DataFrame, incident_id: str, ctx: PageContext) -> bool:
    """Whether the incident is among those the map shows (``view``'s rows). A view without ids holds the
    selection's rows (no markers, no month played): the selection's ids are read then."""
    ids = view if "incident_id" in view.columns else ctx.selection.columns(["incident_id"])
    return bool((ids["incident_id"] == incident_id).any())


def unplotted_rows(view: pd.DataFrame, selection: Filtered, points: Points) -> tuple[pd.DataFrame, Points]:
    """The rows of ``view`` (whose points are ``points``) with what the not-drawn list reads
    (:data:`LISTED_COLUMNS`), and their points: ``view`` itself when it has those columns (markers, a month played),
    else the selection's rows the map does not draw, those columns taken of them alone (``view`` then holds the
    selection's rows)."""
    if set(LISTED_COLUMNS) <= set(view.columns):
        return view, points
    where = np.flatnonzero(~scale.plottable_mask(view, points))
    return selection.part(where).columns(("geo_precision", *LISTED_COLUMNS)), points.take(where)


def _detail(view: pd.DataFrame, selected: str | None, ctx: PageContext) -> None:
    st.markdown("#### " + _("Selected incident"))
    row = ctx.all.loc[ctx.all["incident_id"] == selected] if selected else None
    if row is None or row.empty:
        st.caption(_("Click a marker on the map to see its sources here."))
        return
    record = row.iloc[0].to_dict()
    held = incident_captures(record, cache.captures(ctx.data.store))
    st.html(incident_card_html(record, public=ctx.data.public, width=520,
                               reports=ctx.data.reports_of(row).get(selected), t=current(), captures=held))
    if not ctx.data.public:  # public mode shows a capture's date and hash, never the file
        capture_downloads(held, captures_root(ctx.data.store, ctx.settings.captures_dir))
    if not _shown(view, selected, ctx):
        st.caption(_("This incident is outside the current filter."))
    if not ctx.data.public:  # the history holds internal fields and names: never in the public view
        doc = cache.history(ctx.data.store, selected)
        n = len(doc["changes"])
        with st.expander(current().ngettext("History ({n} change set)", "History ({n} change sets)", n).format(n=n),
                         key="incident_history"):
            st.html(history_html(doc, current()))


def _not_drawn(view: pd.DataFrame, points: Points, ctx: PageContext) -> None:
    """The incidents the map cannot draw: one compact table, and the card of the one picked (not a card each: 50
    expanders of cards were most of the page's first paint)."""
    rows, their_points = unplotted_rows(view, ctx.selection, points)
    count, ordered = first_unplotted(rows, NOT_DRAWN_LISTED, their_points)
    if not count:
        return
    t = current()
    st.markdown("#### " + _("Not on the map ({n})").format(n=count))
    st.caption(_("Their place is known only to the region, or has no coordinates: they are listed here rather "
                 "than planted on a town."))
    if count > NOT_DRAWN_LISTED:
        st.caption(_("The first {n} by date are listed; narrow the filter, or see them all on the Table page.").format(
            n=NOT_DRAWN_LISTED))
    said = {r["incident_id"]: f"{t.day(r['date_start'].date())} · {place(str(r['location']), t)[:60]}"
            for r in ordered.to_dict("records")}
    picked = st.selectbox(_("Show the card of"), list(said), index=None, key=NOT_DRAWN_KEY,
                          format_func=said.get,
                          placeholder=t.ngettext("the {n} incident", "one of the {n} incidents", len(said)).format(
                              n=len(said)))
    if picked is not None:
        row = ctx.all.loc[ctx.all["incident_id"] == picked]  # every column of the one picked, for its card
        if not row.empty:
            reports = ctx.data.reports_of(row)
            st.html(incident_card_html(row.iloc[0].to_dict(), public=ctx.data.public, width=520,
                                       reports=reports.get(picked), t=t))
