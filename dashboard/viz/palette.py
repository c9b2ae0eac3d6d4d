"""Colours: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies)."""

from __future__ import annotations

from dashboard.data.schema import PERPETRATOR_CATEGORIES, PERPETRATOR_LABELS, split_codes

CATEGORY_COLOURS = {
    "state_forces": "#0072B2",       # blue
    "foreign_forces": "#CC79A7",     # reddish purple
    "progov_militia": "#D55E00",     # vermillion
    "jihadist_group": "#009E73",     # bluish green
    "communal_militia": "#E69F00",   # orange
    "other_armed_group": "#56B4E9",  # sky blue
    "unidentified": "#6B6B6B",       # grey: nobody is named
}
assert set(CATEGORY_COLOURS) == set(PERPETRATOR_CATEGORIES)
REGION_FILL = "#F4F1EA"
REGION_EDGE = "#5A5A5A"
OTHER_REGIONS_FILL = "#E4E4E0"
WATER = "#DCE6EC"  # the background: only the ocean is water (neighbouring countries are drawn as land)
COUNTRY_FILL = "#ECEBE6"
COUNTRY_EDGE = "#B5B5B0"
RIVER = "#6FA8D6"
UNIT_EDGE = "#8C8C8C"  # commune boundaries
# Heat: light to dark (magma), far from the category hues so that heat never reads as a perpetrator colour
HEAT_GRADIENT = {0.2: "#FCFDBF", 0.4: "#FE9F6D", 0.6: "#DE4968", 0.8: "#8C2981", 1.0: "#3B0F70"}
# Cluster bubbles: neutral greys (Leaflet.markercluster's green/yellow/orange mean categories here)
CLUSTER_FILL = ("#E6E6E6", "#C2C2C2", "#8F8F8F")  # fewer than 10, fewer than 100, more
CLUSTER_TEXT = ("#222222", "#111111", "#FFFFFF")
# Choropleth classes: one sequential hue (purples), lightest to darkest; units with none are white
CHOROPLETH_RAMP = ("#EFEDF5", "#CBC9E2", "#9E9AC8", "#756BB1", "#54278F")
CHOROPLETH_ZERO = "#FFFFFF"


def primary_category(cell: str) -> str:
    """The first-named category colours the marker; popups and tables list them all."""
    codes = split_codes(cell)
    return codes[0] if codes else "unidentified"


def colour_for(cell: str) -> str:
    return CATEGORY_COLOURS[primary_category(cell)]


def legend_codes(categories: set[str] | None = None) -> list[tuple[str, str]]:
    """Code and colour of each category, in canonical order (only those given, if any)."""
    return [(c, CATEGORY_COLOURS[c]) for c in PERPETRATOR_CATEGORIES if categories is None or c in categories]


def legend_items(categories: set[str] | None = None) -> list[tuple[str, str]]:
    """Label and colour of each category, in canonical order (only those given, if any)."""
    return [(PERPETRATOR_LABELS[c], CATEGORY_COLOURS[c]) for c in PERPETRATOR_CATEGORIES
            if categories is None or c in categories]


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (category badges: white on the Okabe–Ito orange
    or sky blue was 2.1–2.3:1; the better of the two is at least 5:1 on every category colour)."""
    return "#000000" if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#ffffff") else "#ffffff"
