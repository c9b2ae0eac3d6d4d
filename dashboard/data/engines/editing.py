"""Single-record changes on top of a store: edit fields, delete, restore a past state; and reading a record's past.

An edit is validated exactly like an import (the record type's ``check``: the pandera model and the import
rules) before anything is written; the record's version is checked in the same transaction as the write.

A past state is rebuilt from the history alone: start from the record as stored now (or nothing, if deleted) and
undo, newest first, every change after the chosen change set (an update's field goes back to its ``before``; a
creation is undone to nothing; a deletion to the ``before`` record). A restore applies that state as a new change
set of kind ``restore``; nothing in the history is ever rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from dashboard.data.engines.base import HistoryEntry, Store, ValidationFailed
from dashboard.data.engines.changes import Applied, Change, ChangeSet, StoreError, default_author
from dashboard.data.engines.records import INCIDENT, RecordType
from dashboard.data.validate import problems_said
from dashboard.i18n import N_


def _check_one(rtype: RecordType, record: dict) -> dict:
    checked = rtype.check([record])
    if len(checked.problems):
        lines = [f"  {p.column}: {p.problem}" + (f" (value: {str(p.value)[:80]})" if p.value is not None else "")
                 for p in checked.problems.itertuples(index=False)]
        exc = ValidationFailed(N_("{id}: the change was not saved; the record would not be valid: {problems}"),
                               id=record.get(rtype.key), problems=partial(problems_said, checked.problems,
                                                valued=N_("{column}: {problem} (value: {value})")),
                               detail="\n".join(lines))
        exc.problems = checked.problems  # (row, column, problem, value): what a form shows beside each field
        raise exc
    return next(iter(checked.records.values()))


def parse_assignments(items: list[str], rtype: RecordType = INCIDENT) -> dict[str, object]:
    """``["fatalities_max=38", "summary="]`` → ``{"fatalities_max": "38", "summary": None}`` (empty: unknown)."""
    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise StoreError(N_("--set {item}: write FIELD=VALUE (an empty VALUE makes the field unknown)"),
                             item=repr(item))
        if name not in rtype.names:
            raise StoreError(N_("--set {item}: {name} is not a field of a {kind}; fields: {fields}"), item=repr(item),
                             name=repr(name), kind=rtype.name, fields=", ".join(rtype.names))
        if name == rtype.key:
            raise StoreError(N_("--set {item}: the {key} identifies the record and cannot be edited"),
                             item=repr(item), key=rtype.key)
        out[name] = value if value.strip() else None
    return out


def edit_change(store: Store, record_id: str, values: Mapping[str, object], *, expected_version: int | None = None,
                rtype: RecordType = INCIDENT) -> Change:
    """The validated update of :func:`edit` (not applied): for callers that write it with other changes."""
    stored = store.current([record_id], rtype)
    if record_id not in stored:
        raise StoreError(N_("{id}: no such {kind} in the store"), id=record_id, kind=rtype.name)
    version, old = stored[record_id]
    merged = {**old, **dict(values)}
    new = _check_one(rtype, rtype.derive(merged, values) if rtype.derive else merged)
    diff = {n: v for n, v in new.items() if old.get(n) != v}
    return Change(record_id, "update", diff, expected_version=version if expected_version is None else expected_version,
                  record_type=rtype.name)


def edit(store: Store, record_id: str, values: Mapping[str, object], *, reason: str, author: str | None = None,
         expected_version: int | None = None, rtype: RecordType = INCIDENT) -> Applied:
    """Change some fields of one record (validated like an import); refused if the record is no longer at
    ``expected_version`` (default: the version read here, so a change landing in between is refused too)."""
    change = edit_change(store, record_id, values, expected_version=expected_version, rtype=rtype)
    return store.apply(ChangeSet(kind="edit", reason=reason, author=default_author(author), changes=[change]))


def check_new(record: dict, rtype: RecordType = INCIDENT) -> dict:
    """A new record validated like an import (:class:`ValidationFailed` listing every problem)."""
    return _check_one(rtype, record)


def delete(store: Store, record_id: str, *, reason: str, author: str | None = None,
           expected_version: int | None = None, rtype: RecordType = INCIDENT) -> Applied:
    stored = store.current([record_id], rtype)
    if record_id not in stored:
        raise StoreError(N_("{id}: no such {kind} in the store"), id=record_id, kind=rtype.name)
    version = stored[record_id][0] if expected_version is None else expected_version
    return store.apply(ChangeSet(kind="delete", reason=reason, author=default_author(author), changes=[
        Change(record_id, "delete", expected_version=version, record_type=rtype.name)]))


def state_after(entries: list[HistoryEntry], current: dict | None, changeset_id: str) -> dict | None:
    """The record as it was right after ``changeset_id`` (one of ``entries``, a record's history oldest first),
    rebuilt from ``current`` (None: deleted) by undoing every later change."""
    versions = [e.version for e in entries if e.changeset_id == changeset_id]
    if not versions:
        raise StoreError(N_("change set {id} did not change this record; its history lists the change sets that "
                            "did"), id=changeset_id)
    target = max(versions)
    state = None if current is None else dict(current)
    for entry in reversed(entries):
        if entry.version <= target:
            break
        if entry.field is None:
            state = entry.before  # undo a creation (None) or a deletion (the record before it)
        else:
            if state is None:
                raise StoreError(N_("the history of {id} is inconsistent at version {version}"),
                                 id=entry.record_id, version=entry.version)
            state[entry.field] = entry.before
    return None if state is None else dict(state)


def restore(store: Store, record_id: str, changeset_id: str, *, reason: str, author: str | None = None,
            rtype: RecordType = INCIDENT) -> Applied:
    """Bring a record back to its state right after ``changeset_id``, as a new change set (kind ``restore``)."""
    entries = store.history(record_id, rtype)
    if not entries:
        raise StoreError(N_("{id}: no such {kind} in the store's history"), id=record_id, kind=rtype.name)
    stored = store.current([record_id], rtype)
    version, current = stored.get(record_id, (None, None))
    target = state_after(entries, current, changeset_id)
    if target is None and current is None:
        change = None
    elif target is None:
        change = Change(record_id, "delete", expected_version=version, record_type=rtype.name)
    elif current is None:
        change = Change(record_id, "insert", _check_one(rtype, target), record_type=rtype.name)
    else:
        new = _check_one(rtype, target)
        change = Change(record_id, "update", {n: v for n, v in new.items() if current.get(n) != v},
                        expected_version=version, record_type=rtype.name)
    cs = ChangeSet(kind="restore", reason=reason, author=default_author(author), changes=[change] if change else [],
                   detail={"restored_to": changeset_id})
    return store.apply(cs)


def history_document(record_id: str, entries: list[HistoryEntry], version: int | None) -> dict:
    """One object per change set and record touching the record, oldest first, each with its field changes. The
    entries may also hold the record's captures and their custody events (:func:`dashboard.data.captures.
    report_history`), merged by time; each change says its ``record_type``."""
    changes: list[dict] = []
    for e in sorted(entries, key=lambda e: e.at):  # stable: one record's entries keep their order
        if not changes or (changes[-1]["changeset_id"], changes[-1]["record_id"]) != (e.changeset_id, e.record_id):
            changes.append({"changeset_id": e.changeset_id, "kind": e.kind, "author": e.author, "at": e.at,
                            "reason": e.reason, "version": e.version, "record_type": e.record_type,
                            "record_id": e.record_id, "fields": []})
        if e.field is None:
            changes[-1]["action"] = ("created" if e.version == 1 else "re-created") if e.before is None else "deleted"
            changes[-1]["record"] = e.after if e.before is None else e.before
        else:
            changes[-1].setdefault("action", "changed")
            changes[-1]["fields"].append({"field": e.field, "before": e.before, "after": e.after})
    return {"record_id": record_id, "current_version": version, "deleted": version is None and bool(entries),
            "changes": changes}
