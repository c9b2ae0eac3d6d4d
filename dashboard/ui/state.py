"""Filter and view state ⇄ URL, so that a view can be cited and reopened."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.errors import SpecError
from dashboard.query.registry import FILTERS
from dashboard.query.spec import FilterSpec
from dashboard.viz.choropleth import MEASURES, UNITS
from dashboard.viz.maps import MAP_MODES

VIEW_KEYS = ("mode", "sel", "month", "unit", "measure")
_MULTI = {f.key for f in FILTERS if f.multiple}  # URL parameters that may repeat


@dataclass(frozen=True, slots=True)
class ViewState:
    mode: str = "points"
    selected: str | None = None
    month: str | None = None  # playback month "YYYY-MM"
    unit: str = "commune"  # choropleth: cercle or commune
    measure: str = "incidents"  # choropleth: incidents, killed_min or killed_max


def _params() -> dict[str, str | list[str]]:
    qp = st.query_params
    return {k: (qp.get_all(k) if len(qp.get_all(k)) > 1 or k in _MULTI else qp.get(k)) for k in qp}


def spec_from_url() -> tuple[FilterSpec, str | None]:
    """The filter in the URL, and an error message if the URL could not be understood."""
    try:
        return FilterSpec.from_query_params(_params()), None
    except SpecError as exc:
        return FilterSpec(), f"Ignored the filter in the link: {exc}"


def view_from_url() -> ViewState:
    qp = st.query_params
    mode = qp.get("mode", "points")
    unit, measure = qp.get("unit", "commune"), qp.get("measure", "incidents")
    return ViewState(mode=mode if mode in MAP_MODES else "points", selected=qp.get("sel") or None,
                     month=qp.get("month") or None, unit=unit if unit in UNITS else "commune",
                     measure=measure if measure in MEASURES else "incidents")


def publish(spec: FilterSpec, view: ViewState) -> None:
    """Write the current filter and view into the URL (only when it changed, to avoid extra reruns)."""
    params: dict[str, str | list[str]] = dict(spec.to_query_params())
    if view.mode != "points":
        params["mode"] = view.mode
    if view.selected:
        params["sel"] = view.selected
    if view.month:
        params["month"] = view.month
    if view.mode == "choropleth":
        params["unit"], params["measure"] = view.unit, view.measure
    if st.query_params.get("page"):  # the page a cited link opened (see main.requested_page)
        params["page"] = st.query_params["page"]
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
