"""The words of the civilian-harm grade (:mod:`dashboard.data.grading`): the grades, the source types and the
one-line basis a card, the table and a briefing show, in the reader's language."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dashboard.data.missing import is_blank
from dashboard.data.schema import GRADES, SOURCE_TYPES, is_http_url
from dashboard.data.source_types import CORROBORATING
from dashboard.i18n import DEFAULT, N_, NP_, Translator, tr

__all__ = ["GRADE_LABELS", "RESPONSE_LABELS", "SOURCE_TYPE_LABELS", "grade", "grade_basis", "responses",
           "source_type"]

GRADE_LABELS = {"confirmed": NP_("grade", "confirmed"), "fair": NP_("grade", "fair"), "weak": NP_("grade", "weak"),
                "contested": NP_("grade", "contested"), "discounted": NP_("grade", "discounted")}
SOURCE_TYPE_LABELS = {"ngo_investigation": N_("NGO investigation"), "un": N_("UN"), "media": N_("media"),
                      "official_statement": N_("official statement"), "local_witness": N_("local witness report"),
                      "dataset": N_("conflict-event dataset"), "compilation": N_("compilation"),
                      "unknown": N_("type unknown")}
RESPONSE_LABELS = {"denial": N_("Denial:"), "admission": N_("Admission:"), "inquiry": N_("Inquiry announced:")}
assert tuple(GRADE_LABELS) == GRADES, "grade_words and schema disagree"
assert tuple(SOURCE_TYPE_LABELS) == SOURCE_TYPES, "grade_words and schema disagree"


def _t(t: Translator | str | None) -> Translator:
    return t if isinstance(t, Translator) else tr(t or DEFAULT)


def grade(code: str, t: Translator | str | None = None) -> str:
    return _t(t).pgettext("grade", code) if code in GRADE_LABELS else str(code)


def source_type(code: str, t: Translator | str | None = None) -> str:
    return _t(t).gettext(SOURCE_TYPE_LABELS.get(code, code))


def grade_basis(row: Mapping[str, Any], t: Translator | str | None = None) -> str:
    """Why the incident has its grade, in one line (from the columns :func:`grading.grade_frame` adds)."""
    t = _t(t)
    rule = row.get("grade_rule")
    n = int(row.get("corroborating_sources") or 0)
    codes = [c for c in str(row.get("source_types") or "").split(";") if c]
    counted = [c for c in codes if c in CORROBORATING]  # the kinds of the independent sources counted
    types = ", ".join(source_type(c, t) for c in (codes if rule == "no_independent_source" else counted))
    if rule == "override":
        reason = row.get("grade_reason")
        return t.gettext("set by a person: {reason}").format(reason="" if is_blank(reason) else reason)
    if rule == "admitted":
        line = t.gettext("the accused party admitted responsibility")
    elif rule == "perpetrators_disagree":
        line = t.gettext("its reports name different perpetrators")
    elif rule == "denied_uninvestigated":
        line = t.gettext("denied by the accused party, and no NGO or UN investigation among its sources")
    elif rule == "no_independent_source":
        line = t.gettext("no independent source, only: {types}").format(types=types)
    else:
        line = t.ngettext("{n} independent source ({types})", "{n} independent sources ({types})", n).format(
            n=n, types=types)
    extras = []
    if row.get("denied") and rule != "denied_uninvestigated":
        extras.append(t.gettext("denied by the accused party"))
    if row.get("toll_disputed"):
        extras.append(t.gettext("tolls disagree across reports"))
    return "; ".join([line, *extras])


def responses(row: Mapping[str, Any], t: Translator | str | None = None) -> list[dict]:
    """The accused party's responses of a card's incident (the ``responses`` column :func:`grading.grade_frame`
    adds): "Denial: Malian government, 1 Nov 2021" linked to its URL (http(s) only), with its note."""
    t = _t(t)
    cell = row.get("responses")
    if is_blank(cell):
        return []
    out = []
    for r in json.loads(cell):
        out.append({"label": t.gettext(RESPONSE_LABELS.get(r.get("kind"), r.get("kind") or "")),
                    "what": f"{r.get('party') or ''}, {r.get('date') or ''}", "url": r.get("url"),
                    "link": is_http_url(r.get("url")), "note": r.get("note")})
    return out
