"""Named victims (issue 16, item 3): private records a team keeps beside the incidents.

A named victim is a record of its own type (:data:`dashboard.data.engines.records.NAMED_VICTIM`, table
``named_victims``, migration 0009_harms): the incident it belongs to, the name, sex and age where known, what was
done to them (``killed`` or a harm type), who recorded it and when. Adding one is a change set like any other, so
the history says who recorded which name, when and why.

They are PRIVATE. Nothing that builds an incident frame reads this table (``read_store``/``load_store`` read only
the incidents, decisions and licences), so no view, public mode, export or briefing can carry a name; only the
functions below return them, for a team's own use. ``tests/data/test_named_victims.py`` holds that line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from dashboard.data.engines.base import Store
from dashboard.data.engines.changes import Applied, Change, ChangeSet, default_author
from dashboard.data.engines.records import NAMED_VICTIM
from dashboard.data.validate import problems_said
from dashboard.errors import StoreError
from dashboard.i18n import N_


def record_named_victims(store: Store, victims: Iterable[Mapping[str, object]], *, reason: str,
                         author: str | None = None) -> Applied:
    """Add named victims (flat records with the fields of :data:`NAMED_VICTIM`) in one change set; refused whole,
    with every problem named, when one of them is not valid."""
    records = [{n: v.get(n) for n in NAMED_VICTIM.names} for v in victims]
    problems = NAMED_VICTIM.check(records).problems
    if len(problems):
        said = partial(problems_said, problems, form=N_("row {row}: {column} {problem}"))
        raise StoreError(N_("named victims not recorded: {problems}"), problems=said)
    changes = [Change(record_id=str(r["victim_id"]), op="insert", record_type=NAMED_VICTIM.name, values=r)
               for r in records]
    return store.apply(ChangeSet(kind="named_victims", reason=reason, author=default_author(author), changes=changes))


def named_victims(store: Store, incident_id: str | None = None) -> list[dict]:
    """The named victims stored (of one incident, when given), in the order they were recorded."""
    return [r for _, r in store.records(NAMED_VICTIM).values()
            if incident_id is None or r["incident_id"] == incident_id]
