"""Accounts stored in the store (table ``accounts``, migration 0006_workflow): local accounts with an argon2
password hash (``argon2-cffi``, the Password Hashing Competition's winner, with its recommended parameters), and
single-sign-on accounts (an email an OIDC provider vouches for, no password here).

* Signing in: :func:`sign_in` checks the password; after :data:`MAX_FAILURES` wrong passwords in a row the account
  is locked for :data:`LOCKOUT` (even the right password is refused meanwhile); a right one resets the count.
  An unknown name costs the same hash check as a known one and says the same thing.
* A signed-in :class:`Session` expires :data:`SESSION_TTL` after signing in (:meth:`Session.expired`).
* Passwords and hashes never reach the history; an account row says who added it and when.

Every function takes the time (``now``) as an argument: nothing here reads the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.data.engines import Store
from dashboard.data.store import has_accounts as has_accounts  # re-exported: whether the store has a team
from dashboard.i18n import N_
from dashboard.team.errors import SignInFailed, TeamError
from dashboard.team.permissions import ROLES, Account

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=8)
MIN_PASSWORD = 10
PASSWORD_ENV = "INCIDENT_MAP_PASSWORD"  # noqa: S105 (a variable name): scripts give the password there
_NAME = re.compile(r"^[A-Za-z0-9._@+-]{2,120}$")
_HASHER = PasswordHasher()


@cache
def _dummy() -> str:
    """A digest no password matches, checked for an unknown name. Made on the first sign-in, before its account is
    looked up (so a name's existence never changes which sign-in pays for it), not on import: hashing costs
    0.15 s of every server's start (`python -X importtime`), and most servers never see a sign-in."""
    return _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class StoredAccount:
    name: str
    role: str
    sso: bool
    failed: int
    locked_until: str | None
    created_by: str | None
    created_at: str | None
    disabled: bool = False

    @property
    def account(self) -> Account:
        return Account(self.name, self.role)

    def locked(self, now: datetime) -> bool:
        return bool(self.locked_until) and datetime.fromisoformat(self.locked_until) > now


@dataclass(frozen=True)
class Session:
    """A signed-in account and when it signed in."""

    account: Account
    signed_in_at: datetime

    def expired(self, now: datetime) -> bool:
        return now - self.signed_in_at >= SESSION_TTL


def _stamp(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise TeamError(N_("A password needs at least {n} characters."), n=MIN_PASSWORD)
    return password


def add_account(store: Store, name: str, role: str, *, now: datetime, password: str | None = None,
                sso: bool = False, created_by: str = "") -> StoredAccount:
    """Add an account (a local one with ``password``, or a single-sign-on one with ``sso`` and no password)."""
    name = (name or "").strip()
    if not _NAME.match(name):
        raise TeamError(N_("An account name is 2 to 120 letters, digits or . _ @ + - (got {name!r})."), name=name[:40])
    if role not in ROLES[1:]:
        raise TeamError(N_("The role must be editor, reviewer or admin (got {role!r})."), role=role)
    if sso == (password is not None):
        raise TeamError(N_("An account has either a password (local) or single sign-on, not both nor neither."))
    digest = None if sso else _HASHER.hash(check_password(password))
    with store.write_connection() as conn, conn.begin():
        store.start_write(conn, exclusive=False)
        if conn.execute(sa.text("SELECT 1 FROM accounts WHERE name = :n"), {"n": name}).first():
            raise TeamError(N_("There is already an account named {name}."), name=name)
        conn.execute(sa.text("INSERT INTO accounts (name, role, password_hash, sso, failed, locked_until, created_by, "
                             "created_at, disabled) VALUES (:n, :r, :h, :s, 0, NULL, :b, :a, :d)"),
                     {"n": name, "r": role, "h": digest, "s": sso, "b": created_by, "a": _stamp(now), "d": False})
    return get_account(store, name)


_SIGN_IN_SQL = "SELECT name, role, password_hash, failed, locked_until, disabled FROM accounts WHERE name = :n"
_COLUMNS = "name, role, sso, failed, locked_until, created_by, created_at, disabled"


def _row(row) -> StoredAccount:
    return StoredAccount(row[0], row[1], bool(row[2]), int(row[3] or 0), row[4], row[5], row[6], bool(row[7]))


def get_account(store: Store, name: str) -> StoredAccount | None:
    with store.read_connection() as conn, conn.begin():
        row = conn.execute(sa.text(f"SELECT {_COLUMNS} FROM accounts WHERE name = :n"), {"n": name}).first()  # noqa: S608
    return None if row is None else _row(row)


def list_accounts(store: Store) -> list[StoredAccount]:
    with store.read_connection() as conn, conn.begin():
        rows = conn.execute(sa.text(f"SELECT {_COLUMNS} FROM accounts ORDER BY name")).fetchall()  # noqa: S608
    return [_row(r) for r in rows]


def sign_in(store: Store, name: str, password: str, *, now: datetime) -> Session:
    """A session for a local account whose password is right and that is not locked; otherwise
    :class:`SignInFailed` (the same words for an unknown name and a wrong password)."""
    wrong = SignInFailed(N_("Wrong name or password."))
    refused: SignInFailed | None = None
    dummy = _dummy()
    with store.write_connection() as conn, conn.begin():
        store.start_write(conn, exclusive=False)
        sql = (_SIGN_IN_SQL
               + store.lock_for_update())
        row = conn.execute(sa.text(sql), {"n": (name or "").strip()}).first()
        if row is None or row[2] is None or row[5]:
            _verify(dummy, password or "")  # the same cost as a real check: a name's existence does not show
            refused = wrong
        elif row[4] and datetime.fromisoformat(row[4]) > now:
            refused = SignInFailed(N_("This account is locked after {n} wrong passwords; try again after {until} "
                                      "(UTC)."), n=MAX_FAILURES, until=row[4][:16].replace("T", " "))
        elif not _verify(row[2], password or ""):
            failed = int(row[3] or 0) + 1
            locked = _stamp(now + LOCKOUT) if failed >= MAX_FAILURES else None
            conn.execute(sa.text("UPDATE accounts SET failed = :f, locked_until = :l WHERE name = :n"),
                         {"f": 0 if locked else failed, "l": locked, "n": row[0]})
            refused = wrong if not locked else SignInFailed(
                N_("Wrong password, {n} times: the account is locked until {until} (UTC)."),
                n=MAX_FAILURES, until=locked[:16].replace("T", " "))
        else:
            conn.execute(sa.text("UPDATE accounts SET failed = 0, locked_until = NULL WHERE name = :n"),
                         {"n": row[0]})
    if refused is not None:
        raise refused
    return Session(Account(row[0], row[1]), now)


def sso_session(store: Store, email: str | None, *, now: datetime) -> Session | None:
    """The session of an identity a single-sign-on provider vouched for, when an ``sso`` account has its email;
    None otherwise (a stranger who can sign in at the provider is still only a viewer here)."""
    if not email:
        return None
    found = get_account(store, email.strip())
    if found is None or not found.sso or found.disabled:
        return None
    return Session(found.account, now)


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False
