"""The timeline as an Altair chart: incidents (or killed) per week/month, stacked by perpetrator category.

Date precision is shown, not hidden: bars for incidents dated only to the week, month or year are drawn
lighter, and the tooltip says so. An incident with two perpetrator categories counts in both stacks.
"""

from __future__ import annotations

from typing import Literal

import altair as alt
import pandas as pd

from dashboard.data.schema import PERPETRATOR_CATEGORIES, PERPETRATOR_LABELS
from dashboard.query.aggregate import explode_categories
from dashboard.viz.palette import CATEGORY_COLOURS

Freq = Literal["week", "month", "year"]
Measure = Literal["incidents", "killed"]
BRUSH = "period"
_PERIOD = {"week": "W-MON", "month": "M", "year": "Y"}


def timeline_table(incidents: pd.DataFrame, freq: Freq = "month") -> pd.DataFrame:
    """Per (period, category, precise-to-the-day?): incidents and killed (min, max)."""
    rows = explode_categories(incidents)
    rows["precise"] = (incidents.loc[rows.index, "date_precision"] == "day").to_numpy()
    rows["period"] = rows["date_start"].dt.to_period(_PERIOD[freq]).dt.start_time
    rows["hi"] = rows["fatalities_max"].fillna(rows["fatalities_min"])
    table = rows.groupby(["period", "category", "precise"], as_index=False).agg(
        incidents=("incident_id", "nunique"),
        killed_min=("fatalities_min", lambda s: int(s.sum(skipna=True))),
        killed_max=("hi", lambda s: int(s.sum(skipna=True))),
    )
    table["label"] = table["category"].map(PERPETRATOR_LABELS)
    table["date_known"] = table["precise"].map({True: "to the day", False: "only to the week/month/year"})
    return table


def timeline_chart(
    incidents: pd.DataFrame,
    *,
    freq: Freq = "month",
    measure: Measure = "incidents",
    height: int = 260,
    brush: bool = True,
) -> alt.Chart:
    table = timeline_table(incidents, freq)
    value = "incidents" if measure == "incidents" else "killed_min"
    # an incident with two alleged perpetrators sits in both stacks: the axis says so
    title = ["Incidents", "(once per alleged perpetrator)"] if measure == "incidents" else [
        "Killed, lower bound", "(once per alleged perpetrator)"]
    present = [c for c in PERPETRATOR_CATEGORIES if c in set(table["category"])]
    colour = alt.Color(
        "label:N",
        title="Alleged perpetrator",
        scale=alt.Scale(domain=[PERPETRATOR_LABELS[c] for c in present],
                        range=[CATEGORY_COLOURS[c] for c in present]),
        legend=alt.Legend(orient="bottom", columns=4),
    )
    time_unit = {"week": "yearweek", "month": "yearmonth", "year": "year"}[freq]
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X(f"{time_unit}(period):T", title=None),
            y=alt.Y(f"sum({value}):Q", title=title, stack="zero"),
            color=colour,
            opacity=alt.Opacity("date_known:N", title="Date known",
                                scale=alt.Scale(domain=["to the day", "only to the week/month/year"],
                                                range=[1.0, 0.4]),
                                legend=alt.Legend(orient="bottom")),
            order=alt.Order("category:N"),
            tooltip=[
                alt.Tooltip(f"{time_unit}(period):T", title=freq.capitalize()),
                alt.Tooltip("label:N", title="Perpetrator"),
                alt.Tooltip("sum(incidents):Q", title="Incidents"),
                alt.Tooltip("sum(killed_min):Q", title="Killed, at least"),
                alt.Tooltip("sum(killed_max):Q", title="Killed, up to"),
                alt.Tooltip("date_known:N", title="Date known"),
            ],
        )
        .properties(height=height, width="container")
    )
    if brush:
        chart = chart.add_params(alt.selection_interval(name=BRUSH, encodings=["x"]))
    return chart


def brushed_dates(selection: dict | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Turn Streamlit's chart selection (``{"selection": {"period": {...}}}``) into a date range."""
    if not selection:
        return None
    sel = selection.get("selection", selection).get(BRUSH) or {}
    values = next(iter(sel.values()), None) if isinstance(sel, dict) else None
    if not values or len(values) != 2:
        return None
    lo, hi = (pd.to_datetime(v, unit="ms") if isinstance(v, int | float) else pd.Timestamp(v) for v in values)
    return lo.normalize(), hi.normalize()
