"""Data page: what is loaded (store, version, datasets) and importing a file (ACLED, UCDP GED, native).

The import runs in a child process (:func:`dashboard.data.import_job.run_import`): this page waits for it, every
other visitor's pages do not, and it is stopped at the import time limit. The upload itself is bounded by the
upload size limit (Streamlit refuses a larger file before sending it). In the public view there is no upload at all,
and no server path is shown.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboard.data.engines import default_author
from dashboard.data.import_job import ImportCrashed, ImportRequest, run_import
from dashboard.data.importer import ImportReport
from dashboard.data.readers import SUFFIXES
from dashboard.data.shared_columns import counted
from dashboard.data.sources import registry
from dashboard.errors import UserError
from dashboard.i18n import N_
from dashboard.ui import cache, common, state, team
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current, ngettext

IMPORT_FAILED = N_("The import failed because of a fault in the dashboard, not in your file. The details are in the "
                   "server's log.")
WRITTEN = {False: N_("Nothing was written."),
           True: N_("Its rows had been written before it failed: the history lists them."),
           None: N_("Whether it wrote anything could not be checked: see the history.")}
REPORT_KEY = "import_report"  # the last import's report, shown after the rerun that reloads the store


def render(ctx: PageContext) -> None:
    st.title(_("Data and import"))
    t = current()
    common.public_banner(ctx)
    common.record_statement()
    reports = ctx.data.reports.reports
    waiting = sum(d.verdict == "pending" for d in ctx.data.decisions)
    where = "" if ctx.data.public else _("Store: `{store}` · ").format(store=cache.store_label(ctx.data.store))
    st.markdown(where + _("dataset version **{version}** · {n} incidents from {reports} reports").format(
        version=ctx.data.version, n=t.number(len(ctx.all)), reports=t.number(len(reports))) + " · "
        + ngettext("{k} pair of reports waiting for review", "{k} pairs of reports waiting for review",
                   waiting).format(k=t.number(waiting)))
    st.caption(_("Each row of a dataset is a *report*; reports of the same event from several datasets are one "
                 "incident, counted once."))
    counts = counted(reports["dataset"]).rename_axis(_("dataset")).reset_index(name=_("reports"))
    counts[_("incidents with a report from it")] = [
        int(ctx.all["datasets"].str.split("; ").map(lambda names, d=d: d in names).sum())
        for d in counts[_("dataset")]]
    if REPORT_KEY in st.session_state:
        _show(st.session_state.pop(REPORT_KEY))
    st.dataframe(counts, hide_index=True)
    st.subheader(_("Import a file"), divider="gray")
    if ctx.data.public:
        st.info(_("Imports are turned off in the public view."))
        state.publish(ctx.spec, ctx.state)
        return
    if team.refuse(ctx, "import"):
        state.publish(ctx.spec, ctx.state)
        return
    limits = ctx.settings.limits
    st.markdown(_(
        "What can be imported: {formats}. Valid rows are added; invalid rows are kept aside with the reason in a "
        "rejects file next to the store; re-importing the same file adds nothing. At most {mb} MB, {rows} rows and "
        "{columns} columns per file; an import stops after {seconds} s.").format(
        formats="; ".join(_(a.description) for a in registry.ADAPTERS), mb=limits.upload_mb,
        rows=t.number(limits.import_rows), columns=limits.import_columns, seconds=limits.import_seconds))
    upload = st.file_uploader(_("File"), type=list(SUFFIXES), key="upload", max_upload_size=limits.upload_mb)
    c1, c2, c3 = st.columns(3)
    fmt = c1.selectbox(_("Layout"), registry.formats(), key="import_format",
                       help=_("auto: recognised from the columns"))
    strict = c2.checkbox(_("Strict (import nothing if any row is bad)"), key="import_strict")
    dry = c3.checkbox(_("Dry run (check only)"), key="import_dry")
    d1, d2 = st.columns(2)
    author = d1.text_input(_("Your name (kept in the history)"), value=default_author(), key="import_author")
    reason = d2.text_input(_("Why (kept in the history; default: import of the file)"), key="import_reason")
    licence = licence_fields()
    if upload is not None and st.button(_("Import"), type="primary", key="import_go"):
        if not team.may_write(ctx, "import"):  # checked again when it writes, not only when drawn
            st.stop()
        if not ctx.account.anonymous:
            author = ctx.account.name  # the history names the signed-in account
        with tempfile.TemporaryDirectory(prefix="incident-map-upload-") as tmp:
            path = Path(tmp) / (Path(upload.name).name or "upload")
            path.write_bytes(upload.getvalue())
            request = ImportRequest(path=path, store=ctx.data.store, fmt=fmt, dry_run=dry, strict=strict,
                                    limits=limits, warm_cache=True, author=author or None,
                                    reason=reason.strip() or None, licence=licence,
                                    lang=current().lang)
            try:
                with st.spinner(_("Importing {name}…").format(name=common.md_escape(upload.name))):
                    report = run_import(request)
            except UserError as exc:  # the message quotes the file's name and columns: untrusted text
                common.user_error(exc)
            except ImportCrashed as exc:
                st.error(f"{_(IMPORT_FAILED)} {_(WRITTEN[exc.written])}", icon=":material/error:")
            else:
                if dry or not report.added:
                    _show(report)
                else:  # the store changed: run the page again, so that every count above is the new store's
                    st.session_state[REPORT_KEY] = report
                    st.rerun()
    state.publish(ctx.spec, ctx.state)


def licence_fields() -> dict | None:
    """The licence of a file in this tool's own layout, declared at import (``import --licence/--attribution/
    --no-redistribution``; ACLED and UCDP files carry their dataset's). ``None`` when no licence is given: the rows
    are then "undeclared" (docs/licences.md)."""
    l1, l2, l3 = st.columns([1, 2, 1])
    name = l1.text_input(_("Licence of the file's rows"), key="import_licence", max_chars=120,
                         placeholder=_("e.g. CC BY 4.0 (own-layout files only)"),
                         help=_("Stored with each row; left empty, the rows' licence is 'undeclared'"))
    line = l2.text_input(_("Attribution line (printed in every export holding these rows)"),
                         key="import_attribution", max_chars=500)
    restricted = l3.checkbox(_("May not be redistributed"), key="import_no_redistribution",
                             help=_("Left out of exports and the public view, only counted (as ACLED's rows)"))
    if not name.strip():
        return None
    return {"licence": name.strip(), "attribution": line.strip() or None, "redistribute": not restricted}


def _show(report: ImportReport) -> None:
    show = st.warning if report.rejected else st.success
    show(common.md_escape(report.summary(t=current())))
    if report.matches is not None and report.matches.waiting:
        st.info(_("The possible matches wait on the **Review** page."), icon=":material/rule:")
    if report.rejects_file and report.rejected:
        st.caption(_("Rejected rows with their reasons: {path}").format(path=common.md_escape(str(report.rejects_file))))
