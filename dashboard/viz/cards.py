"""Incident cards and tooltips as HTML. Incident text is untrusted: every value is escaped by jinja2's
autoescape, and only absolute http(s) URLs ever become links.

HTML escaping is not enough for the map: folium puts a popup's HTML inside a JavaScript template literal
(`` $(`...`) ``) and then compiles the resulting script as a *jinja2 template* on the server; tooltips go the
same way. So a card also writes the characters that are live there -- backtick, ``$``, backslash, ``{`` and
``}`` -- as HTML character references: the browser shows them unchanged, but ``${...}`` cannot run in the
page and ``{{ ... }}`` cannot run on the server. Tooltips are plain text in which those characters are
replaced by look-alikes (see :func:`tooltip_text`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment

from dashboard.data.missing import text_or_none
from dashboard.data.schema import (
    GEO_PRECISION_LABELS,
    PERPETRATOR_LABELS,
    is_http_url,
    parse_sources,
    split_codes,
)
from dashboard.viz.palette import CATEGORY_COLOURS, text_colour_on
from dashboard.wording import toll_text, when_text

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

CARD = _ENV.from_string(
    """\
<div class="incident-card" data-incident-id="{{ id }}" style="font-family:system-ui,sans-serif;font-size:13px;\
line-height:1.35;max-width:{{ width }}px">
<div style="font-weight:600;font-size:14px">{{ location }}</div>
<div style="color:#444">{{ when }}{% if admin %} · {{ admin }}{% endif %}</div>
<div style="margin:4px 0">
{% for label, colour, ink in categories %}<span class="category-badge" style="display:inline-block;padding:0 6px;\
margin:1px 2px 1px 0;border-radius:8px;background:{{ colour }};color:{{ ink }};font-size:11px">{{ label }}</span>\
{% endfor %}
</div>
<div><b>Killed:</b> {{ toll }}{% if injured %} · <b>injured:</b> {{ injured }}{% endif %}\
{% if abducted %} · <b>abducted/missing:</b> {{ abducted }}{% endif %}</div>
{% if perpetrators %}<div><b>Alleged perpetrators:</b> {{ perpetrators }} <i>({{ basis }})</i></div>{% endif %}
{% if victims %}<div><b>Victims:</b> {{ victims }}</div>{% endif %}
{% if summary %}<p style="margin:4px 0;font-size:inherit;line-height:inherit">{{ summary }}</p>{% endif %}
<div style="color:#444"><b>Verification:</b> {{ verification }} · <b>Location:</b> {{ precision }}\
{% if geocoded_from %} ({{ geocoded_from }}){% endif %}</div>
{% if inclusion_note %}<div style="color:#8a4b00"><b>Note:</b> {{ inclusion_note }}</div>{% endif %}
<ol class="sources" style="margin:4px 0 0 18px;padding:0">
{% for s in sources %}<li>{% if s.link %}<a href="{{ s.url }}" target="_blank" rel="noopener noreferrer">\
{{ s.organisation }}</a>{% else %}{{ s.organisation }}{% endif %}{% if s.title %}: {{ s.title }}{% endif %}\
{% if s.published %} ({{ s.published }}){% endif %}{% if s.url and not s.link %} [{{ s.url }}]{% endif %}</li>
{% endfor %}
</ol>
<div style="color:#666;font-size:11px">{{ id }} · {{ dataset }}</div>
</div>"""
)

BASIS_WORDS = {
    "witness": "per witnesses",
    "survivor": "per survivors",
    "claimed": "claimed",
    "official": "per officials",
    "source_attributed": "as attributed by the source",
    "unknown": "basis unknown",
}


def card_context(row: Mapping[str, Any], *, public: bool = False, width: int = 340) -> dict:
    sources = []
    for s in parse_sources(row["sources"]):
        sources.append({"organisation": s.organisation, "title": s.title, "url": s.url,
                        "published": s.published, "link": is_http_url(s.url)})
    admin = ", ".join(x for x in (text_or_none(row.get(c)) for c in ("admin3", "admin2", "admin1")) if x)
    return {
        "id": row["incident_id"],
        "width": width,
        "location": row["location"],
        "when": when_text(row),
        "admin": admin,
        "categories": [(PERPETRATOR_LABELS[c], CATEGORY_COLOURS[c], text_colour_on(CATEGORY_COLOURS[c]))
                       for c in split_codes(row["perpetrator_category"])],
        "toll": toll_text(row["fatalities_min"], row["fatalities_max"]),
        "injured": text_or_none(row.get("injured")),
        "abducted": text_or_none(row.get("abducted")),
        "perpetrators": text_or_none(row.get("perpetrators")),
        "basis": BASIS_WORDS.get(row.get("attribution_basis"), "basis unknown"),
        "victims": text_or_none(row.get("victims")),
        "summary": text_or_none(row.get("summary")),
        "verification": row["verification"],
        "precision": GEO_PRECISION_LABELS.get(int(row["geo_precision"]), "?"),
        "geocoded_from": None if public else text_or_none(row.get("geocoded_from")),
        "inclusion_note": text_or_none(row.get("inclusion_note")),
        "sources": sources,
        "dataset": row["dataset"],
    }


# Live in JS template literals (`, ${, \\) and in jinja2 source ({{ }}, {% %}); inert as character references.
_INERT_IN_TEMPLATES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
# Tooltips are plain text (the map builder HTML-escapes them), so character references are not available.
_TOOLTIP_LOOKALIKES = str.maketrans({"`": "\u02cb", "\\": "\u2216", "{": "(", "}": ")"})


def incident_card_html(row: Mapping[str, Any], *, public: bool = False, width: int = 340) -> str:
    """The card as escaped HTML that is also inert inside a JS template literal or a jinja2 template."""
    return CARD.render(**card_context(row, public=public, width=width)).translate(_INERT_IN_TEMPLATES)


def tooltip_text(row: Mapping[str, Any]) -> str:
    """Plain text that starts with the id, so a click maps back (incident ids are restricted to characters
    that need no escaping, see :mod:`dashboard.data.validate`). folium does *not* escape tooltip text: the
    caller HTML-escapes it, and the characters live in folium's JS template literal and jinja2 pass (backtick,
    backslash, braces) are replaced here by look-alikes (a tooltip is a preview; the card keeps the exact text)."""
    toll = toll_text(row["fatalities_min"], row["fatalities_max"])
    text = f"{row['incident_id']} · {when_text(row)} · {row['location'][:60]} · killed: {toll}"
    return text.translate(_TOOLTIP_LOOKALIKES)


def incident_id_from_tooltip(tooltip: str | None) -> str | None:
    if not tooltip:
        return None
    return tooltip.split(" · ", 1)[0].strip() or None
