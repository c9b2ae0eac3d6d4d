"""Pure filtering of the canonical incident frame by a :class:`FilterSpec`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.query.spec import FilterSpec

SEARCH_COLUMNS = ("summary", "location", "admin2", "admin3", "perpetrators", "victims", "sources")
# Columns whose values repeat (places, names): matched once per distinct value, which is several times faster on
# large frames. Summaries and sources are (nearly) unique per incident and are searched row by row.
REPEATING_COLUMNS = frozenset({"location", "admin2", "admin3", "perpetrators", "victims", "perpetrator_category"})


def filter_mask(incidents: pd.DataFrame, spec: FilterSpec) -> np.ndarray:
    """Boolean mask of the incidents that ``spec`` selects.

    * Dates select by *overlap*: an incident whose span [date_start, date_end] touches the period counts.
    * Multi-valued fields (perpetrator categories) match when any of an incident's values is selected.
    * ``min_fatalities`` compares with the lower bound; an unknown toll does not pass a minimum above 0.
    """
    keep = np.ones(len(incidents), dtype=bool)
    if spec.start is not None:
        keep &= (incidents["date_end"] >= pd.Timestamp(spec.start)).to_numpy()
    if spec.end is not None:
        keep &= (incidents["date_start"] <= pd.Timestamp(spec.end)).to_numpy()
    if spec.perpetrator_categories:
        codes = spec.perpetrator_categories

        def any_code(cats: pd.Series) -> np.ndarray:
            # codes are ";"-separated and none is a substring of another, so a plain substring test is exact
            hit = np.zeros(len(cats), dtype=bool)
            for code in codes:
                hit |= cats.str.contains(code, regex=False).fillna(False).to_numpy(dtype=bool)
            return hit

        keep &= _per_distinct(incidents["perpetrator_category"], any_code)
    if spec.actors:
        pattern = "|".join(re.escape(a) for a in spec.actors)
        keep &= _per_distinct(incidents["perpetrators"], lambda s: s.str.contains(
            pattern, case=False, regex=True).fillna(False).to_numpy(bool))
    for column, wanted in (
        ("event_type", spec.event_types),
        ("admin2", spec.admin2),
        ("verification", spec.verification),
        ("dataset", spec.datasets),
    ):
        if wanted:
            keep &= incidents[column].isin(list(wanted)).to_numpy()
    if spec.geo_precisions:
        keep &= incidents["geo_precision"].isin(list(spec.geo_precisions)).fillna(False).to_numpy(dtype=bool)
    if spec.min_fatalities:
        keep &= (incidents["fatalities_min"] >= spec.min_fatalities).fillna(False).to_numpy(dtype=bool)
    if spec.civilian_only:
        keep &= incidents["civilian_targeting"].fillna(False).to_numpy(dtype=bool)
    if spec.text:
        keep &= _text_mask(incidents, spec.text)
    return keep


def filter_incidents(incidents: pd.DataFrame, spec: FilterSpec) -> pd.DataFrame:
    """The selected incidents (same type as the input; index preserved)."""
    return incidents.loc[filter_mask(incidents, spec)]


def _text_mask(incidents: pd.DataFrame, text: str) -> np.ndarray:
    hit = np.zeros(len(incidents), dtype=bool)

    def contains(s: pd.Series) -> np.ndarray:
        return s.str.contains(text, case=False, regex=False).fillna(False).to_numpy(bool)

    for column in SEARCH_COLUMNS:
        hit |= _per_distinct(incidents[column], contains) if column in REPEATING_COLUMNS else \
            contains(incidents[column])
    return hit


def _per_distinct(values: pd.Series, test) -> np.ndarray:
    """``test`` (a vectorised Series → bool array) evaluated once per distinct value and spread back to the rows;
    a missing value never matches. Exactly ``test(values)`` for tests that treat missing values as no match."""
    if len(values) < 1_000:
        return test(values)
    codes, uniques = pd.factorize(values)
    hit = np.append(np.asarray(test(pd.Series(uniques, dtype=values.dtype)), dtype=bool), False)
    return hit[codes]
