"""Choropleth by cercle or commune: incidents, or killed (at least / up to), in classed colours with a legend.

Only incidents known to lie in a unit are counted in it (the computed ``cercle_pcode``/``commune_pcode``, see
:mod:`dashboard.data.units`). Incidents located more coarsely than the unit -- known only to a cercle when communes
are shown, only to the region, or outside the mapped region -- are *not spread* over units: they are counted in a
"not allocated to a commune: n" note on the legend (and the page).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template
from jinja2 import Environment

from dashboard.i18n import N_, Translator, tr
from dashboard.query.aggregate import totals
from dashboard.viz.palette import CHOROPLETH_RAMP, CHOROPLETH_ZERO
from dashboard.wording import toll_text, toll_words

UNITS = ("cercle", "commune")
MEASURES = {"incidents": N_("Incidents"), "killed_min": N_("Killed (at least)"), "killed_max": N_("Killed (up to)")}
PANE = "incident-units"


@dataclass(frozen=True, slots=True)
class Figures:
    """Per-unit figures and what could not be allocated to a unit."""

    table: pd.DataFrame  # one row per unit (pcode index): name, incidents, killed_min, killed_max, unknown_toll, ...
    not_allocated: int  # incidents with no unit of this level
    only_coarser: int  # ... of which known only to a cercle (communes) or only to the region
    outside: int  # ... of which outside the mapped region (a cercle as reported, no P-code)


def figures(incidents: pd.DataFrame, units: gpd.GeoDataFrame, unit: str) -> Figures:
    """Incidents and tolls per unit of ``units`` (every unit, zeros included)."""
    code = f"{unit}_pcode"
    allocated = incidents.loc[incidents[code].notna()]
    rows = []
    for pcode, group in allocated.groupby(code, sort=True):
        t = totals(group)
        rows.append((pcode, t.incidents, t.killed_min, t.killed_max, t.unknown_toll, t.open_ended))
    table = pd.DataFrame(rows, columns=["pcode", "incidents", "killed_min", "killed_max", "unknown_toll",
                                        "open_ended"]).set_index("pcode")
    base = units.set_index(code)
    names = base[unit] if unit == "cercle" else base["commune"] + " (" + base["cercle"] + ")"
    table = table.reindex(base.index, fill_value=0)
    table.insert(0, "name", names)
    missing = incidents.loc[incidents[code].isna()]
    outside = int((missing["cercle"].notna() & missing["cercle_pcode"].isna()).sum())
    return Figures(table=table, not_allocated=len(missing), only_coarser=len(missing) - outside, outside=outside)


def classes(values: np.ndarray, n: int = len(CHOROPLETH_RAMP)) -> list[tuple[int, int]]:
    """Up to ``n`` classes (inclusive whole-number ranges) over the positive values: one per value when there are
    few distinct values, else quantile breaks. Zero is a class of its own, drawn white."""
    positive = np.unique(np.asarray(values, dtype="int64")[np.asarray(values) > 0])
    if len(positive) == 0:
        return []
    if len(positive) <= n:
        return [(int(v), int(v)) for v in positive]
    cuts = np.unique(np.quantile(positive, np.linspace(0, 1, n + 1)[1:], method="inverted_cdf").astype("int64"))
    out, low = [], int(positive.min())
    for cut in cuts:
        out.append((low, int(cut)))
        low = int(cut) + 1
    return out


def colour_of(value: int, bounds: list[tuple[int, int]]) -> str:
    if value <= 0:
        return CHOROPLETH_ZERO
    for i, (_lo, hi) in enumerate(bounds):
        if value <= hi:
            return CHOROPLETH_RAMP[i + len(CHOROPLETH_RAMP) - len(bounds)]
    return CHOROPLETH_RAMP[-1]


def tooltip(row, t: Translator | None = None) -> str:
    """``"Pogo (Niono): 2 incidents · killed at least 31 (up to 47) · toll unknown for 1"``."""
    t = t or tr()
    n = int(row["incidents"])
    parts = [f"{row['name']}: " + t.ngettext("{n} incident", "{n} incidents", n).format(n=t.number(n))]
    if n:
        killed = toll_text(row["killed_min"], row["killed_max"], open_ended=bool(row["open_ended"]),
                           words=toll_words(t, bounds=True))
        parts.append(t.gettext("killed {toll}").format(toll=killed))
    if row["unknown_toll"]:
        parts.append(t.gettext("toll unknown for {n}").format(n=t.number(int(row["unknown_toll"]))))
    return " · ".join(parts)


def title(measure: str, unit: str, t: Translator) -> str:
    """"Incidents by commune" / "Incidents par commune"."""
    template = t.gettext("{measure} by cercle") if unit == "cercle" else t.gettext("{measure} by commune")
    return template.format(measure=t.gettext(MEASURES[measure]))


def add_choropleth(m: folium.Map, incidents: pd.DataFrame, units: gpd.GeoDataFrame, unit: str, measure: str,
                   t: Translator | None = None) -> Figures:
    """Draw the units coloured by ``measure``, each with its figures in its tooltip, and the legend."""
    if unit not in UNITS or measure not in MEASURES:
        raise ValueError(f"unknown choropleth {unit!r} / {measure!r}")
    t = t or tr()
    found = figures(incidents, units, unit)
    bounds = classes(found.table[measure].to_numpy())
    frame = units[[f"{unit}_pcode", "geometry"]].set_index(f"{unit}_pcode").join(found.table)
    frame["fill"] = [colour_of(int(v), bounds) for v in frame[measure]]
    frame["label"] = [html.escape(tooltip(r, t)) for _, r in frame.iterrows()]
    layer = folium.GeoJson(
        gpd.GeoDataFrame(frame.reset_index()[["label", "fill", "geometry"]], crs=units.crs).to_json(),
        name=title(measure, unit, t), pane=PANE,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "fillOpacity": 0.85, "color": "#555",
                                  "weight": 1, "className": "choropleth-unit"},
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    )
    layer.add_to(m)
    ChoroplethLegend(unit, measure, bounds, found, t).add_to(m)
    return found


def not_allocated_note(found: Figures, unit: str, t: Translator | None = None) -> str:
    """``"not allocated to a commune: 12 (known only to a cercle or the region: 11; outside the region: 1)"``."""
    t = t or tr()
    if unit == "commune":
        text = t.gettext("not allocated to a commune: {n}").format(n=found.not_allocated)
        detail = t.gettext(" (known only to a cercle or the region: {coarser}; outside the mapped region: {outside})")
    else:
        text = t.gettext("not allocated to a cercle: {n}").format(n=found.not_allocated)
        detail = t.gettext(" (known only to the region: {coarser}; outside the mapped region: {outside})")
    if found.not_allocated:
        text += detail.format(coarser=found.only_coarser, outside=found.outside)
    return text


_LEGEND = Environment(autoescape=True).from_string(
    """<div class="choropleth-legend" style="background:rgba(255,255,255,.94);padding:8px 10px;border:1px solid #999;
border-radius:6px;font:12px system-ui,sans-serif;line-height:1.5;max-width:260px">
<div style="font-weight:600">{{ title }}</div>
<div><span style="display:inline-block;width:14px;height:11px;border:1px solid #777;background:{{ zero }};
margin-right:6px;vertical-align:-1px"></span>0</div>
{% for (lo, hi), colour in rows %}<div><span style="display:inline-block;width:14px;height:11px;border:1px solid #777;
background:{{ colour }};margin-right:6px;vertical-align:-1px"></span>{{ lo }}{% if hi != lo %}–{{ hi }}{% endif %}</div>
{% endfor %}<div class="not-allocated" style="margin-top:4px"><b>{{ note }}</b>{{ not_spread }}
</div></div>"""
)


class ChoroplethLegend(MacroElement):
    """The classes and the "not allocated" note, as a Leaflet control (static HTML: no CDN colormap)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "incident-legend");
    div.innerHTML = {{ this.markup|tojson }};
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, unit: str, measure: str, bounds: list[tuple[int, int]], found: Figures,
                 t: Translator | None = None) -> None:
        t = t or tr()
        super().__init__()
        self._name = "ChoroplethLegend"
        offset = len(CHOROPLETH_RAMP) - len(bounds)
        self.markup = _LEGEND.render(
            title=title(measure, unit, t), zero=CHOROPLETH_ZERO,
            rows=[(b, CHOROPLETH_RAMP[i + offset]) for i, b in enumerate(bounds)],
            note=not_allocated_note(found, unit, t),
            not_spread=t.gettext("; they are not spread over communes.") if unit == "commune"
            else t.gettext("; they are not spread over cercles."))
