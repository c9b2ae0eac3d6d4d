"""The session's language: the sidebar switch, seeded once from the link (``lang=fr``), else from the browser's
language (``st.context.locale``, else the ``Accept-Language`` header), else English.

Pages mark their text with :func:`_` (and :func:`ngettext`), which translate into the session's language through
its catalogue (:mod:`dashboard.i18n`).
"""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import DEFAULT, Translator, from_accept_language, languages, tr

KEY = "lang"  # the switch's widget key, and the URL parameter
URL_PARAM = "lang"


def browser_language() -> str:
    """The browser's preferred language when it has a catalogue, else English."""
    try:
        locale = st.context.locale
    except AttributeError:  # older Streamlit: only the request's headers
        locale = None
    if locale:
        found = from_accept_language(locale)
        if found != DEFAULT or locale.lower().startswith(DEFAULT):
            return found
    headers = st.context.headers
    return from_accept_language(headers.get("Accept-Language") if headers else None)


def seed() -> None:
    """Choose the session's language once, before anything is drawn: the link's, else the browser's."""
    if KEY in st.session_state:
        return
    asked = st.query_params.get(URL_PARAM)
    st.session_state[KEY] = asked if asked in languages() else browser_language()


def current() -> Translator:
    lang = st.session_state.get(KEY, DEFAULT)
    return tr(lang if lang in languages() else DEFAULT)


def _(message: str) -> str:
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return current().pgettext(context, message)


def language_name(lang: str) -> str:
    """A language in its own words ("English", "Français"), from CLDR."""
    return tr(lang).locale.get_display_name(lang).capitalize()


def switch() -> None:
    """The sidebar's language switch."""
    st.sidebar.radio(_("Language"), languages(), key=KEY, format_func=language_name, horizontal=True)
