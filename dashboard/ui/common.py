"""Small pieces of page furniture shared by the pages (header, empty state, cite line)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import streamlit as st

from dashboard.ui.context import PageContext
from dashboard.ui.state import ViewState

DEFAULT_PAGE = "map"


def header(ctx: PageContext, title: str) -> None:
    st.title(title)
    if ctx.data.public:
        st.warning("**Public view** — places are coarsened to the cercle seat or a 0.5° grid and internal notes "
                   "are removed. Precise coordinates are not sent to this browser.", icon=":material/shield:")
    st.markdown(f"**{ctx.spec.describe()}**")
    st.caption(ctx.totals.sentence(total=len(ctx.all)))


def empty_state(ctx: PageContext) -> bool:
    """Show a clear message when nothing matches; returns True if the page should stop there."""
    if len(ctx.view):
        return False
    st.info("No incidents match these filters. Widen the dates or remove a filter "
            "(the sidebar's **Clear all filters** button resets them).", icon=":material/search_off:")
    return True


def cite_line(ctx: PageContext, page: str) -> str:
    params = dict(ctx.spec.to_query_params())
    state: ViewState = ctx.state
    if state.mode != "points":
        params["mode"] = state.mode
    if state.selected:
        params["sel"] = state.selected
    host = st.context.headers.get("Host", "127.0.0.1:8501") if st.context.headers else "127.0.0.1:8501"
    query = urlencode(params, doseq=True)
    path = "" if page == DEFAULT_PAGE else page  # the default page is served at "/", not "/map"
    url = f"http://{host}/{path}" + (f"?{query}" if query else "")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{url} · dataset version {ctx.data.version} · viewed {now}"


def cite(ctx: PageContext, page: str) -> None:
    st.caption("Cite this view")
    st.code(cite_line(ctx, page), language=None, wrap_lines=True)


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def md_escape(text: str) -> str:
    """Escape Markdown in untrusted text used as a widget label (labels render links and emphasis)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
