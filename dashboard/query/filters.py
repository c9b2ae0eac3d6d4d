"""Pure filtering of the canonical incident frame by a :class:`FilterSpec`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.query.spec import FilterSpec

SEARCH_COLUMNS = ("summary", "location", "admin2", "admin3", "perpetrators", "victims", "sources")


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
        cats = incidents["perpetrator_category"]
        any_cat = np.zeros(len(incidents), dtype=bool)
        for code in spec.perpetrator_categories:
            # codes are ";"-separated and none is a substring of another, so a plain substring test is exact
            any_cat |= cats.str.contains(code, regex=False).fillna(False).to_numpy(dtype=bool)
        keep &= any_cat
    if spec.actors:
        pattern = "|".join(re.escape(a) for a in spec.actors)
        keep &= incidents["perpetrators"].str.contains(pattern, case=False, regex=True).fillna(False).to_numpy(bool)
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
    for column in SEARCH_COLUMNS:
        hit |= incidents[column].str.contains(text, case=False, regex=False).fillna(False).to_numpy(bool)
    return hit
