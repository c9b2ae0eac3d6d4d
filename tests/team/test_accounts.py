"""Local accounts (issue 14): argon2 hashes, sign-in, lock-out after five wrong passwords, session expiry,
single-sign-on identities mapped to a role; on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from dashboard.data.store import open_store
from dashboard.team import accounts
from dashboard.team.accounts import LOCKOUT, MAX_FAILURES, SESSION_TTL, Session
from dashboard.team.errors import SignInFailed, TeamError
from dashboard.team.permissions import Account

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def test_a_local_account_signs_in_and_its_password_is_only_stored_hashed(store_location):
    store = open_store(store_location)
    accounts.add_account(store, "awa", "editor", password=PASSWORD, now=NOW, created_by="admin")
    session = accounts.sign_in(store, "awa", PASSWORD, now=NOW)
    assert session.account == Account("awa", "editor")
    with store.read_connection() as conn, conn.begin():
        digest = conn.execute(sa.text("SELECT password_hash FROM accounts WHERE name = 'awa'")).scalar()
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    assert [(a.name, a.role, a.created_by) for a in accounts.list_accounts(store)] == [("awa", "editor", "admin")]
    with pytest.raises(TeamError, match="already an account"):
        accounts.add_account(store, "awa", "admin", password=PASSWORD, now=NOW)
    with pytest.raises(TeamError, match="at least"):
        accounts.add_account(store, "bob", "editor", password="short", now=NOW)
    with pytest.raises(TeamError, match="role"):
        accounts.add_account(store, "bob", "viewer", password=PASSWORD, now=NOW)


def test_five_wrong_passwords_lock_the_account_for_a_while(store_location):
    store = open_store(store_location)
    accounts.add_account(store, "awa", "reviewer", password=PASSWORD, now=NOW)
    for attempt in range(1, MAX_FAILURES + 1):
        with pytest.raises(SignInFailed) as caught:
            accounts.sign_in(store, "awa", "wrong password", now=NOW)
        assert ("locked" in str(caught.value)) == (attempt == MAX_FAILURES)
    with pytest.raises(SignInFailed, match="locked"):  # even the right password, while locked
        accounts.sign_in(store, "awa", PASSWORD, now=NOW + LOCKOUT - timedelta(seconds=1))
    assert accounts.sign_in(store, "awa", PASSWORD, now=NOW + LOCKOUT).account.role == "reviewer"


def test_an_unknown_name_and_a_wrong_password_say_the_same_thing(store_location):
    store = open_store(store_location)
    accounts.add_account(store, "awa", "editor", password=PASSWORD, now=NOW)
    messages = set()
    for name, password in (("nobody", PASSWORD), ("awa", "wrong password")):
        with pytest.raises(SignInFailed) as caught:
            accounts.sign_in(store, name, password, now=NOW)
        messages.add(str(caught.value))
    assert messages == {"Wrong name or password."}


def test_the_unknown_names_digest_is_made_by_the_first_sign_in_of_any_name_not_on_import(store_location,
                                                                                         monkeypatch):
    hashed = []

    class Counting(PasswordHasher):
        def hash(self, password, **kwargs):
            hashed.append(password)
            return super().hash(password, **kwargs)

    monkeypatch.setattr(accounts, "_HASHER", Counting())
    accounts._dummy.cache_clear()  # as a fresh import leaves it
    store = open_store(store_location)
    accounts.add_account(store, "awa", "editor", password=PASSWORD, now=NOW)
    assert hashed == [PASSWORD]
    assert accounts.sign_in(store, "awa", PASSWORD, now=NOW).account.name == "awa"  # a known name pays for it too
    assert hashed == [PASSWORD, "not a password of anyone"]
    checked = []
    monkeypatch.setattr(accounts, "_verify", lambda digest, password: checked.append(digest) or False)
    with pytest.raises(SignInFailed):
        accounts.sign_in(store, "nobody", PASSWORD, now=NOW)
    assert checked == [accounts._dummy()] and len(hashed) == 2  # checked against it, made once


def test_a_session_expires_and_single_sign_on_needs_a_known_email(store_location):
    store = open_store(store_location)
    session = Session(Account("awa", "editor"), NOW)
    assert not session.expired(NOW + SESSION_TTL - timedelta(minutes=1)) and session.expired(NOW + SESSION_TTL)
    accounts.add_account(store, "fatou@example.org", "reviewer", sso=True, now=NOW)
    assert accounts.sso_session(store, "fatou@example.org", now=NOW).account.role == "reviewer"
    assert accounts.sso_session(store, "stranger@example.org", now=NOW) is None
    with pytest.raises(SignInFailed):  # no password to sign in with locally
        accounts.sign_in(store, "fatou@example.org", "", now=NOW)
