"""A start date in year 0 or before (a proleptic year pandas parses, Python's dates cannot hold) is refused as
before the earliest date, with a given end date beside it: found by the UCDP property test
(tests/hardening/test_properties.py), which crashed on it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.data.validate import validate_flat
from tests.factories import row


@pytest.mark.parametrize("start", ["0000-06-01", "-0001-06-01"])
def test_a_start_before_year_one_with_a_given_end_is_refused_not_a_crash(start):
    flat = pd.DataFrame([row(incident_id="Y-1", date_start=start, date_end="2025-10-03"),
                         row(incident_id="Y-2", date_start="2025-10-02", date_end="2025-10-03")])
    result = validate_flat(flat, source_name="years.csv", today=date(2026, 12, 2))
    assert list(result.valid["incident_id"]) == ["Y-2"]
    refused = result.rejects.to_dict("records")
    assert [(r["row"], r["column"]) for r in refused] == [(0, "date_start")]
    assert refused[0]["problem"].endswith(" is before 1960-01-01, the earliest date accepted; check the year")
