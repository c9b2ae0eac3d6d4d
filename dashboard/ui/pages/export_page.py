"""Briefing page: exactly the filtered incidents as a PDF briefing pack (English or French), a self-contained HTML
map, and data files (CSV, GeoJSON, GeoPackage). Files are built when their button is clicked (deferred), never on
every rerun. In the public view the data files are off and the PDF/HTML use the coarsened places."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from dashboard.export import briefing, files
from dashboard.export.i18n import TEXT
from dashboard.ui import cache, common, state
from dashboard.ui.context import PageContext

TITLE_KEY = "export_title"
DATA_BUTTONS = {  # format → (label, icon), one per files.DATA_FORMATS
    "csv": ("CSV (spreadsheet)", ":material/table_view:"),
    "geojson": ("GeoJSON (GIS)", ":material/map:"),
    "gpkg": ("GeoPackage (QGIS, ArcGIS)", ":material/layers:"),
}


def file_stem(ctx: PageContext) -> str:
    """``segou-incidents_2025-10-01_2025-10-31_<version>``: what and which data, readable in a folder."""
    spec = ctx.spec
    period = f"{spec.start or 'start'}_{spec.end or 'end'}" if (spec.start or spec.end) else "all-dates"
    stem = f"segou-incidents_{period}{'' if spec.with_(start=None, end=None).is_empty() else '_filtered'}"
    return re.sub(r"[^A-Za-z0-9_.-]", "-", f"{stem}_{ctx.data.version}")


def _pdf(ctx: PageContext, lang: str, title: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return briefing.briefing_pdf(ctx.view, spec=ctx.spec, total=len(ctx.all), version=ctx.data.version,
                                     generated_at=datetime.now(UTC), lang=lang, title=title or None,
                                     public=ctx.data.public, basemap=cache.basemap())
    return build


def _html(ctx: PageContext, title: str) -> Callable[[], bytes]:
    def build() -> bytes:
        now = datetime.now(UTC)
        footer = (f"{ctx.totals.sentence(total=len(ctx.all))} · dataset version {ctx.data.version} · "
                  f"generated {now:%Y-%m-%d %H:%M} UTC")
        return files.to_html_bytes(ctx.view, basemap=cache.basemap(), public=ctx.data.public,
                                   title=title or TEXT["en"]["default_title"], description=ctx.spec.describe(),
                                   footer=footer)
    return build


def _data(ctx: PageContext, fmt: str, spreadsheet_safe: bool) -> Callable[[], bytes]:
    def build() -> bytes:
        return files.data_file_bytes(fmt, ctx.view, public=ctx.data.public, spreadsheet_safe=spreadsheet_safe)
    return build


def render(ctx: PageContext) -> None:
    common.header(ctx, "Briefing and exports")
    if common.empty_state(ctx):
        state.publish(ctx.spec, ctx.state)
        return
    n = len(ctx.view)
    st.markdown(f"Every file below holds **exactly these {n} incident(s)**, the filter sentence above, the dataset "
                f"version **{ctx.data.version}** and the time it was made. Change the filters in the sidebar to "
                "change what is exported.")
    title = st.text_input("Title of the briefing pack and map", key=TITLE_KEY, max_chars=200,
                          placeholder=TEXT["en"]["default_title"],
                          help="Left empty, the pack is titled "
                               f"“{TEXT['en']['default_title']}” (in French: “{TEXT['fr']['default_title']}”).")
    stem = file_stem(ctx)

    st.subheader("Briefing pack (PDF)", divider="gray")
    st.caption("Title and filter, key figures (killed as a min–max range), a map of the incidents, the timeline, the "
               "incident table with numbered sources, and a methods-and-caveats box. Takes a few seconds.")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("PDF · English", data=_pdf(ctx, "en", title), file_name=f"{stem}_briefing-en.pdf",
                       mime=files.MIME_TYPES["pdf"], key="dl_pdf_en", on_click="ignore",
                       icon=":material/picture_as_pdf:", width="stretch")
    c2.download_button("PDF · français", data=_pdf(ctx, "fr", title), file_name=f"{stem}_briefing-fr.pdf",
                       mime=files.MIME_TYPES["pdf"], key="dl_pdf_fr", on_click="ignore",
                       icon=":material/picture_as_pdf:", width="stretch")

    st.subheader("Map (HTML)", divider="gray")
    st.caption("One self-contained HTML file: the map with its markers and incident cards, that opens in any "
               "browser with no internet connection.")
    st.download_button("HTML map", data=_html(ctx, title), file_name=f"{stem}_map.html",
                       mime=files.MIME_TYPES["html"], key="dl_html", on_click="ignore", icon=":material/public:")

    st.subheader("Data files", divider="gray")
    if ctx.data.public:
        st.info("Data files (CSV, GeoJSON, GeoPackage) are not offered in the public view. The PDF and the HTML map "
                "above use the coarsened places.", icon=":material/shield:")
    else:
        st.caption("The canonical columns (see docs/schema.md) with latitude/longitude; sources as a JSON list. "
                   "Each file can be imported again (Data & import page, or `incident-map import`).")
        safe = st.checkbox("Spreadsheet-safe CSV", value=True, key="csv_safe",
                           help="Puts a ' before any text cell that starts with = + - or @, so that text from a "
                                "source cannot run as a formula when the CSV is opened in Excel or LibreOffice. "
                                "Untick it for a CSV to import again unchanged (GeoJSON and GeoPackage are always "
                                "exact).")
        cols = st.columns(len(DATA_BUTTONS))
        for col, (fmt, (label, icon)) in zip(cols, DATA_BUTTONS.items(), strict=True):
            col.download_button(label, data=_data(ctx, fmt, safe), file_name=f"{stem}.{fmt}",
                                mime=files.MIME_TYPES[fmt], key=f"dl_{fmt}", on_click="ignore", icon=icon,
                                width="stretch")
    st.caption("The same files from the command line: `incident-map export --format pdf|csv|geojson|gpkg|html "
               "-o FILE` with the same filter options.")
    common.cite(ctx, "export")
    state.publish(ctx.spec, ctx.state)
