"""Setting a grade by hand and recording the accused party's responses: each one change set, validated, with its
author, time and reason in the history (``incident-map history ID`` lists them)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import partial

from dashboard.data.engines.base import Store
from dashboard.data.engines.changes import Applied, Change, ChangeSet, StoreError, default_author
from dashboard.data.engines.editing import edit
from dashboard.data.engines.records import RESPONSE, RESPONSE_KINDS
from dashboard.data.schema import GRADES
from dashboard.data.validate import problems_said
from dashboard.i18n import N_

__all__ = ["RESPONSE_KINDS", "add_response", "response_id", "set_grade"]


def set_grade(store: Store, incident_id: str, grade: str | None, *, reason: str, author: str | None = None) -> Applied:
    """Override the grade of an incident (its lead report, whose id is the incident's), or clear the override
    (``grade`` None). A reason is required: it is kept with the grade and in the history."""
    if not reason or not reason.strip():
        raise StoreError(N_("a grade set by hand needs a reason (--reason)"))
    if grade is not None and grade not in GRADES:
        raise StoreError(N_("the grade must be one of {grades}; got {value}"), grades=", ".join(GRADES),
                         value=repr(grade))
    values = {"grade_override": grade, "grade_override_reason": reason.strip() if grade else None}
    return edit(store, incident_id, values, reason=reason.strip(), author=author)


def response_id(record: Mapping[str, object]) -> str:
    """A stable id from what the response says (the same statement recorded twice is one response)."""
    text = "\x00".join(str(record.get(k) or "") for k in ("incident_id", "date", "party", "kind", "url"))
    return "R-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def add_response(store: Store, incident_id: str, *, date: str, party: str, kind: str, url: str,
                 note: str | None = None, author: str | None = None, at: str, reason: str | None = None) -> Applied:
    """Record a response of the accused party about an incident (validated: known kind, partial date, http(s) URL);
    ``at`` is when it is recorded (UTC, ISO 8601)."""
    if incident_id not in store.current([incident_id]):
        raise StoreError(N_("{id}: no such incident in the store"), id=incident_id)
    who = default_author(author)
    record = {"incident_id": incident_id, "date": date, "party": party, "kind": kind, "url": url,
              "note": note or None, "recorded_by": who, "recorded_at": at}
    record = {"response_id": response_id(record), **record}
    checked = RESPONSE.check([record])
    if len(checked.problems):
        raise StoreError(N_("{id}: the response was not saved: {problems}"), id=incident_id,
                         problems=partial(problems_said, checked.problems))
    if record["response_id"] in store.current([record["response_id"]], RESPONSE):
        raise StoreError(N_("{id}: this response is already recorded ({response})"), id=incident_id,
                         response=record["response_id"])
    why = reason or f"{kind} by {party} ({date}), {url}"
    return store.apply(ChangeSet(kind="edit", reason=why, author=who, changes=[
        Change(record["response_id"], "insert", record, record_type=RESPONSE.name)]))
