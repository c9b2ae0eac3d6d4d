"""The dashboard's timeline as a print chart: SVG rendered offline by vl_convert, in the pack's language."""

from __future__ import annotations

import pandas as pd
import vl_convert

from dashboard.errors import BriefingError
from dashboard.i18n import N_, tr
from dashboard.viz.timeline import timeline_chart

__all__ = ["TIMELINE_WIDTH", "spoken_guides", "timeline_svg"]

TIMELINE_WIDTH = 600


def _timeline_freq(incidents: pd.DataFrame) -> str:
    span = (incidents["date_end"].max() - incidents["date_start"].min()).days
    return "week" if span <= 120 else ("month" if span <= 5 * 366 else "year")


def vega_locale(lang: str) -> str | None:
    """Vega's name of the language's usual locale ("fr-FR"; CLDR's likely subtags); ``None`` for English (Vega's
    default) or a locale Vega does not know."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang, "")
    parts = likely.split("_")
    name = f"{parts[0]}-{parts[-1]}" if len(parts) > 1 else None
    return None if name in (None, "en-US") else name


def spoken_guides(vega: dict) -> dict:
    """The Vega spec with each axis's and legend's ``description`` (the timeline's, in the pack's language) as the
    ARIA label a screen reader hears: Vega (5.x, vl_convert's) labels a guide with its own English sentence ("X-axis
    for a time scale with values from mars 1994 to juillet 2026") and takes only a description given in the
    guide's ``encode`` block, which Vega-Lite does not write."""
    for kind, part in (("axes", "axis"), ("legends", "legend")):
        for guide in vega.get(kind, []):
            if guide.get("description"):
                enter = guide.setdefault("encode", {}).setdefault(part, {}).setdefault("enter", {})
                enter["description"] = {"value": guide["description"]}
    return vega


def timeline_svg(incidents: pd.DataFrame, lang: str = "en", width: int = TIMELINE_WIDTH) -> str:
    """The dashboard's timeline (no brush, fixed width) as SVG, rendered offline by vl_convert."""
    t = tr(lang)
    chart = timeline_chart(incidents, freq=_timeline_freq(incidents), height=170, brush=False, t=t)
    spec = chart.properties(width=width).to_dict()
    # measure text with the font the PDF draws it with (else labels overlap)
    spec.setdefault("config", {})["font"] = "DejaVu Sans"
    for channel in ("color", "opacity"):  # print: whole labels, not the web's truncated ones
        legend = spec.get("encoding", {}).get(channel, {}).get("legend")
        if isinstance(legend, dict):
            legend.update(labelLimit=400, columns=4 if channel == "color" else 2)
    locale = vega_locale(lang)
    try:
        vega = spoken_guides(vl_convert.vegalite_to_vega(spec))
        return vl_convert.vega_to_svg(vega, allowed_base_urls=[], time_format_locale=locale, format_locale=locale)
    except Exception as exc:  # vl_convert raises ValueError with the Vega message
        raise BriefingError(N_("could not render the timeline chart ({why})"), why=str(exc)) from exc


