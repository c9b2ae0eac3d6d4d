"""The map's markers, rings, labels, tooltips and popups keep their rendered script as text (dashboard/viz/rendered.py):
the same page as folium's own classes make, without compiling a template per drawn element."""

import folium
import jinja2
import pytest

from dashboard.viz import rendered
from dashboard.viz.maps import build_incident_map
from tests.factories import incidents, render, row

FOLIUM_S = {name: getattr(folium, name) for name in ("CircleMarker", "Circle", "Marker", "DivIcon", "Tooltip", "Popup")}


def _view(n: int):
    """``n`` incidents: exact and approximate places (the ring), two alleged perpetrators (the second ring); and one
    known only to its cercle (drawn as the cercle's outline, with its own tooltip and popup)."""
    hostile = "<b>not bold</b> & {{ 7*7 }} `x` ${y}"
    return incidents(*(row(incident_id=f"i{i}", geo_precision="2" if i % 3 == 0 else "1",
                           latitude=str(13.5 + i / 100), longitude=str(-6.0 + i / 100),
                           perpetrator_category="state_forces;progov_militia" if i % 2 else "jihadist_group",
                           summary=f"Incident {i}: {hostile}")
                       for i in range(n)),
                     row(incident_id="cercle-only", latitude="14.24425", longitude="-5.993266", located_to="cercle",
                         geo_precision="2", summary=f"Known to its cercle: {hostile}"))


def _with_folium_s_classes(monkeypatch) -> None:
    for name, cls in FOLIUM_S.items():
        monkeypatch.setattr(rendered, name, cls)


def test_the_page_is_the_one_folium_s_own_classes_make(basemap, monkeypatch):
    view = _view(12)
    ours = render(build_incident_map(view, basemap=basemap, mode="points"))
    _with_folium_s_classes(monkeypatch)
    theirs = render(build_incident_map(view, basemap=basemap, mode="points"))
    assert ours.count("incident-marker precision-") == 12 and "second-category" in ours and "seat-label" in ours
    assert "incident-outline located-cercle" in ours and "Known to its cercle" in ours
    assert ours == theirs


def _compiled_while_rendering(view, basemap, monkeypatch) -> int:
    fmap = build_incident_map(view, basemap=basemap, mode="points")
    compiled = []
    original = jinja2.Environment.from_string
    with monkeypatch.context() as patch:
        patch.setattr(jinja2.Environment, "from_string",
                      lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
        render(fmap)
    return len(compiled)


def test_no_template_is_compiled_per_drawn_incident(basemap, monkeypatch):
    few, many = (_compiled_while_rendering(_view(n), basemap, monkeypatch) for n in (5, 40))
    assert few == many
    _with_folium_s_classes(monkeypatch)  # the check can fail: folium's classes compile several per incident
    assert _compiled_while_rendering(_view(40), basemap, monkeypatch) >= many + 3 * 40


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% if x %}", "{# c #}"])
def test_rendered_text_is_never_read_as_a_template(text):
    fmap = folium.Map()
    rendered.CircleMarker([14, -5], tooltip=rendered.Tooltip(text),
                          popup=rendered.Popup(f"<p>{text}</p>", lazy=True)).add_to(fmap)
    rendered.Marker([14, -5], icon=rendered.DivIcon(html=f"<div>{text}</div>")).add_to(fmap)
    page = render(fmap)
    assert page.count(text) >= 3
