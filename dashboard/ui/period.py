"""The timeline as the date filter: dragging across a timeline sets the sidebar's From and To (whole days, or whole
months when asked), so the caption, the URL, the citation and every export follow the brushed period.

The chart shows the selection (its period included), so a drag narrows it further; "Clear the period" (or the
sidebar) widens it again, and a double-click on the chart (Vega's way to clear a brush) clears what the last drag set.
"""

from __future__ import annotations

from functools import partial

import altair as alt
import streamlit as st

from dashboard.query.registry import by_key
from dashboard.ui import cache, widgets
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current
from dashboard.viz.timeline import BRUSH, TIMELINE_COLUMNS, Freq, Measure, Stack, brushed_period, timeline_chart

WHOLE_MONTHS_KEY = "brush_whole_months"
APPLIED_KEY = "_brush_applied"  # the period the last brush set (so that clearing the brush clears only that)
START, END = widgets.key(by_key("from")), widgets.key(by_key("to"))


def vega_lite_spec(chart: alt.Chart) -> dict:
    """The chart as ``st.altair_chart`` sends it (its data as Arrow bytes, Streamlit's theme rules): converted once
    and shared by the sessions showing the same view (the conversion validates the whole chart against Altair's
    schema, a share of every Timeline run). Streamlit has no public call for this step, so its own helper is used;
    the result is read, never changed (``st.vega_lite_chart`` copies the spec before marshalling it)."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return _convert_altair_to_vega_lite_spec(chart)


def apply_brush(chart_key: str) -> None:
    """The chart's callback (runs before the rerun, when the widgets' state may still be set): the brushed period
    becomes the date filter; a cleared brush clears the period it had set."""
    period = brushed_period(st.session_state.get(chart_key), whole_months=bool(st.session_state.get(WHOLE_MONTHS_KEY)))
    if period is None:
        if st.session_state.get(APPLIED_KEY):
            st.session_state[START] = st.session_state[END] = None
            st.session_state[APPLIED_KEY] = None
        return
    st.session_state[START], st.session_state[END] = period
    st.session_state[APPLIED_KEY] = period


def clear_period() -> None:
    st.session_state[START] = st.session_state[END] = None
    st.session_state[APPLIED_KEY] = None


def period_chart(ctx: PageContext, *, key: str, freq: Freq = "month", measure: Measure = "incidents",
                 height: int = 280, stack: Stack = "category") -> None:
    """The timeline of the selection, on which a drag chooses the period."""
    if not len(ctx.selection):
        return
    period = ctx.spec.start or ctx.spec.end
    t = current()
    view_key = cache.view_key("timeline_chart", ctx.data, ctx.spec, t.lang, freq, measure, height, stack)
    spec = cache.shared(view_key, lambda: vega_lite_spec(timeline_chart(
        ctx.selection.columns(TIMELINE_COLUMNS), freq=freq, measure=measure, height=height, t=t, stack=stack)))
    st.vega_lite_chart(spec=spec, key=key, on_select=partial(apply_brush, key), selection_mode=BRUSH, width="stretch")
    c1, c2, c3 = st.columns([3, 1.2, 1.2], vertical_alignment="center")
    c1.caption(_("Drag across the chart to choose a period: it becomes the From/To filter, so the counts, the link "
                 "and the exports follow it. Double-click the chart to clear it."))
    c2.toggle(_("Whole months"), key=WHOLE_MONTHS_KEY, help=_("A drag selects the whole months it touches"))
    if period:
        c3.button(_("Clear the period"), on_click=clear_period, key=f"{key}_clear", width="stretch")
