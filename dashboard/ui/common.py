"""Small pieces of page furniture shared by the pages (header, empty state, cite line)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import streamlit as st

from dashboard.errors import UserError
from dashboard.query.aggregate import datasets_note
from dashboard.ui.context import PageContext
from dashboard.ui.state import ViewState

DEFAULT_PAGE = "map"


def header(ctx: PageContext, title: str) -> None:
    st.title(title)
    public_banner(ctx)
    st.markdown(f"**{md_inline(ctx.spec.describe())}**")  # names and search text from the data or the URL
    st.caption(ctx.totals.sentence(total=len(ctx.all)))
    note = datasets_note(ctx.view)
    if note:
        st.caption(f"Note: {note}.")


def public_banner(ctx: PageContext) -> None:
    if ctx.data.public:
        st.warning("**Public view** — places are coarsened to the cercle seat or a 0.5° grid and internal notes "
                   "are removed. Precise coordinates are not sent to this browser.", icon=":material/shield:")


def empty_state(ctx: PageContext) -> bool:
    """Show a clear message when nothing matches; returns True if the page should stop there."""
    if len(ctx.view):
        return False
    st.info("No incidents match these filters. Widen the dates or remove a filter "
            "(the sidebar's **Clear all filters** button resets them).", icon=":material/search_off:")
    return True


def user_error(exc: UserError, context: str | None = None) -> None:
    """Show an error the user can act on (its text may quote a file or a link: escaped). Anything that is not a
    :class:`UserError` is a bug: it is not caught, and the served app shows Streamlit's generic "the app has
    encountered an error; details in the logs" (``client.showErrorDetails = "none"`` in
    ``dashboard/ui/.streamlit/config.toml``)."""
    st.error(md_escape(f"{context}: {exc.message}" if context else exc.message))
    if exc.detail:
        st.code(exc.detail, language=None)


def cite_line(ctx: PageContext, page: str) -> str:
    params = dict(ctx.spec.to_query_params())
    state: ViewState = ctx.state
    if state.mode != "points":
        params["mode"] = state.mode
    if state.mode == "choropleth":
        params["unit"], params["measure"] = state.unit, state.measure
    if state.selected:
        params["sel"] = state.selected
    if page != DEFAULT_PAGE:
        # cite "/?page=timeline", not "/timeline": Streamlit shows a "Page not found" dialog when a fresh
        # session opens a page path of st.navigation directly (streamlit/streamlit#9992)
        params["page"] = page
    host = st.context.headers.get("Host", "127.0.0.1:8501") if st.context.headers else "127.0.0.1:8501"
    query = urlencode(params, doseq=True)
    url = f"http://{host}/" + (f"?{query}" if query else "")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{url} · dataset version {ctx.data.version} · viewed {now}"


def cite(ctx: PageContext, page: str) -> None:
    st.caption("Cite this view")
    st.code(cite_line(ctx, page), language=None, wrap_lines=True)


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"
_MD_INLINE_SPECIAL = "\\`*_{}[]()#!|<>~$:"
# GitHub-flavoured autolinks ("http://...", "www....", "name@host") are found in the text *after* backslash
# escapes are resolved, so escaping cannot stop them: an invisible WORD JOINER (U+2060) breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?=@)")
_WJ = "\u2060"


def md_escape(text: str) -> str:
    """Escape Markdown in untrusted text used as a widget label (labels render links and emphasis)."""
    defused = _AUTOLINK.sub(_WJ, str(text))
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in defused)


def md_inline(text: str) -> str:
    """Escape untrusted text placed *inside* one line of Markdown (after ``**``, so no line starts with it): the
    inline syntax (links, images, emphasis, code, HTML, autolinks) is escaped, but ``-``, ``.`` and ``+``, which
    only matter at the start of a line, are kept as they are."""
    flat = _AUTOLINK.sub(_WJ, " ".join(str(text).split()))
    return "".join("\\" + ch if ch in _MD_INLINE_SPECIAL else ch for ch in flat)
