"""``incident-map``: serve the dashboard, query and summarise the store, import and export incidents."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dashboard import cli_captures, cli_grading, cli_reconcile, cli_store, cli_team, cli_victims, labels
from dashboard.cli_help import H_, translator
from dashboard.cli_options import App, LangOpt, checked_translator, filter_options
from dashboard.data.atomic import replacing
from dashboard.data.captures import captures_root, log_exported, read_captures
from dashboard.data.engines import default_author
from dashboard.data.import_job import ImportRequest, run_import
from dashboard.data.readers import SUFFIXES
from dashboard.data.sources.registry import ADAPTERS, formats
from dashboard.data.store import StoreData, describe_store, ensure_store, load_store, open_store, uses
from dashboard.errors import SettingsError, StoreError, StoryError, UnreadableFile, UserError
from dashboard.export import files
from dashboard.export.exporters import EXPORTERS, ExportRequest, exporter, format_names
from dashboard.export.manifest import build_manifest, capture_files, manifest_name
from dashboard.export.manifest import verify as verify_manifest
from dashboard.export.metadata import CSV_METADATA
from dashboard.export.request import CAPTURE_FOLDER
from dashboard.i18n import N_, Translator
from dashboard.query.aggregate import by_category, by_column, datasets_note, totals
from dashboard.query.filters import FrameIndex, filter_incidents
from dashboard.query.scope import left_out, left_out_words
from dashboard.query.spec import FilterSpec
from dashboard.settings import STORE_ENV, WARM_ENV, Settings
from dashboard.wording import toll_text, toll_words

app = App(add_completion=False, no_args_is_help=True,
          help=N_("Serve the dashboard, query and summarise the store, import and export incidents."))
APP_SCRIPT = Path(__file__).resolve().parent / "ui" / "app.py"  # its folder holds static/ and .streamlit/

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help=H_("Store: a GeoPackage path or a postgresql:// URL (default: ${env}, else "
                                    "data/incidents.gpkg in a checkout, else the per-user data folder; created from "
                                    "the bundled data if missing)", env=STORE_ENV)),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Machine-readable JSON output"))]


_settings: Settings | None = None  # this invocation's, set by read_settings before the command runs


@app.callback()
def read_settings() -> None:  # no docstring: the app's help stays the module's
    # Runs before every command: the environment is read here, once, and nowhere else in the CLI.
    global _settings  # one value per invocation (click keeps its context object the same way)
    try:
        _settings = Settings.from_env()
    except SettingsError as exc:  # not inside a command, so App's handler of user errors does not see it
        t = translator()
        typer.echo(t.gettext("error: {message}").format(message=exc.text(t)), err=True)
        raise typer.Exit(2) from None


def settings() -> Settings:
    """This command's settings (read from the environment when it started)."""
    if _settings is None:
        raise RuntimeError("settings() is called before the command line was parsed")
    return _settings


def _store(store: str | None) -> Path | str:
    """The ``--store`` given, else the configured one."""
    return settings().with_store(store).store


def _load(store: str | None) -> StoreData:
    """The store's incidents, version and (when one is fresh) search index; never writes a derived file."""
    return load_store(_store(store), write_cache=False)


@app.command()
@filter_options
def stats(spec: FilterSpec, store: StoreOpt = None, as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """Key figures: incidents, killed as a min–max range, by perpetrator category and cercle."""
    tl = checked_translator(lang)
    data = _load(store)
    index = FrameIndex(data.incidents, data.search)
    view = filter_incidents(data.incidents, spec, index)
    t = totals(view)
    cats = by_category(view, tl)
    cercles = by_column(view, "cercle")
    if as_json:
        typer.echo(json.dumps({
            "filter": spec.describe(tl.words()),
            "dataset_version": data.version,
            "incidents": t.incidents,
            "fatalities_min": t.killed_min,
            "fatalities_max": t.killed_max,
            "toll_unknown": t.unknown_toll,
            "related_not_counted": 0 if spec.scope == "all" else len(left_out(view, filter_incidents(
                data.incidents, spec.with_(scope="all"), index))),
            "no_upper_bound": t.open_ended,
            "by_perpetrator_category": {k: int(v) for k, v in cats["incidents"].items()},
            "by_cercle": {k: int(v) for k, v in cercles["incidents"].items()},
            "by_dataset": {k: {"incidents": int(r["incidents"]), "fatalities_min": int(r["killed_min"]),
                               "fatalities_max": int(r["killed_max"])}
                           for k, r in by_column(view, "dataset").sort_index().iterrows()},  # lead report's
        }, ensure_ascii=False, indent=2))
        return
    typer.echo(spec.describe(tl.words()))
    typer.echo(t.sentence(total=len(data.incidents), t=tl))
    note = datasets_note(view, tl)
    if note:
        typer.echo(tl.gettext("Note: {note}.").format(note=note))
    _scope_note(data, spec, view, tl)
    tw = toll_words(tl)
    typer.echo("\n" + tl.gettext("By perpetrator category (an incident with several counts in each):"))
    for _, r in cats.iterrows():
        typer.echo(f"  {r['label']:<26} " + tl.ngettext("{n:>5} incident  killed {toll}", "{n:>5} incidents  killed {toll}",
                                                        r["incidents"]).format(
            n=r["incidents"], toll=toll_text(r["killed_min"], r["killed_max"], words=tw)))
    typer.echo("\n" + tl.gettext("By cercle:"))
    for name, r in cercles.iterrows():
        typer.echo(f"  {name:<26} " + tl.ngettext("{n:>5} incident  killed {toll}", "{n:>5} incidents  killed {toll}",
                                                  r["incidents"]).format(
            n=r["incidents"], toll=toll_text(r["killed_min"], r["killed_max"], words=tw)))
    typer.echo("\n" + tl.gettext("dataset version {version}").format(version=data.version))


@app.command()
@filter_options
def query(spec: FilterSpec, store: StoreOpt = None, as_json: JsonOpt = False,
          reports: Annotated[bool, typer.Option("--reports", help=N_("List the reports of the selected incidents "
                                                                     "(each dataset's record, with its incident)"))
                             ] = False,
          lang: LangOpt = None) -> None:
    """List the incidents a filter selects, oldest first (--json: the records, with their reports, as the `json`
    export format writes them under its metadata)."""
    tl = checked_translator(lang)
    data = _load(store)
    request = ExportRequest.of_filter(data.incidents, spec, search=data.search, version=data.version,
                                      generated_at=datetime.now(UTC), report_level=data.report_level)
    view = request.view.sort_values(["date_start", "incident_id"])
    request = request.with_(view=view, reports=data.report_level.of(view))
    if reports:
        _list_reports(spec, request, data, as_json, tl)
        return
    if as_json:
        typer.echo(files.to_json_bytes(view, request.reports_by_incident()).decode("utf-8"))  # the export adds metadata
        return
    typer.echo(spec.describe(tl.words()))
    typer.echo(totals(view).sentence(total=len(data.incidents), t=tl))
    _scope_note(data, spec, view, tl)
    tw = toll_words(tl)
    for r in view.itertuples(index=False):
        several = ("  (" + tl.ngettext("{n} report", "{n} reports", r.n_reports).format(n=r.n_reports) + ")"
                   if r.n_reports > 1 else "")
        typer.echo(f"{r.incident_id:<14} {r.date_start:%Y-%m-%d}  {labels.place(r.location, tl)[:40]:<40} "
                   f"{r.perpetrator_category.replace(';', '/'):<30} "
                   + tl.gettext("killed {toll}").format(toll=toll_text(r.fatalities_min, r.fatalities_max, words=tw))
                   + several)


def _list_reports(spec: FilterSpec, request: ExportRequest, data: StoreData, as_json: bool, tl: Translator) -> None:
    from dashboard.export.files import report_records

    if as_json:
        typer.echo(json.dumps(report_records(request.reports), ensure_ascii=False, indent=2))
        return
    typer.echo(spec.describe(tl.words()))
    typer.echo(tl.gettext("{n} reports of {k} incidents ({m} reports in the store)").format(
        n=tl.number(len(request.reports)), k=tl.number(len(request.view)), m=tl.number(len(data.reports))))
    tw = toll_words(tl)
    for r in request.reports.itertuples(index=False):
        typer.echo(f"{r.incident_id:<18} " + tl.gettext("of {incident}").format(incident=f"{r.belongs_to_incident:<14}")
                   + f" {r.dataset:<13} {r.date_start:%Y-%m-%d}  "
                   f"{labels.place(r.location, tl)[:32]:<32} {r.perpetrator_category.replace(';', '/'):<28} "
                   + tl.gettext("killed {toll}").format(toll=toll_text(r.fatalities_min, r.fatalities_max, words=tw)))


def _scope_note(data: StoreData, spec: FilterSpec, view, tl: Translator) -> None:
    """"+ 15 related incidents not counted: …" when the scope leaves some out (as the app's pages say it)."""
    if spec.scope == "all":
        return
    left = left_out(view, filter_incidents(data.incidents, spec.with_(scope="all"),
                                            FrameIndex(data.incidents, data.search)))
    if len(left):
        typer.echo(tl.gettext("{sentence} (--scope all counts them)").format(sentence=left.sentence(
            left_out_words(tl))))


@app.command()
def validate(store: StoreOpt = None) -> None:
    """Read and validate the store (not its cache); exit 0 if every incident passes and the content matches the
    dataset version the store keeps (a mismatch means it was changed outside incident-map, without history). Also
    lists the incidents whose reported cercle or commune disagrees with the one their point lies in (a note to
    check, not a failure)."""
    from dashboard.data.disagreements import disagreements
    from dashboard.data.store import dataset_version

    t = translator()
    data = load_store(_store(store), use_cache=False)
    if dataset_version(data.reports, data.decisions, data.responses, data.statuses) != data.version:
        raise StoreError(N_("{store}: the reports and decisions do not match the store's dataset version {version}: "
                            "they were changed outside incident-map (by a GIS program?), and those changes are not in "
                            "the history"), store=describe_store(_store(store)), version=data.version)
    typer.echo(t.ngettext("{n} incident valid in {store} (version {version})",
                          "{n} incidents valid in {store} (version {version})", len(data.incidents)).format(
        n=t.number(len(data.incidents)), store=describe_store(_store(store)), version=data.version))
    found = disagreements(data.incidents)
    heading = {"cercle": N_("{n} incident(s) whose reported cercle disagrees with the computed one:"),
               "commune": N_("{n} incident(s) whose reported commune disagrees with the computed one:")}
    for level in ("cercle", "commune"):
        rows = found.loc[found["level"] == level]
        if rows.empty:
            continue
        typer.echo("\n" + t.gettext(heading[level]).format(n=len(rows)))
        for r in rows.itertuples(index=False):
            typer.echo(f"  {r.incident_id:<14} " + t.gettext("reported {reported} ({reported_as}); computed "
                                                             "{computed} ({how})").format(
                reported=repr(r.reported), reported_as=r.reported_as, computed=r.computed, how=r.how))


@app.command()
def geocode(
    name: Annotated[str, typer.Argument(help=N_("The place name as a report gives it"))],
    cercle: Annotated[str | None, typer.Option("--cercle", help=N_("The cercle the report gives (any spelling, "
                                                                   "2023-reform names included)"))] = None,
    commune: Annotated[str | None, typer.Option("--commune", help=N_("The commune the report gives"))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Look a place up in the bundled village gazetteer: the verdict (exact, commune, cercle, ambiguous, not_found),
    its reason, and the candidates with their cercle, commune and source id. Homonyms are never resolved by
    guessing: without a commune or cercle that tells them apart the verdict is "ambiguous"."""
    from dashboard.data.geocoder import Geocoder

    result = Geocoder.default().geocode(name, commune=commune, cercle=cercle)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    t = translator()
    typer.echo(f"{result.verdict}: {result.reason}")
    for note in result.notes:
        typer.echo("  " + t.gettext("note: {note}").format(note=note))
    if result.point is not None:
        typer.echo(t.gettext("point: {lat}, {lon} ({source}); geo precision {precision}").format(
            lat=f"{result.point.latitude:.6f}", lon=f"{result.point.longitude:.6f}", source=result.point.source_id,
            precision=result.geo_precision))
    for title, places in ((N_("candidates:"), result.candidates), (N_("elsewhere:"), result.elsewhere)):
        if places:
            typer.echo(t.gettext(title))
            for c in places:
                typer.echo(f"  {c.name:<24} commune {c.commune:<18} cercle {c.cercle:<9} {c.source_id}  "
                           f"{c.latitude:.5f}, {c.longitude:.5f}")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help=N_("Port on 127.0.0.1"))] = 8501,
    store: StoreOpt = None,
    public: Annotated[bool, typer.Option("--public", help=N_("Public mode: coarsened places, no internal notes "
                                                            "(always on when $INCIDENT_MAP_PUBLIC is set)"))] = False,
    public_url: Annotated[str | None, typer.Option(
        "--public-url", metavar="URL", help=N_("The address readers reach the app at (behind a proxy or on a "
                                               "server): 'Cite this view' links start with it (default: "
                                               "$INCIDENT_MAP_PUBLIC_URL, else the address in the browser)"))] = None,
    warm: Annotated[bool, typer.Option("--warm/--no-warm", help=N_(
        "Open the first page once before listening, so that the first visitor does not wait for it (default; "
        "$INCIDENT_MAP_WARM=0 turns it off)"))] = True,
) -> None:
    """Start the dashboard on http://127.0.0.1:PORT (no request leaves the machine unless you turn tiles on).

    On Linux and macOS this process becomes the Streamlit server (exec): stopping its PID stops the server.
    """
    config = settings().with_store(store).with_public(public).with_public_url(public_url)
    ensure_store(config.store)
    # Everything else (127.0.0.1 only, static serving of the vendored Leaflet assets, no usage statistics, no error
    # details...) is in dashboard/ui/.streamlit/config.toml, which `streamlit run dashboard/ui/app.py` reads as well.
    # Streamlit's own command line (`streamlit run`), after the default page has been built once in the server's
    # process (dashboard/ui/boot.py)
    cmd = [sys.executable, "-m", "dashboard.ui.boot", "run", str(APP_SCRIPT), "--server.port", str(port)]
    typer.echo(translator().gettext("Serving {store} at {url}  (Ctrl+C to stop)").format(
        store=describe_store(config.store), url=f"http://127.0.0.1:{port}"))
    env = config.child_env()
    if not warm:
        env[WARM_ENV] = "0"
    run_replacing_this_process(cmd, env)


def run_replacing_this_process(cmd: list[str], env: dict[str, str]) -> None:
    """Run ``cmd`` as this process (POSIX ``exec``), so that a signal sent to our PID (SIGTERM from a service
    manager, ``kill``, Ctrl+C) reaches the server itself and no orphan is left. Where ``exec`` cannot replace the
    process (Windows), the command runs as a child that receives SIGINT/SIGTERM forwarded, and its exit code is
    returned as ours."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(cmd[0], cmd, env)  # noqa: S606  (does not return; cmd[0] is this Python)
    child = subprocess.Popen(cmd, env=env)

    def forward(signum, _frame) -> None:
        child.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    raise typer.Exit(child.wait())


IMPORT_HELP = H_(
    "Import a file into the store: {layouts}. The layout is recognised from the columns unless --format names it."
    "\n\nBad rows go to <store>.rejects.csv with the reason; rows already in the store are skipped. After adding rows "
    "it builds the new version's cache and search index (a progress bar), so the app's next page reads them instead "
    "of the whole store.\n\nExit code 0 "
    "on success, 1 if rows were rejected with --strict (nothing imported), 2 if the file cannot be read.",
    layouts=lambda t: "; ".join(f"{t.gettext(a.description)} (--format {a.name})" for a in ADAPTERS))


@app.command("import", help=IMPORT_HELP)
def import_(
    file: Annotated[Path, typer.Argument(help=H_("The file to import ({suffixes})", suffixes=", ".join(SUFFIXES)))],
    fmt: Annotated[str, typer.Option("--format", help=H_("Layout: {choices}", choices=lambda t: t.words().either(list(formats()))))] = "auto",
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Check and report; write nothing"))] = False,
    strict: Annotated[bool, typer.Option("--strict", help=N_("Import nothing if any row is rejected"))] = False,
    gazetteer: Annotated[
        Path | None, typer.Option("--gazetteer", help=N_("Village gazetteer for places without coordinates, in the "
                                                         "layout of the bundled segou_villages.csv (default: that "
                                                         "file)"))
    ] = None,
    as_json: JsonOpt = False,
    author: Annotated[str | None, typer.Option("--author", help=N_("Who imports (default: $INCIDENT_MAP_AUTHOR or "
                                                                   "your user name); kept in the history"))] = None,
    reason: Annotated[str | None, typer.Option("--reason", help=N_("Why (default: \"import of FILE (FORMAT)\"); "
                                                                   "kept in the history"))] = None,
    licence: Annotated[str | None, typer.Option(
        "--licence", help=N_("Files in this tool's layout: the licence of the file's rows (e.g. \"CC BY 4.0\"), "
                             "stored with each; without it they are 'undeclared' (docs/licences.md)"))] = None,
    attribution: Annotated[str | None, typer.Option(
        "--attribution", help=N_("With --licence: the attribution line every export of these rows carries"))] = None,
    no_redistribution: Annotated[bool, typer.Option(
        "--no-redistribution", help=N_("With --licence: these rows may not be handed on: left out of exports and the "
                                       "public view, only counted (as ACLED's)"))] = False,
    user: Annotated[str | None, typer.Option(
        "--user", help=N_("The local account you import as (required once the store has accounts: an editor or "
                       "above; password: a prompt, or $INCIDENT_MAP_PASSWORD)"))] = None,
    publish: Annotated[bool, typer.Option(
        "--publish", help=N_("Publish the new reports at once (a reviewer or admin --user); otherwise, in a store with "
                          "accounts, they are drafts for review"))] = False,
) -> None:
    t = translator()
    if fmt not in formats():
        raise typer.BadParameter(t.gettext("--format must be {choices}; got {value}").format(
            choices=t.words().either(list(formats())), value=repr(fmt)))
    # in a child process, stopped at the import time limit (dashboard/data/import_job.py); the child says a full
    # disk or an unreadable gazetteer as one sentence
    if (attribution or no_redistribution) and not (licence and licence.strip()):
        raise typer.BadParameter(t.gettext("--attribution and --no-redistribution describe a licence: give it with "
                                           "--licence"))
    declared = None if not (licence and licence.strip()) else {
        "licence": licence.strip(), "attribution": (attribution or "").strip() or None,
        "redistribute": not no_redistribution}
    author, status = _importer(store, user, publish, author, dry_run)
    report = run_import(ImportRequest(path=file, store=_store(store), fmt=fmt, dry_run=dry_run, strict=strict,
                                      gazetteer_csv=gazetteer, limits=settings().limits, author=author,
                                      reason=reason, licence=declared, progress=sys.stderr.isatty(), status=status,
                                      lang=t.lang))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(report.summary(t=t))
    if report.blocked:
        raise typer.Exit(1)


def _importer(store: str | None, user: str | None, publish: bool, author: str | None, dry_run: bool
              ) -> tuple[str | None, str | None]:
    """(author, status) of an import: in a store with accounts (or with --user / --publish) the signed-in account,
    an editor or above (a reviewer or admin to --publish); otherwise --author and the default status."""
    from dashboard.cli_team import _fail as refused
    from dashboard.cli_team import acting, signed_in
    from dashboard.data.store import ensure_store, open_store
    from dashboard.team.errors import TeamError
    from dashboard.team.permissions import require

    if dry_run:
        return author, None
    try:
        st = open_store(ensure_store(_store(store)))
        account = signed_in(st, user) if publish else acting(st, user)
        if account is None:
            return author, None
        require(account, "publish" if publish else "import")
    except TeamError as exc:
        raise refused(exc) from None
    return account.name, "published" if publish else None


@app.command("export")
@filter_options
def export_(
    spec: FilterSpec,
    fmt: Annotated[str, typer.Option("--format", help=H_("{formats}", formats=lambda t: ", ".join(
        f"{e.name} ({t.gettext(e.summary)})" for e in EXPORTERS)))],
    output: Annotated[Path, typer.Option("-o", "--output", help=N_("File to write"))],
    store: StoreOpt = None,
    title: Annotated[str | None, typer.Option("--title", help=N_("Title of the PDF or HTML map"))] = None,
    lang: LangOpt = None,
    public: Annotated[bool, typer.Option("--public", help=N_("Coarsened places, internal fields left out (always on "
                                                            "when $INCIDENT_MAP_PUBLIC is set)"))] = False,
    spreadsheet_safe: Annotated[bool, typer.Option(
        "--spreadsheet-safe", help=N_("CSV: put a ' before text cells that start with = + - @ (so they cannot run as "
                                      "formulas in a spreadsheet); the file then no longer re-imports exactly"))
    ] = False,
    story: Annotated[Path | None, typer.Option("--story", help=N_("A story JSON (saved from the Story page): export "
                                                                  "its incidents, in its order, instead of a filter"))
                     ] = None,
    csv_metadata: Annotated[str, typer.Option(
        "--csv-metadata", metavar="comment|sidecar",
        help=N_("CSV: where the file's metadata (selection, dataset version, time) goes: comment = # lines above the "
                "header (the importer skips them); sidecar = FILE-metadata.json beside it (CSV on the Web) and a "
                "plain CSV"))] = "comment",
    author: Annotated[str | None, typer.Option("--author", help=N_("PDF: the analyst named on the first page"))
                      ] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help=N_("PDF: the organisation"))] = None,
    analysis_date: Annotated[str | None, typer.Option(
        "--analysis-date", metavar="YYYY-MM-DD", help=N_("PDF: the date of the analysis (default: today, UTC)"))
    ] = None,
    marking: Annotated[str | None, typer.Option(
        "--marking", help=N_('PDF: a handling marking printed on every page, e.g. "For internal use"'))] = None,
    include_restricted: Annotated[bool, typer.Option(
        "--include-restricted", help=N_("Private use only: keep the rows whose licence forbids redistributing them "
                                        "(ACLED's), with a warning written into the file (refused with --public)"))
    ] = False,
    with_captures: Annotated[bool, typer.Option(
        "--with-captures", help=N_("Write the preserved copies of the incidents' sources beside the file "
                                   "(captures/<sha256>.<ext>, hashed in the manifest, logged as exported; refused "
                                   "with --public)"))] = False,
) -> None:
    """Write exactly the filtered incidents (or a story's) in one of the export formats.

    The file is written whole or not at all (a temporary file renamed over it), never over the store or a file the
    store uses, with its evidence manifest beside it (FILE.manifest.json: incidents, sources, selection, dataset
    version, licences and attribution, SHA-256 of each file; check it with `incident-map verify`). Rows whose
    licence forbids redistribution (ACLED's) are left out and counted by cercle and month, unless
    --include-restricted. Exit code 0 on success, 2 if the store or the story cannot be read or the output cannot
    be written.
    """
    from dashboard.data.public import public_view
    from dashboard.data.reference import cercle_seats
    from dashboard.data.store import published
    from dashboard.export.story import Story

    tl = checked_translator(lang)
    lang = tl.lang
    if fmt not in {e.name for e in EXPORTERS}:
        raise typer.BadParameter(tl.gettext("--format must be one of {choices}; got {value}").format(
            choices=format_names(), value=repr(fmt)))
    if story is not None and not spec.is_empty():
        raise typer.BadParameter(tl.gettext("--story chooses the incidents itself: leave out the filter options"))
    if csv_metadata not in CSV_METADATA:
        raise typer.BadParameter(tl.gettext("--csv-metadata must be {choices}; got {value}").format(
            choices=tl.words().either(list(CSV_METADATA)), value=repr(csv_metadata)))
    try:
        analysed = date.fromisoformat(analysis_date) if analysis_date else None
    except ValueError:
        raise typer.BadParameter(tl.gettext("--analysis-date must be a date like 2025-11-03; got {value}").format(
            value=repr(analysis_date))) from None
    public = settings().with_public(public).public  # $INCIDENT_MAP_PUBLIC makes every export public
    if public and include_restricted:
        raise typer.BadParameter(tl.gettext("--include-restricted is for private use: it cannot be combined with "
                                            "public mode"))
    if uses(_store(store), output):
        raise UserError(N_("-o {name} would write over the store or a file it uses; choose another file"),
                        name=output.name)
    stored = _load(store)
    incidents, level = stored.incidents, stored.report_level
    search = stored.search
    if public:  # published reports only (the review workflow), then coarsened
        incidents, level, unpublished = published(stored)
        search = None if unpublished else search
        incidents = public_view(incidents, cercle_seats())  # same rows and text: the search index still applies
        level = replace(level, reports=public_view(level.reports, cercle_seats()))
    now = datetime.now(UTC)
    how = {"version": stored.version, "generated_at": now, "title": title, "lang": lang,
           "public": public, "spreadsheet_safe": spreadsheet_safe, "csv_metadata": csv_metadata,
           "author": author, "organisation": organisation, "analysis_date": analysed or now.date(),
           "marking": marking, "max_listed": settings().limits.briefing_incidents,
           "include_restricted": include_restricted}
    if story is not None:
        try:
            chosen = Story.from_json(story.read_bytes(), known_ids=incidents["incident_id"])
        except (StoryError, OSError) as exc:
            raise UnreadableFile(N_("{name}: {why}"), name=story.name,
                                 why=exc.strerror if isinstance(exc, OSError) else exc) from None
        request = ExportRequest.of_story(incidents, chosen, report_level=level, **how)
    else:
        request = ExportRequest.of_filter(incidents, spec, search=search, report_level=level, **how)
    config = settings().with_store(store)
    st = open_store(config.store)
    request = request.with_(declared=stored.licences, captures=tuple(read_captures(st)), with_captures=with_captures)
    request = request.licensed()
    captured = capture_files(request, captures_root(config.store, config.captures_dir), tl) if with_captures else {}
    chosen = exporter(fmt)
    data = chosen.build(request)
    companion = chosen.companion_of(request, output.name)
    written = [(output, data)] + ([(output.with_name(chosen.companion_name(output.name)), companion)]
                                  if companion is not None else [])
    written += [(output.parent / name, content) for name, content in captured.items()]
    named = {path.relative_to(output.parent).as_posix(): content for path, content in written}
    written.append((output.with_name(manifest_name(output.name)), build_manifest(request, named)))
    for path, _ in written[1:]:
        if uses(_store(store), path):
            raise UserError(N_("{name}, the metadata file beside -o {output}, would write over the store or a file "
                               "it uses; choose another file name"), name=path.name, output=output.name)
    for path, content in written:
        path.parent.mkdir(parents=True, exist_ok=True)  # captures/ beside the output
        try:  # a temporary file renamed over the output: a killed export never leaves half a file
            with replacing(path) as tmp:
                tmp.write_bytes(content)
        except OSError as exc:
            raise UserError(N_("cannot write {path}: {why}"), path=str(path), why=exc.strerror or str(exc)) from None
    typer.echo(request.description(tl))
    if request.left_out_sentence():
        typer.echo(request.left_out_sentence(tl))
    for line in request.licence_notes()[:2 if request.withheld.warning() else 1]:
        typer.echo(line)
    typer.echo(tl.ngettext("Wrote {n} incident to {output} ({how}; dataset version {version})",
                           "Wrote {n} incidents to {output} ({how}; dataset version {version})",
                           len(request.view)).format(n=len(request.view), output=output, version=stored.version,
                                                     how=fmt + (tl.gettext(", public") if public else "")))
    if companion is not None:
        typer.echo(tl.gettext("Wrote its metadata to {path}").format(path=written[1][0]))
    if captured:
        log_exported(st, request.exported_captures(), author=default_author(author), detail=output.name)
        typer.echo(tl.ngettext("Wrote {n} preserved copy of its sources to {folder}",
                               "Wrote {n} preserved copies of its sources to {folder}", len(captured)).format(
            n=tl.number(len(captured)), folder=output.parent / CAPTURE_FOLDER))
    typer.echo(tl.gettext("Wrote its manifest to {path} (check it with: incident-map verify {name})").format(
        path=written[-1][0], name=written[-1][0].name))


@app.command()
def verify(manifest: Annotated[Path, typer.Argument(help=N_("A manifest written by `incident-map export` "
                                                            "(FILE.manifest.json)"))]) -> None:
    """Check, offline, that the files a manifest lists (looked up beside it) are all there and unchanged (same size
    and SHA-256). Exit code 0 when every file matches, 1 naming each missing or changed file, 2 when the manifest
    cannot be read."""
    t = translator()
    checked = verify_manifest(manifest, t)
    for name in checked.ok:
        typer.echo(f"ok       {name}")
    for name in checked.missing:
        typer.echo(t.gettext("MISSING  {name}").format(name=name))
    for name, why in checked.changed:
        typer.echo(t.gettext("CHANGED  {name}: {why}").format(name=name, why=why))
    if not checked.passed:
        bad = len(checked.missing) + len(checked.changed)
        typer.echo(t.ngettext("{n} file of {total} does not match {manifest}",
                              "{n} files of {total} do not match {manifest}", bad).format(
            n=bad, total=bad + len(checked.ok), manifest=manifest.name))
        raise typer.Exit(1)
    typer.echo(t.ngettext("{n} file matches {manifest}", "All {n} files match {manifest}",
                          len(checked.ok)).format(n=len(checked.ok), manifest=manifest.name))


cli_reconcile.register(app, _store, StoreOpt, JsonOpt)  # reconcile · review · link · keep-apart · unlink
cli_store.register(app)  # history · edit · delete · restore · store init/copy
cli_captures.register(app, settings, StoreOpt, JsonOpt)  # capture · source attach
cli_grading.register(app)  # grade · response add
cli_team.register(app)  # user add/list · submit · publish · send-back · withdraw · reopen
cli_victims.register(app)  # victims add/list (private)

if __name__ == "__main__":
    app()
