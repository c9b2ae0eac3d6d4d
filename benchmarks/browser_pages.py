"""The browser tier's two reference pages and its table (``benchmarks/browser.py`` measures; this module writes).

* the **floor**: a minimal Streamlit page drawing an empty folium map through streamlit-folium, what Streamlit and
  the map component cost here before any data;
* the **peer**: a minimal Streamlit page drawing the same store's points with folium's ``FastMarkerCluster``, what
  a plain "folium + streamlit" page does with the same data (its points are loaded once per server, as a cached
  resource, and the map is built on every run, as such a page would).

Both are served from a folder beside the app's static files and server settings (the vendored Leaflet under
``/app/static/vendor``, ``enableStaticServing``), and both call :func:`dashboard.viz.assets.use_local_assets`, as the
app does, so that none of them asks a CDN for anything: there is no internet here.
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UI = REPO / "dashboard" / "ui"
BEGIN = "<!-- browser benchmark table: written by benchmarks/browser.py, do not edit by hand -->"
END = "<!-- end of browser benchmark table -->"

_HEAD = """
import folium
import streamlit as st
from streamlit_folium import st_folium
from dashboard.viz.assets import use_local_assets
use_local_assets()  # Leaflet from /app/static/vendor, as the app (no internet here)
"""
FLOOR_SCRIPT = _HEAD + """
st.title("floor")
st_folium(folium.Map(location=[13.4, -6.2], zoom_start=7, tiles=None), height=520, returned_objects=[])
"""
PEER_SCRIPT = _HEAD + """
import numpy as np
from folium.plugins import FastMarkerCluster

@st.cache_resource
def points():
    return np.load({points!r}).tolist()

st.title("peer")
m = folium.Map(location=[13.4, -6.2], zoom_start=6, tiles=None)
m.options["maxZoom"] = 18  # Leaflet.markercluster refuses a map with no tile layer's maxZoom
FastMarkerCluster(points()).add_to(m)
st_folium(m, height=520, returned_objects=[])
"""


def write_page(folder: Path, kind: str, points: Path | None = None) -> Path:
    """Write the ``floor`` or ``peer`` page into ``folder`` (with the app's static files and server settings) and
    return its script. The peer reads ``points``: an ``(n, 2)`` array of latitude, longitude (``numpy.save``)."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    if not (folder / "static").exists():
        (folder / "static").symlink_to(UI / "static")
    shutil.copy(UI / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    script = folder / f"{kind}.py"
    if kind == "floor":
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    elif kind == "peer":
        if points is None:
            raise ValueError("the peer page needs the points")
        script.write_text(PEER_SCRIPT.format(points=str(points)), encoding="utf-8")
    else:
        raise ValueError(kind)
    return script


# ---- the table ------------------------------------------------------------------------------------------------

def _s(values: list[float | None]) -> str:
    """"median (first)" in seconds; a load that did not finish is counted, not hidden."""
    done = [v for v in values if v is not None]
    failed = len(values) - len(done)
    if not done:
        return f"not drawn ({failed} tried)" if failed else ""
    cell = f"{statistics.median(done):.1f} s ({'—' if values[0] is None else f'{values[0]:.1f}'})"
    return cell + (f", {failed} not drawn" if failed else "")


def _v(values: list[float | None], unit: str, digits: int = 1) -> str:
    done = [v for v in values if v is not None]
    return f"{statistics.median(done):,.{digits}f} {unit}" if done else ""


def _ratio(a: list[float | None], b: list[float | None]) -> str:
    a, b = [v for v in a if v is not None], [v for v in b if v is not None]
    return f"{statistics.median(a) / statistics.median(b):.2f}×" if a and b else ""


ROWS = (  # (label, who, measure, kind)
    ("first open after `serve` (store cache on disk)", "app", "first_open", "s"),
    ("new session, server warm", "app", "new_session", "s"),
    ("first open after importing {import_rows} incidents", "app", "after_import", "s"),
    ("filter change: a perpetrator category", "app", "filter", "s"),
    ("text search {query}", "app", "search", "s"),
    ("page switch: Table → Map", "app", "page_switch", "s"),
    ("Table page opened, no filter (a new session)", "app", "table_open", "s"),
    ("first open with no store cache (built while warming up)", "app", "cold_open", "s"),
    ("`serve` until ready, no store cache (its health check answers)", "app", "cold_ready", "s"),
    ("`serve` until ready (its health check answers)", "app", "ready", "s"),
    ("`serve` until the map is drawn (ready + first open)", "app", "serve_to_map", "s"),
    ("Chromium CPU per new session", "app", "cpu_new_session", "cpu"),
    ("websocket received per new session", "app", "ws_new_session", "mb"),
    ("server RSS after the loads (process group)", "app", "rss", "rss"),
    ("floor: first open after `serve`", "floor", "first_open", "s"),
    ("floor: `serve` until ready", "floor", "ready", "s"),
    ("floor: `serve` until the map is drawn", "floor", "serve_to_map", "s"),
    ("floor: new session", "floor", "new_session", "s"),
    ("floor: Chromium CPU per new session", "floor", "cpu_new_session", "cpu"),
    ("peer (FastMarkerCluster): first open after `serve`", "peer", "first_open", "s"),
    ("peer: `serve` until the map is drawn", "peer", "serve_to_map", "s"),
    ("peer: new session", "peer", "new_session", "s"),
    ("peer: Chromium CPU per new session", "peer", "cpu_new_session", "cpu"),
    ("peer: websocket received per new session", "peer", "ws_new_session", "mb"),
    ("peer: server RSS after the loads", "peer", "rss", "rss"),
)
RATIOS = (("app / floor, first open", "floor", "first_open"), ("app / floor, new session", "floor", "new_session"),
          ("app / floor, `serve` until the map is drawn", "floor", "serve_to_map"),
          ("app / peer, first open", "peer", "first_open"), ("app / peer, new session", "peer", "new_session"),
          ("app / peer, Chromium CPU per new session", "peer", "cpu_new_session"))


def table(results: list[dict]) -> str:
    """One column per store; seconds are "median (first run)" until the map's markers or hexagons are drawn and the
    caption is final."""
    heads = [r["label"] for r in results]
    lines = ["| measure | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for label, who, measure, kind in ROWS:
        cells = []
        for r in results:
            values = r.get(who, {}).get(measure, [])
            if kind == "s":
                cells.append(_s(values))
            elif kind == "cpu":
                cells.append(_v(values, "CPU-s"))
            elif kind == "mb":
                cells.append(_v([None if v is None else v / 1e6 for v in values], "MB", 2))
            else:
                cells.append(_v(values, "MB", 0))
        if any(cells):
            shown = label.format(import_rows=f"{results[0].get('import_rows', 0):,}",
                                 query="'" + "' / '".join(dict.fromkeys(r.get("query", "") for r in results)) + "'")
            lines.append(f"| {shown} | " + " | ".join(cells) + " |")
    for label, who, measure in RATIOS:
        cells = [_ratio(r.get("app", {}).get(measure, []), r.get(who, {}).get(measure, [])) for r in results]
        if any(cells):
            lines.append(f"| **{label}** (medians) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(results: list[dict], header: str) -> str:
    return "\n".join([f"`{header}`", "", table(results)])


def write_block(path: Path, block: str) -> None:
    """Replace what lies between :data:`BEGIN` and :data:`END` in ``path`` with ``block`` and keep the rest (the
    in-process benchmark's writer, with this table's markers)."""
    from benchmarks.run import write_block as write_between

    write_between(path, block, BEGIN, END)
