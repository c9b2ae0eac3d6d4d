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
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import bundled
from dashboard.data.reconcile.incidents import organisation_key
from dashboard.data.schema import SOURCE_TYPES

__all__ = ["CORROBORATING", "INVESTIGATING", "TABLE", "SourceProfile", "organisation_types", "source_profile",
           "source_type", "typed_sources"]

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


@dataclass(frozen=True)
class SourceProfile:
    """For each ``sources`` cell: its independent sources (distinct organisations of a corroborating type), whether
    an NGO investigation or UN source is among them, and the types of all its organisations (sorted, ``;``-joined)."""

    corroborating: np.ndarray
    investigated: np.ndarray
    types: list[str]


def _pairs(cells: pa.Array) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(owner cell of each organisation named, the distinct names, each one's index among them): the
    ``"organisation": "..."`` members found by a regular expression, as :func:`organisation_counts` finds them."""
    parts = pc.split_pattern_regex(cells, r'"organisation"\s*:\s*"')
    pieces = pc.list_flatten(parts)
    parent = pc.list_parent_indices(parts).to_numpy()
    after = np.arange(len(pieces)) - parts.offsets.to_numpy()[parent] > 0
    names = pc.extract_regex(pieces.filter(pa.array(after)), r'^(?P<o>(?:[^"\\]|\\.)*)"').field("o")
    encoded = names.dictionary_encode()
    distinct = [json.loads(f'"{u}"') if "\\" in u else u for u in encoded.dictionary.to_pylist()]
    return parent[after], distinct, encoded.indices.to_numpy(zero_copy_only=False)


def source_profile(sources: pd.Series) -> SourceProfile:
    """:class:`SourceProfile` of each cell, vectorised (a million cells decoded one by one take far too long): the
    organisations found with Arrow, typed once per distinct name; a cell that states a type is decoded whole."""
    n = len(sources)
    cells = pa.array(sources, type=pa.large_string(), from_pandas=True)
    owner, names, codes = _pairs(cells) if n else (np.zeros(0, np.int64), [], np.zeros(0, np.int64))
    keys = [organisation_key(name) for name in names]
    key_codes, key_names = pd.factorize(pd.Series(keys, dtype=object))
    table = organisation_types()
    type_of_key = np.array([SOURCE_TYPES.index(table.get(k, "unknown")) for k in key_names], dtype=np.int64)
    width = max(len(key_names), 1)
    pairs = np.unique(owner * width + key_codes[codes]) if len(owner) else np.zeros(0, np.int64)
    pair_owner, pair_type = pairs // width, type_of_key[pairs % width] if len(pairs) else np.zeros(0, np.int64)
    corroborating_type = np.array([t in CORROBORATING for t in SOURCE_TYPES])
    investigating_type = np.array([t in INVESTIGATING for t in SOURCE_TYPES])
    corroborating = np.bincount(pair_owner[corroborating_type[pair_type]], minlength=n).astype(np.int64)
    investigated = np.bincount(pair_owner[investigating_type[pair_type]], minlength=n) > 0
    masks = np.zeros(n, dtype=np.int64)
    kinds = np.unique(pair_owner * len(SOURCE_TYPES) + pair_type)
    np.add.at(masks, kinds // len(SOURCE_TYPES), 1 << (kinds % len(SOURCE_TYPES)))
    words = {m: ";".join(sorted(t for i, t in enumerate(SOURCE_TYPES) if m >> i & 1)) for m in np.unique(masks)}
    types = [words[m] for m in masks]
    stated = np.flatnonzero(pc.match_substring_regex(cells, r'"type"\s*:').to_numpy(zero_copy_only=False)
                            if n else np.zeros(0, bool))
    for i in stated:  # a stated type wins over the organisation's: decode these few cells whole
        typed = typed_sources(sources.iat[i])
        corroborating[i] = sum(t in CORROBORATING for _, t in typed)
        investigated[i] = any(t in INVESTIGATING for _, t in typed)
        types[i] = ";".join(sorted({t for _, t in typed}))
    return SourceProfile(corroborating=corroborating, investigated=investigated, types=types)
