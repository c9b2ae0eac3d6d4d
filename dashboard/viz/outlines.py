"""Incidents known only to a commune or a cercle, drawn as that unit's outline (not as a point with a ring).

An incident ``located_to`` a commune or a cercle has the unit's seat as its point, which says nothing about where in
the unit it happened; so the map draws the unit's outline, dashed, in the colour of the first-named alleged
perpetrator category (grey when the unit's incidents name different first categories), with the incident's card in
its popup. Several incidents known only to the same unit share one outline whose popup holds all their cards.
Incidents whose unit has no polygon here (outside the Ségou region) keep their point (:func:`split`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd

from dashboard.data.captures import Capture
from dashboard.i18n import Translator, tr
from dashboard.viz import rendered
from dashboard.viz.cards import incident_card_html, tooltip_text
from dashboard.viz.palette import CATEGORY_COLOURS, primary_category

MIXED = "#333333"
FILL = {"commune": 0.08, "cercle": 0.04}  # a faint wash: the unit is where it may have happened, not a hot spot
PANE = "incident-units"


def split(points: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(incidents drawn as points, incidents drawn as their unit's outline)."""
    located = points["located_to"].astype("string")
    unit = (located.eq("commune") & points["commune_pcode"].notna()) | \
        (located.eq("cercle") & points["cercle_pcode"].notna())
    unit = unit.fillna(False).to_numpy(dtype=bool)
    return points.loc[~unit], points.loc[unit]


def unit_key(row) -> tuple[str, str]:
    """``("commune", "ML040502")`` or ``("cercle", "ML0405")``."""
    level = row["located_to"]
    return level, row["commune_pcode"] if level == "commune" else row["cercle_pcode"]


def add_outlines(target, incidents: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, cercles: gpd.GeoDataFrame, *,
                 public: bool, t: Translator | None = None, captures: Sequence[Capture] = (),
                 capture_links: Mapping[str, str] | None = None) -> int:
    """Draw one outline per unit holding unit-level incidents (their cards list ``captures``, see
    :func:`dashboard.viz.cards.capture_lines`); returns how many outlines were drawn."""
    if incidents.empty:
        return 0
    t = t or tr()
    shapes = {("commune", p): g for p, g in zip(communes["commune_pcode"], communes.geometry, strict=True)}
    shapes.update({("cercle", p): g for p, g in zip(cercles["cercle_pcode"], cercles.geometry, strict=True)})
    names = {("commune", p): t.gettext("commune {name} ({cercle})").format(name=n, cercle=c) for p, n, c in
             zip(communes["commune_pcode"], communes["commune"], communes["cercle"], strict=True)}
    names.update({("cercle", p): t.gettext("cercle {name}").format(name=n)
                  for p, n in zip(cercles["cercle_pcode"], cercles["cercle"], strict=True)})
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in incidents.sort_values(["date_start", "incident_id"], kind="stable").to_dict("records"):
        groups.setdefault(unit_key(r), []).append(r)
    drawn = 0
    for key, rows in groups.items():
        if key not in shapes:
            continue
        firsts = {primary_category(r["perpetrator_category"]) for r in rows}
        colour = CATEGORY_COLOURS[firsts.pop()] if len(firsts) == 1 else MIXED
        if len(rows) == 1:
            tip = tooltip_text(rows[0], t)
        else:
            unit = (t.gettext("{n} incidents known only to this commune") if key[0] == "commune"
                    else t.gettext("{n} incidents known only to this cercle")).format(n=len(rows))
            tip = f"{names[key][0].upper()}{names[key][1:]}: {unit}"
        cards = "<hr style='margin:6px 0'>".join(incident_card_html(r, public=public, t=t, captures=captures,
                                                                    capture_links=capture_links) for r in rows)
        header = ("<div style='font:12px system-ui,sans-serif;color:#444;margin-bottom:4px'>"
                  + html.escape(t.gettext("Known only to the {unit}: drawn as its outline").format(unit=names[key]))
                  + "</div>")
        layer = folium.GeoJson(
            gpd.GeoSeries([shapes[key]], crs="EPSG:4326").to_json(), pane=PANE, control=False,
            style_function=lambda _, c=colour, level=key[0]: {
                "color": c, "weight": 2.5, "dashArray": "6 4", "fillColor": c, "fillOpacity": FILL[level],
                "className": f"incident-outline located-{level}"},
        )
        rendered.Tooltip(html.escape(tip)).add_to(layer)
        rendered.Popup(header + cards, max_width=380, max_height=320).add_to(layer)
        layer.add_to(target)
        drawn += 1
    return drawn


def unit_counts(incidents: pd.DataFrame) -> dict[str, int]:
    """How many incidents are known only to a commune, and only to a cercle."""
    located = incidents["located_to"].astype("string")
    return {"commune": int(located.eq("commune").sum()), "cercle": int(located.eq("cercle").sum())}
