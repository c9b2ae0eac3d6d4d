"""The pure side of the map's accessibility and first paint (issue 19, items 6, 8, 10): badge ink with WCAG AA
contrast, the lean asset list, the collapsible legend and the keyboard script in the map. The browser tier
(tests/browser/test_first_hour_browser.py) checks what they do in chromium, with axe-core."""

from __future__ import annotations

import re

import pytest

from dashboard.viz.cards import incident_card_html
from dashboard.viz.maps import build_incident_map
from dashboard.viz.palette import CATEGORY_COLOURS, contrast_ratio, text_colour_on
from tests.factories import incidents, render, row

AA = 4.5  # WCAG 2.1 AA, normal text


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert contrast_ratio("#777777", "#ffffff") < AA
    assert contrast_ratio("#3a7bd5", "#3a7bd5") == pytest.approx(1)


@pytest.mark.parametrize("colour", [*CATEGORY_COLOURS.values(), "#6B6B6B"])
def test_badge_ink_reaches_aa_on_every_category_colour(colour):
    ink = text_colour_on(colour)
    assert ink in ("#000000", "#ffffff")
    assert contrast_ratio(colour, ink) >= AA, (colour, ink)


def test_card_badges_use_the_readable_ink():
    html = incident_card_html(incidents(row(perpetrator_category="state_forces;jihadist_group")).iloc[0].to_dict())
    badges = re.findall(r'class="category-badge" style="[^"]*background:(#[0-9A-Fa-f]{6});color:(#[0-9a-f]{6})', html)
    assert len(badges) == 2
    for background, ink in badges:
        assert ink == text_colour_on(background)
        assert contrast_ratio(background, ink) >= AA


def test_the_map_loads_leaflet_and_jquery_only_and_carries_the_keyboard_script():
    html = render(build_incident_map(incidents(row()), mode="points"))
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("leaflet" in s for s in scripts) and any("jquery" in s for s in scripts)
    for unused in ("bootstrap", "fontawesome", "font-awesome", "awesome-markers", "glyphicons"):
        assert not any(unused in link.lower() for link in scripts + styles), unused
    assert 'setAttribute("role", "button")' in html and 'setAttribute("aria-label", name)' in html
    assert 'el.setAttribute("tabindex", "-1")' in html  # basemap shapes leave the tab order


def test_the_legend_is_collapsible_and_fits_the_region_beside_it():
    html = render(build_incident_map(incidents(row()), mode="points", bounds=((13.0, -6.5), (15.0, -4.0))))
    legend = re.search(r'div\.innerHTML = (".*?");', html, re.S).group(1)
    assert legend.startswith('"\\u003cdetails open') or legend.startswith('"<details open')
    assert "summary" in legend and "1 on the map" in legend
    assert "var bounds = [[13.0, -6.5], [15.0, -4.0]];" in html
    assert "map.getSize().x < 600" in html  # collapsed on a narrow map


def test_every_text_colour_on_the_white_card_reaches_aa():
    """The card's footer was #777 on white, 4.48:1."""
    html = incident_card_html(incidents(row(inclusion_note="counted apart")).iloc[0].to_dict())
    plain = re.sub(r'<span class="category-badge".*?</span>', "", html, flags=re.S)  # badges: their own background
    colours = re.findall(r"(?<![-\w])color:(#[0-9A-Fa-f]{3,6})\b", plain)
    assert len(colours) >= 3
    for colour in colours:
        full = colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])
        assert contrast_ratio(full, "#ffffff") >= AA, colour
