"""About page: what the data is, how to read it, and credits."""

from __future__ import annotations

import streamlit as st

from dashboard.ui import common, state
from dashboard.ui.context import PageContext

ABOUT = """
This dashboard shows incidents of violence against civilians in the **Ségou region of Mali**, one by one,
each traced to its published sources.

**How to read it**
- *Perpetrators are alleged.* Each incident records who the sources say was responsible and on what basis
  (witnesses, a claim, an official statement, the outlet's own attribution). **Verification** is separate:
  *confirmed* (verified by a UN/OHCHR body or a field investigation), *corroborated* (independent outlets agree),
  *reported* (one source), *contested* (denied or disputed).
- *Tolls are ranges.* "21–37" means sources report between 21 and 37 killed; an unknown toll is shown as
  unknown, never as 0. Totals add lower and upper bounds separately.
- *Places are approximate.* Filled circles are exact places; hollow dashed circles with a ring are a reference
  town (a commune or cercle seat) that can be tens of km from the village. Incidents known only to the region are
  listed beside the map, not drawn.
- *Dates have a precision.* Lighter bars on the timeline are incidents dated only to the week, month or year.
- *One incident, many reports.* When the curated record, ACLED, UCDP or your own files describe the same event,
  their rows are *reports* of one *incident*, counted once. The incident's toll runs from the lowest minimum to the
  highest maximum among its reports (Airwars' convention), and is marked *disputed* when the reports' figures do
  not overlap; its date and place come from its most precise report. Its card lists the reports side by side.
  Reports are matched by date, place name, distance, perpetrators and toll; clear matches are linked
  automatically, the others wait on the **Review** page for a person to link them or keep them apart.

**Bundled data**: 36 incidents (2017–2026) compiled from Human Rights Watch, RFI, AFP, Reuters, OHCHR,
UN/MINUSMA (via the press) and Malian press; summaries are this project's own paraphrases. See `dashboard/bundled/README.md`.

**Credits and licences**: place names and coordinates from [GeoNames](https://www.geonames.org/) (CC BY 4.0);
region outlines made with [Natural Earth](https://www.naturalearthdata.com/) (public domain); maps drawn with
Leaflet (BSD-2-Clause) via folium; optional online basemaps © OpenStreetMap contributors and Esri.
"""


def render(ctx: PageContext) -> None:
    st.title("About this dashboard")
    common.public_banner(ctx)
    st.markdown(ABOUT)
    st.caption(f"Dataset version {ctx.data.version} · {len(ctx.all)} incidents in {ctx.data.store.name}")
    state.publish(ctx.spec, ctx.state)
