"""Filter and view state ⇄ URL, so that a view can be cited and reopened."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.errors import SpecError
from dashboard.i18n import DEFAULT
from dashboard.query.registry import FILTERS
from dashboard.query.spec import FilterSpec
from dashboard.ui import lang
from dashboard.viz.choropleth import MEASURES, UNITS
from dashboard.viz.maps import MAP_MODES

VIEW_KEYS = ("mode", "sel", "month", "unit", "measure", "lang")
_MULTI = {f.key for f in FILTERS if f.multiple}  # URL parameters that may repeat


@dataclass(frozen=True, slots=True)
class ViewState:
    mode: str = "points"
    selected: str | None = None
    month: str | None = None  # playback month "YYYY-MM"
    unit: str = "commune"  # choropleth: cercle or commune
    measure: str = "incidents"  # choropleth: incidents, killed_min or killed_max

    def to_query_params(self) -> dict[str, str]:
        """The view's URL parameters (the defaults left out), the session's language included."""
        params: dict[str, str] = {}
        if self.mode != "points":
            params["mode"] = self.mode
        if self.selected:
            params["sel"] = self.selected
        if self.month:
            params["month"] = self.month
        if self.mode == "choropleth":
            params["unit"], params["measure"] = self.unit, self.measure
        language = lang.current().lang
        if language != DEFAULT:
            params[lang.URL_PARAM] = language
        return params


def _params() -> dict[str, str | list[str]]:
    qp = st.query_params
    return {k: (qp.get_all(k) if len(qp.get_all(k)) > 1 or k in _MULTI else qp.get(k)) for k in qp}


def spec_from_url() -> tuple[FilterSpec, str | None]:
    """The filter in the URL, and an error message if the URL could not be understood."""
    try:
        return FilterSpec.from_query_params(_params()), None
    except SpecError as exc:
        return FilterSpec(), lang._("Ignored the filter in the link: {error}").format(error=exc)


def view_from_url() -> ViewState:
    qp = st.query_params
    mode = qp.get("mode", "points")
    unit, measure = qp.get("unit", "commune"), qp.get("measure", "incidents")
    return ViewState(mode=mode if mode in MAP_MODES else "points", selected=qp.get("sel") or None,
                     month=qp.get("month") or None, unit=unit if unit in UNITS else "commune",
                     measure=measure if measure in MEASURES else "incidents")


def publish(spec: FilterSpec, view: ViewState) -> None:
    """Write the current filter and view into the URL (only when it changed, to avoid extra reruns)."""
    params: dict[str, str | list[str]] = {**spec.to_query_params(), **view.to_query_params()}
    if st.query_params.get("page"):  # the page a cited link opened (see main.requested_page)
        params["page"] = st.query_params["page"]
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
