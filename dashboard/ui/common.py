"""Small pieces of page furniture shared by the pages (header, empty state, cite line)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.citation import citation
from dashboard.data.licensing import NO_CERCLE, attribution_lines
from dashboard.data.shared_columns import filled
from dashboard.errors import BriefingError, UserError
from dashboard.labels import places
from dashboard.query.aggregate import datasets_note_of_lists
from dashboard.query.scope import DEFAULT_SCOPE, RECORD_STATEMENT, left_out_words, why_not_counted
from dashboard.ui import cache
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current, ngettext
from dashboard.ui.state import ViewState

DEFAULT_PAGE = "map"


LEFT_OUT_LISTED = 1_000  # related incidents listed in the scope note (at 1 M they were ~half a million rows, built
# and sent to the browser on every run, closed or not; the Table page lists them all once they are counted)
SCOPE_LIST_OPEN_KEY = "scope_list_open"  # the scope note's list, built only once opened (Streamlit's lazy expander):
# closed, its 1,000 rows were still sent on every run, 0.13 MB of a new session's 0.5 MB (docs/benchmarks.md)
CITE_OPEN_KEY = "cite_open"  # "Cite this view": its line is built and sent only once the popover is opened. Shown
# as a code block (st.code, for its copy button) on every page, it made the browser load and run Streamlit's syntax
# highlighter before the map's frame was created: 0.3-0.4 s of a new session at 1 M (docs/benchmarks.md)
SCOPE_KEY = "f_scope"  # the scope filter's widget (dashboard/ui/widgets.py: f"f_{name}")


def header(ctx: PageContext, title: str, *, note: bool = True) -> None:
    """Title, the filter sentence and the count; then (``note``) what the record is and what the count leaves out
    (the map page shows those under the map)."""
    st.title(title)
    public_banner(ctx)
    t = current()
    st.markdown(f"**{md_inline(ctx.spec.describe(t.words()))}**")  # names and search text from the data or the URL
    st.caption(ctx.totals.sentence(total=len(ctx.all), t=t))
    datasets = datasets_note_of_lists(ctx.selection.value_counts("datasets"), t)  # no row taken
    if datasets:
        st.caption(_("Note: {note}.").format(note=datasets))
    if note:
        scope_note(ctx)


def record_statement() -> None:
    """What the record is, on every page (and in every briefing)."""
    st.markdown(f"*{_(RECORD_STATEMENT)}*")  # our own words: no escaping needed


def _count_scope(name: str) -> None:
    st.session_state[SCOPE_KEY] = name


def scope_note(ctx: PageContext) -> None:
    """"+ 15 related incidents not counted: …", with the button that counts them and the list of them and why."""
    record_statement()
    if ctx.left_out is not None and len(ctx.left_out):
        words = left_out_words(current())
        note, button, listed = ctx.left_out.sentence(words), _("Count them too"), ctx.left_out
        target = "all"
    elif ctx.counted_in is not None and len(ctx.counted_in):
        n = len(ctx.counted_in)
        words = left_out_words(current())
        note = (ngettext("Every incident of the record is counted, including {n} related incident that the default "
                         "view leaves out: {reasons}",
                         "Every incident of the record is counted, including {n} related incidents that the default "
                         "view leaves out: {reasons}", n).format(
            n=current().number(n), reasons=words.separator.join(ctx.counted_in.reasons(words))))
        button, listed, target = _("Back to civilian victims in the region"), ctx.counted_in, DEFAULT_SCOPE
    else:
        return
    with st.container(border=True, key="scope_note"):
        c1, c2 = st.columns([5, 1.3], vertical_alignment="center")
        c1.markdown(md_escape(note))  # "+ 15 ..." must not start a Markdown list
        c2.button(button, on_click=_count_scope, args=(target,), key="scope_button", width="stretch")
        box = st.expander(_("Which incidents, and why"), key=SCOPE_LIST_OPEN_KEY, on_change="rerun")
        if box.open:  # built only once opened: its table was a quarter of a new session's payload, closed
            with box:
                if len(listed) > LEFT_OUT_LISTED:
                    st.caption(_("The first {n} by date are listed; “Count them too” shows them all on the Table "
                                 "page.").format(n=current().number(LEFT_OUT_LISTED)))
                st.dataframe(left_out_table(listed.incidents, LEFT_OUT_LISTED), hide_index=True, width="stretch")


def left_out_table(incidents, limit: int | None = None) -> pd.DataFrame:
    """One plain-text row per related incident (the first ``limit`` by date): id, date, place, region and the
    record's note on it."""
    ordered = incidents.sort_values(["date_start", "incident_id"])
    if limit is not None:
        ordered = ordered.head(limit)
    return pd.DataFrame({
        _("incident"): ordered["incident_id"].astype(str),
        _("date"): ordered["date_start"].dt.strftime("%Y-%m-%d"),
        _("place"): places(ordered["location"].astype(str), current()),
        _("region"): filled(ordered["admin1"], _("(not recorded)")).astype(str),
        _("why it is not counted"): ordered["inclusion_note"].fillna(why_not_counted(ordered)).fillna("").astype(str),
    })


def public_banner(ctx: PageContext) -> None:
    if ctx.data.public:
        st.warning(_("**Public view** — places are coarsened to the cercle seat or a 0.5° grid and internal notes "
                     "are removed. Precise coordinates are not sent to this browser."), icon=":material/shield:")
        licence_note(ctx)


def licence_note(ctx: PageContext) -> None:
    """Public view: what the licences kept out (the note, the counts by cercle and month) and the attribution
    lines of the datasets shown or counted."""
    held = ctx.data.withheld
    if held is not None and held.note():
        st.info(md_escape(held.note(current())), icon=":material/gavel:")
        counts = held.counts()
        if len(counts):
            n = int(counts["incidents"].sum())
            with st.expander(ngettext("Counts by cercle and month ({n} incident not listed)",
                                      "Counts by cercle and month ({n} incidents not listed)", n).format(n=n)):
                counts["cercle"] = counts["cercle"].replace(NO_CERCLE, _(NO_CERCLE))
                st.dataframe(counts.rename(columns={"cercle": _("cercle"), "month": _("month"),
                                                    "incidents": _("incidents")}), hide_index=True)
    lines = attribution_lines(ctx.data.credited, current())
    if lines:
        st.caption(md_escape(" · ".join(lines)))


def empty_state(ctx: PageContext) -> bool:
    """Show a clear message when nothing matches; returns True if the page should stop there."""
    if len(ctx.selection):
        return False
    st.info(_("No incidents match these filters. Widen the dates or remove a filter "
              "(the sidebar's **Clear all filters** button resets them)."), icon=":material/search_off:")
    return True


def user_error(exc: UserError, context: str | None = None, *, hide: Iterable[Path | str] = ()) -> None:
    """Show an error the user can act on (its text may quote a file or a link: escaped); the paths in ``hide``
    (the server's folders, in the public view) are shown by their last name only. Anything that is not a
    :class:`UserError` is a bug: ``main`` shows one sentence and logs it (``dashboard/ui/main.py``)."""
    said = exc.text(current())  # in the page's language; the data it quotes as it is
    text = f"{context}: {said}" if context else said
    detail = exc.detail
    for path in sorted((str(p) for p in hide), key=len, reverse=True):
        text = text.replace(path, Path(path).name)
        detail = detail.replace(path, Path(path).name) if detail else detail
    st.error(md_escape(text))
    if detail:
        st.code(detail, language=None)


def pdf_budget_spent(ctx: PageContext, *, say: bool = True) -> bool:
    """In the public view, say so (unless ``say`` is false: a page says it once) when the server's budget of PDF
    builds is spent; ``True`` then (the PDF buttons are disabled until it refills). Always ``False`` in the private
    view."""
    if not ctx.data.public:
        return False
    per_minute = ctx.settings.limits.public_briefings_per_minute
    wait = cache.briefing_budget(per_minute).wait(time.monotonic())
    if wait > 0 and say:
        st.info(_("This public server builds at most {per_minute} PDF files a minute for all its visitors; the next "
                  "one can be made in {wait} s. Reload the page then.").format(per_minute=per_minute,
                                                                             wait=int(wait) + 1),
                icon=":material/hourglass_top:")
    return wait > 0


def budgeted(ctx: PageContext, build: Callable[[], bytes]) -> Callable[[], bytes]:
    """In the public view, a PDF build that counts against the server's budget (refused past it)."""
    if not ctx.data.public:
        return build
    per_minute = ctx.settings.limits.public_briefings_per_minute
    budget = cache.briefing_budget(per_minute)

    def run() -> bytes:
        if not budget.take(time.monotonic()):
            raise BriefingError(f"this public server builds at most {per_minute} PDF files a minute; try again later")
        return build()
    return run


def cite_line(ctx: PageContext, page: str) -> str:
    state: ViewState = ctx.state
    view = {k: v for k, v in state.to_query_params().items() if k != "month"}  # the view, the language included
    params = {**ctx.spec.to_query_params(), **view}
    if page != DEFAULT_PAGE:
        # cite "/?page=timeline", not "/timeline": Streamlit shows a "Page not found" dialog when a fresh
        # session opens a page path of st.navigation directly (streamlit/streamlit#9992)
        params["page"] = page
    host = st.context.headers.get("Host", "127.0.0.1:8501") if st.context.headers else "127.0.0.1:8501"
    base = ctx.settings.public_url or f"http://{host}"
    return citation(base, params, version=ctx.data.version, viewed_at=datetime.now(UTC), t=current())


def cite(ctx: PageContext, page: str) -> None:
    """"Cite this view": a popover holding the view's link, dataset version and time as a code block (its copy
    button), built only once opened (Streamlit's lazy popover, :data:`CITE_OPEN_KEY`)."""
    box = st.popover(_("Cite this view"), key=CITE_OPEN_KEY, on_change="rerun", icon=":material/format_quote:")
    if box.open:
        with box:
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
