"""The writes an account makes to incidents (the forms and ``incident-map edit``): each checks the role first
(:func:`~dashboard.team.permissions.require`), validates like an import (nothing saved when invalid, every problem
named), uses the record's version (a stale edit is refused with what changed meanwhile: ``ConflictError``), and
writes one change set with the account as author and the required reason.

* :func:`create_incident`: a new report of dataset ``user`` (id ``APP-…`` unless given), status ``draft``.
* :func:`edit_incident`: fields of one report; one that was in review or published goes back to ``draft`` in the
  same change set, so what the public sees has always been reviewed as it stands.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from dashboard.data.engines import Applied, Change, ChangeSet, Store
from dashboard.data.engines.editing import check_new, edit_change
from dashboard.data.engines.records import INCIDENT
from dashboard.data.provenance import USER_DATASET
from dashboard.i18n import N_
from dashboard.team.errors import TeamError
from dashboard.team.permissions import Account, require
from dashboard.team.workflow import status_change, status_of


def new_incident_id(now: datetime) -> str:
    """``APP-20261130-a1b2c3``: the day it was recorded and 6 random hex digits."""
    return f"APP-{now:%Y%m%d}-{secrets.token_hex(3)}"


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise TeamError(N_("Every change needs a reason: say why the record changes."))
    return reason.strip()


def create_incident(store: Store, account: Account, values: Mapping[str, object], *, reason: str,
                    now: datetime) -> Applied:
    """Add a report (a ``draft``) from the form's values (flat fields; unknown ones left out or None)."""
    require(account, "create")
    reason = _reason(reason)
    record = {n: None for n in INCIDENT.names}
    record.update({k: v for k, v in values.items() if k in record})
    record["incident_id"] = record["incident_id"] or new_incident_id(now)
    record["dataset"] = record["dataset"] or USER_DATASET
    record["source_record_id"] = record["source_record_id"] or record["incident_id"]
    checked = check_new(record)
    return store.apply(ChangeSet(kind="create", reason=reason, author=account.name, changes=[
        Change(checked["incident_id"], "insert", checked),
        status_change(store, checked["incident_id"], "draft")]))


def edit_incident(store: Store, account: Account, report_id: str, values: Mapping[str, object], *, reason: str,
                  expected_version: int | None) -> Applied:
    """Change fields of one report as ``account``, based on ``expected_version`` (what the editor saw)."""
    require(account, "edit")
    reason = _reason(reason)
    change = edit_change(store, report_id, values, expected_version=expected_version)
    changes: list[Change] = [change]
    status, _, _ = status_of(store, report_id)
    if change.values and status in ("in_review", "published"):
        changes.append(status_change(store, report_id, "draft"))
    return store.apply(ChangeSet(kind="edit", reason=reason, author=account.name, changes=changes))


def add_report(location, account: Account, of_report: str, values: Mapping[str, object], *, reason: str,
               now: datetime) -> str:
    """Add a report (a draft, as :func:`create_incident`) of the incident that ``of_report`` belongs to, and link
    the two (a person's ``linked`` decision with this account and reason): two change sets, the report's then the
    link's. Returns the new report's id."""
    from dashboard.data import decide
    from dashboard.data.store import open_store

    require(account, "edit")
    store = open_store(location)
    if of_report not in store.current([of_report]):
        raise TeamError(N_("{id}: no such incident in the store."), id=of_report)
    applied = create_incident(store, account, values, reason=reason, now=now)
    new_id = applied.inserted[0]
    decide.link(location, of_report, new_id, reason=reason, author=account.name, now=now)
    return new_id
