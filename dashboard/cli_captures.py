"""``incident-map capture`` and ``incident-map source attach``: preserve copies of a report's sources (issue 16 item
1, :mod:`dashboard.data.captures`). Both write one change set (the custody log's "collected" / "attached")."""

# no "from __future__ import annotations": the commands are annotated with the main app's option types, which are
# local to register() and must be evaluated when the functions are defined (as in cli_reconcile.py)

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from dashboard.cli_help import H_, translator
from dashboard.cli_options import App
from dashboard.data.capture_fetch import checked_capture_url, fetch_page
from dashboard.data.captures import Blob, Capture, CaptureError, captures_root, media_type_of, record_captures
from dashboard.data.engines import default_author
from dashboard.data.engines.records import INCIDENT
from dashboard.data.schema import parse_sources
from dashboard.data.store import open_store
from dashboard.history_words import COLLECTED
from dashboard.i18n import N_, Translator
from dashboard.settings import AUTHOR_ENV, CAPTURES_DIR_ENV, Settings

AuthorOpt = Annotated[str | None, typer.Option("--author", help=H_("Who captures (default: ${env} or your user "
                                                                   "name)", env=AUTHOR_ENV))]
ArchiveOpt = Annotated[str | None, typer.Option("--archive-url", help=N_("An archived copy's address (e.g. a web "
                                                                         "archive link), kept with the capture"))]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help=N_("Why (kept in the history; default: the custody "
                                                                   "event's words)"))]

source_app = App(no_args_is_help=True, help=N_("Preserved copies of a report's sources."))


def _t() -> Translator:
    return translator()


def _root(settings: Settings) -> Path:
    root = captures_root(settings.store, settings.captures_dir)
    if root is None:
        raise CaptureError(N_("a database store keeps its capture files in a folder: set ${variable}"),
                           variable=CAPTURES_DIR_ENV)
    return root


def _targets(store, what: str, t: Translator) -> tuple[str, list[tuple[str, str]]]:
    """(URL to fetch, [(report id, source URL)]) for ``URL`` (every report citing it) or ``REPORT[#N]``."""
    if "://" in what or ":" in what.split("#", 1)[0]:
        url = checked_capture_url(what, t)
        targets = [(key, url) for key, (_, r) in store.records(INCIDENT).items()
                   if any(s.url == url for s in parse_sources(r["sources"]))]
        if not targets:
            raise CaptureError(N_("no report cites {url}: add it as a source of the report first"), url=url)
        return url, targets
    report_id, _, number = what.partition("#")
    found = store.current([report_id])
    if report_id not in found:
        raise CaptureError(N_("{id}: no such report in the store"), id=report_id)
    sources = parse_sources(found[report_id][1]["sources"])
    if not number.isdigit() or not 1 <= int(number) <= len(sources):
        raise CaptureError(N_("give a source as {id}#N, N from 1 to {n} (the source's number on the card)"),
                           id=report_id, n=len(sources))
    url = checked_capture_url(sources[int(number) - 1].url or "", t)
    return url, [(report_id, url)]


def _print(captures: list[Capture], changeset: str | None, as_json: bool, t: Translator) -> None:
    if as_json:
        typer.echo(json.dumps({"changeset_id": changeset, "captures": [c.to_record() for c in captures]},
                              ensure_ascii=False, indent=2))
        return
    for c in captures:
        typer.echo(f"{c.capture_id}  {c.report_id}  {c.media_type:<16} {c.size:>9}  sha256 {c.sha256}")
    typer.echo(t.gettext("recorded in change set {id}").format(id=changeset) if changeset else
               t.gettext("already preserved: nothing new was recorded"))


def register(app: typer.Typer, settings: Callable[[], Settings], store_opt, json_opt) -> None:
    @app.command()
    def capture(
        what: Annotated[str, typer.Argument(help=N_("A source URL (every report citing it), or REPORT#N: "
                                                    "the report's N-th source"))],
        store: store_opt = None, author: AuthorOpt = None, archive_url: ArchiveOpt = None, reason: ReasonOpt = None,
        as_json: json_opt = False,
    ) -> None:
        """Fetch a source page (needs the network) with headless Chromium and preserve its HTML and a full-page PDF,
        stored by SHA-256 beside the store; logged as "collected" in the history."""
        t, config = _t(), settings().with_store(store)
        st = open_store(config.store)
        url, targets = _targets(st, what, t)
        if archive_url is not None:
            checked_capture_url(archive_url, t)
        root = _root(config)
        blobs = fetch_page(url, config.limits, t)
        captures, cs = record_captures(st, root, targets, blobs, method="fetched", author=default_author(author),
                                       reason=reason or COLLECTED, archive_url=archive_url)
        _print(captures, cs, as_json, t)

    @source_app.command("attach")
    def attach(
        report: Annotated[str, typer.Argument(help=N_("The report (incident id) whose source the file preserves"))],
        file: Annotated[Path, typer.Argument(help=N_("The capture made elsewhere: HTML, PDF, PNG, WACZ, media..."))],
        url: Annotated[str, typer.Option("--url", help=N_("The source URL it preserves (one of the report's "
                                                          "sources)"))],
        store: store_opt = None, author: AuthorOpt = None, archive_url: ArchiveOpt = None, reason: ReasonOpt = None,
        media_type: Annotated[str | None, typer.Option("--media-type", help=N_("Default: from the file name"))] = None,
        as_json: json_opt = False,
    ) -> None:
        """Add a capture made elsewhere to a report's source, stored by SHA-256 beside the store; logged as
        "attached" in the history."""
        t, config = _t(), settings().with_store(store)
        url = checked_capture_url(url, t)
        if archive_url is not None:
            checked_capture_url(archive_url, t)
        st = open_store(config.store)
        found = st.current([report])
        if report not in found:
            raise CaptureError(N_("{id}: no such report in the store"), id=report)
        if not any(s.url == url for s in parse_sources(found[report][1]["sources"])):
            raise CaptureError(N_("{id} has no source {url}: add it as a source of the report first"), id=report,
                               url=url)
        if not file.is_file():
            raise CaptureError(N_("{path}: no such file"), path=str(file))
        if file.stat().st_size > config.limits.upload_bytes:
            raise CaptureError(N_("{path}: larger than the limit of {limit} MB"), path=file.name,
                               limit=config.limits.upload_mb)
        blob = Blob(file.read_bytes(), media_type or media_type_of(file.name), url)
        captures, cs = record_captures(st, _root(config), [(report, url)], [blob], method="attached",
                                       author=default_author(author), reason=reason or "attached: made elsewhere",
                                       archive_url=archive_url)
        _print(captures, cs, as_json, t)

    app.add_typer(source_app, name="source")
