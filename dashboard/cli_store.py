"""``incident-map`` commands that change or inspect the record itself: history, edit, delete, restore, and
``store init`` / ``store copy`` (registered on the main app by :func:`register`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from dashboard.cli_help import H_, translator
from dashboard.cli_options import App, Commands
from dashboard.data.captures import custody_line, report_history
from dashboard.data.engines import ConflictError, StoreError, ValidationFailed, describe, init_store
from dashboard.data.engines import open_store as open_location
from dashboard.data.engines.editing import history_document
from dashboard.data.engines.records import CAPTURE, CUSTODY, INCIDENT, RECORD_TYPES
from dashboard.data.store import STORE_ENV, open_store, resolve_store
from dashboard.data.workflow_view import STATUS_LABELS
from dashboard.history_words import shown_kind, shown_reason
from dashboard.i18n import N_
from dashboard.settings import AUTHOR_ENV

StoreOpt = Annotated[str | None, typer.Option(
    "--store", help=H_("Store: a GeoPackage path or a postgresql:// URL (default: ${env} or data/incidents.gpkg)",
                       env=STORE_ENV))]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Machine-readable JSON output"))]
ReasonOpt = Annotated[str, typer.Option("--reason", help=N_("Why the record changes (required; kept in the history)"))]
AuthorOpt = Annotated[str | None, typer.Option(
    "--author", help=H_("Who makes the change (default: ${env} or your user name)", env=AUTHOR_ENV))]
IdArg = Annotated[str, typer.Argument(help=N_("Incident id, e.g. SEG-2025-008"))]

EXIT_INVALID, EXIT_STORE, EXIT_CONFLICT = 1, 2, 3
ACTIONS = {"created": N_("created"), "re-created": N_("re-created"), "deleted": N_("deleted")}  # of a whole record


def _fail(exc: Exception) -> typer.Exit:
    code = EXIT_CONFLICT if isinstance(exc, ConflictError) else EXIT_INVALID if isinstance(
        exc, ValidationFailed) else EXIT_STORE
    t = translator()
    typer.echo(t.gettext("error: {message}").format(message=exc.text(t) if isinstance(exc, StoreError) else exc),
               err=True)
    if isinstance(exc, StoreError) and exc.detail:
        typer.echo(exc.detail, err=True)
    return typer.Exit(code)


def _value(v, t) -> str:
    return t.gettext("(unknown)") if v is None else json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)


command = Commands()  # the functions below marked @command: commands of the main app


@command
def history(record_id: IdArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Every change to an incident (or to a reconciliation decision, D-…: incident-map review --json gives
    their ids), oldest first: what changed (before → after), who, when (UTC) and why."""
    try:
        st = open_store(store)
        for rtype in RECORD_TYPES.values():  # an incident's id first; a decision's otherwise
            entries = st.history(record_id, rtype)
            if entries:
                break
        version = st.current([record_id], rtype).get(record_id, (None, None))[0]
        if entries and rtype is INCIDENT:  # the custody log of its captures, beside its own changes
            entries = [*entries, *report_history(st, record_id)]
    except StoreError as exc:
        raise _fail(exc) from None
    t = translator()
    if not entries:
        typer.echo(t.gettext("error: {message}").format(message=t.gettext(
            "{id}: no such incident or decision in the store's history").format(id=record_id)), err=True)
        raise typer.Exit(EXIT_STORE)
    doc = history_document(record_id, entries, version)
    if rtype.name == "incident":  # its review workflow too (issue 14): who submitted, published, sent back, why
        from dashboard.team.workflow import review_history

        doc["review"] = review_history(st, record_id)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    state = t.gettext("deleted") if version is None else t.gettext("version {version}").format(version=version)
    typer.echo(t.ngettext("{id} ({state}): {n} change set", "{id} ({state}): {n} change sets",
                          len(doc["changes"])).format(id=record_id, state=state, n=len(doc["changes"])))
    for c in doc["changes"]:
        typer.echo(f"\n{c['at']}  {c['changeset_id']}  " + t.gettext("{kind} by {author} (→ version {version})").format(
            kind=shown_kind(c["kind"], t), author=c["author"], version=c["version"]))
        typer.echo("  " + t.gettext("why: {reason}").format(reason=shown_reason(c["reason"], t)))
        if c["record_type"] in (CAPTURE.name, CUSTODY.name):
            typer.echo("  " + custody_line(c, t))
        elif c.get("action") in ACTIONS:
            typer.echo(f"  {t.gettext(ACTIONS[c['action']])} ({rtype.name})")
        for f in c["fields"]:
            typer.echo(f"  {f['field']}: {_value(f['before'], t)} → {_value(f['after'], t)}")
    for r in doc.get("review", []):
        typer.echo(f"\n{r['at']}  {r['changeset_id']}  " + t.gettext("review: {kind} by {author} → {status}").format(
            kind=shown_kind(r["kind"], t), author=r["author"],
            status=t.gettext(STATUS_LABELS[r["status"]]) if r["status"] in STATUS_LABELS else r["status"]))
        typer.echo("  " + t.gettext("why: {reason}").format(reason=shown_reason(r["reason"], t)))


@command
def edit(
    record_id: IdArg,
    assignments: Annotated[list[str], typer.Option("--set", help=N_("FIELD=VALUE, repeatable (empty VALUE: unknown)"))],
    reason: ReasonOpt,
    store: StoreOpt = None,
    author: AuthorOpt = None,
    expect_version: Annotated[int | None, typer.Option(
        "--expect-version", help=N_("Refuse the edit unless the incident is still at this version (the one you "
                                    "looked at)"))] = None,
    user: Annotated[str | None, typer.Option(
        "--user", help=N_("The local account you act as (required once the store has accounts; password: a prompt, "
                       "or $INCIDENT_MAP_PASSWORD)"))] = None,
) -> None:
    """Change fields of one incident, validated like an import, recorded with your name (or account) and reason.
    In a store with accounts an edit is made as --user (editor or above) and puts a published incident back to
    draft, for review.

    Exit code 0 on success, 1 if the incident would not be valid, 2 if the store cannot be used, 3 if the incident
    changed since the version you edited (the message names the change set), 4 if the account may not edit."""
    from dashboard.cli_team import acting
    from dashboard.data.engines.editing import edit as edit_record
    from dashboard.data.engines.editing import parse_assignments
    from dashboard.team.errors import TeamError
    from dashboard.team.writes import edit_incident

    try:
        values = parse_assignments(assignments or [])
        st = open_store(store)
        account = acting(st, user)
        if account is None:
            applied = edit_record(st, record_id, values, reason=reason, author=author, expected_version=expect_version)
        else:
            applied = edit_incident(st, account, record_id, values, reason=reason, expected_version=expect_version)
    except TeamError as exc:
        from dashboard.cli_team import _fail as refused

        raise refused(exc) from None
    except StoreError as exc:
        raise _fail(exc) from None
    t = translator()
    if applied.changeset_id is None:
        typer.echo(t.gettext("{id}: nothing to change (the values are already stored)").format(id=record_id))
        return
    typer.echo(t.gettext("{id}: saved as change set {changeset} (dataset version {version})").format(
        id=record_id, changeset=applied.changeset_id, version=applied.version))


UserOpt = Annotated[str | None, typer.Option(
    "--user", help=N_("The local account you act as (required once the store has accounts; an editor or above)"))]


def _author(st, user: str | None, author: str | None) -> str | None:
    """Who changes the record: the signed-in ``--user`` (an editor or above) in a store with accounts, else
    ``--author`` (one person's store)."""
    from dashboard.cli_team import acting
    from dashboard.team.permissions import require

    account = acting(st, user)
    return author if account is None else require(account, "edit").name


@command
def delete(record_id: IdArg, reason: ReasonOpt, store: StoreOpt = None, author: AuthorOpt = None,
           user: UserOpt = None) -> None:
    """Delete one incident (its history stays; `restore` brings it back)."""
    from dashboard.cli_team import _fail as refused
    from dashboard.data.engines.editing import delete as delete_record
    from dashboard.team.errors import TeamError

    try:
        st = open_store(store)
        applied = delete_record(st, record_id, reason=reason, author=_author(st, user, author))
    except TeamError as exc:
        raise refused(exc) from None
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(translator().gettext("{id}: deleted in change set {changeset}").format(
        id=record_id, changeset=applied.changeset_id))


@command
def restore(
    record_id: IdArg,
    to: Annotated[str, typer.Option("--to", help=N_("A change set from `incident-map history ID`: restore the "
                                                    "incident as it was right after it"))],
    reason: ReasonOpt,
    store: StoreOpt = None,
    author: AuthorOpt = None,
    user: UserOpt = None,
) -> None:
    """Restore an incident to a past state, as a new change (the history keeps everything in between)."""
    from dashboard.cli_team import _fail as refused
    from dashboard.data.engines.editing import restore as restore_record
    from dashboard.team.errors import TeamError

    try:
        st = open_store(store)
        applied = restore_record(st, record_id, to, reason=reason, author=_author(st, user, author))
    except TeamError as exc:
        raise refused(exc) from None
    except StoreError as exc:
        raise _fail(exc) from None
    t = translator()
    if applied.changeset_id is None:
        typer.echo(t.gettext("{id}: already as it was after {changeset}; nothing changed").format(id=record_id,
                                                                                                  changeset=to))
        return
    typer.echo(t.gettext("{id}: restored to its state after {changeset} in change set {new}").format(
        id=record_id, changeset=to, new=applied.changeset_id))


store_app = App(no_args_is_help=True, help=N_("Create, upgrade and copy stores (GeoPackage or PostGIS)."))


@store_app.command("init")
def init(location: Annotated[str, typer.Argument(help=N_("GeoPackage path or postgresql:// URL"))]) -> None:
    """Create an empty store (schema by migrations), or upgrade the schema of the one there."""
    try:
        st = init_store(resolve_store(location))
        version, revision = st.state()
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(translator().gettext("{store}: store ready ({engine}, dataset version {version}, {n} change set(s))")
               .format(store=describe(location), engine=st.engine_name, version=version, n=revision))


@store_app.command("copy")
def copy(
    src: Annotated[str, typer.Argument(help=N_("Store to copy from (path or URL)"))],
    dst: Annotated[str, typer.Argument(help=N_("Empty or new store to copy into (path or URL)"))],
) -> None:
    """Copy a store (records, sources, change sets, history) to another location, and check the copy."""
    from dashboard.data.engines.transfer import copy_store, fingerprint

    try:
        source = open_location(resolve_store(src))
        target = init_store(resolve_store(dst))
        counts = copy_store(source, target)
        same = fingerprint(source) == fingerprint(target)
    except StoreError as exc:
        raise _fail(exc) from None
    t = translator()
    typer.echo(t.gettext("copied {src} → {dst}: {counts}").format(
        src=describe(src), dst=describe(dst), counts=", ".join(f"{n} {kind}" for kind, n in counts.items())))
    if not same:
        typer.echo(t.gettext("error: {message}").format(message=t.gettext(
            "the copy differs from the source (fingerprints do not match)")), err=True)
        raise typer.Exit(EXIT_STORE)
    typer.echo(t.gettext("fingerprints match: the copy holds the same records, sources and history"))


def register(app: typer.Typer) -> None:
    command.add_to(app)
    app.add_typer(store_app, name="store")
