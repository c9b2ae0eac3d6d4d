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

from dashboard.data.captures import captures_root, log_exported
from dashboard.data.engines import default_author
from dashboard.data.sources.licences import Licence
from dashboard.data.sources.registry import licence_of
from dashboard.data.store import open_store
from dashboard.export.exporters import EXPORTERS, LANGUAGE_NAMES, Exporter, ExportRequest
from dashboard.export.manifest import MANIFEST_IN_PACK, build_pack, capture_files
from dashboard.export.metadata import CSV_METADATA
from dashboard.export.words import BRIEFING
from dashboard.i18n import N_
from dashboard.ui import cache, common, state
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current, ngettext

TITLE_KEY = "export_title"
GROUPS = {  # the page's sections, in order: heading and what the files are
    "pack": (N_("Briefing pack (PDF)"),
             N_("Title and filter, key figures (killed as a min–max range), a map of the incidents, the timeline, the "
                "incident table with numbered sources, and a methods-and-caveats box. Takes a few seconds.")),
    "map": (N_("Map (HTML)"), N_("One self-contained HTML file: the map with its markers and incident cards, that "
                                 "opens in any browser with no internet connection.")),
    "data": (N_("Data files"), N_("The canonical columns (see docs/schema.md) with latitude/longitude; sources as a "
                                  "JSON list. Each file can be imported again (Data & import page, or "
                                  "`incident-map import`).")),
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
                         declared=ctx.data.licences, captures=tuple(cache.captures(ctx.data.store)), **how)


def _build(ctx: PageContext, e: Exporter, how: dict) -> Callable[[], bytes]:
    def build() -> bytes:
        return e.build(request_of(ctx, **how))
    return common.budgeted(ctx, build) if e.group == "pack" else build  # PDFs: the public server's budget


def _companion(ctx: PageContext, e: Exporter, how: dict, filename: str) -> Callable[[], bytes]:
    return lambda: e.companion_of(request_of(ctx, **how), filename) or b""


def briefing_fields() -> dict:
    """Who made the briefing, when, and how it may be handled (printed on its first page)."""
    c1, c2, c3, c4 = st.columns([1.2, 1.2, 0.8, 1.2])
    return {
        "author": c1.text_input(_("Author"), key="export_author", max_chars=120) or None,
        "organisation": c2.text_input(_("Organisation"), key="export_organisation", max_chars=160) or None,
        "analysis_date": c3.date_input(_("Date of analysis"), key="export_analysis_date", value="today",
                                       format="YYYY-MM-DD"),
        "marking": c4.text_input(_("Handling marking"), key="export_marking", max_chars=80,
                                 placeholder=_("e.g. For internal use"),
                                 help=_("Printed at the top of every page of the PDF")) or None,
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
    named = ", ".join(ngettext("{n} with {dataset} reports ({terms})", "{n} with {dataset} reports ({terms})",
                               n).format(n=n, dataset=lic.label, terms=_(lic.terms) if lic.terms else "")
                      for lic, n in restricted.items())
    st.info(common.md_escape(_(
        "Of these incidents, {named}. The files leave those reports out: an incident is given from its other "
        "reports only, and one reported only there is counted by cercle and month, not listed. Every file says so "
        "and carries the attribution lines.").format(named=named)), icon=":material/gavel:")
    if ctx.data.public:
        return False
    return st.checkbox(_("Include rows whose licence forbids redistribution (private use only: a warning is written "
                         "into every file)"), key="export_include_restricted", value=False)


def pack_button(ctx: PageContext, stem: str, how: dict) -> None:
    """One ZIP: the PDF (in the reader's language), the HTML map and, in the private view, the data files, made at
    one time from one selection, with their evidence manifest (``incident-map verify manifest.json`` checks them)."""
    chosen = [e for e in EXPORTERS if e.public or not ctx.data.public]
    lang = current().lang
    files = [(e.filename(stem, lang), e.build) for e in chosen]
    held = (request_of(ctx, **how, lang=lang).licensed().exported_captures()
            if not ctx.data.public and cache.captures(ctx.data.store) else [])  # no cost for a store without any
    with_copies = bool(held) and not ctx.data.public and st.checkbox(
        ngettext("Include the {n} preserved copy of the sources (captures/, hashed in the manifest; logged as "
                 "exported when downloaded)", "Include the {n} preserved copies of the sources (captures/, hashed in "
                 "the manifest; logged as exported when downloaded)", len(held)).format(n=len(held)),
        key="export_with_captures", value=False)
    root = captures_root(ctx.data.store, ctx.settings.captures_dir)

    def build() -> bytes:
        request = request_of(ctx, **how, lang=lang, with_captures=with_copies).licensed()
        return build_pack(request, files, captured=capture_files(request, root, current()) if with_copies else None)

    def exported() -> None:  # the custody log: each copy handed out in the pack
        log_exported(open_store(ctx.data.store), held, author=default_author(), detail=f"{stem}_pack.zip")
    st.subheader(_("Evidence pack (ZIP)"), divider="gray")
    st.caption(_("{formats} in one ZIP with `{manifest}`: the incidents and their sources, the selection, the dataset "
                 "version, the licences and attribution lines and the SHA-256 of every file. `incident-map verify "
                 "manifest.json` checks, offline, that the files a recipient holds are the ones sent.").format(
        formats=", ".join(_(e.label).split(" (")[0] for e in chosen), manifest=MANIFEST_IN_PACK))
    st.download_button(_("Evidence pack (ZIP)"), data=common.budgeted(ctx, build), file_name=f"{stem}_pack.zip",
                       mime="application/zip", key="dl_pack", on_click=exported if with_copies else "ignore",
                       icon=":material/folder_zip:",
                       disabled=common.pdf_budget_spent(ctx, say=False))  # said in the briefing section


def render(ctx: PageContext) -> None:
    common.header(ctx, _("Briefing and exports"))
    if common.empty_state(ctx):
        state.publish(ctx.spec, ctx.state)
        return
    n = len(ctx.selection)
    lang = current()
    st.markdown(ngettext(
        "Every file below holds **exactly this {n} incident** and says what it is: the filter sentence "
        "above, the dataset version **{version}** and the time it was made. The PDF and the HTML map print them; "
        "GeoJSON has them in its `metadata` member, the GeoPackage in its `export_metadata` table, JSON under "
        "`metadata`, and the CSV in `#` lines above its header or in a sidecar file (choose below). The HTML map "
        "lists the incidents it cannot draw beside the map.",
        "Every file below holds **exactly these {n} incidents** and says what they are: the filter sentence "
        "above, the dataset version **{version}** and the time it was made. The PDF and the HTML map print them; "
        "GeoJSON has them in its `metadata` member, the GeoPackage in its `export_metadata` table, JSON under "
        "`metadata`, and the CSV in `#` lines above its header or in a sidecar file (choose below). The HTML map "
        "lists the incidents it cannot draw beside the map.", n).format(n=lang.number(n), version=ctx.data.version))
    if ctx.left_out is not None and len(ctx.left_out):
        st.caption(ngettext("The {n} related incident the note above mentions is not in the files; every file says "
                            "so. Choose “Every incident in the record” under “Which incidents” to export it.",
                            "The {n} related incidents the note above mentions are not in the files; every file says "
                            "so. Choose “Every incident in the record” under “Which incidents” to export them.",
                            len(ctx.left_out)).format(n=len(ctx.left_out)))
    title = st.text_input(_("Title of the briefing pack and map"), key=TITLE_KEY, max_chars=200,
                          placeholder=_(BRIEFING["default_title"]),
                          help=_("Left empty, the pack is titled in its language: “{title}”.").format(
                              title=_(BRIEFING["default_title"])))
    stem = file_stem(ctx)
    include_restricted = licence_choice(ctx)
    limit = ctx.settings.limits.briefing_incidents
    for group, (heading, caption) in GROUPS.items():
        chosen = [(e, lang) for e, lang in buttons() if e.group == group]
        st.subheader(_(heading), divider="gray")
        if ctx.data.public and not any(e.public for e, _lang in chosen):
            names = ", ".join(_(e.label).split(" (")[0] for e, _lang in chosen)
            st.info(_("Data files ({names}) are not offered in the public view. The PDF and the HTML map above use "
                      "the coarsened places.").format(names=names), icon=":material/shield:")
            continue
        st.caption(_(caption))
        spent = group == "pack" and common.pdf_budget_spent(ctx)
        if group == "pack" and n > limit:
            st.caption(_("The pack lists and maps the {limit} most serious of these {n} incidents (highest known "
                         "toll first); its figures, timeline and breakdowns count them all.").format(
                limit=lang.number(limit), n=lang.number(n)))
        how: dict = {"title": title or None, "include_restricted": include_restricted}
        if group == "pack":
            how |= briefing_fields()
        if group == "data":
            c1, c2 = st.columns(2)
            how["spreadsheet_safe"] = c1.checkbox(
                _("Spreadsheet-safe CSV"), value=True, key="csv_safe",
                help=_("Puts a ' before any text cell that starts with = + - or @, so that text from a source cannot "
                       "run as a formula when the CSV is opened in Excel or LibreOffice. Untick it for a CSV to "
                       "import again unchanged (the other files are always exact)."))
            how["csv_metadata"] = c2.radio(_("CSV metadata"), list(CSV_METADATA), key="csv_metadata",
                                           horizontal=True, format_func=lambda k: _(CSV_METADATA[k]))
        chosen = [(e, lang) for e, lang in chosen if e.public or not ctx.data.public]
        cols = st.columns([1] * len(chosen) + ([] if group == "data" else [2]))  # packs and maps: not too wide
        for col, (e, in_lang) in zip(cols, chosen, strict=False):
            label = f"{_(e.label)} · {LANGUAGE_NAMES[in_lang]}" if in_lang else _(e.label)
            filename = e.filename(stem, in_lang or "en")
            # a file with no language of its own (the map, the data) says its sentences in the page's language
            said_in = how | {"lang": in_lang or current().lang}
            col.download_button(label, data=_build(ctx, e, said_in), file_name=filename,
                                mime=e.mime, key=button_key(e, in_lang), on_click="ignore", icon=e.icon,
                                width="stretch", disabled=spent)
            if e.companion is not None and how.get("csv_metadata") == "sidecar":
                col.download_button(_("{format} metadata (JSON)").format(format=_(e.label).split(" (")[0]),
                                    data=_companion(ctx, e, said_in, filename), file_name=e.companion_name(filename),
                                    mime="application/json", key=f"{button_key(e, in_lang)}_metadata",
                                    on_click="ignore", icon=":material/description:", width="stretch")
    pack_button(ctx, stem, {"title": title or None, "include_restricted": include_restricted})
    st.caption(_("The same files from the command line: `incident-map export --format {formats} -o FILE` with the "
                 "same filter options (or `--view` and this page's address).").format(
        formats="|".join(e.name for e in EXPORTERS)))
    common.cite(ctx, "export")
    state.publish(ctx.spec, ctx.state)
