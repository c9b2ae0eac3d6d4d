"""``incident-map`` commands of the team workflow (issue 14): ``user add`` / ``user list``, and ``submit``,
``publish``, ``send-back``, ``withdraw``, ``reopen``, each run as a named local account (``--user NAME``; the
password from a prompt, or from ``$INCIDENT_MAP_PASSWORD`` for scripts). The role is checked by the same
:func:`dashboard.team.permissions.require` the app calls; the history records the account and the reason.

``incident-map edit`` (:mod:`dashboard.cli_store`) takes ``--user`` too and needs it once the store has accounts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from dashboard.data.engines import StoreError
from dashboard.data.store import has_accounts, open_store
from dashboard.i18n import N_, Translator, from_environment, tr
from dashboard.settings import env_password
from dashboard.team import accounts
from dashboard.team.errors import TeamError
from dashboard.team.permissions import Account, require
from dashboard.team.workflow import transition

StoreOpt = Annotated[str | None, typer.Option("--store", help="Store: a GeoPackage path or a postgresql:// URL")]
UserOpt = Annotated[str | None, typer.Option(
    "--user", help=f"The local account you act as (password: a prompt, or ${accounts.PASSWORD_ENV})")]
IdArg = Annotated[str, typer.Argument(help="Incident (report) id, e.g. APP-20261130-a1b2c3")]
NEW_PASSWORD_ENV = "INCIDENT_MAP_NEW_PASSWORD"  # noqa: S105 (a variable name): `user add` in scripts
EXIT_REFUSED = 4


def _t() -> Translator:
    return tr(from_environment())


def _fail(exc: StoreError) -> typer.Exit:
    t = _t()
    text = exc.said(t) if isinstance(exc, TeamError) else exc.message
    typer.echo(t.gettext("error: {message}").format(message=text), err=True)
    return typer.Exit(EXIT_REFUSED if isinstance(exc, TeamError) else 2)


def _password(env: str, prompt: str, confirm: bool = False) -> str:
    given = env_password(env)
    if given:
        return given
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def signed_in(store, user: str | None) -> Account:
    """The account ``--user`` names, signed in with its password (wrong passwords count towards the lock-out)."""
    if not user:
        raise TeamError(N_("--user NAME is required: this store has accounts, and every change is made by one."))
    session = accounts.sign_in(store, user, _password(accounts.PASSWORD_ENV, _t().gettext("Password")),
                               now=datetime.now(UTC))
    return session.account


def acting(store, user: str | None) -> Account | None:
    """``edit`` and the other record changes: the signed-in account when the store has accounts (required then),
    None for a store without any (one person's store: ``--author`` names who changes it, as before)."""
    if user or has_accounts(store):
        return signed_in(store, user)
    return None


user_app = typer.Typer(no_args_is_help=True, help="Team accounts: add and list (roles: editor, reviewer, admin).")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Account name (for single sign-on: the email the provider gives)")],
    role: Annotated[str, typer.Option("--role", help="editor, reviewer or admin")],
    sso: Annotated[bool, typer.Option("--sso", help="Signs in through the single-sign-on provider only (no "
                                                    "password here)")] = False,
    user: UserOpt = None,
    store: StoreOpt = None,
) -> None:
    """Add an account. The first account of a store must be an admin; later ones are added by an admin (--user).
    The new account's password comes from a prompt (twice) or from $INCIDENT_MAP_NEW_PASSWORD."""
    t = _t()
    try:
        st = open_store(store)
        if has_accounts(st):
            by = require(signed_in(st, user), "manage_accounts").name
        elif role != "admin":
            raise TeamError(N_("The first account of a store must be an admin (--role admin): it adds the others."))
        else:
            by = "(first account)"
        password = None if sso else _password(NEW_PASSWORD_ENV, t.gettext("Password of {name}").format(name=name),
                                              confirm=True)
        added = accounts.add_account(st, name, role, password=password, sso=sso, created_by=by,
                                     now=datetime.now(UTC))
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(t.gettext("{name}: account added ({role}{sso}).").format(
        name=added.name, role=t.gettext(added.role), sso=t.gettext(", single sign-on") if added.sso else ""))


@user_app.command("list")
def user_list(store: StoreOpt = None) -> None:
    """The store's accounts: name, role, single sign-on or local, locked or not."""
    t = _t()
    now = datetime.now(UTC)
    try:
        found = accounts.list_accounts(open_store(store))
    except StoreError as exc:
        raise _fail(exc) from None
    if not found:
        typer.echo(t.gettext("No accounts: this store is one person's (its imports are published at once)."))
    for a in found:
        kind = t.gettext("single sign-on") if a.sso else t.gettext("local")
        locked = t.gettext(", locked until {until}").format(until=a.locked_until) if a.locked(now) else ""
        typer.echo(f"{a.name}\t{t.gettext(a.role)}\t{kind}{locked}")


def _move(action: str, record_id: str, reason: str, user: str | None, store: str | None) -> None:
    t = _t()
    try:
        st = open_store(store)
        applied = transition(st, signed_in(st, user), record_id, action, reason=reason)
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(t.gettext("{id}: {action} recorded in change set {changeset}.").format(
        id=record_id, action=action.replace("_", "-"), changeset=applied.changeset_id))


ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the history)")]


def submit(record_id: IdArg, user: UserOpt = None, store: StoreOpt = None,
           reason: Annotated[str, typer.Option("--reason", help="Why (kept in the history)")] = "ready for review"
           ) -> None:
    """Submit a draft for review (editor or above)."""
    _move("submit", record_id, reason, user, store)


def publish(record_id: IdArg, user: UserOpt = None, store: StoreOpt = None,
            reason: Annotated[str, typer.Option("--reason", help="Why (kept in the history)")] = "reviewed"
            ) -> None:
    """Publish an incident in review (reviewer or above; not one whose last change is yours)."""
    _move("publish", record_id, reason, user, store)


def send_back(record_id: IdArg,
              comment: Annotated[str, typer.Option("--comment", help="What the editor should look at (required)")],
              user: UserOpt = None, store: StoreOpt = None) -> None:
    """Send an incident in review back to draft with a comment (reviewer or above; not your own last change)."""
    _move("send_back", record_id, comment, user, store)


def withdraw(record_id: IdArg, reason: ReasonOpt, user: UserOpt = None, store: StoreOpt = None) -> None:
    """Withdraw an incident (out of the public view) with a reason (reviewer or above)."""
    _move("withdraw", record_id, reason, user, store)


def reopen(record_id: IdArg, reason: ReasonOpt, user: UserOpt = None, store: StoreOpt = None) -> None:
    """Bring a withdrawn incident back as a draft (reviewer or above)."""
    _move("reopen", record_id, reason, user, store)


def register(app: typer.Typer) -> None:
    for command in (submit, publish, withdraw, reopen):
        app.command(command.__name__)(command)
    app.command("send-back")(send_back)
    app.add_typer(user_app, name="user")
