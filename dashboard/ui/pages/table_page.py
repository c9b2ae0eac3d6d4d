"""Table page: key figures and the sortable table of the filtered incidents."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data.schema import GEO_PRECISION_LABELS, PERPETRATOR_LABELS, is_http_url, parse_sources, split_codes
from dashboard.query.aggregate import by_category, by_column
from dashboard.ui import common, state
from dashboard.ui.context import PageContext
from dashboard.viz.cards import toll_text

TOLL_HEADERS = {"killed_min": "killed, at least", "killed_max": "killed, up to"}


def incident_table(view: pd.DataFrame) -> pd.DataFrame:
    """The display table: plain values only (st.dataframe draws text, never HTML)."""
    first_url = []
    n_sources = []
    for cell in view["sources"]:
        sources = parse_sources(cell)
        urls = [s.url for s in sources if is_http_url(s.url)]
        first_url.append(urls[0] if urls else None)
        n_sources.append(len(sources))
    return pd.DataFrame({
        "id": view["incident_id"].to_numpy(),
        "date": view["date_start"].dt.date.to_numpy(),
        "date precision": view["date_precision"].to_numpy(),
        "place (as reported)": view["location"].to_numpy(),
        "cercle": view["cercle"].to_numpy(),
        "commune": view["commune"].to_numpy(),
        "location precision": view["geo_precision"].map(GEO_PRECISION_LABELS).to_numpy(),
        "alleged perpetrators": view["perpetrators"].to_numpy(),
        "category": [", ".join(PERPETRATOR_LABELS[c] for c in split_codes(v)) for v in view["perpetrator_category"]],
        "killed": [toll_text(a, b) for a, b in zip(view["fatalities_min"], view["fatalities_max"], strict=True)],
        "killed (min)": view["fatalities_min"].to_numpy(),
        "toll disputed": view["toll_disputed"].to_numpy(),
        "verification": view["verification"].to_numpy(),
        "reports": view["n_reports"].to_numpy(),
        "independent sources": view["independent_sources"].to_numpy(),
        "sources": n_sources,
        "first source": first_url,
        "datasets": view["datasets"].to_numpy(),
    })


def render(ctx: PageContext) -> None:
    common.header(ctx, "Table and key figures")
    if common.empty_state(ctx):
        state.publish(ctx.spec, ctx.state)
        return
    t = ctx.totals
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Incidents", t.incidents)
    m2.metric("Killed, at least", t.killed_min)
    m3.metric("Killed, up to", f"{t.killed_max}{'+' if t.open_ended else ''}")
    m4.metric("Toll unknown", t.unknown_toll)
    c1, c2 = st.columns(2)
    cats = by_category(ctx.view).rename(columns={"label": "category", **TOLL_HEADERS})
    c1.markdown("**By alleged perpetrator category** (an incident with several counts in each)")
    c1.dataframe(cats, hide_index=True, width="stretch")
    c2.markdown("**By cercle**")
    c2.dataframe(by_column(ctx.view, "cercle").rename(columns=TOLL_HEADERS).rename_axis("cercle").reset_index(),
                 hide_index=True,
                 width="stretch")
    st.subheader("Incidents", divider="gray")
    table = incident_table(ctx.view.sort_values("date_start"))
    st.dataframe(
        table, hide_index=True, width="stretch", key="incident_table",
        column_config={
            "first source": st.column_config.LinkColumn("first source"),
            "killed (min)": st.column_config.NumberColumn("killed (min)", help="Lower bound; empty = unknown"),
            "reports": st.column_config.NumberColumn("reports", help="Reports of this incident (one per dataset "
                                                                     "record); the map card shows them side by side"),
            "independent sources": st.column_config.NumberColumn(
                "independent sources", help="Distinct organisations among the sources of all its reports"),
            "toll disputed": st.column_config.CheckboxColumn(
                "toll disputed", help="Its reports give tolls that do not overlap; the toll is their whole range"),
        },
    )
    st.caption("Select an incident on the map to see all its sources; the 'first source' column links the first "
               "http(s) source only. Sort by clicking a column header.")
    common.cite(ctx, "table")
    state.publish(ctx.spec, ctx.state)
