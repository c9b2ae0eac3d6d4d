from datetime import date
from functools import cache

import pandas as pd
import pytest

from dashboard.data.store import load_bundled
from dashboard.viz.palette import CATEGORY_COLOURS
from dashboard.viz.timeline import (
    BRUSH,
    TIMELINE_COLUMNS,
    brushed_period,
    snap_period,
    timeline_chart,
    timeline_table,
)
from tests.factories import incidents, row


@cache
def view():
    """Incidents of several date precisions (built on first use)."""
    return incidents(
        row(incident_id="a", date_start="2025-10-02", perpetrator_category="state_forces;progov_militia"),
        row(incident_id="b", date_start="2025-10-13", fatalities_min="10", fatalities_max="10"),
        row(incident_id="c", date_start="2025-09-01", date_precision="month", perpetrator_category="jihadist_group",
            fatalities_min="", fatalities_max=""),
    )


def test_table_counts_each_category_and_marks_coarse_dates():
    t = timeline_table(view(), "month").set_index(["period", "category", "precise"])
    assert t.loc[("2025-10-01", "state_forces", True), "incidents"] == 2
    assert t.loc[("2025-10-01", "state_forces", True), "killed_min"] == 31
    assert t.loc[("2025-09-01", "jihadist_group", False), "killed_min"] == 0
    assert t.loc[("2025-09-01", "jihadist_group", False), "incidents"] == 1


def test_chart_spec_stacks_by_category_with_the_palette_and_a_brush():
    spec = timeline_chart(load_bundled(), freq="month").to_dict()
    enc = spec["encoding"]
    assert enc["y"]["stack"] == "zero"
    assert set(enc["color"]["scale"]["range"]) <= set(CATEGORY_COLOURS.values())
    assert enc["opacity"]["field"] == "date_known"
    assert spec["params"][0]["name"] == BRUSH
    killed = timeline_chart(view(), measure="killed").to_dict()
    assert killed["encoding"]["y"]["field"] == "killed_min"


def test_brush_selection_becomes_a_period_of_whole_days_or_months():
    sel = {"selection": {BRUSH: {"period": [1727740800000, 1730332800000]}}}  # 1 Oct 2024 – 31 Oct 2024 00:00
    assert brushed_period(sel) == (date(2024, 10, 1), date(2024, 10, 30))  # the brush ends at 31 Oct's midnight
    assert brushed_period(sel, whole_months=True) == (date(2024, 10, 1), date(2024, 10, 31))
    assert brushed_period({"selection": {BRUSH: {}}}) is None
    assert brushed_period(None) is None
    ts = pd.Timestamp
    assert snap_period(ts("2025-10-01 14:00"), ts("2025-11-01 00:00")) == (date(2025, 10, 1), date(2025, 10, 31))
    assert snap_period(ts("2025-10-03 14:00"), ts("2025-10-03 15:00")) == (date(2025, 10, 3), date(2025, 10, 3))
    assert snap_period(ts("2025-10-17"), ts("2025-09-28 08:00"), whole_months=True) == (date(2025, 9, 1),
                                                                                       date(2025, 10, 31))


def test_weeks_are_iso_weeks_monday_to_sunday_across_a_year_boundary():
    days = incidents(
        row(incident_id="sun", date_start="2025-10-05"),  # Sunday: still ISO week 40 (29 Sep – 5 Oct)
        row(incident_id="mon", date_start="2025-10-13"),  # Monday: the first day of ISO week 42
        row(incident_id="dec", date_start="2024-12-30"),  # Monday in December: ISO 2025-W01
        row(incident_id="jan", date_start="2021-01-03"),  # Sunday in January: ISO 2020-W53
    )
    t = timeline_table(days, "week").sort_values("period")
    weeks = {r.period_label.split(" ")[0]: str(r.period.date()) for r in t.itertuples()}
    assert weeks == {"2020-W53": "2020-12-28", "2025-W01": "2024-12-30", "2025-W40": "2025-09-29",
                     "2025-W42": "2025-10-13"}
    assert (t["period_end"] - t["period"] == pd.Timedelta(days=7)).all()
    assert t.loc[t["period"] == "2025-09-29", "period_label"].item() == "2025-W40 (29 Sep – 5 Oct 2025)"


def test_the_chart_labels_iso_weeks_and_every_week_between_the_first_and_last_bar():
    october = incidents(
        row(incident_id="kamona", date_start="2025-10-02"),
        row(incident_id="dougabougou", date_start="2025-10-04"),
        row(incident_id="balle", date_start="2025-10-13"),
    )
    spec = timeline_chart(october, freq="week").to_dict()
    axis = spec["encoding"]["x"]["axis"]
    assert axis["format"] == "%G-W%V"  # d3's ISO week-numbering year and ISO week
    ticks = [f"{v['year']}-{v['month']:02d}-{v['date']:02d}" for v in axis["values"]]  # DateTime (1-based month)
    assert ticks == ["2025-09-29", "2025-10-06", "2025-10-13"]  # W40, the empty W41, W42
    assert spec["encoding"]["x2"]["field"] == "period_end"


def test_an_incident_with_two_alleged_perpetrators_is_one_bar_unit_under_the_first_named():
    t = timeline_table(view(), "month")
    assert t["incidents"].sum() == len(view())
    october = t[t["period"] == "2025-10-01"].set_index("category")
    assert october.loc["state_forces", "incidents"] == 2 and "progov_militia" not in october.index
    title = timeline_chart(view()).to_dict()["encoding"]["y"]["title"]
    assert "first-named" in " ".join(title)


def _axis_labels(chart) -> str:
    """The chart drawn by Vega (vl_convert, offline, no locale given: only the spec's own ``config.locale``)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.properties(width=500).to_dict(), allowed_base_urls=[])


def test_the_time_axis_and_tooltips_speak_the_language():
    from dashboard.i18n import tr
    from dashboard.viz.timeline import period_label

    french = timeline_chart(view(), freq="month", t=tr("fr"))
    assert french.to_dict()["config"]["locale"]["time"]["shortMonths"][9] == "oct."
    svg = _axis_labels(french)
    assert "oct. 2025" in svg and "sept. 2025" in svg and "Oct 2025" not in svg
    english = timeline_chart(view(), freq="month", t=tr("en"))
    assert "locale" not in english.to_dict().get("config", {})  # Vega's own English
    assert "Oct 2025" in _axis_labels(english)
    table = timeline_table(view(), "week", t=tr("fr"))
    assert table.loc[table["period"] == "2025-09-29", "period_label"].item() == "2025-W40 (29 sept. – 5 oct. 2025)"
    assert period_label(pd.Timestamp("2025-10-01"), "month", tr("fr")) == "oct. 2025"
    assert period_label(pd.Timestamp("2025-10-01"), "month") == "Oct 2025"
    month = timeline_table(view(), "month", t=tr("fr")).set_index(["period", "category", "precise"])
    assert month.loc[("2025-10-01", "state_forces", True), "description"] == (
        "oct. 2025 · Forces étatiques · 2 incidents · date connue au jour près")  # what a screen reader says


def test_the_bars_can_be_split_by_violation_or_abuse():
    """Each incident counts once, under the kind derived from its categories; the same totals as by category."""
    bundled = load_bundled()
    by_kind = timeline_table(bundled, "year", stack="violation")
    by_category = timeline_table(bundled, "year")
    assert by_kind["incidents"].sum() == by_category["incidents"].sum() == len(bundled)
    october = bundled.loc[bundled["date_start"].between("2025-10-01", "2025-10-31")]
    kinds = timeline_table(october, "month", stack="violation").groupby("category")["incidents"].sum().to_dict()
    assert kinds == {"violation": 4, "abuse": 1, "unknown": 2}  # Kamona, Dougabougou, Balle, Markala; Haïdara
    chart = timeline_chart(october, stack="violation").to_dict()
    assert chart["encoding"]["color"]["scale"]["domain"] == [
        "violation (state agents)", "abuse (non-state actors)", "neither (perpetrator unidentified)"]


@pytest.mark.parametrize("freq", ["week", "month", "year"])
@pytest.mark.parametrize("measure", ["incidents", "killed"])
@pytest.mark.parametrize("stack", ["category", "violation"])
def test_the_chart_from_its_columns_alone_is_the_chart_of_every_column(freq, measure, stack):
    """A page hands the chart only TIMELINE_COLUMNS of a large selection: the same chart, data included."""
    bundled = load_bundled()
    whole = timeline_chart(bundled, freq=freq, measure=measure, stack=stack).to_dict()
    assert timeline_chart(bundled[list(TIMELINE_COLUMNS)], freq=freq, measure=measure, stack=stack).to_dict() == whole
