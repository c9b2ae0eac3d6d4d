"""folium's markers, rings, labels, tooltips and popups whose rendered script is kept as text, not compiled again.

branca renders each element's template and then wraps the output in ``Element(output)``, which compiles that output
as a new jinja2 template, once per element, to render it a second time as the page is assembled. A drawn incident is
three to five elements (its marker, tooltip and popup with the card, its precision ring, a second perpetrator's
ring), a place name on the basemap three (marker, label, the step that sets one on the other), so the widest
selection still drawn as markers (238 at a million incidents) compiled about a thousand templates, the cards' HTML
among them: measured in the AppTest rerun that draws it, jinja2's compiler was the largest cost of the page
(``docs/benchmarks.md``). The classes here differ from folium's only in that step: the
output goes into the page as it is (:class:`Rendered`). Same class names, same options, same script. An incident
known only to its commune or cercle is drawn as that unit's outline (:mod:`dashboard.viz.outlines`) with a tooltip
and a popup of the same classes.

The card text stays inert in the page as before (:func:`dashboard.viz.cards.incident_card_html` escapes it and
makes braces, backticks and ``$`` character references): nothing here relies on the second pass, which only
re-read the output and gave it back unchanged.
"""

from __future__ import annotations

import folium
from branca.element import Element, Figure, MacroElement


class Rendered(Element):
    """A piece of the page already rendered: returned as it is, never compiled as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


def _figure(element: Element) -> Figure:
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError("cannot render an element that is not in a Figure")
    return figure


class RenderOnce(MacroElement):
    """``MacroElement.render`` with the header, html and script parts added as :class:`Rendered` text. Placed after
    the folium class among the bases, so folium's own ``render`` (the marker's icon, the JS and CSS links) still runs
    and reaches this one through ``super()``."""

    def render(self, **kwargs) -> None:
        figure = _figure(self)
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Rendered(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class CircleMarker(folium.CircleMarker, RenderOnce):
    pass


class Marker(folium.Marker, RenderOnce):
    """Used for the basemap's place names (a :class:`DivIcon` each), drawn on every map: 147 at the region's zoom."""

    class SetIcon(folium.Marker.SetIcon, RenderOnce):
        pass


class DivIcon(folium.DivIcon, RenderOnce):
    pass


class Circle(folium.Circle, RenderOnce):
    pass


class Tooltip(folium.Tooltip, RenderOnce):
    pass


class Popup(folium.Popup):
    """``folium.Popup`` (not a MacroElement: it renders its one script part itself) with that part kept as text."""

    def render(self, **kwargs) -> None:
        for child in self._children.values():
            child.render(**kwargs)
        _figure(self).script.add_child(Rendered(self._template.render(this=self, kwargs=kwargs)), name=self.get_name())
