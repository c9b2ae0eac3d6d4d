"""What the app's forms need, kept out of the UI so it is tested without Streamlit: the fields a form shows (with
plain labels), a form's values as a flat record, a source appended to a record's ``sources``, and a validation
failure as one plain message per field."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from dashboard.data.schema import parse_sources
from dashboard.data.validate import SAID_COLUMN, problem_text
from dashboard.i18n import N_, Translator

# the fields the add and edit forms show, in order, with their labels (the others stay unknown / as stored)
FORM_FIELDS: dict[str, str] = {
    "date_start": N_("First day (YYYY-MM-DD, or YYYY-MM / YYYY)"),
    "date_end": N_("Last day (empty: the first day)"),
    "date_precision": N_("Date known to the"),
    "location": N_("Place as reported"),
    "admin2": N_("Cercle as reported"),
    "admin3": N_("Commune as reported"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "geo_precision": N_("Location precision (1 exact, 2 near a named place, 3 region only)"),
    "event_type": N_("Event type"),
    "sub_event_type": N_("Sub-event type"),
    "perpetrators": N_("Alleged perpetrators as reported (; between names)"),
    "perpetrator_category": N_("Perpetrator categories (; between codes)"),
    "attribution_basis": N_("Basis of the attribution"),
    "victims": N_("Victims"),
    "fatalities_min": N_("Killed, at least"),
    "fatalities_max": N_("Killed, at most"),
    "summary": N_("Summary"),
    "summary_fr": N_("Summary in French"),
    "verification": N_("Verification"),
    "verification_note": N_("How the sources know (internal)"),
}
SOURCES_LABEL = N_("Sources")


def record_from_form(values: Mapping[str, object]) -> dict:
    """Form values as flat values: blanks are unknown (None), text is stripped; nothing else is guessed (the
    validation says what is wrong)."""
    out: dict = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        out[name] = None if value in ("", None) else value
    return out


def with_source(sources: str | None, organisation: str, title: str, url: str, published: str) -> str:
    """``sources`` (the record's JSON list, or nothing) with one more source; a source already listed (same URL)
    is replaced, which is how a source is corrected."""
    listed = _sources(sources)
    new = {"organisation": organisation.strip(), "title": title.strip(), "url": url.strip(),
           "published": published.strip() or None}
    kept = [s for s in listed if s.get("url") != new["url"]]
    return json.dumps([*kept, new], ensure_ascii=False)


def _sources(text: str | None) -> list:
    if not text:
        return []
    try:
        return [dict(organisation=s.organisation, title=s.title, url=s.url, published=s.published)
                for s in parse_sources(text)]
    except Exception:  # an unreadable list is replaced by the new source alone; the validation checks the result
        return []


def field_messages(problems: pd.DataFrame, t: Translator) -> dict[str, list[str]]:
    """A validation failure's problems (row, column, problem, value) as plain messages by field (the form's label
    when it has one): what the form shows beside each field."""
    out: dict[str, list[str]] = {}
    for p in problems.itertuples(index=False):
        column = str(p.column)
        label = FORM_FIELDS.get(column) or (SOURCES_LABEL if column == "sources" else column)
        out.setdefault(column, []).append(t.gettext("{field}: {problem}").format(field=t.gettext(label),
                                                                                problem=problem_text(p.problem, getattr(p, SAID_COLUMN, None), t)))
    return out
