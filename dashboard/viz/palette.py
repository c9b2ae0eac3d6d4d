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
WATER = "#DCE6EC"


def primary_category(cell: str) -> str:
    """The first-named category colours the marker; popups and tables list them all."""
    codes = split_codes(cell)
    return codes[0] if codes else "unidentified"


def colour_for(cell: str) -> str:
    return CATEGORY_COLOURS[primary_category(cell)]


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
