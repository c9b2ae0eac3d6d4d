from datetime import date

import pandas as pd
from hypothesis import given, settings

from dashboard.query.aggregate import by_category, totals
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from tests.factories import incidents, row
from tests.query.test_spec import specs

SAMPLE = incidents(
    row(incident_id="kamona", date_start="2025-10-02", fatalities_min="21", fatalities_max="37",
        perpetrators="Malian army; Dozo hunters", perpetrator_category="state_forces;progov_militia"),
    row(incident_id="balle", date_start="2025-10-13", fatalities_min="10", fatalities_max="10",
        perpetrators="Malian soldiers; Dozo", perpetrator_category="state_forces;progov_militia",
        latitude="", longitude="", geo_precision="3"),
    row(incident_id="month", date_start="2025-09-01", date_precision="month", fatalities_min="", fatalities_max="",
        perpetrators="JNIM", perpetrator_category="jihadist_group", admin2="Macina", summary="Siege of a village",
        latitude="13.957173", longitude="-5.362234"),  # the cercle filter reads where the point lies
    row(incident_id="open", date_start="2025-08-19", fatalities_min="6", fatalities_max="",
        perpetrators="Presumed jihadists", perpetrator_category="jihadist_group;unidentified",
        civilian_targeting="false"),
)


def ids(frame):
    return sorted(frame["incident_id"])


def test_dates_select_by_overlap_of_the_incident_span():
    # "month" spans 1-30 Sep 2025: a filter starting on 15 Sep overlaps it.
    assert ids(filter_incidents(SAMPLE, FilterSpec(start=date(2025, 9, 15), end=date(2025, 9, 20)))) == ["month"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31)))) == [
        "balle", "kamona"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(end=date(2025, 8, 19)))) == ["open"]


def test_multi_valued_perpetrators_match_any_category():
    state = FilterSpec(perpetrator_categories=frozenset({"state_forces"}))
    assert ids(filter_incidents(SAMPLE, state)) == ["balle", "kamona"]
    unidentified = FilterSpec(perpetrator_categories=frozenset({"unidentified"}))
    assert ids(filter_incidents(SAMPLE, unidentified)) == ["open"]


def test_actor_names_match_case_insensitively():
    assert ids(filter_incidents(SAMPLE, FilterSpec(actors=frozenset({"dozo"})))) == ["balle", "kamona"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(actors=frozenset({"jnim", "PRESUMED"})))) == ["month", "open"]


def test_unknown_tolls_do_not_pass_a_minimum_and_are_not_zero():
    assert ids(filter_incidents(SAMPLE, FilterSpec(min_fatalities=6))) == ["balle", "kamona", "open"]
    t = totals(SAMPLE)
    assert (t.incidents, t.killed_min, t.killed_max, t.unknown_toll, t.open_ended) == (4, 37, 53, 1, 1)
    assert t.sentence(total=10) == ("Showing 4 of 10 incidents · at least 37 (up to 53+) killed · "
                                    "toll unknown for 1 · no upper bound reported for 1")


def test_other_filters():
    assert ids(filter_incidents(SAMPLE, FilterSpec(admin2=frozenset({"Macina"})))) == ["month"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(geo_precisions=frozenset({3})))) == ["balle"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(text="siege"))) == ["month"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(civilian_only=True))) == ["balle", "kamona", "month"]


def test_breakdown_counts_an_incident_in_each_of_its_categories():
    table = by_category(SAMPLE)
    assert list(table.index) == ["state_forces", "progov_militia", "jihadist_group", "unidentified"]
    assert table.loc["state_forces", "incidents"] == 2
    assert (table.loc["state_forces", "killed_min"], table.loc["state_forces", "killed_max"]) == (31, 47)


@settings(max_examples=60, deadline=None)
@given(spec=specs())
def test_filtering_is_a_subset_and_idempotent(spec):
    once = filter_incidents(SAMPLE, spec)
    assert once.index.isin(SAMPLE.index).all()
    assert filter_incidents(once, spec).equals(once)
    assert isinstance(once, pd.DataFrame)
