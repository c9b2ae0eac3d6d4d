"""Keyboard and screen-reader access to the incident map (WCAG 2.1: 2.1.1 keyboard, 2.4.3 focus order, 4.1.2 name,
role, value), added to a ``folium.Map`` as one script; the map builder's drawing is untouched.

* Every incident marker is a button in the tab order, named by its tooltip ("SEG-2025-008 · 2 Oct 2025 · Kamona ·
  killed: 21–37"); Enter or Space on it does what a click does -- opens its card *and* selects the incident (the
  click event streamlit-folium listens to), where Enter used to open the popup only.
* Basemap shapes and labels (regions, seats) leave the tab order: they used to take nine tab stops before the first
  incident. Their mouse tooltips stay.
* Markers added later (clusters opening) get the same treatment.
* An open popup's card, which scrolls when long, is focusable (WCAG 2.1.1: its text can be scrolled by keyboard).
* The page may be zoomed: folium's ``user-scalable=no`` viewport is replaced.

Hand-written (a few lines of JavaScript): Leaflet has keyboard support for ``L.Marker`` only, not for the vector
circle markers the map draws, and no accessibility plugin covers vector layers.
"""

from __future__ import annotations

from branca.element import MacroElement, Template

__all__ = ["MARKER_CLASS", "MapAccessibility"]

MARKER_CLASS = "incident-marker"


class MapAccessibility(MacroElement):
    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var container = map.getContainer();
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", "Map of incidents. Tab moves between incidents; Enter opens one.");
  document.querySelectorAll('meta[name="viewport"]').forEach(function (meta) {
    if (/user-scalable\\s*=\\s*no|maximum-scale/.test(meta.content)) {
      meta.setAttribute("content", "width=device-width, initial-scale=1");
    }
  });
  // the tooltip's (escaped) text; parsed in an inert document, where nothing loads or runs
  function plain(html) {
    var text = new DOMParser().parseFromString(String(html), "text/html").body.textContent;
    return text.replace(/\\s+/g, " ").trim();
  }
  function decorate(layer) {
    var el = layer.getElement ? layer.getElement() : null;
    if (!el || el.dataset.a11y) { return; }
    el.dataset.a11y = "1";
    var cls = (layer.options && layer.options.className) || "";
    if (el.classList.contains("marker-cluster")) { return; }  // a cluster: Enter zooms into it (Leaflet's own)
    if (cls.indexOf("{{ this.marker_class }}") < 0) {
      if (el.getAttribute("tabindex") !== null || el.classList.contains("leaflet-interactive")) {
        el.setAttribute("tabindex", "-1");  // basemap shapes and labels: not tab stops
      }
      return;
    }
    var tip = layer.getTooltip && layer.getTooltip();
    var name = tip ? plain(tip.getContent()) : "Incident";
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", name);
    el.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") { return; }
      e.preventDefault();
      e.stopPropagation();
      layer.fire("click", {latlng: layer.getLatLng(), originalEvent: e});
    });
  }
  function walk(layer) {
    decorate(layer);
    if (layer.eachLayer) { layer.eachLayer(walk); }
  }
  map.eachLayer(walk);
  map.on("layeradd", function (e) { walk(e.layer); });
  // a long card scrolls inside its popup: the scrolling box takes focus, so the keyboard can scroll it too
  map.on("popupopen", function (e) {
    var box = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-content");
    if (box) { box.setAttribute("tabindex", "0"); }
  });
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapAccessibility"
        self.marker_class = MARKER_CLASS
