"""Incident cards and tooltips as HTML. Incident text is untrusted: every value is escaped by jinja2's
autoescape, and only absolute http(s) URLs ever become links.

HTML escaping is not enough for the map: folium puts a popup's HTML inside a JavaScript template literal
(`` $(`...`) ``) and then compiles the resulting script as a *jinja2 template* on the server; tooltips go the
same way. So a card also writes the characters that are live there -- backtick, ``$``, backslash, ``{`` and
``}`` -- as HTML character references: the browser shows them unchanged, but ``${...}`` cannot run in the
page and ``{{ ... }}`` cannot run on the server. Tooltips are plain text in which those characters are
replaced by look-alikes (see :func:`tooltip_text`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
<div><b>Killed:</b> {{ toll }}{% if disputed %} <span class="toll-disputed" style="color:#a40000">\
(disputed: the reports give {{ disputed }})</span>{% endif %}{% if injured %} · <b>injured:</b> {{ injured }}\
{% endif %}{% if abducted %} · <b>abducted/missing:</b> {{ abducted }}{% endif %}</div>
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
{% if n_reports > 1 %}<div class="incident-reports" style="margin-top:4px">
<div><b>{{ n_reports }} reports</b> of this incident · {{ independent }} independent source{{ "s" if independent != 1 }}\
{% if date_from %} · date from {{ date_from }}, place from {{ place_from }} (the most precise){% endif %}</div>
{% if reports %}<table class="report-table" style="border-collapse:collapse;font-size:11px;margin-top:2px;width:100%">
<tr><th></th>{% for r in reports %}<th style="text-align:left;padding:1px 3px;border-bottom:1px solid #ccc">\
{{ r.id }}</th>{% endfor %}</tr>
{% for field, label in report_fields %}<tr><th style="text-align:left;padding:1px 3px;color:#555;\
font-weight:normal">{{ label }}</th>{% for r in reports %}<td class="{{ 'differs' if r.differs[field] }}" \
style="padding:1px 3px;vertical-align:top{% if r.differs[field] %};background:#fff1b8{% endif %}">{{ r[field] }}</td>\
{% endfor %}</tr>
{% endfor %}</table>{% if more_reports %}<div style="color:#555">… and {{ more_reports }} more report(s)</div>\
{% endif %}{% else %}<div style="color:#555">{{ report_ids }}</div>{% endif %}
</div>{% endif %}
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


REPORT_FIELDS = (("dataset", "dataset"), ("organisations", "sources"), ("when", "date"), ("place", "place"),
                 ("perpetrators", "alleged perpetrators"), ("toll", "killed"), ("verification", "verification"))
MAX_REPORT_COLUMNS = 4


def report_columns(reports: Sequence[Mapping[str, Any]]) -> list[dict]:
    """One column per report for the card's side-by-side table; ``differs`` marks each value that is not the first
    (lead) report's."""
    columns = []
    for r in reports:
        organisations = list(dict.fromkeys(s.organisation for s in parse_sources(r["sources"])))
        columns.append({
            "id": r["incident_id"],
            "dataset": r["dataset"],
            "organisations": ", ".join(organisations[:3]) + (f" +{len(organisations) - 3}" if len(organisations) > 3
                                                             else ""),
            "when": when_text(r),
            "place": f"{r['location']} ({GEO_PRECISION_LABELS.get(int(r['geo_precision']), '?').split(' (')[0]})",
            "perpetrators": ", ".join(PERPETRATOR_LABELS[c] for c in split_codes(r["perpetrator_category"])),
            "toll": toll_text(r["fatalities_min"], r["fatalities_max"]),
            "verification": r["verification"],
        })
    for column in columns:
        column["differs"] = {f: column[f] != columns[0][f] for f, _ in REPORT_FIELDS}
    return columns


def card_context(row: Mapping[str, Any], *, public: bool = False, width: int = 340,
                 reports: Sequence[Mapping[str, Any]] | None = None) -> dict:
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
        **_reports_context(row, reports),
    }


def _reports_context(row: Mapping[str, Any], reports: Sequence[Mapping[str, Any]] | None) -> dict:
    n = int(row.get("n_reports", 1) or 1)
    columns = report_columns(reports) if reports and n > 1 else []
    disputed = None
    if bool(row.get("toll_disputed", False)) and columns:
        disputed = " vs ".join(dict.fromkeys(c["toll"] for c in columns if c["toll"] != "unknown"))
    elif bool(row.get("toll_disputed", False)):
        disputed = "figures that do not overlap"
    several = n > 1 and (row.get("date_from") != row["incident_id"] or row.get("place_from") != row["incident_id"])
    return {
        "n_reports": n,
        "independent": int(row.get("independent_sources", 0) or 0),
        "disputed": disputed,
        "date_from": row.get("date_from") if several else None,
        "place_from": row.get("place_from") if several else None,
        "reports": columns[:MAX_REPORT_COLUMNS],
        "more_reports": max(0, len(columns) - MAX_REPORT_COLUMNS),
        "report_fields": REPORT_FIELDS,
        "report_ids": text_or_none(row.get("report_ids")),
    }


# Live in JS template literals (`, ${, \\) and in jinja2 source ({{ }}, {% %}); inert as character references.
_INERT_IN_TEMPLATES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
# Tooltips are plain text (the map builder HTML-escapes them), so character references are not available.
_TOOLTIP_LOOKALIKES = str.maketrans({"`": "\u02cb", "\\": "\u2216", "{": "(", "}": ")"})


def incident_card_html(row: Mapping[str, Any], *, public: bool = False, width: int = 340,
                       reports: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The card as escaped HTML that is also inert inside a JS template literal or a jinja2 template; with the
    incident's ``reports`` (records, lead first) it lists them side by side, differences highlighted."""
    return CARD.render(**card_context(row, public=public, width=width, reports=reports)).translate(
        _INERT_IN_TEMPLATES)


def tooltip_text(row: Mapping[str, Any]) -> str:
    """Plain text that starts with the id, so a click maps back (incident ids are restricted to characters
    that need no escaping, see :mod:`dashboard.data.validate`). folium does *not* escape tooltip text: the
    caller HTML-escapes it, and the characters live in folium's JS template literal and jinja2 pass (backtick,
    backslash, braces) are replaced here by look-alikes (a tooltip is a preview; the card keeps the exact text)."""
    toll = toll_text(row["fatalities_min"], row["fatalities_max"])
    text = f"{row['incident_id']} · {when_text(row)} · {row['location'][:60]} · killed: {toll}"
    n = int(row.get("n_reports", 1) or 1)
    if n > 1:
        text += f" · {n} reports"
    return text.translate(_TOOLTIP_LOOKALIKES)


def incident_id_from_tooltip(tooltip: str | None) -> str | None:
    if not tooltip:
        return None
    return tooltip.split(" · ", 1)[0].strip() or None
