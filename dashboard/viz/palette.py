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
