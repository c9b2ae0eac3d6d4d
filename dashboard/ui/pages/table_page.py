"""Table page: key figures and the sortable table of the filtered incidents."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import grade_words, labels
from dashboard.data import harms
from dashboard.data.distinct import per_distinct_row, per_distinct_rows, per_distinct_value
from dashboard.data.schema import first_link, split_codes
from dashboard.data.shared_columns import filled
from dashboard.harm_words import cause_text, harms_text, killed_breakdown, violation_text
from dashboard.i18n import Translator, tr
from dashboard.query.aggregate import by_category, by_column
from dashboard.ui import common, state
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current
from dashboard.wording import toll_text, toll_words


def toll_headers() -> dict[str, str]:
    return {"killed_min": _("killed, at least"), "killed_max": _("killed, up to")}


def harm_columns(view: pd.DataFrame, t: Translator) -> dict[str, np.ndarray]:
    """The victims and harms of each incident as plain text columns (:mod:`dashboard.harm_words`), each written once
    per distinct set of the columns it reads."""
    killed, other, cause = per_distinct_rows(
        view[[c for c in harms.HARM_COLUMNS if c in view.columns]],
        lambda r: "; ".join(killed_breakdown(r, t)) or None, lambda r: harms_text(r, t), lambda r: cause_text(r, t))
    return {
        t.gettext("among the killed"): killed,
        t.gettext("other harms"): other,
        t.gettext("cause of death"): cause,
        t.gettext("violation or abuse"): per_distinct_value(
            view["perpetrator_category"], lambda c: violation_text({"perpetrator_category": c}, t)),
    }


def incident_table(view: pd.DataFrame, t: Translator | None = None) -> pd.DataFrame:
    """The display table: plain values only (st.dataframe draws text, never HTML); headers and labels in ``t``'s
    language (the columns' order and meaning are the same in every language). A place not stated says so, as the
    counts by cercle beside it do; other unknowns stay missing (numbers sort as numbers) and are drawn empty.
    Every word is written once per distinct value it comes from (:func:`~dashboard.data.distinct.per_distinct_row`;
    191,710 incidents took 18 s written row by row)."""
    t = t or tr()
    tw = toll_words(t)
    first_url, n_sources = zip(*map(first_link, view["sources"]), strict=True) if len(view) else ((), ())

    def each(column: str, fn) -> np.ndarray:
        return per_distinct_value(view[column], fn)

    out = pd.DataFrame({
        t.gettext("id"): view["incident_id"].to_numpy(),
        t.gettext("date"): view["date_start"].dt.date.to_numpy(),
        t.gettext("date precision"): each("date_precision", lambda p: t.pgettext("date precision", p)),
        t.gettext("place (as reported)"): labels.places(view["location"], t),
        t.gettext("cercle"): filled(view["cercle"], t.gettext("(not stated)")).to_numpy(),  # as "By cercle" says
        t.gettext("commune"): filled(view["commune"], t.gettext("(not stated)")).to_numpy(),
        t.gettext("location precision"): each("geo_precision", lambda p: labels.precision(p, t)),
        t.gettext("alleged perpetrators"): view["perpetrators"].to_numpy(),
        t.gettext("category"): each("perpetrator_category",
                                    lambda v: ", ".join(labels.category(c, t) for c in split_codes(v))),
        t.gettext("killed"): per_distinct_row(view[["fatalities_min", "fatalities_max"]], lambda r: toll_text(
            r["fatalities_min"], r["fatalities_max"], words=tw)),
        t.gettext("killed (min)"): view["fatalities_min"].to_numpy(),
        t.gettext("toll disputed"): view["toll_disputed"].to_numpy(),
        **harm_columns(view, t),
        t.gettext("verification"): each("verification", lambda v: labels.verification(v, t)),
        t.gettext("civilian-harm grade"): (each("grade", lambda g: grade_words.grade(g, t))
                                           if "grade" in view.columns else None),
        t.gettext("reports"): view["n_reports"].to_numpy(),
        t.gettext("independent sources"): view["independent_sources"].to_numpy(),
        t.gettext("sources"): list(n_sources),
        t.gettext("first source"): list(first_url),
        t.gettext("datasets"): view["datasets"].to_numpy(),
    })
    if "status" in view.columns and (view["status"] != "published").any():  # the team view's review badge
        from dashboard.data.workflow_view import STATUS_LABELS

        out.insert(1, t.gettext("review status"), each("status", lambda v: t.gettext(STATUS_LABELS.get(v, v))))
    return out


def key_figures_html(figures: list[tuple[str, str]]) -> str:
    """The key figures (label, value) as one HTML element, laid out as Streamlit's metrics are (small label, large
    value, side by side, wrapping on a phone): one message to the browser instead of nine (a row of columns and a
    metric in each). A description list, so a screen reader reads each label with its value; both escaped."""
    items = "".join(f'<div class="key-figure" style="min-width:9rem"><dt style="font-size:0.875rem;margin:0">'
                    f'{html.escape(label)}</dt><dd style="font-size:2.25rem;line-height:1.2;margin:0">'
                    f"{html.escape(value)}</dd></div>" for label, value in figures)
    return ('<dl class="key-figures" style="display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));'
            f'gap:1rem;margin:0">{items}</dl>')


def render(ctx: PageContext) -> None:
    common.header(ctx, _("Table and key figures"))
    if common.empty_state(ctx):
        state.publish(ctx.spec, ctx.state)
        return
    t = ctx.totals
    lang = current()
    number = lang.number
    st.html(key_figures_html([
        (_("Incidents"), number(t.incidents)),
        (_("Killed, at least"), number(t.killed_min)),
        (_("Killed, up to"), f"{number(t.killed_max)}{'+' if t.open_ended else ''}"),
        (_("Toll unknown"), number(t.unknown_toll)),
    ]))
    c1, c2 = st.columns(2)
    headers = toll_headers()
    cats = by_category(ctx.view, lang).rename(columns={"label": _("category"), "incidents": _("incidents"),
                                                       **headers})
    c1.markdown(_("**By alleged perpetrator category** (an incident with several counts in each)"))
    c1.dataframe(cats, hide_index=True, width="stretch")
    c2.markdown(_("**By cercle**"))
    c2.dataframe(by_column(ctx.view, "cercle", missing=_("(not stated)")).rename(
        columns={"incidents": _("incidents"), **headers}).rename_axis(_("cercle")).reset_index(),
                 hide_index=True,
                 width="stretch")
    st.subheader(_("Incidents"), divider="gray")
    table = incident_table(ctx.view.sort_values("date_start"), lang)
    st.dataframe(
        table, hide_index=True, width="stretch", key="incident_table",
        placeholder="",  # a missing value drawn empty ("empty = unknown"), not as Python's "None" in any language
        column_config={
            _("first source"): st.column_config.LinkColumn(_("first source")),
            _("killed (min)"): st.column_config.NumberColumn(_("killed (min)"),
                                                              help=_("Lower bound; empty = unknown")),
            _("reports"): st.column_config.NumberColumn(_("reports"), help=_(
                "Reports of this incident (one per dataset record); the map card shows them side by side")),
            _("independent sources"): st.column_config.NumberColumn(
                _("independent sources"), help=_("Distinct organisations among the sources of all its reports")),
            _("toll disputed"): st.column_config.CheckboxColumn(
                _("toll disputed"), help=_("Its reports give tolls that do not overlap; the toll is their whole "
                                           "range")),
        },
    )
    st.caption(_("Select an incident on the map to see all its sources; the 'first source' column links the first "
                 "http(s) source only. Sort by clicking a column header."))
    common.cite(ctx, "table")
    state.publish(ctx.spec, ctx.state)
