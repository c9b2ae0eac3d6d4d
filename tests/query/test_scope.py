"""The default count: incidents with civilian victims inside the Ségou region; the related incidents of the record are
left out and said (issue 19, item 2)."""

from __future__ import annotations

import pandas as pd

from dashboard.data.store import load_bundled
from dashboard.query.aggregate import totals
from dashboard.query.filters import filter_incidents
from dashboard.query.scope import DEFAULT_SCOPE, in_region, left_out
from dashboard.query.spec import FilterSpec
from tests.factories import incidents, row

SAMPLE = incidents(
    row(incident_id="kamona"),
    row(incident_id="acled", admin1="Segou", source_record_id="A"),  # ACLED writes no accent
    row(incident_id="ucdp", admin1="Ségou region", source_record_id="U"),  # UCDP's adm_1
    row(incident_id="san", admin1="région de San", source_record_id="S"),  # a 2023 region carved from Ségou
    row(incident_id="dioura", admin1="Mopti", source_record_id="M"),
    row(incident_id="nowhere", admin1="", admin2="", admin3="", latitude="", longitude="", geo_precision="3",
        source_record_id="N"),  # no region named, no point: not known to be inside
    row(incident_id="pointed", admin1="", source_record_id="P"),  # no region named, a point in Niono cercle
    row(incident_id="militia", civilian_targeting="false", source_record_id="F",
        inclusion_note="The dead were Dozo hunters"),
    row(incident_id="uncoded", civilian_targeting="", source_record_id="X"),
)


def ids(frame):
    return sorted(frame["incident_id"])


def test_the_default_counts_civilian_victims_inside_the_region():
    assert FilterSpec().scope == DEFAULT_SCOPE
    assert ids(filter_incidents(SAMPLE, FilterSpec())) == ["acled", "kamona", "pointed", "san", "ucdp"]
    assert ids(filter_incidents(SAMPLE, FilterSpec(scope="civilian"))) == [
        "acled", "dioura", "kamona", "nowhere", "pointed", "san", "ucdp"]
    assert len(filter_incidents(SAMPLE, FilterSpec(scope="all"))) == len(SAMPLE)


def test_a_region_is_recognised_in_the_spellings_sources_use_and_an_empty_one_is_not_inside():
    inside = dict(zip(SAMPLE["incident_id"], in_region(SAMPLE), strict=True))
    assert inside == {"kamona": True, "acled": True, "ucdp": True, "san": True, "dioura": False, "nowhere": False,
                      "pointed": True, "militia": True, "uncoded": True}
    # a named other region stays outside even where the point lies in a Ségou cercle (validate lists the disagreement)
    assert SAMPLE.set_index("incident_id").loc["dioura", "cercle_pcode"] == "ML0405"


def test_what_is_left_out_is_counted_by_reason_once_each():
    counted = filter_incidents(SAMPLE, FilterSpec())
    left = left_out(counted, filter_incidents(SAMPLE, FilterSpec(scope="all")))
    assert ids(left.incidents) == ["dioura", "militia", "nowhere", "uncoded"]
    assert (left.not_civilian, left.civilian_unknown, left.outside, left.region_unknown) == (1, 1, 1, 1)
    assert left.sentence() == (
        "+ 4 related incidents not counted: 1 whose victims were not civilians targeted as such (combatants, "
        "officials, indirect deaths, accidents, aggregate reports); 1 whose targeting of civilians is not recorded; "
        "1 outside the Ségou region; 1 whose region is not recorded")


def test_the_bundled_record_by_default_leaves_out_the_rows_its_readme_lists():
    """dashboard/bundled/README.md: 14 rows are not civilian targeting, one civilian-victim row is in Mopti, and
    the civilian-targeting rows in Ségou region have a lower-bound total of 386 (the curated record; the UCDP layer
    is its own dataset)."""
    bundled = load_bundled()
    bundled = bundled[bundled["dataset"] == "segou-curated"]
    counted = filter_incidents(bundled, FilterSpec())
    everything = filter_incidents(bundled, FilterSpec(scope="all"))
    left = left_out(counted, everything)
    assert len(counted) + len(left) == len(bundled)
    assert (left.not_civilian, left.outside) == (int((bundled["civilian_targeting"] == False).sum()),  # noqa: E712
                                                 1)
    assert set(left.incidents["incident_id"]) >= {"SEG-2023-002", "SEG-2021-001", "SEG-2025-001"}  # grenade, siege
    assert left.incidents["inclusion_note"].notna().all()  # each says why it is in the record
    assert totals(counted).killed_min == 386
    assert left.sentence().startswith(f"+ {len(left)} related incidents not counted: ")


def test_the_scope_is_in_the_url_and_the_sentence_only_when_asked():
    assert "scope" not in FilterSpec().to_query_params()
    assert FilterSpec(scope="all").to_query_params() == {"scope": "all"}
    assert FilterSpec.from_query_params({"scope": "all"}) == FilterSpec(scope="all")
    assert "related ones included" in FilterSpec(scope="all").describe()
    assert isinstance(left_out(SAMPLE, SAMPLE).incidents, pd.DataFrame)
    assert len(left_out(SAMPLE, SAMPLE)) == 0


def test_an_unknown_scope_in_a_link_is_a_clear_error():
    import pytest

    from dashboard.errors import SpecError

    with pytest.raises(SpecError, match="scope must be region, civilian or all, got 'some'"):
        FilterSpec.from_query_params({"scope": "some"})
