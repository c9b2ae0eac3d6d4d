"""Pure filtering of the canonical incident frame by a :class:`FilterSpec`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.data.search import SEARCH_COLUMNS, SearchIndex, text_mask
from dashboard.query.spec import FilterSpec

__all__ = ["SEARCH_COLUMNS", "filter_incidents", "filter_mask"]


def filter_mask(incidents: pd.DataFrame, spec: FilterSpec, search: SearchIndex | None = None) -> np.ndarray:
    """Boolean mask of the incidents that ``spec`` selects.

    * Dates select by *overlap*: an incident whose span [date_start, date_end] touches the period counts.
    * Multi-valued fields (perpetrator categories) match when any of an incident's values is selected.
    * ``min_fatalities`` compares with the lower bound; an unknown toll does not pass a minimum above 0.
    * ``text`` ignores case and accents and searches :data:`SEARCH_COLUMNS` (see :mod:`dashboard.data.search`),
      through ``search`` when given: the index built for exactly this frame, which answers in milliseconds.
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
        keep &= text_mask(incidents, spec.text, search)
    return keep


def filter_incidents(incidents: pd.DataFrame, spec: FilterSpec, search: SearchIndex | None = None) -> pd.DataFrame:
    """The selected incidents (same type as the input; index preserved)."""
    return incidents.loc[filter_mask(incidents, spec, search)]


def _per_distinct(values: pd.Series, test) -> np.ndarray:
    """``test`` (a vectorised Series → bool array) evaluated once per distinct value and spread back to the rows;
    a missing value never matches. Exactly ``test(values)`` for tests that treat missing values as no match."""
    if len(values) < 1_000:
        return test(values)
    codes, uniques = pd.factorize(values)
    hit = np.append(np.asarray(test(pd.Series(uniques, dtype=values.dtype)), dtype=bool), False)
    return hit[codes]
