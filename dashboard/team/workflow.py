"""The review workflow: each report's status and the transitions between them, each a change set in the history
with the account and the reason (or comment).

::

    draft ──submit──▶ in_review ──publish──▶ published
      ▲                  │                      │
      └───send_back──────┘                      │
    any but withdrawn ──withdraw (reason)──▶ withdrawn ──reopen──▶ draft

A report with no workflow record is published (records stored before the workflow existed were public; see
migration 0006_workflow). A reviewer cannot publish or send back a report whose last change (of its content) is
their own: a second person reviews. Editing a report that is in review or published puts it back to draft in the
same change set (:mod:`.writes`): what the public sees has always been reviewed as it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.data.engines import Applied, Change, ChangeSet, Store
from dashboard.data.engines.records import INCIDENT, WORKFLOW, WORKFLOW_STATUSES
from dashboard.data.workflow_view import DEFAULT, RANK, STATUS_LABELS
from dashboard.i18n import N_, Phrase, Translator
from dashboard.team.errors import TeamError, WorkflowError
from dashboard.team.permissions import Account, Said, require

__all__ = ["DEFAULT", "STATUS_LABELS", "TRANSITIONS", "Transition", "incident_status", "last_content_author",
           "status_change", "status_of", "statuses", "transition"]



@dataclass(frozen=True)
class Transition:
    action: str  # also the permission (dashboard.team.permissions.ACTIONS) and the change set's kind
    sources: tuple[str, ...]  # the statuses it starts from
    target: str
    needs_note: bool  # a comment or reason is required beyond the change's reason (kept in the record)
    second_person: bool  # refused to the author of the report's last change


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("submit", ("draft",), "in_review", False, False),
    Transition("publish", ("in_review",), "published", False, True),
    Transition("send_back", ("in_review",), "draft", True, True),
    Transition("withdraw", ("draft", "in_review", "published"), "withdrawn", True, False),
    Transition("reopen", ("withdrawn",), "draft", False, False),
)}


@dataclass(frozen=True)
class _Either:
    """Statuses as a field of a refusal ("draft / in review"), said in the refusal's language."""

    statuses: tuple[str, ...]

    def __call__(self, t: Translator) -> str:
        return " / ".join(t.gettext(STATUS_LABELS[s]) for s in self.statuses)


def statuses(store: Store) -> dict[str, str]:
    """Report id → status, for the reports that have a workflow record (the others are :data:`DEFAULT`)."""
    return {key: record["status"] for key, (_, record) in store.records(WORKFLOW).items()}


def status_of(store: Store, report_id: str) -> tuple[str, int | None, str | None]:
    """(status, version of its workflow record or None, note) of one report."""
    found = store.current([report_id], WORKFLOW)
    if report_id not in found:
        return DEFAULT, None, None
    version, record = found[report_id]
    return record["status"], version, record.get("note")


def incident_status(report_statuses: list[str]) -> str:
    """The status an incident of several reports shows: the one of its reports furthest from publication."""
    return min(report_statuses, key=RANK.__getitem__) if report_statuses else DEFAULT


def status_change(store: Store, report_id: str, target: str, note: str | None = None) -> Change:
    """The workflow change that sets a report's status (an insert when it has no workflow record yet)."""
    if target not in WORKFLOW_STATUSES:
        raise ValueError(f"unknown status {target!r}")
    _, version, _ = status_of(store, report_id)
    record = {"incident_id": report_id, "status": target, "note": note}
    if version is None:
        return Change(report_id, "insert", record, record_type=WORKFLOW.name)
    return Change(report_id, "update", {"status": target, "note": note}, expected_version=version,
                  record_type=WORKFLOW.name)


def last_content_author(store: Store, report_id: str) -> str | None:
    """Who made the last change to the report's content (its incident record), from the history."""
    entries = store.history(report_id, INCIDENT)
    return entries[-1].author if entries else None


def transition(store: Store, account: Account, report_id: str, action: str, *, reason: str,
               detail: Mapping[str, object] | None = None) -> Applied:
    """Move a report along the workflow as ``account`` (its role checked first), recorded with ``reason`` (for
    ``send_back`` the comment to the editor, for ``withdraw`` the reason; kept in the workflow record too)."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise TeamError(N_("Unknown workflow action {action!r}."), action=action)
    require(account, action)
    if not store.current([report_id], INCIDENT):
        raise TeamError(N_("{id}: no such incident in the store."), id=report_id)
    if not (reason or "").strip():
        raise WorkflowError(N_("Say why: a reason (or, to send back, a comment) is required."))
    status, _, _ = status_of(store, report_id)
    if status not in step.sources:
        raise WorkflowError(N_("{id} is {status}: {action} is only for a report that is {allowed}."), id=report_id,
                            status=Phrase(STATUS_LABELS[status]), action=Said(action), allowed=_Either(step.sources))
    if step.second_person and last_content_author(store, report_id) == account.name:
        raise WorkflowError(N_("{id}: you made its last change, so another reviewer must {action} it."),
                            id=report_id, action=Said(action))
    note = reason.strip() if step.needs_note else None
    cs = ChangeSet(kind=action, reason=reason, author=account.name, detail=dict(detail or {}),
                   changes=[status_change(store, report_id, step.target, note)])
    return store.apply(cs)


def review_history(store: Store, report_id: str) -> list[dict]:
    """The report's workflow changes, oldest first: when, change set, kind (submit, publish...), who, why, and
    the status it moved to (a report created before the workflow has none)."""
    out: list[dict] = []
    for e in store.history(report_id, WORKFLOW):
        status = (e.after or {}).get("status") if e.field is None else e.after if e.field == "status" else None
        if out and out[-1]["changeset_id"] == e.changeset_id:
            out[-1]["status"] = status or out[-1]["status"]
            continue
        out.append({"changeset_id": e.changeset_id, "kind": e.kind, "author": e.author, "at": e.at,
                    "reason": e.reason, "status": status})
    return out
