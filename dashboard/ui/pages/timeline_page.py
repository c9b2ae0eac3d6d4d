"""Timeline page: incidents or killed per week/month by perpetrator, and the chronological incident cards."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import Translator
from dashboard.ui import cache, common, state
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current
from dashboard.ui.period import period_chart
from dashboard.viz.cards import card_list_html, incident_card_html

MAX_CARDS = 200


def cards(ctx: PageContext, t: Translator) -> str:
    """The first :data:`MAX_CARDS` incidents of the selection, oldest first, as one HTML element (one message to the
    browser instead of one per card). The same for every session showing the same selection in the same language:
    built once and shared (``cache.shared``, keyed on the store, dataset version, public mode, filter and language;
    a public and a private view never share it)."""
    ordered = ctx.selection.first(MAX_CARDS, ["date_start", "incident_id"])  # only these taken whole
    reports = ctx.data.reports_of(ordered)
    return card_list_html(incident_card_html(r, public=ctx.data.public, width=900,
                                             reports=reports.get(r["incident_id"]), t=t)
                          for r in ordered.to_dict("records"))


def render(ctx: PageContext) -> None:
    common.header(ctx, _("Timeline"))
    if common.empty_state(ctx):
        state.publish(ctx.spec, ctx.state)
        return
    c1, c2, c3 = st.columns(3)
    freq = c1.radio(_("Per"), ["month", "week", "year"], horizontal=True, key="tl_freq",
                    format_func={"month": _("month"), "week": _("week"), "year": _("year")}.get)
    measure = c2.radio(_("Count"), ["incidents", "killed"], horizontal=True, key="tl_measure",
                       format_func={"incidents": _("Incidents"), "killed": _("Killed (lower bound)")}.get)
    stack = c3.radio(_("Bars split by"), ["category", "violation"], horizontal=True, key="tl_stack",
                     format_func={"category": _("alleged perpetrator"), "violation": _("violation or abuse")}.get,
                     help=_("Violation: state agents or forces acting with them among the alleged perpetrators; "
                            "abuse: non-state armed actors only (derived from the perpetrator categories)"))
    period_chart(ctx, key="timeline", freq=freq, measure=measure, height=320, stack=stack)
    if stack == "category":
        st.caption(_("Lighter bars: incidents dated only to the week, month or year (counted in the period they "
                     "start). Each incident counts once, under its first-named alleged perpetrator's category."))
    else:
        st.caption(_("Lighter bars: incidents dated only to the week, month or year (counted in the period they "
                     "start). Each incident counts once: as a violation, an abuse, both, or neither when its "
                     "perpetrators are unidentified (docs/schema.md)."))
    st.subheader(_("Incidents, oldest first"), divider="gray")
    t = current()
    st.html(cache.shared(cache.view_key("timeline_cards", ctx.data, ctx.spec, t.lang), lambda: cards(ctx, t)))
    if len(ctx.selection) > MAX_CARDS:
        st.caption(_("Showing the first {k} of {n}; narrow the filter to see the rest.").format(k=MAX_CARDS,
                                                                                                n=len(ctx.selection)))
    common.cite(ctx, "timeline")
    state.publish(ctx.spec, ctx.state)
