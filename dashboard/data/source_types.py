"""What kind of source each source is: NGO investigation, UN, media, official statement, local witness report,
conflict-event dataset, compilation (an encyclopedia, a portal or a copy republishing others), or unknown.

A source's type is the one its file states (the optional ``"type"`` of a source in the ``sources`` JSON: the
native format says it; ACLED and UCDP files say nothing, so their sources are never typed by the import), else the
type of its organisation in ``dashboard/bundled/source_types.csv`` — one rule per organisation with the reason,
matched the way independent sources are counted (:func:`dashboard.data.reconcile.incidents.organisation_key`:
relays dropped, case, accents and punctuation ignored, abbreviations merged) — else ``unknown``. A type is never
guessed from a title or a URL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache

import pandas as pd

from dashboard import bundled
from dashboard.data.reconcile.incidents import organisation_key
from dashboard.data.schema import SOURCE_TYPES

__all__ = ["CORROBORATING", "INVESTIGATING", "TABLE", "organisation_types", "source_type", "typed_sources"]

TABLE = "source_types.csv"
# Types whose sources count as independent corroboration of civilian harm (grading): an official statement is the
# authorities' word (recorded as a response when it denies, admits or announces an inquiry), a dataset or a
# compilation repeats other sources.
CORROBORATING = frozenset({"ngo_investigation", "un", "media", "local_witness", "unknown"})
# Types that investigate on their own (witness interviews, verification): what stands against a denial.
INVESTIGATING = frozenset({"ngo_investigation", "un"})


@cache
def organisation_types() -> Mapping[str, str]:
    """Organisation key → type, from the bundled table (a type not in :data:`SOURCE_TYPES` is an error)."""
    table = pd.read_csv(bundled.path(TABLE), dtype=str, keep_default_na=False, encoding="utf-8")
    bad = sorted(set(table["type"]) - set(SOURCE_TYPES))
    if bad:
        raise ValueError(f"{TABLE}: unknown source type(s) {', '.join(bad)}; known: {', '.join(SOURCE_TYPES)}")
    return {organisation_key(o): t for o, t in zip(table["organisation"], table["type"], strict=True)}


def source_type(organisation: str, stated: str | None = None) -> str:
    """The type of one source: the stated one, else its organisation's, else ``unknown``."""
    if stated:
        return stated
    return organisation_types().get(organisation_key(organisation), "unknown")


@lru_cache(maxsize=1 << 16)
def typed_sources(cell: str) -> tuple[tuple[str, str], ...]:
    """A ``sources`` cell as (organisation key, type) pairs, each organisation once (its first stated type wins)."""
    try:
        items = json.loads(cell)
    except (TypeError, ValueError):
        return ()
    out: dict[str, str] = {}
    for s in items if isinstance(items, list) else ():
        if isinstance(s, dict) and isinstance(s.get("organisation"), str):
            k = organisation_key(s["organisation"])
            if k not in out or s.get("type"):  # a stated type wins over one derived from the organisation
                out[k] = source_type(s["organisation"], s.get("type") or None)
    return tuple(out.items())
