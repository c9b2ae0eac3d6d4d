"""Change sets: what a writer asks a store to do in one transaction, and what it answers.

A change set is a list of record changes (insert / update / delete) with one author, one reason and one kind
(``import``, ``edit``, ``delete``, ``restore``, ``create``...). The store applies it whole or not at all, records a
history row for every changed field, and refuses an update or delete based on an old version of a record with a
:class:`ConflictError` that names the change that came in between.
"""

from __future__ import annotations

import getpass
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from dashboard.errors import StoreError, UserError
from dashboard.i18n import N_

__all__ = ["Applied", "Change", "ChangeSet", "ConflictError", "ReasonRequired", "StoreError", "default_author"]

Op = Literal["insert", "update", "delete"]


class ConflictError(StoreError):
    """An edit was based on an older version of a record than the stored one."""

    def __init__(self, record_id: str, expected: int, stored: int | None, by: Mapping | None):
        self.record_id, self.expected, self.stored, self.by = record_id, expected, stored, by
        what = (UserError(N_("has been deleted")) if stored is None
                else UserError(N_("is now at version {version}"), version=stored))
        if by:
            what = UserError(N_("{what}: change set {id} by {author} at {at} ({kind}: {reason})"), what=what,
                             id=by["changeset_id"], author=by["author"], at=by["at"], kind=by["kind"],
                             reason=by["reason"])
        super().__init__(N_("{id}: your edit was based on version {expected}, but the record {what}. Nothing was "
                            "changed; look at the record again (incident-map history {id}) and redo your edit on "
                            "the current version."), id=record_id, expected=expected, what=what)


class ReasonRequired(StoreError):
    """Every change says why."""


@dataclass(frozen=True)
class Change:
    record_id: str
    op: Op
    values: Mapping[str, object] | None = None  # insert: the whole flat record; update: only the changed fields
    expected_version: int | None = None  # update/delete: the version the change was based on (None: current)
    record_type: str = "incident"


@dataclass(frozen=True)
class ChangeSet:
    kind: str
    reason: str
    author: str
    changes: Sequence[Change]
    skip_existing: bool = False  # imports: an insert of a record already stored (key or natural key) is skipped
    detail: Mapping[str, object] = field(default_factory=dict)  # e.g. the imported file's name
    changeset_id: str = field(default_factory=lambda: new_changeset_id())
    at: str = field(default_factory=lambda: utc_now())

    def __post_init__(self) -> None:
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ReasonRequired(N_("every change needs a reason (--reason TEXT): say why the record changes"))


@dataclass(frozen=True)
class Applied:
    """What a change set did."""

    changeset_id: str | None  # None when nothing changed (then nothing was recorded)
    inserted: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # inserts of records already stored
    version: str = ""  # the dataset version after the change set
    base_version: str = ""  # the dataset version it was applied on (an incremental cache build checks it)


def new_changeset_id() -> str:
    """A sortable, unique change-set id: UTC time to the second and 6 random hex digits (cs-20251002T101500-a1b2c3)."""
    return f"cs-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_author(given: str | None = None) -> str:
    """Who is changing the record: ``--author``, else ``$INCIDENT_MAP_AUTHOR``, else the OS user name (a local
    name until accounts exist)."""
    from dashboard.settings import env_author

    for candidate in (given, env_author()):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container without a passwd entry)
        return "unknown"
