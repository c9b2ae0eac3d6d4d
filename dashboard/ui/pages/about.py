"""About page: what the data is, how to read it, and credits."""

from __future__ import annotations

import streamlit as st

from dashboard.attribution import ATTRIBUTIONS
from dashboard.i18n import N_
from dashboard.ui import cache, common, state
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current

ABOUT = N_("""
This dashboard shows incidents of violence against civilians in the **Ségou region of Mali**, one by one,
each traced to its published sources.

**How to read it**
- *Perpetrators are alleged.* Each incident records who the sources say was responsible and on what basis
  (witnesses, a claim, an official statement, the outlet's own attribution). **Verification** is separate:
  *confirmed* (verified by a UN/OHCHR body or a field investigation), *corroborated* (independent outlets agree),
  *reported* (one source), *contested* (denied or disputed).
- *Tolls are ranges.* "21–37" means sources report between 21 and 37 killed; an unknown toll is shown as
  unknown, never as 0. Totals add lower and upper bounds separately.
- *Places have a precision.* Filled circles are the village where it happened; hollow dashed circles with a ring
  are a named place it happened near. An incident known only to a commune or a cercle is drawn as that unit's
  dashed outline; one known only to the region is listed beside the map, not drawn. Each incident's cercle and
  commune come from its point (or the names its source gives), so the cercle and commune filters and the
  "By cercle/commune" map count it once, where it is known to be; the map says how many it could not allocate.
- *Dates have a precision.* Lighter bars on the timeline are incidents dated only to the week, month or year.
- *One incident, many reports.* When the curated record, ACLED, UCDP or your own files describe the same event,
  their rows are *reports* of one *incident*, counted once. The incident's toll runs from the lowest minimum to the
  highest maximum among its reports (Airwars' convention), and is marked *disputed* when the reports' figures do
  not overlap; its date and place come from its most precise report. Its card lists the reports side by side.
  Reports are matched by date, place name, distance, perpetrators and toll; clear matches are linked
  automatically, the others wait on the **Review** page for a person to link them or keep them apart.

**Bundled data**: the curated record (`segou-curated`, 81 incidents, 2012–2026) compiled from Human Rights Watch,
RFI, AFP, Reuters, OHCHR, UN/MINUSMA (via the press) and Malian press, summaries in this project's own words; and,
as its own dataset, the UCDP GED 21.1 events in the region (`ucdp-ged-21.1`, 65 events, 1994–2020), which keep
only 14 of GED's columns: their place precision (shown as "near a named place") and date precision (shown as the
year) are not in the extract. The UCDP events that report a curated incident are linked to it by the project's
decisions (one incident, counted once); other possible matches wait on the Review page. See
`dashboard/bundled/README.md`.

**Credits and licences** (the reference layers, as their sources ask):
""")
CODA = N_("""
Maps drawn with Leaflet (BSD-2-Clause) via folium; optional online basemaps © OpenStreetMap contributors and Esri.
""")


def render(ctx: PageContext) -> None:
    st.title(_("About this dashboard"))
    common.public_banner(ctx)
    common.record_statement()
    st.markdown(_(ABOUT) + "\n".join(f"- **{_(a.layer)}**: {_(a.line)}" for a in ATTRIBUTIONS) + "\n" + _(CODA))
    st.caption(_("Dataset version {version} · {n} incidents in {store}").format(
        version=ctx.data.version, n=current().number(len(ctx.all)), store=cache.store_label(ctx.data.store)))
    state.publish(ctx.spec, ctx.state)
