"""Briefing page: exactly the filtered incidents in every registered format (:data:`EXPORTERS`): the PDF briefing
pack (one button per language), the self-contained HTML map and the data files. Files are built when their button
is clicked (deferred), never on every rerun. In the public view only the formats an exporter allows in public mode
are offered (no raw data files), built from the coarsened places."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from dashboard.export.exporters import EXPORTERS, LANGUAGE_NAMES, Exporter, ExportRequest
from dashboard.export.i18n import TEXT
from dashboard.ui import cache, common, state
from dashboard.ui.context import PageContext

TITLE_KEY = "export_title"
GROUPS = {  # the page's sections, in order: heading and what the files are
    "pack": ("Briefing pack (PDF)",
             "Title and filter, key figures (killed as a min–max range), a map of the incidents, the timeline, the "
             "incident table with numbered sources, and a methods-and-caveats box. Takes a few seconds."),
    "map": ("Map (HTML)", "One self-contained HTML file: the map with its markers and incident cards, that opens in "
                          "any browser with no internet connection."),
    "data": ("Data files", "The canonical columns (see docs/schema.md) with latitude/longitude; sources as a JSON "
                           "list. Each file can be imported again (Data & import page, or `incident-map import`)."),
}


def file_stem(ctx: PageContext) -> str:
    """``segou-incidents_2025-10-01_2025-10-31_<version>``: what and which data, readable in a folder."""
    spec = ctx.spec
    period = f"{spec.start or 'start'}_{spec.end or 'end'}" if (spec.start or spec.end) else "all-dates"
    stem = f"segou-incidents_{period}{'' if spec.with_(start=None, end=None).is_empty() else '_filtered'}"
    return re.sub(r"[^A-Za-z0-9_.-]", "-", f"{stem}_{ctx.data.version}")


def buttons() -> list[tuple[Exporter, str | None]]:
    """(exporter, language) per download button, in registry order: a pack in several languages has one each."""
    return [(e, lang) for e in EXPORTERS for lang in (e.languages or (None,))]


def button_key(e: Exporter, lang: str | None) -> str:
    return f"dl_{e.name}" + (f"_{lang}" if lang else "")


def _build(ctx: PageContext, e: Exporter, lang: str | None, title: str, safe: bool) -> Callable[[], bytes]:
    def build() -> bytes:
        request = ExportRequest(view=ctx.view, total=len(ctx.all), version=ctx.data.version,
                                generated_at=datetime.now(UTC), selection=ctx.spec, title=title or None,
                                lang=lang or "en", public=ctx.data.public, spreadsheet_safe=safe,
                                basemap=cache.basemap(), reports=ctx.data.reports.of(ctx.view))
        return e.build(request)
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
    for group, (heading, caption) in GROUPS.items():
        chosen = [(e, lang) for e, lang in buttons() if e.group == group]
        st.subheader(heading, divider="gray")
        if ctx.data.public and not any(e.public for e, _ in chosen):
            names = ", ".join(e.label.split(" (")[0] for e, _ in chosen)
            st.info(f"Data files ({names}) are not offered in the public view. The PDF and the HTML map above use "
                    "the coarsened places.", icon=":material/shield:")
            continue
        st.caption(caption)
        safe = group == "data" and st.checkbox(
            "Spreadsheet-safe CSV", value=True, key="csv_safe",
            help="Puts a ' before any text cell that starts with = + - or @, so that text from a source cannot run "
                 "as a formula when the CSV is opened in Excel or LibreOffice. Untick it for a CSV to import again "
                 "unchanged (the other files are always exact).")
        chosen = [(e, lang) for e, lang in chosen if e.public or not ctx.data.public]
        cols = st.columns([1] * len(chosen) + ([] if group == "data" else [2]))  # packs and maps: not too wide
        for col, (e, lang) in zip(cols, chosen, strict=False):
            label = f"{e.label} · {LANGUAGE_NAMES[lang]}" if lang else e.label
            col.download_button(label, data=_build(ctx, e, lang, title, safe), file_name=e.filename(stem, lang or "en"),
                                mime=e.mime, key=button_key(e, lang), on_click="ignore", icon=e.icon,
                                width="stretch")
    st.caption(f"The same files from the command line: `incident-map export --format "
               f"{'|'.join(e.name for e in EXPORTERS)} -o FILE` with the same filter options (or `--view` and this "
               "page's address).")
    common.cite(ctx, "export")
    state.publish(ctx.spec, ctx.state)
