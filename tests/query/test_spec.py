from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.data.schema import PERPETRATOR_CATEGORIES
from dashboard.query.scope import scope_choices
from dashboard.query.spec import FilterSpec, SpecError, describe_period

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


@st.composite
def specs(draw):
    start = draw(st.none() | st.dates(date(2015, 1, 1), date(2027, 1, 1)))
    end = draw(st.none() | st.dates(start or date(2015, 1, 1), date(2027, 12, 31)))
    return FilterSpec(
        start=start,
        end=end,
        perpetrator_categories=draw(st.frozensets(st.sampled_from(PERPETRATOR_CATEGORIES))),
        actors=draw(st.frozensets(names.map(str.strip).filter(bool), max_size=3)),
        admin2=draw(st.frozensets(st.sampled_from(["Niono", "Macina", "Ségou", "Bla"]))),
        min_fatalities=draw(st.none() | st.integers(0, 500)),
        geo_precisions=draw(st.frozensets(st.sampled_from([1, 2, 3]))),
        text=draw(st.text(max_size=10)).strip(),
        scope=draw(st.sampled_from(scope_choices())),
    )


@given(specs())
def test_spec_round_trips_through_the_url(spec):
    assert FilterSpec.from_query_params(spec.to_query_params()) == spec


def test_describe_reads_as_a_sentence():
    spec = FilterSpec(
        start=date(2025, 10, 1),
        end=date(2025, 10, 31),
        perpetrator_categories=frozenset({"state_forces", "progov_militia"}),
        admin2=frozenset({"Niono"}),
    )
    assert spec.describe() == (
        "Incidents with civilian victims in the Ségou region, attributed to pro-government militia or state forces, "
        "in Niono, 1–31 Oct 2025"
    )
    assert FilterSpec().describe() == "Incidents with civilian victims in the Ségou region"
    assert FilterSpec(scope="all").describe() == "Incidents of the whole record, related ones included"
    assert "at least 10 killed" in FilterSpec(min_fatalities=10).describe()


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2025, 10, 2), date(2025, 10, 2), "on 2 Oct 2025"),
        (date(2025, 1, 28), date(2025, 2, 12), "28 Jan – 12 Feb 2025"),
        (date(2024, 12, 1), date(2025, 1, 3), "1 Dec 2024 – 3 Jan 2025"),
        (date(2024, 12, 1), None, "from 1 Dec 2024"),
        (None, date(2024, 12, 1), "until 1 Dec 2024"),
        (None, None, ""),
    ],
)
def test_period_wording(start, end, text):
    assert describe_period(start, end) == text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-13-01"}, "from must be a date"),
        ({"cat": ["aliens"]}, "unknown perpetrator category 'aliens'"),
        ({"prec": ["9"]}, "prec must be"),
        ({"min_killed": "many"}, "min_killed must be a whole number"),
        ({"from": "2025-10-31", "to": "2025-10-01"}, "before the start date"),
    ],
)
def test_bad_url_parameters_raise_a_readable_error(params, message):
    with pytest.raises(SpecError, match=message):
        FilterSpec.from_query_params(params)
