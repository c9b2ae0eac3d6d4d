"""The timeline as an Altair chart: incidents (or killed) per ISO week, month or year, stacked by the first-named
alleged perpetrator's category (the colour of the incident's map marker), so that a bar's height is the number of
incidents (an incident with two alleged perpetrators is counted once, under the first one the sources name).

Weeks are ISO 8601 weeks (Monday–Sunday), labelled as such ("2025-W40"); each bar spans its whole period on a
continuous time axis, so an empty week or month between two incidents shows as a labelled gap. Date precision is
shown, not hidden: bars for incidents dated only to the week, month or year are drawn lighter, and the tooltip
says so.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd
from babel.dates import get_day_names, get_month_names, get_period_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from dashboard import labels
from dashboard.data.harms import VIOLATION_KINDS, violation_kind
from dashboard.data.schema import PERPETRATOR_CATEGORIES, split_codes
from dashboard.i18n import DEFAULT, Translator, tr
from dashboard.viz.palette import CATEGORY_COLOURS

Freq = Literal["week", "month", "year"]
Measure = Literal["incidents", "killed"]
Stack = Literal["category", "violation"]  # by first-named perpetrator category, or by violation/abuse
# Okabe–Ito colours for violation/abuse (dashboard.data.harms.violation_kind); distinct from one another
VIOLATION_COLOURS = {"violation": "#D55E00", "abuse": "#0072B2", "both": "#CC79A7", "unknown": "#999999"}
BRUSH = "period"
_PERIOD = {"week": "W-SUN", "month": "M", "year": "Y"}  # "W-SUN": weeks ending on Sunday = ISO weeks
_STEP = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1), "year": pd.DateOffset(years=1)}
AXIS_FORMAT = {"week": "%G-W%V", "month": "%b %Y", "year": "%Y"}  # d3-time-format: %G-W%V is the ISO week
MAX_LABELLED_PERIODS = 30  # up to this many periods every one gets a tick label, empty ones included
UNKNOWN_CATEGORY = "unidentified"


def period_start(days: pd.Series | pd.DatetimeIndex | np.ndarray, freq: Freq) -> np.ndarray:
    """First day of the ISO week (a Monday), month or year that each day falls in."""
    return pd.DatetimeIndex(days).to_period(_PERIOD[freq]).start_time.to_numpy()


def period_label(start: pd.Timestamp, freq: Freq, t: Translator | None = None) -> str:
    """"2025-W40 (29 Sep – 5 Oct 2025)", "Oct 2025" or "2025" (French: "2025-W40 (29 sept. – 5 oct. 2025)",
    "oct. 2025"): CLDR's abbreviated month names of ``t``'s language."""
    start = pd.Timestamp(start)
    months = (t or tr()).months
    if freq == "week":
        year, week, _ = start.isocalendar()
        last = start + pd.Timedelta(days=6)
        return (f"{year}-W{week:02d} ({start.day} {months[start.month - 1]} – "
                f"{last.day} {months[last.month - 1]} {last.year})")
    return f"{months[start.month - 1]} {start.year}" if freq == "month" else f"{start:%Y}"


def vega_locale(t: Translator) -> dict:
    """Vega-Lite's ``config.locale`` for ``t``'s language, from CLDR (Babel): month and day names for the time
    axis ("oct. 2025"), the decimal mark and digit grouping for numbers. The ``%c``/``%x``/``%X`` patterns, which
    no chart here uses, are left ISO-like (CLDR's patterns are not strftime's)."""
    loc = t.locale
    wide_days, short_days = get_day_names("wide", locale=loc), get_day_names("abbreviated", locale=loc)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # CLDR counts from Monday (0), d3 from Sunday
    periods = get_period_names(locale=loc)
    return {
        "number": {"decimal": get_decimal_symbol(loc), "thousands": get_group_symbol(loc), "grouping": [3],
                   "currency": ["", ""]},
        "time": {"dateTime": "%x %X", "date": "%Y-%m-%d", "time": "%H:%M:%S",
                 "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
                 "days": [wide_days[d] for d in sunday_first], "shortDays": [short_days[d] for d in sunday_first],
                 "months": [get_month_names("wide", locale=loc)[m] for m in range(1, 13)],
                 "shortMonths": list(t.months)},
    }


def first_category(cell: object) -> str:
    """The first-named alleged perpetrator's category of a ``perpetrator_category`` cell."""
    codes = split_codes(cell)
    return codes[0] if codes else UNKNOWN_CATEGORY


# every column timeline_table (and so timeline_chart) reads: a page hands it only these of a large selection
# (tests/viz/test_timeline.py: the same chart)
TIMELINE_COLUMNS = ("perpetrator_category", "date_start", "date_precision", "fatalities_min", "fatalities_max")


def timeline_table(incidents: pd.DataFrame, freq: Freq = "month", *, t: Translator | None = None,
                   stack: Stack = "category") -> pd.DataFrame:
    """Per (period, first-named category, precise-to-the-day?): incidents and killed (min, max); with
    ``stack="violation"`` the ``category`` column holds violation / abuse / both / unknown instead.

    Each incident counts once, in the period its ``date_start`` falls in and under its first-named category.
    Vectorised for large selections: the category is taken once per distinct ``perpetrator_category`` cell, the
    period once per distinct start date, and the groups are summed with ``np.bincount``."""
    group_of, unknown = (first_category, UNKNOWN_CATEGORY) if stack == "category" else (violation_kind, "unknown")
    cell_codes, cells = pd.factorize(incidents["perpetrator_category"])
    firsts = [group_of(c) for c in cells]
    categories = sorted(set(firsts) | ({unknown} if (cell_codes < 0).any() else set()))
    cat_index = {c: i for i, c in enumerate(categories)}
    first_of_cell = np.array([cat_index[c] for c in firsts] + [cat_index.get(unknown, 0)], dtype=np.int64)
    category = first_of_cell[cell_codes]  # a missing cell (code -1) takes the appended last entry
    day_codes, days = pd.factorize(incidents["date_start"].to_numpy())
    period_codes, periods = pd.factorize(period_start(days, freq)[day_codes], sort=True)
    precise = (incidents["date_precision"] == "day").to_numpy(dtype=bool)
    n_cat = max(len(categories), 1)
    key = (period_codes * n_cat + category) * 2 + precise
    size = len(periods) * n_cat * 2
    lo = incidents["fatalities_min"].to_numpy(dtype="float64", na_value=np.nan)
    hi = incidents["fatalities_max"].to_numpy(dtype="float64", na_value=np.nan)
    hi = np.where(np.isnan(hi), lo, hi)
    counts = np.bincount(key, minlength=size)
    present = np.flatnonzero(counts)
    start = pd.DatetimeIndex(periods[present // (n_cat * 2)])
    table = pd.DataFrame({
        "period": start,
        "period_end": start + _STEP[freq],
        "category": np.array(categories, dtype=object)[(present // 2) % n_cat],
        "precise": (present % 2).astype(bool),
        "incidents": counts[present].astype(np.int64),
        "killed_min": pd.array(np.bincount(key, np.nan_to_num(lo), minlength=size)[present], dtype="Int64"),
        "killed_max": pd.array(np.bincount(key, np.nan_to_num(hi), minlength=size)[present], dtype="Int64"),
    })
    t = t or tr()
    period_labels = {p: period_label(p, freq, t) for p in table["period"].unique()}
    table["period_label"] = table["period"].map(period_labels)
    label = labels.category if stack == "category" else labels.violation_kind
    table["label"] = table["category"].map(lambda c: label(c, t))
    table["date_known"] = table["precise"].map({True: t.gettext("to the day"),
                                                False: t.gettext("only to the week/month/year")})
    # what a screen reader says of a bar (Vega's own description would list the fields by their English names)
    table["description"] = [
        t.ngettext("{period} · {category} · {n} incident · date known {known}",
                   "{period} · {category} · {n} incidents · date known {known}", int(n)).format(
            period=p, category=c, n=t.number(int(n)), known=k)
        for p, c, n, k in zip(table["period_label"], table["label"], table["incidents"], table["date_known"],
                              strict=True)]
    return table


def period_ticks(table: pd.DataFrame, freq: Freq) -> list[int] | None:
    """Every period from the first to the last bar (empty ones included), as epoch milliseconds for the axis;
    ``None`` (Vega chooses) when there are too many to label."""
    if table.empty:
        return None
    starts = pd.date_range(table["period"].min(), table["period"].max(), freq=_STEP[freq])
    if len(starts) > MAX_LABELLED_PERIODS:
        return None
    return [int(t.value // 1_000_000) for t in starts]


def timeline_chart(
    incidents: pd.DataFrame,
    *,
    freq: Freq = "month",
    measure: Measure = "incidents",
    height: int = 260,
    brush: bool = True,
    t: Translator | None = None,
    stack: Stack = "category",
) -> alt.Chart:
    """The chart of ``incidents``; ``brush`` lets the user drag across it to choose a period; ``t`` its language;
    ``stack`` what the bars are split by (the first-named perpetrator's category, or violation/abuse)."""
    t = t or tr()
    table = timeline_table(incidents, freq, t=t, stack=stack)
    value = "incidents" if measure == "incidents" else "killed_min"
    by_category = stack == "category"
    title = [t.gettext("Incidents") if measure == "incidents" else t.gettext("Killed, lower bound"),
             t.gettext("(by first-named alleged perpetrator)") if by_category else t.gettext("(by violation or abuse)")]
    order, colours, label = ((PERPETRATOR_CATEGORIES, CATEGORY_COLOURS, labels.category) if by_category
                             else (VIOLATION_KINDS, VIOLATION_COLOURS, labels.violation_kind))
    present = [c for c in order if c in set(table["category"])]
    legend_title = t.gettext("Alleged perpetrator (first named)") if by_category else t.gettext("Violation or abuse")
    shown = [label(c, t) for c in present]
    colour = alt.Color(
        "label:N",
        title=legend_title,
        scale=alt.Scale(domain=shown, range=[colours[c] for c in present]),
        legend=alt.Legend(orient="bottom", columns=4, description=_legend_said(legend_title, shown, t)),
    )
    period_title = {"week": t.gettext("ISO week"), "month": t.gettext("Month"), "year": t.gettext("Year")}[freq]
    axis = {"format": AXIS_FORMAT[freq], "labelOverlap": True}
    y_said = {}
    if not table.empty:  # what a screen reader says of the axes (Vega's own sentence is English, whatever the locale)
        axis["description"] = t.gettext("Horizontal axis: {period}, from {first} to {last}").format(
            period=period_title, first=period_label(table["period"].min(), freq, t),
            last=period_label(table["period"].max(), freq, t))
        top = table.groupby("period")[value].sum().max()
        y_said["description"] = t.gettext("Vertical axis: {title}, from 0 to {top}").format(
            title=" ".join(title), top=t.number(int(top)))
    ticks = period_ticks(table, freq)
    if ticks is not None:  # as Vega-Lite DateTime objects: with epoch numbers Vega drew no tick label at all
        axis["values"] = [alt.DateTime(year=t.year, month=t.month, date=t.day)
                          for t in pd.to_datetime(ticks, unit="ms")]
    chart = (
        alt.Chart(table)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("period:T", title=None, axis=alt.Axis(**axis)),
            x2="period_end:T",
            y=alt.Y(f"sum({value}):Q", title=title, stack="zero", axis=alt.Axis(tickMinStep=1, format="d", **y_said)),
            color=colour,
            opacity=alt.Opacity("date_known:N", title=t.gettext("Date known"),
                                scale=alt.Scale(domain=[t.gettext("to the day"),
                                                        t.gettext("only to the week/month/year")],
                                                range=[1.0, 0.4]),
                                legend=alt.Legend(orient="bottom", description=_legend_said(
                                    t.gettext("Date known"), [t.gettext("to the day"),
                                                              t.gettext("only to the week/month/year")], t))),
            order=alt.Order("category:N"),
            description=alt.Description("description:N"),
            tooltip=[
                alt.Tooltip("period_label:N", title=period_title),
                alt.Tooltip("label:N", title=t.gettext("Perpetrator (first named)") if by_category else legend_title),
                alt.Tooltip("sum(incidents):Q", title=t.gettext("Incidents")),
                alt.Tooltip("sum(killed_min):Q", title=t.gettext("Killed, at least")),
                alt.Tooltip("sum(killed_max):Q", title=t.gettext("Killed, up to")),
                alt.Tooltip("date_known:N", title=t.gettext("Date known")),
            ],
        )
        .properties(height=height, width="container")
    )
    if brush:
        chart = chart.add_params(alt.selection_interval(name=BRUSH, encodings=["x"]))
    if t.lang != DEFAULT:  # the axis's month names ("oct. 2025") and numbers in the language (English: Vega's own)
        chart = chart.configure(locale=vega_locale(t))
    return chart


def _legend_said(title: str, values: list[str], t: Translator) -> str:
    """A legend as a screen reader says it, in ``t``'s language."""
    return t.gettext("Legend: {title}: {values}").format(title=title, values=", ".join(values))


def snap_period(lo: pd.Timestamp, hi: pd.Timestamp, *, whole_months: bool = False) -> tuple[date, date]:
    """The whole days a brush from ``lo`` to ``hi`` covers (a brush ending at midnight does not take the next day),
    or, with ``whole_months``, the whole months it touches."""
    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    if hi < lo:
        lo, hi = hi, lo
    first = lo.floor("D")
    last = max(first, (hi - pd.Timedelta(microseconds=1)).floor("D"))
    if whole_months:
        first = first.replace(day=1)
        last = last + pd.offsets.MonthEnd(0)
    return first.date(), last.date()


def brushed_period(selection: dict | None, *, whole_months: bool = False) -> tuple[date, date] | None:
    """Streamlit's chart selection as a period of whole days (or months); ``None`` when nothing is brushed."""
    sel = selection.get("selection", selection).get(BRUSH) if selection else None
    values = next(iter(sel.values()), None) if isinstance(sel, dict) and sel else None
    if not values or len(values) != 2:
        return None
    lo, hi = (pd.to_datetime(v, unit="ms") if isinstance(v, int | float) else pd.Timestamp(v) for v in values)
    return snap_period(lo, hi, whole_months=whole_months)
