"""``incident-map grade`` and ``incident-map response add``: set a civilian-harm grade by hand (with a reason) and
record a response of the accused party (registered on the main app by :func:`register`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from dashboard.cli_help import H_, translator
from dashboard.cli_options import App, Commands
from dashboard.cli_store import AuthorOpt, IdArg, ReasonOpt, StoreOpt, _fail
from dashboard.data.engines import StoreError
from dashboard.data.engines.records import RESPONSE_KINDS
from dashboard.data.responses import add_response, set_grade
from dashboard.data.schema import GRADES
from dashboard.data.store import load_store, open_store
from dashboard.errors import UserError
from dashboard.i18n import N_

response_app = App(help=N_("The accused party's responses to an incident (denial, admission, inquiry)."),
                   no_args_is_help=True)
command = Commands()  # the functions below marked @command: commands of the main app


def _lead(store: str | None, record_id: str) -> None:
    """A grade is set on an incident, by its id (its lead report's): a report grouped into another incident is
    refused with the id to use."""
    data = load_store(store, write_cache=False)
    if record_id in set(data.incidents["incident_id"].astype(object)):
        return
    owner = dict(zip(data.reports["incident_id"].astype(object), data.report_incident, strict=True)).get(record_id)
    if owner is None:
        raise StoreError(N_("{id}: no such incident in the store"), id=record_id)
    raise StoreError(N_("{id} is a report of incident {owner}: set the grade of {owner}"), id=record_id, owner=owner)


@command
def grade(
    record_id: IdArg,
    value: Annotated[str | None, typer.Argument(metavar="GRADE", help=H_("One of {grades}",
                                                                         grades=", ".join(GRADES)))] = None,
    reason: ReasonOpt = "",
    clear: Annotated[bool, typer.Option("--clear", help=N_("Remove the grade set by hand: the rules decide "
                                                           "again"))] = False,
    store: StoreOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Set an incident's civilian-harm grade by hand (it replaces the rules' grade, docs/grading.md), with the
    reason, your name and the time in the history; --clear gives the decision back to the rules."""
    if clear == (value is not None):
        raise UserError(N_("give a GRADE or --clear"))  # said by App as "error: …", exit code 2
    try:
        _lead(store, record_id)
        applied = set_grade(open_store(store), record_id, None if clear else value, reason=reason, author=author)
    except StoreError as exc:
        raise _fail(exc) from None
    t = translator()
    if applied.changeset_id is None:
        typer.echo(t.gettext("{id}: nothing to change (the values are already stored)").format(id=record_id))
        return
    typer.echo(t.gettext("{id}: grade saved as change set {changeset} (dataset version {version})").format(
        id=record_id, changeset=applied.changeset_id, version=applied.version))


@response_app.command("add")
def response_add(
    record_id: IdArg,
    date: Annotated[str, typer.Option("--date", help=N_("When the party said it: YYYY, YYYY-MM or YYYY-MM-DD"))],
    by: Annotated[str, typer.Option("--by", help=N_("Who said it, e.g. 'Malian army general staff (DIRPA)'"))],
    kind: Annotated[str, typer.Option("--kind", help=H_("What it is: {kinds}", kinds=" | ".join(RESPONSE_KINDS)))],
    url: Annotated[str, typer.Option("--url", help=N_("The http(s) address of the statement or of a report of "
                                                      "it"))],
    note: Annotated[str | None, typer.Option("--note", help=N_("What was said, in a sentence"))] = None,
    store: StoreOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Record what the accused party said about an incident (a denial counts against the grade unless an NGO or UN
    investigation is among its sources; an admission makes it confirmed)."""
    try:
        applied = add_response(open_store(store), record_id, date=date, party=by, kind=kind, url=url, note=note,
                               author=author, at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(translator().gettext("{id}: response saved as change set {changeset} (dataset version {version})").format(
        id=record_id, changeset=applied.changeset_id, version=applied.version))


def register(app: typer.Typer) -> None:
    command.add_to(app)
    app.add_typer(response_app, name="response")
