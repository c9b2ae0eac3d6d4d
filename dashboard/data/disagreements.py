"""Incidents whose reported cercle or commune disagrees with the unit their point lies in.

The computed units (:mod:`dashboard.data.units`) come from the point when the incident is located finer than the
region; the reported names (``admin2``, ``admin3``) are what the source wrote. When the reported name denotes a
pre-2023 unit (any spelling, 2023-reform names through ``admin_names.csv``) and the point lies in another one,
one of the two is wrong — a point on the wrong village, a report naming the neighbouring commune, a village near a
border — and a person should look. ``incident-map validate`` lists them; nothing is changed.
"""

from __future__ import annotations

import pandas as pd

from dashboard.data.admin import AdminNames
from dashboard.data.missing import is_blank

__all__ = ["COLUMNS", "disagreements"]

COLUMNS = ("incident_id", "level", "reported", "reported_as", "computed", "how")


def disagreements(incidents: pd.DataFrame, names: AdminNames | None = None) -> pd.DataFrame:
    """One row per disagreement (columns :data:`COLUMNS`), cercles first, then communes, by incident id."""
    names = names or AdminNames.default()
    rows = []
    frame = incidents.sort_values("incident_id", kind="stable")
    for r in frame[["incident_id", "admin2", "admin3", "cercle", "cercle_pcode", "commune", "commune_pcode",
                    "located_to"]].itertuples(index=False):
        if r.located_to not in ("place", "commune", "cercle"):
            continue  # region-level: the units come from the reported names themselves
        if not is_blank(r.admin2) and not is_blank(r.cercle_pcode):
            m = names.cercle(r.admin2)
            if m.found and r.cercle_pcode not in m.cercle_pcodes:
                rows.append((r.incident_id, "cercle", r.admin2, " or ".join(m.cercles), f"{r.cercle} ({r.cercle_pcode})",
                             "the point lies in it"))
        if not is_blank(r.admin3) and not is_blank(r.commune_pcode):
            m = names.commune(r.admin3, cercle=None if is_blank(r.admin2) else r.admin2)
            if m.commune_pcode and m.commune_pcode != r.commune_pcode:
                rows.append((r.incident_id, "commune", r.admin3, f"{m.commune}, cercle {m.cercle}",
                             f"{r.commune} ({r.commune_pcode})", "the point lies in it"))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.sort_values(["level", "incident_id"], key=lambda s: s.map({"cercle": 0, "commune": 1}).fillna(s)
                           if s.name == "level" else s, kind="stable").reset_index(drop=True)
