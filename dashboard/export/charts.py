"""The dashboard's timeline as a print chart: SVG rendered offline by vl_convert, in English or French."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pandas as pd
import vl_convert

from dashboard.errors import BriefingError
from dashboard.export import i18n
from dashboard.viz.timeline import timeline_chart

__all__ = ["TIMELINE_WIDTH", "timeline_svg"]

TIMELINE_WIDTH = 600


def _timeline_freq(incidents: pd.DataFrame) -> str:
    span = (incidents["date_end"].max() - incidents["date_start"].min()).days
    return "week" if span <= 120 else ("month" if span <= 5 * 366 else "year")


def _translate(value: Any, words: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return words.get(value, value)
    if isinstance(value, list):
        return [_translate(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _translate(v, words) for k, v in value.items()}
    return value


def timeline_svg(incidents: pd.DataFrame, lang: str = "en", width: int = TIMELINE_WIDTH) -> str:
    """The dashboard's timeline (no brush, fixed width) as SVG, rendered offline by vl_convert."""
    chart = timeline_chart(incidents, freq=_timeline_freq(incidents), height=170, brush=False)
    spec = chart.properties(width=width).to_dict()
    # measure text with the font the PDF draws it with (else labels overlap)
    spec.setdefault("config", {})["font"] = "DejaVu Sans"
    for channel in ("color", "opacity"):  # print: whole labels, not the web's truncated ones
        legend = spec.get("encoding", {}).get(channel, {}).get("legend")
        if isinstance(legend, dict):
            legend.update(labelLimit=400, columns=4 if channel == "color" else 2)
    locale = None
    if lang == "fr":
        spec = _translate(copy.deepcopy(spec), i18n.TIMELINE_WORDS_FR)
        locale = "fr-FR"
    try:
        return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[], time_format_locale=locale,
                                          format_locale=locale)
    except Exception as exc:  # vl_convert raises ValueError with the Vega message
        raise BriefingError(f"could not render the timeline chart ({exc})") from exc


