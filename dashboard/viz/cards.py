"""Incident cards and tooltips as HTML. Incident text is untrusted: every value is escaped by jinja2's
autoescape, and only absolute http(s) URLs ever become links.

HTML escaping is not enough for the map: folium puts a popup's HTML inside a JavaScript template literal
(`` $(`...`) ``) and then compiles the resulting script as a *jinja2 template* on the server; tooltips go the
same way. So a card also writes the characters that are live there -- backtick, ``$``, backslash, ``{`` and
``}`` -- as HTML character references: the browser shows them unchanged, but ``${...}`` cannot run in the
page and ``{{ ... }}`` cannot run on the server. Tooltips are plain text in which those characters are
replaced by look-alikes (see :func:`tooltip_text`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from babel import Locale, UnknownLocaleError
from jinja2 import Environment

from dashboard import grade_words, labels
from dashboard.data.captures import Capture
from dashboard.data.missing import text_or_none
from dashboard.data.schema import is_http_url, parse_sources, split_codes
from dashboard.harm_words import cause_text, harms_text, killed_breakdown, violation_text
from dashboard.i18n import DEFAULT, N_, Translator, tr
from dashboard.viz.palette import CATEGORY_COLOURS, text_colour_on
from dashboard.wording import toll_text, toll_words, when_text

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

CARD = _ENV.from_string(
    """\
<div class="incident-card" data-incident-id="{{ id }}" style="font-family:system-ui,sans-serif;font-size:13px;\
line-height:1.35;max-width:{{ width }}px">
<div class="data-text" style="font-weight:600;font-size:14px">{{ location }}{% if status %} <span class="status-badge" \
style="display:inline-block;padding:0 6px;border-radius:8px;border:1px solid #8a4b00;color:#8a4b00;font-size:11px;\
font-weight:normal">{{ status }}</span>{% endif %}</div>
<div style="color:#444">{{ when }}{% if admin %} · {{ admin }}{% endif %}</div>
<div style="margin:4px 0">
{% for label, colour, ink in categories %}<span class="category-badge" style="display:inline-block;padding:0 6px;\
margin:1px 2px 1px 0;border-radius:8px;background:{{ colour }};color:{{ ink }};font-size:11px">{{ label }}</span>\
{% endfor %}
</div>
<div><b>{{ w.killed }}</b> {{ toll }}{% if disputed %} <span class="toll-disputed" style="color:#a40000">\
{{ w.disputed }}</span>{% endif %}{% if injured %} · <b>{{ w.injured }}</b> <span class="data-text">{{ injured }}</span>\
{% endif %}{% if abducted %} · <b>{{ w.abducted }}</b> <span class="data-text">{{ abducted }}</span>{% endif %}</div>
{% if perpetrators %}<div><b>{{ w.perpetrators }}</b> <span class="data-text">{{ perpetrators }}</span> <i>({{ basis }})</i></div>{% endif %}
{% if victims %}<div><b>{{ w.victims }}</b> <span class="data-text">{{ victims }}</span></div>{% endif %}
{% if breakdown %}<div class="killed-breakdown"><b>{{ w.breakdown }}</b> {{ breakdown|join("; ") }}</div>{% endif %}
{% if harms %}<div class="harms"><b>{{ w.harms }}</b> {{ harms }}</div>{% endif %}
<div class="violation" style="color:#444">{% if cause %}<b>{{ w.cause }}</b> {{ cause }} · {% endif %}<b>{{ w.violation }}</b> {{ violation }}</div>
{% if summary %}<p style="margin:4px 0;font-size:inherit;line-height:inherit">{{ summary }}{% if summary_note %} <i class="summary-language">{{ summary_note }}</i>{% endif %}</p>{% endif %}
<div style="color:#444"><b>{{ w.verification }}</b> {{ verification }} · <b>{{ w.location }}</b> {{ precision }}\
{% if geocoded_from %} <span class="geocoded-from">({{ geocoded_from }})</span>{% endif %}</div>
{% if grade %}<div class="harm-grade" style="color:#444"><b>{{ w.grade }}</b> {{ grade }} · \
<span class="grade-basis">{{ grade_basis }}</span></div>{% endif %}
{% for r in responses %}<div class="response" style="color:#444"><b>{{ r.label }}</b> \
{% if r.link %}<a href="{{ r.url }}" target="_blank" rel="noopener noreferrer">{{ r.what }}</a>{% else %}{{ r.what }}\
{% endif %}{% if r.note %}: <span class="data-text">{{ r.note }}</span>{% endif %}</div>
{% endfor %}
{% if inclusion_note %}<div style="color:#8a4b00"><b>{{ w.note }}</b> <span class="data-text">{{ inclusion_note }}</span></div>{% endif %}
<ol class="sources" style="margin:4px 0 0 18px;padding:0">
{% for s in sources %}<li>{% if s.link %}<a href="{{ s.url }}" target="_blank" rel="noopener noreferrer">\
{{ s.organisation }}</a>{% else %}{{ s.organisation }}{% endif %}{% if s.title %}: {{ s.title }}{% endif %}\
{% if s.published %} ({{ s.published }}){% endif %}{% if s.url and not s.link %} [{{ s.url }}]{% endif %}{% for c in s.captures %}<div class="capture" style="color:#444;font-size:11px">{{ c.text }}{% if c.href %} · <a class="capture-copy" href="{{ c.href }}">{{ c.link_text }}</a>{% endif %}</div>{% endfor %}</li>
{% endfor %}
</ol>
{% if n_reports > 1 %}<div class="incident-reports" style="margin-top:4px">
<div>{{ w.reports }}{% if date_from %} · {{ w.date_place_from }}{% endif %}</div>
{% if reports %}<table class="report-table" style="border-collapse:collapse;font-size:11px;margin-top:2px;width:100%">
<tr><th></th>{% for r in reports %}<th style="text-align:left;padding:1px 3px;border-bottom:1px solid #ccc">\
{{ r.id }}</th>{% endfor %}</tr>
{% for field, label in report_fields %}<tr><th style="text-align:left;padding:1px 3px;color:#555;\
font-weight:normal">{{ label }}</th>{% for r in reports %}<td class="{{ 'differs' if r.differs[field] }}" \
style="padding:1px 3px;vertical-align:top{% if r.differs[field] %};background:#fff1b8{% endif %}">{{ r[field] }}</td>\
{% endfor %}</tr>
{% endfor %}</table>{% if more_reports %}<div style="color:#555">{{ w.more_reports }}</div>\
{% endif %}{% else %}<div style="color:#555">{{ report_ids }}</div>{% endif %}
</div>{% endif %}
<div style="color:#666;font-size:11px">{{ id }} · {{ dataset }}</div>
</div>"""
)

BASIS_WORDS = {code: labels.basis(code) for code in labels.BASIS}  # English, for callers that want the words


REPORT_FIELDS = (("dataset", N_("dataset")), ("organisations", N_("sources")), ("when", N_("date")),
                 ("place", N_("place")), ("perpetrators", N_("alleged perpetrators")), ("toll", N_("killed")),
                 ("verification", N_("verification")))
MAX_REPORT_COLUMNS = 4


def report_columns(reports: Sequence[Mapping[str, Any]], t: Translator | None = None) -> list[dict]:
    """One column per report for the card's side-by-side table; ``differs`` marks each value that is not the first
    (lead) report's."""
    t = t or tr()
    columns = []
    for r in reports:
        organisations = list(dict.fromkeys(s.organisation for s in parse_sources(r["sources"])))
        columns.append({
            "id": r["incident_id"],
            "dataset": r["dataset"],
            "organisations": ", ".join(organisations[:3]) + (f" +{len(organisations) - 3}" if len(organisations) > 3
                                                             else ""),
            "when": when_text(r, t.dates()),
            "place": f"{labels.place(r['location'], t)} ({labels.precision(r['geo_precision'], t).split(' (')[0]})",
            "perpetrators": ", ".join(labels.category(c, t) for c in split_codes(r["perpetrator_category"])),
            "toll": toll_text(r["fatalities_min"], r["fatalities_max"], words=toll_words(t)),
            "verification": labels.verification(r["verification"], t),
        })
    for column in columns:
        column["differs"] = {f: column[f] != columns[0][f] for f, _ in REPORT_FIELDS}
    return columns


def summary_text(row: Mapping[str, Any], t: Translator | None = None) -> str | None:
    """The incident's summary for a reader of ``t``'s language: its ``summary_<lang>`` when the row has one (e.g.
    ``summary_fr``, written for the bundled incidents), else ``summary`` as the source wrote it (untranslated; see
    :func:`summary_note`). Works whether or not the frame has those columns."""
    t = t or tr()
    if t.lang != DEFAULT:
        own = text_or_none(row.get(f"summary_{t.lang}"))
        if own:
            return own
    return text_or_none(row.get("summary"))


def summary_note(row: Mapping[str, Any], t: Translator | None = None) -> str | None:
    """What a reader is told about the language of the summary shown: "(source text in English)" when it is not in
    the reader's language; ``None`` when it is (or when the summary is the reader's ``summary_<lang>``)."""
    t = t or tr()
    if not text_or_none(row.get("summary")) or (t.lang != DEFAULT and text_or_none(row.get(f"summary_{t.lang}"))):
        return None
    lang = (text_or_none(row.get("summary_lang")) or "").strip().lower().replace("-", "_")
    if not lang:  # unknown: the record's own summaries are English; say nothing to an English reader
        return None if t.lang == DEFAULT else t.gettext("(source text, language not recorded)")
    try:
        language = Locale.parse(lang).get_language_name(t.lang)
    except (ValueError, UnknownLocaleError):
        return t.gettext("(source text, language not recorded)")
    if Locale.parse(lang).language == t.lang:
        return None
    return t.gettext("(source text in {language})").format(language=language)


def card_words(t: Translator, row: Mapping[str, Any] | None = None, n_reports: int = 1, independent: int = 0,
               more_reports: int = 0, disputed: str | None = None) -> dict[str, str]:
    """The card's labels in ``t``'s language."""
    row = row or {}
    return {
        "killed": t.gettext("Killed:"), "injured": t.gettext("injured:"), "abducted": t.gettext("abducted/missing:"),
        "perpetrators": t.gettext("Alleged perpetrators:"), "victims": t.gettext("Victims:"),
        "breakdown": t.gettext("Among the killed:"), "harms": t.gettext("Other harms:"),
        "cause": t.gettext("Cause of death:"), "violation": t.gettext("Violation or abuse:"),
        "verification": t.gettext("Verification:"), "grade": t.gettext("Civilian-harm grade:"),
        "location": t.gettext("Location:"), "note": t.gettext("Note:"),
        "disputed": t.gettext("(disputed: the reports give {disputed})").format(disputed=disputed or ""),
        "reports": t.ngettext("{n} report of this incident · {k} independent source",
                              "{n} reports of this incident · {k} independent sources", independent).format(
            n=n_reports, k=independent) if n_reports > 1 else "",
        "date_place_from": t.gettext("date from {date_from}, place from {place_from} (the most precise)").format(
            date_from=row.get("date_from"), place_from=row.get("place_from")),
        "more_reports": t.ngettext("… and {n} more report", "… and {n} more reports", more_reports).format(
            n=more_reports),
    }


def incident_captures(row: Mapping[str, Any], captures: Sequence[Capture]) -> list[Capture]:
    """The captures of an incident's reports (``report_ids``, or its own id for a single report)."""
    ids = {i.strip() for i in str(text_or_none(row.get("report_ids")) or row["incident_id"]).split(";")}
    return [c for c in captures if c.report_id in ids]


def capture_lines(source_url: str | None, captures: Sequence[Capture], t: Translator, *, public: bool,
                  links: Mapping[str, str] | None = None) -> list[dict]:
    """What a card says under a source about its preserved copies: "captured 18 nov. 2025, sha256 ab12cd34…" and,
    outside public mode, a link to the local copy when ``links`` (sha256 → relative href) has one. Public mode
    shows the date and the hash only (no file, no link, no name)."""
    out, seen = [], set()
    for c in captures:
        if c.source_url != source_url or c.sha256 in seen:
            continue
        seen.add(c.sha256)
        try:
            day = t.day(date.fromisoformat(c.day))
        except ValueError:
            day = c.day
        href = None if public or not links else links.get(c.sha256)
        out.append({"text": t.gettext("captured {date}, sha256 {sha256}… ({media_type})").format(
            date=day, sha256=c.sha256[:12], media_type=c.media_type),
            "href": href if href and _RELATIVE_COPY.fullmatch(href) else None,
            "link_text": t.gettext("local copy")})
    return out


_RELATIVE_COPY = re.compile(r"captures/[0-9a-f]{64}\.[a-z0-9]{1,8}")


def card_context(row: Mapping[str, Any], *, public: bool = False, width: int = 340,
                 reports: Sequence[Mapping[str, Any]] | None = None, t: Translator | None = None,
                 captures: Sequence[Capture] = (), capture_links: Mapping[str, str] | None = None) -> dict:
    t = t or tr()
    captures = incident_captures(row, captures) if captures else []
    sources = []
    for s in parse_sources(row["sources"]):
        sources.append({"organisation": s.organisation, "title": s.title, "url": s.url,
                        "published": s.published, "link": is_http_url(s.url),
                        "captures": capture_lines(s.url, captures, t, public=public, links=capture_links)})
    admin = ", ".join(x for x in (text_or_none(row.get(c)) for c in ("admin3", "admin2", "admin1")) if x)
    return {
        "id": row["incident_id"],
        "width": width,
        "location": labels.place(row["location"], t),
        "when": when_text(row, t.dates()),
        "admin": admin,
        "categories": [(labels.category(c, t), CATEGORY_COLOURS[c], text_colour_on(CATEGORY_COLOURS[c]))
                       for c in split_codes(row["perpetrator_category"])],
        "toll": toll_text(row["fatalities_min"], row["fatalities_max"], words=toll_words(t)),
        "injured": text_or_none(row.get("injured")),
        "abducted": text_or_none(row.get("abducted")),
        "perpetrators": text_or_none(row.get("perpetrators")),
        "basis": labels.basis(row.get("attribution_basis"), t),
        "victims": text_or_none(row.get("victims")),
        "breakdown": killed_breakdown(row, t),
        "harms": harms_text(row, t),
        "cause": cause_text(row, t),
        "violation": violation_text(row, t),
        "summary": summary_text(row, t),
        "summary_note": summary_note(row, t),
        "verification": labels.verification(row["verification"], t),
        "grade": grade_words.grade(row["grade"], t) if text_or_none(row.get("grade")) else None,
        "grade_basis": grade_words.grade_basis(row, t) if text_or_none(row.get("grade")) else None,
        "responses": grade_words.responses(row, t),
        "precision": labels.precision(row["geo_precision"], t),
        "geocoded_from": None if public else text_or_none(row.get("geocoded_from")),
        "inclusion_note": text_or_none(row.get("inclusion_note")),
        "sources": sources,
        "dataset": row["dataset"],
        "status": _status_badge(row, public, t),
        **_reports_context(row, reports, t),
    }


def _status_badge(row: Mapping[str, Any], public: bool, t: Translator) -> str | None:
    """The review status of an incident not (yet, or no longer) published, for the team view's cards (issue 14);
    nothing for a published one, and nothing in the public view (which holds published incidents only)."""
    from dashboard.data.workflow_view import STATUS_LABELS

    status = row.get("status")
    if public or not isinstance(status, str) or status == "published" or status not in STATUS_LABELS:
        return None
    return t.gettext(STATUS_LABELS[status])


def _reports_context(row: Mapping[str, Any], reports: Sequence[Mapping[str, Any]] | None, t: Translator) -> dict:
    n = int(row.get("n_reports", 1) or 1)
    columns = report_columns(reports, t) if reports and n > 1 else []
    disputed = None
    if bool(row.get("toll_disputed", False)) and columns:
        unknown = t.pgettext("a toll", "unknown")
        disputed = t.gettext(" vs ").join(dict.fromkeys(c["toll"] for c in columns if c["toll"] != unknown))
    elif bool(row.get("toll_disputed", False)):
        disputed = t.gettext("figures that do not overlap")
    several = n > 1 and (row.get("date_from") != row["incident_id"] or row.get("place_from") != row["incident_id"])
    return {
        "n_reports": n,
        "independent": int(row.get("independent_sources", 0) or 0),
        "disputed": disputed,
        "date_from": row.get("date_from") if several else None,
        "place_from": row.get("place_from") if several else None,
        "reports": columns[:MAX_REPORT_COLUMNS],
        "more_reports": max(0, len(columns) - MAX_REPORT_COLUMNS),
        "report_fields": [(f, t.gettext(label)) for f, label in REPORT_FIELDS],
        "report_ids": text_or_none(row.get("report_ids")),
        "w": card_words(t, row, n, int(row.get("independent_sources", 0) or 0),
                        max(0, len(columns) - MAX_REPORT_COLUMNS), disputed),
    }


# Live in JS template literals (`, ${, \\) and in jinja2 source ({{ }}, {% %}); inert as character references.
_INERT_IN_TEMPLATES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
# Tooltips are plain text (the map builder HTML-escapes them), so character references are not available.
_TOOLTIP_LOOKALIKES = str.maketrans({"`": "\u02cb", "\\": "\u2216", "{": "(", "}": ")"})


def incident_card_html(row: Mapping[str, Any], *, public: bool = False, width: int = 340,
                       reports: Sequence[Mapping[str, Any]] | None = None, t: Translator | None = None,
                       captures: Sequence[Capture] = (), capture_links: Mapping[str, str] | None = None) -> str:
    """The card as escaped HTML that is also inert inside a JS template literal or a jinja2 template; with the
    incident's ``reports`` (records, lead first) it lists them side by side, differences highlighted; with its
    ``captures`` (:func:`incident_captures`) each source says when it was preserved and its hash, with a link to
    the local copy where ``capture_links`` gives one."""
    return CARD.render(**card_context(row, public=public, width=width, reports=reports, t=t, captures=captures,
                                      capture_links=capture_links)).translate(_INERT_IN_TEMPLATES)


def card_list_html(cards: Iterable[str]) -> str:
    """Cards already built by :func:`incident_card_html` (escaped, inert) as one block, one under the other with the
    gap Streamlit leaves between elements: a page draws a list of cards as one element instead of one per card
    (each element is one message to the browser and a share of the server's run, docs/benchmarks.md)."""
    return ('<div class="incident-cards" style="display:flex;flex-direction:column;gap:1rem">'
            + "".join(cards) + "</div>")


def tooltip_text(row: Mapping[str, Any], t: Translator | None = None) -> str:
    """Plain text that starts with the id, so a click maps back (incident ids are restricted to characters
    that need no escaping, see :mod:`dashboard.data.validate`). folium does *not* escape tooltip text: the
    caller HTML-escapes it, and the characters live in folium's JS template literal and jinja2 pass (backtick,
    backslash, braces) are replaced here by look-alikes (a tooltip is a preview; the card keeps the exact text)."""
    t = t or tr()
    toll = toll_text(row["fatalities_min"], row["fatalities_max"], words=toll_words(t))
    text = (f"{row['incident_id']} · {when_text(row, t.dates())} · {labels.place(row['location'], t)[:60]} · "
            + t.gettext("killed: {toll}").format(toll=toll))
    n = int(row.get("n_reports", 1) or 1)
    if n > 1:
        text += " · " + t.ngettext("{n} report", "{n} reports", n).format(n=n)
    return text.translate(_TOOLTIP_LOOKALIKES)


def incident_id_from_tooltip(tooltip: str | None) -> str | None:
    if not tooltip:
        return None
    return tooltip.split(" · ", 1)[0].strip() or None
