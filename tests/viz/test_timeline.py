from dashboard.data.store import load_bundled
from dashboard.viz.palette import CATEGORY_COLOURS
from dashboard.viz.timeline import BRUSH, brushed_dates, timeline_chart, timeline_table
from tests.factories import incidents, row

VIEW = incidents(
    row(incident_id="a", date_start="2025-10-02", perpetrator_category="state_forces;progov_militia"),
    row(incident_id="b", date_start="2025-10-13", fatalities_min="10", fatalities_max="10"),
    row(incident_id="c", date_start="2025-09-01", date_precision="month", perpetrator_category="jihadist_group",
        fatalities_min="", fatalities_max=""),
)


def test_table_counts_each_category_and_marks_coarse_dates():
    t = timeline_table(VIEW, "month").set_index(["period", "category", "precise"])
    assert t.loc[("2025-10-01", "state_forces", True), "incidents"] == 2
    assert t.loc[("2025-10-01", "progov_militia", True), "killed_min"] == 31
    assert t.loc[("2025-09-01", "jihadist_group", False), "killed_min"] == 0
    assert t.loc[("2025-09-01", "jihadist_group", False), "incidents"] == 1


def test_chart_spec_stacks_by_category_with_the_palette_and_a_brush():
    spec = timeline_chart(load_bundled(), freq="month").to_dict()
    enc = spec["encoding"]
    assert enc["y"]["stack"] == "zero"
    assert set(enc["color"]["scale"]["range"]) <= set(CATEGORY_COLOURS.values())
    assert enc["opacity"]["field"] == "date_known"
    assert spec["params"][0]["name"] == BRUSH
    killed = timeline_chart(VIEW, measure="killed").to_dict()
    assert killed["encoding"]["y"]["field"] == "killed_min"


def test_brush_selection_becomes_a_date_range():
    sel = {"selection": {BRUSH: {"yearmonth_period": [1727740800000, 1730332800000]}}}
    lo, hi = brushed_dates(sel)
    assert (str(lo.date()), str(hi.date())) == ("2024-10-01", "2024-10-31")
    assert brushed_dates({"selection": {BRUSH: {}}}) is None
    assert brushed_dates(None) is None
