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

from dashboard.cli_help import H_, translator
from dashboard.cli_options import App, Commands
from dashboard.cli_store import StoreOpt
from dashboard.data.engines import StoreError
from dashboard.data.store import has_accounts, open_store
from dashboard.history_words import READY_FOR_REVIEW, REVIEWED
from dashboard.i18n import N_, Translator
from dashboard.settings import env_password
from dashboard.team import accounts
from dashboard.team.errors import TeamError
from dashboard.team.permissions import Account, require
from dashboard.team.workflow import transition

UserOpt = Annotated[str | None, typer.Option(
    "--user", help=H_("The local account you act as (password: a prompt, or ${env})", env=accounts.PASSWORD_ENV))]
IdArg = Annotated[str, typer.Argument(help=N_("Incident (report) id, e.g. APP-20261130-a1b2c3"))]
NEW_PASSWORD_ENV = "INCIDENT_MAP_NEW_PASSWORD"  # noqa: S105 (a variable name): `user add` in scripts
EXIT_REFUSED = 4


def _t() -> Translator:
    return translator()


def _fail(exc: StoreError) -> typer.Exit:
    t = _t()
    typer.echo(t.gettext("error: {message}").format(message=exc.text(t)), err=True)
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


user_app = App(no_args_is_help=True, help=N_("Team accounts: add and list (roles: editor, reviewer, admin)."))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help=N_("Account name (for single sign-on: the email the provider "
                                                "gives)"))],
    role: Annotated[str, typer.Option("--role", help=N_("editor, reviewer or admin"))],
    sso: Annotated[bool, typer.Option("--sso", help=N_("Signs in through the single-sign-on provider only (no "
                                                       "password here)"))] = False,
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


DONE = {"submit": N_("{id}: submitted for review in change set {changeset}."),
        "publish": N_("{id}: published in change set {changeset}."),
        "send_back": N_("{id}: sent back to draft in change set {changeset}."),
        "withdraw": N_("{id}: withdrawn in change set {changeset}."),
        "reopen": N_("{id}: reopened as a draft in change set {changeset}.")}


def _move(action: str, record_id: str, reason: str, user: str | None, store: str | None) -> None:
    t = _t()
    try:
        st = open_store(store)
        applied = transition(st, signed_in(st, user), record_id, action, reason=reason)
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(t.gettext(DONE[action]).format(id=record_id, changeset=applied.changeset_id))


ReasonOpt = Annotated[str, typer.Option("--reason", help=N_("Why (kept in the history)"))]
command = Commands()  # the functions below marked @command: commands of the main app


@command
def submit(record_id: IdArg, user: UserOpt = None, store: StoreOpt = None,
           reason: Annotated[str, typer.Option("--reason", help=N_("Why (kept in the history)"))] = READY_FOR_REVIEW
           ) -> None:
    """Submit a draft for review (editor or above)."""
    _move("submit", record_id, reason, user, store)


@command
def publish(record_id: IdArg, user: UserOpt = None, store: StoreOpt = None,
            reason: Annotated[str, typer.Option("--reason", help=N_("Why (kept in the history)"))] = REVIEWED
            ) -> None:
    """Publish an incident in review (reviewer or above; not one whose last change is yours)."""
    _move("publish", record_id, reason, user, store)


@command
def withdraw(record_id: IdArg, reason: ReasonOpt, user: UserOpt = None, store: StoreOpt = None) -> None:
    """Withdraw an incident (out of the public view) with a reason (reviewer or above)."""
    _move("withdraw", record_id, reason, user, store)


@command
def reopen(record_id: IdArg, reason: ReasonOpt, user: UserOpt = None, store: StoreOpt = None) -> None:
    """Bring a withdrawn incident back as a draft (reviewer or above)."""
    _move("reopen", record_id, reason, user, store)


@command
def send_back(record_id: IdArg,
              comment: Annotated[str, typer.Option("--comment", help=N_("What the editor should look at "
                                                                        "(required)"))],
              user: UserOpt = None, store: StoreOpt = None) -> None:
    """Send an incident in review back to draft with a comment (reviewer or above; not your own last change)."""
    _move("send_back", record_id, comment, user, store)


def register(app: typer.Typer) -> None:
    command.add_to(app)
    app.add_typer(user_app, name="user")
