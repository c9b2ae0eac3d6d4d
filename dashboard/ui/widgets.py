"""Sidebar filter widgets → FilterSpec. Widget state lives under the keys in ``KEYS``; the URL seeds it once."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.data.schema import (
    DATASETS,
    GEO_PRECISION_LABELS,
    PERPETRATOR_CATEGORIES,
    PERPETRATOR_LABELS,
    VERIFICATION_STATUSES,
)
from dashboard.query.spec import FilterSpec

KEYS = {
    "start": "f_start",
    "end": "f_end",
    "perpetrator_categories": "f_cat",
    "actors": "f_actor",
    "event_types": "f_type",
    "admin2": "f_cercle",
    "min_fatalities": "f_min_killed",
    "verification": "f_verif",
    "geo_precisions": "f_prec",
    "datasets": "f_dataset",
    "text": "f_text",
    "civilian_only": "f_civ",
}


# multiselects whose choices come from the data: a value from a link that the data lacks is dropped
_DATA_OPTIONS = {"actors": "actors", "event_types": "event_type", "admin2": "admin2", "datasets": "dataset"}


def seed_from(spec: FilterSpec, options: dict[str, list] | None = None) -> list[str]:
    """Put a spec (from the URL) into the widgets' state, before the widgets exist; returns dropped values."""
    dropped = []
    for field, key in KEYS.items():
        value = getattr(spec, field)
        if isinstance(value, frozenset):
            allowed = (options or {}).get(_DATA_OPTIONS.get(field, ""), None)
            if allowed is not None:
                dropped += sorted(str(v) for v in value if v not in allowed)
                value = frozenset(v for v in value if v in allowed)
            value = sorted(value)
        st.session_state[key] = value if value is not None else (0 if field == "min_fatalities" else None)
    return dropped


def reset_filters() -> None:
    seed_from(FilterSpec())


def filters(incidents: pd.DataFrame, options: dict[str, list]) -> FilterSpec:
    """Draw the filters in the sidebar and return what they select."""
    sb = st.sidebar
    sb.header("Filters")
    # wide fixed bounds: a cited link may name dates outside the data, which must not crash the page
    lo, hi = date(1990, 1, 1), date(2100, 12, 31)
    start = sb.date_input("From", key=KEYS["start"], min_value=lo, max_value=hi, format="YYYY-MM-DD")
    end = sb.date_input("To", key=KEYS["end"], min_value=lo, max_value=hi, format="YYYY-MM-DD")
    if start and end and end < start:
        sb.warning("'To' is before 'From': the end date is ignored.")
        end = None
    cats = sb.multiselect("Perpetrator category", PERPETRATOR_CATEGORIES, key=KEYS["perpetrator_categories"],
                          format_func=PERPETRATOR_LABELS.get,
                          help="Alleged perpetrators; an incident with several categories matches any of them.")
    actors = sb.multiselect("Perpetrator / actor (as named)", options["actors"], key=KEYS["actors"],
                            help="Names as the sources give them; type to search.")
    cercles = sb.multiselect("Cercle", options["admin2"], key=KEYS["admin2"])
    with sb.expander("More filters", expanded=False):
        types = st.multiselect("Event type", options["event_type"], key=KEYS["event_types"])
        min_killed = st.number_input("Minimum killed (lower bound)", min_value=0, step=1, key=KEYS["min_fatalities"],
                                     help="Incidents with an unknown toll are left out when this is above 0.")
        verif = st.multiselect("Verification", VERIFICATION_STATUSES, key=KEYS["verification"])
        prec = st.multiselect("Location precision", list(GEO_PRECISION_LABELS), key=KEYS["geo_precisions"],
                              format_func=lambda p: f"{p} · {GEO_PRECISION_LABELS[p]}")
        datasets = st.multiselect("Dataset", options["dataset"], key=KEYS["datasets"],
                                  help=f"Where rows came from: {', '.join(DATASETS)}")
        civ = st.checkbox("Only incidents that targeted civilians", key=KEYS["civilian_only"])
    text = sb.text_input("Search summaries, places, sources", key=KEYS["text"],
                         help="Finds the words anywhere in summaries, places, actors and source links; "
                              "case and accents are ignored (segou finds Ségou)")
    sb.button("Clear all filters", on_click=reset_filters, width="stretch")
    return FilterSpec(
        start=start,
        end=end,
        perpetrator_categories=frozenset(cats),
        actors=frozenset(actors),
        event_types=frozenset(types),
        admin2=frozenset(cercles),
        min_fatalities=int(min_killed) or None,
        verification=frozenset(verif),
        geo_precisions=frozenset(prec),
        datasets=frozenset(datasets),
        text=text or "",
        civilian_only=bool(civ),
    )
