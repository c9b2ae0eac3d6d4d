"""Who is using this session: anonymous (a viewer), a local account signed in with the sidebar's form, or an
identity a single-sign-on provider vouched for (Streamlit's ``st.login`` / ``st.user`` when the operator configures
``[auth]`` in ``.streamlit/secrets.toml``; docs/team-server.md) mapped to an account's role.

This only says who asks: every write checks the role again on the server (:func:`dashboard.team.permissions.require`
inside :mod:`dashboard.team.writes` and :mod:`dashboard.team.workflow`). Nothing here appears in the public view.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboard.data.store import open_store
from dashboard.team import accounts
from dashboard.team.errors import TeamError
from dashboard.team.permissions import ANONYMOUS, ROLE_LABELS, Account
from dashboard.ui.common import md_escape
from dashboard.ui.lang import _, current

SESSION_KEY = "team_session"
SIGN_IN_OPEN_KEY = "team_sign_in_open"


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def account(store: str) -> Account:
    """The session's account (anonymous when nobody signed in, or the session expired)."""
    now = datetime.now(UTC)
    session = st.session_state.get(SESSION_KEY)
    if isinstance(session, accounts.Session):
        if not session.expired(now):
            return session.account
        del st.session_state[SESSION_KEY]
        st.session_state["team_expired"] = True
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        found = accounts.sso_session(open_store(store), st.user.get("email"), now=now)
        if found is not None:
            st.session_state[SESSION_KEY] = found
            return found.account
    return ANONYMOUS


def sidebar(store: str) -> Account:
    """The sign-in form (or who is signed in, and a sign-out button) at the foot of the sidebar."""
    who = account(store)
    # built only once opened (Streamlit's lazy expander): closed, the form was four elements of every page's run for
    # every reader (docs/benchmarks.md, "Page latency under load"); one expander with one label whoever is signed in
    # (a new label would be a new element, closed again), so that it stays open once the form is sent. Who is signed
    # in is said above it, box open or closed.
    if not who.anonymous:
        st.sidebar.markdown(_("Signed in as **{name}** ({role}).").format(
            name=md_escape(who.name), role=_(ROLE_LABELS.get(who.role, who.role))))
    box = st.sidebar.expander(_("Team sign-in"), key=SIGN_IN_OPEN_KEY, on_change="rerun", icon=":material/person:")
    if not box.open:
        return who
    with box:
        if not who.anonymous:
            if st.button(_("Sign out"), key="team_sign_out"):
                st.session_state.pop(SESSION_KEY, None)
                if sso_configured() and getattr(st.user, "is_logged_in", False):
                    st.logout()
                st.rerun()
            return who
        if st.session_state.pop("team_expired", False):
            st.info(_("Your session expired: sign in again."))
        with st.form("team_sign_in", clear_on_submit=True, border=False):
            name = st.text_input(_("Account name"), key="team_name")
            password = st.text_input(_("Password"), type="password", key="team_password")
            go = st.form_submit_button(_("Sign in"))
        if go:
            try:
                st.session_state[SESSION_KEY] = accounts.sign_in(open_store(store), name, password,
                                                                 now=datetime.now(UTC))
                st.rerun()
            except TeamError as exc:
                st.error(exc.said(current()), icon=":material/lock:")
        if sso_configured() and st.button(_("Sign in with the organisation's account"), key="team_sso"):
            st.login()
    return who


def may_write(ctx, action: str) -> bool:
    """Whether this session may do ``action`` on the pages that wrote before accounts existed (Data page imports,
    Review page decisions): anyone in a store without accounts (one person's), else a signed-in role that may."""
    from dashboard.data.store import has_accounts
    from dashboard.team.permissions import may

    if ctx.data.public:
        return False
    return may(ctx.account, action) or not has_accounts(open_store(ctx.data.store))


def refuse(ctx, action: str) -> bool:
    """Say that this needs a signed-in role (True) when :func:`may_write` says no."""
    if may_write(ctx, action):
        return False
    st.info(_("This store has team accounts: sign in (sidebar) as an editor or above to do this."),
            icon=":material/lock:")
    return True
