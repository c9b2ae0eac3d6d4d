"""``st_folium`` in two halves, so that a map's rendering is done once and shared by every session that shows it.

``streamlit_folium.st_folium`` renders the folium map to HTML and JavaScript on every script run: for a map of a
few hundred markers that is most of a page's time (thousands of jinja templates compiled), and every new visitor
opening the default map paid it again. Here :func:`payload` renders a map once into the component's arguments
(plain strings and dicts, safe to share between sessions; cached by the caller on what the map shows) and
:func:`show` sends them with the session's own arguments (its key, size, returned objects). The two halves are the
body of ``st_folium`` in streamlit-folium 0.27.4 (pinned in pyproject.toml), calling its own helpers. A dynamic
feature group (the story page's ring around the current step) is rendered per call, against a throw-away map whose
id is replaced by the component's own, as ``st_folium`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium as sf

__all__ = ["payload", "show"]


def _walk(element):
    if isinstance(element, branca.colormap.ColorMap | folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def payload(fmap: folium.Map) -> dict[str, Any]:
    """The component's arguments that depend on the map only (what ``st_folium`` renders from it)."""
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    leaflet = sf._get_map_string(fmap)
    try:
        (s, w), (n, e) = fmap.get_bounds()
    except (AttributeError, TypeError, ValueError):
        (s, w), (n, e) = (None, None), (None, None)
    css: list[str] = []
    js: list[str] = []
    for element in _walk(fmap):
        if isinstance(element, branca.colormap.ColorMap):
            js[:0] = ["https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return {
        "script": leaflet,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "bounds": {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        "zoom": fmap.options.get("zoom") if hasattr(fmap, "options") else {},
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
    }


def show(args: dict[str, Any], *, key: str, height: int = 700, use_container_width: bool = True,
         returned_objects: Iterable[str] = (), center: tuple[float, float] | None = None, zoom: int | None = None,
         feature_group: folium.FeatureGroup | None = None) -> Any:
    """Send a rendered map (:func:`payload`) as ``st_folium`` would, with the session's own view (``center``,
    ``zoom``) and dynamic layer; the browser's value is copied to ``st.session_state[key]`` as ``st_folium`` does."""
    returned = list(returned_objects)
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None, "bounds": args["bounds"], "zoom": args["zoom"],
                "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
                "selected_tags": None, "last_geocoder_result": None}
    hash_key = sf.generate_js_hash(args["script"], key, False)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=args["script"], header=args["header"], html=args["html"], id=args["id"], key=hash_key,
        height=height, width=None if use_container_width else 500, returned_objects=returned,
        default={k: v for k, v in defaults.items() if k in returned}, zoom=zoom, center=center,
        feature_group=None if feature_group is None else sf._get_feature_group_string(feature_group, folium.Map()),
        return_on_hover=False, layer_control=None, pixelated=False, css_links=args["css_links"],
        js_links=args["js_links"], on_change=on_change, wrap_longitude=False,
    )
