"""Briefing page: exactly the filtered incidents in every registered format (:data:`EXPORTERS`): the PDF briefing
pack (one button per language), the self-contained HTML map and the data files. Files are built when their button
is clicked (deferred), never on every rerun. In the public view only the formats an exporter allows in public mode
are offered (no raw data files), built from the coarsened places."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboard.data.sources.licences import Licence
from dashboard.data.sources.registry import licence_of
from dashboard.export.exporters import EXPORTERS, LANGUAGE_NAMES, Exporter, ExportRequest
from dashboard.export.i18n import TEXT
from dashboard.export.manifest import MANIFEST_IN_PACK, build_pack
from dashboard.export.metadata import CSV_METADATA
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


def request_of(ctx: PageContext, **how) -> ExportRequest:
    """The export of exactly the page's selection (made when a button is clicked: ``generated_at`` is then)."""
    return ExportRequest(view=ctx.view, total=len(ctx.all), version=ctx.data.version, generated_at=datetime.now(UTC),
                         selection=ctx.spec, public=ctx.data.public, basemap=cache.basemap(), left_out=ctx.left_out,
                         max_listed=ctx.settings.limits.briefing_incidents, reports=ctx.data.reports.of(ctx.view),
                         declared=ctx.data.licences, **how)


def _build(ctx: PageContext, e: Exporter, how: dict) -> Callable[[], bytes]:
    def build() -> bytes:
        return e.build(request_of(ctx, **how))
    return common.budgeted(ctx, build) if e.group == "pack" else build  # PDFs: the public server's budget


def _companion(ctx: PageContext, e: Exporter, how: dict, filename: str) -> Callable[[], bytes]:
    return lambda: e.companion_of(request_of(ctx, **how), filename) or b""


CLAIM = ("Every file below holds **exactly these {n} incident(s)** and says what they are: the filter sentence "
         "above, the dataset version **{version}** and the time it was made. The PDF and the HTML map print them; "
         "GeoJSON has them in its `metadata` member, the GeoPackage in its `export_metadata` table, JSON under "
         "`metadata`, and the CSV in `#` lines above its header or in a sidecar file (choose below). The HTML map "
         "lists the incidents it cannot draw beside the map.")


def briefing_fields() -> dict:
    """Who made the briefing, when, and how it may be handled (printed on its first page)."""
    c1, c2, c3, c4 = st.columns([1.2, 1.2, 0.8, 1.2])
    return {
        "author": c1.text_input("Author", key="export_author", max_chars=120) or None,
        "organisation": c2.text_input("Organisation", key="export_organisation", max_chars=160) or None,
        "analysis_date": c3.date_input("Date of analysis", key="export_analysis_date", value="today",
                                       format="YYYY-MM-DD"),
        "marking": c4.text_input("Handling marking", key="export_marking", max_chars=80,
                                 placeholder="e.g. For internal use",
                                 help="Printed at the top of every page of the PDF") or None,
    }


def restricted_in(ctx: PageContext) -> dict[Licence, int]:
    """Restricted licence → how many of the selected incidents have a report under it (from ``datasets`` and,
    for licences declared at import, ``report_ids``)."""
    declared = {i: lic for i, lic in (ctx.data.licences or {}).items() if not lic.redistribute}
    counts: dict[Licence, int] = {}
    cells = pd.unique(ctx.view["datasets"].astype(object))
    if not declared and all(licence_of(d.strip()).redistribute for c in cells for d in str(c).split(";") if d.strip()):
        return counts  # the usual case, without a loop over the rows
    for datasets, ids in zip(ctx.view["datasets"].astype(object), ctx.view["report_ids"].astype(object), strict=True):
        found = {licence_of(d.strip()) for d in str(datasets).split(";") if d.strip()}
        found |= {declared[i.strip()] for i in str(ids).split(";") if i.strip() in declared}
        for lic in found:
            if not lic.redistribute:
                counts[lic] = counts.get(lic, 0) + 1
    return counts


def licence_choice(ctx: PageContext) -> bool:
    """The note on rows whose licence forbids redistribution and, in the private view only, the choice to keep
    them (with a warning written into every file)."""
    restricted = restricted_in(ctx)
    if not restricted:
        return False
    named = ", ".join(f"{n} with {lic.label} reports ({lic.terms})" for lic, n in restricted.items())
    st.info(common.md_escape(
        f"Of these incidents, {named}. The files leave those reports out: an incident is given from its other "
        "reports only, and one reported only there is counted by cercle and month, not listed. Every file says so "
        "and carries the attribution lines."), icon=":material/gavel:")
    if ctx.data.public:
        return False
    return st.checkbox("Include rows whose licence forbids redistribution (private use only: a warning is written "
                       "into every file)", key="export_include_restricted", value=False)


def pack_button(ctx: PageContext, stem: str, how: dict) -> None:
    """One ZIP: the PDF (English), the HTML map and, in the private view, the data files, made at one time from
    one selection, with their evidence manifest (``incident-map verify manifest.json`` checks them)."""
    chosen = [e for e in EXPORTERS if e.public or not ctx.data.public]
    files = [(e.filename(stem, "en"), e.build) for e in chosen]

    def build() -> bytes:
        return build_pack(request_of(ctx, **how), files)
    st.subheader("Evidence pack (ZIP)", divider="gray")
    st.caption(f"{', '.join(e.label.split(' (')[0] for e in chosen)} in one ZIP with `{MANIFEST_IN_PACK}`: the "
               "incidents and their sources, the selection, the dataset version, the licences and attribution lines "
               "and the SHA-256 of every file. `incident-map verify manifest.json` checks, offline, that the files "
               "a recipient holds are the ones sent.")
    st.download_button("Evidence pack (ZIP)", data=common.budgeted(ctx, build), file_name=f"{stem}_pack.zip",
                       mime="application/zip", key="dl_pack", on_click="ignore", icon=":material/folder_zip:",
                       disabled=common.pdf_budget_spent(ctx))


def render(ctx: PageContext) -> None:
    common.header(ctx, "Briefing and exports")
    if common.empty_state(ctx):
        state.publish(ctx.spec, ctx.state)
        return
    n = len(ctx.view)
    st.markdown(CLAIM.format(n=n, version=ctx.data.version))
    if ctx.left_out is not None and len(ctx.left_out):
        st.caption(f"The {len(ctx.left_out)} related incident(s) the note above mentions are not in the files; "
                   "every file says so. Choose “Every incident in the record” under “Which incidents” to export them.")
    title = st.text_input("Title of the briefing pack and map", key=TITLE_KEY, max_chars=200,
                          placeholder=TEXT["en"]["default_title"],
                          help="Left empty, the pack is titled "
                               f"“{TEXT['en']['default_title']}” (in French: “{TEXT['fr']['default_title']}”).")
    stem = file_stem(ctx)
    include_restricted = licence_choice(ctx)
    limit = ctx.settings.limits.briefing_incidents
    for group, (heading, caption) in GROUPS.items():
        chosen = [(e, lang) for e, lang in buttons() if e.group == group]
        st.subheader(heading, divider="gray")
        if ctx.data.public and not any(e.public for e, _ in chosen):
            names = ", ".join(e.label.split(" (")[0] for e, _ in chosen)
            st.info(f"Data files ({names}) are not offered in the public view. The PDF and the HTML map above use "
                    "the coarsened places.", icon=":material/shield:")
            continue
        st.caption(caption)
        spent = group == "pack" and common.pdf_budget_spent(ctx)
        if group == "pack" and n > limit:
            st.caption(f"The pack lists and maps the {limit} most serious of these {n} incidents (highest known "
                       "toll first); its figures, timeline and breakdowns count them all.")
        how: dict = {"title": title or None, "include_restricted": include_restricted}
        if group == "pack":
            how |= briefing_fields()
        if group == "data":
            c1, c2 = st.columns(2)
            how["spreadsheet_safe"] = c1.checkbox(
                "Spreadsheet-safe CSV", value=True, key="csv_safe",
                help="Puts a ' before any text cell that starts with = + - or @, so that text from a source cannot "
                     "run as a formula when the CSV is opened in Excel or LibreOffice. Untick it for a CSV to import "
                     "again unchanged (the other files are always exact).")
            how["csv_metadata"] = c2.radio("CSV metadata", list(CSV_METADATA), key="csv_metadata", horizontal=True,
                                           format_func=CSV_METADATA.get)
        chosen = [(e, lang) for e, lang in chosen if e.public or not ctx.data.public]
        cols = st.columns([1] * len(chosen) + ([] if group == "data" else [2]))  # packs and maps: not too wide
        for col, (e, lang) in zip(cols, chosen, strict=False):
            label = f"{e.label} · {LANGUAGE_NAMES[lang]}" if lang else e.label
            filename = e.filename(stem, lang or "en")
            col.download_button(label, data=_build(ctx, e, how | {"lang": lang or "en"}), file_name=filename,
                                mime=e.mime, key=button_key(e, lang), on_click="ignore", icon=e.icon,
                                width="stretch", disabled=spent)
            if e.companion is not None and how.get("csv_metadata") == "sidecar":
                col.download_button(f"{e.label.split(' (')[0]} metadata (JSON)",
                                    data=_companion(ctx, e, how, filename), file_name=e.companion_name(filename),
                                    mime="application/json", key=f"{button_key(e, lang)}_metadata",
                                    on_click="ignore", icon=":material/description:", width="stretch")
    pack_button(ctx, stem, {"title": title or None, "include_restricted": include_restricted})
    st.caption(f"The same files from the command line: `incident-map export --format "
               f"{'|'.join(e.name for e in EXPORTERS)} -o FILE` with the same filter options (or `--view` and this "
               "page's address).")
    common.cite(ctx, "export")
    state.publish(ctx.spec, ctx.state)
