"""The filters: one small frozen record each, and every surface iterates over :data:`FILTERS`.

A filter is a field of :class:`~dashboard.query.spec.FilterSpec`, a URL parameter, a CLI option, a sidebar widget,
a phrase of the filter sentence and a mask over the incidents. :class:`FilterSpec` is built from this registry (its
fields, URL round trip and sentence), :func:`~dashboard.query.filters.filter_mask` applies each filter's mask, the
sidebar (``ui/widgets.py``), the URL state (``ui/state.py``) and the CLI options (``dashboard/cli_options.py``) are
generated from it. Adding a filter is one entry here plus a test of its mask.

The order of :data:`FILTERS` is the order of the URL parameters and of the sidebar widgets within each sidebar
group; ``clause``/``rank`` place a filter's phrase in the sentence ("Incidents of type X attributed to Y, in Z,
1–31 Oct 2025; at least 5 killed; ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashboard import grade_words, labels
from dashboard.data import harms
from dashboard.data.actor_groups import ActorGroups
from dashboard.data.schema import GEO_PRECISION_LABELS, GRADES, PERPETRATOR_LABELS, VERIFICATION_STATUSES
from dashboard.data.workflow_view import STATUS_LABELS, STATUSES
from dashboard.errors import SpecError
from dashboard.i18n import N_
from dashboard.query import communes, scope
from dashboard.query.frame_index import FrameIndex
from dashboard.wording import Words, describe_period

__all__ = ["DATE_RANGE", "FILTERS", "OPTIONS_SHOWN", "Filter", "Kind", "by_key", "overlaps"]

Kind = Literal["date", "set", "count", "text", "flag", "choice"]
Clause = Literal["noun", "head", "part", "tail"]
Mask = Callable[[pd.DataFrame, Any, FrameIndex], np.ndarray]  # (the frame, the filter's value, the frame's index)
Describer = Callable[[Any, Any, Words], str]  # (value, the whole spec, words) -> phrase

_EMPTY: dict[str, Any] = {"date": None, "set": frozenset(), "count": None, "text": "", "flag": False}
# The days a date filter may name (a link, an option, the sidebar): the earliest an import accepts (an incident
# before 1960 is a typo) to far enough ahead; outside it, one sentence instead of a widget that cannot show it.
DATE_RANGE = (date(1960, 1, 1), date(2100, 12, 31))
_TRUE = {"1", "true", "yes"}
# The most values a data-driven filter's widget offers at once (``Filter.options``: names, places, datasets as the
# incidents give them, which grow with the record); past it the sidebar lists the selected values and the first
# matches of a text that narrows the list. A link or the CLI still accepts any value the data holds.
OPTIONS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class Filter:
    """One filter. ``kind`` decides its value type, URL form, CLI option and widget:

    * ``date``: a day or ``None`` (one URL value, ``--flag YYYY-MM-DD``, a date input);
    * ``set``: a frozenset of values (repeated URL values, a repeatable option, a multiselect); ``choices`` limits
      them (and the widget shows ``choices``, else the distinct values of the incidents' ``options`` column);
    * ``count``: a whole number or ``None``; ``text``: a string (``""`` when off); ``flag``: a boolean;
    * ``choice``: one of ``choices``, the first being the default (left out of URLs; its phrase is still said,
      since the default of a choice selects something too).
    """

    name: str  # short id; the widget's key is f"f_{name}"
    field: str  # FilterSpec attribute
    key: str  # URL parameter
    flag: str  # CLI option
    label: str  # sidebar label (English, marked with N_: translated where shown)
    kind: Kind
    help: str  # sidebar and CLI help (likewise)
    mask: Mask  # the rows an active value keeps (only called when :meth:`active`)
    describe: Describer | None  # its phrase in the filter sentence
    clause: Clause = "part"
    rank: int = 0  # order of the phrase within its clause
    choices: tuple = ()  # allowed values (none: any)
    cast: Callable[[str], Any] = str  # URL/CLI text -> value (for sets)
    choice_label: Callable[..., str] | None = None  # how the widget shows a choice: (value, translator) -> label
    options: str | None = None  # incident column whose distinct values the widget offers
    split: str | None = None  # ... split on this separator
    sidebar: Literal["top", "more", "bottom"] = "top"

    @property
    def empty(self) -> Any:
        """The value when the filter is not given (in a URL, on the command line): off, or a choice's default."""
        return self.choices[0] if self.kind == "choice" else _EMPTY[self.kind]

    @property
    def multiple(self) -> bool:
        return self.kind == "set"

    def active(self, value: Any) -> bool:
        """Whether the value selects anything (0 killed, an empty set or text, False: no; a choice: always)."""
        return self.kind == "choice" or bool(value)

    def normalise(self, value: Any) -> Any:
        if self.kind == "set" and isinstance(value, set | list | tuple):
            return frozenset(value)
        if self.kind == "text" and isinstance(value, str):
            return value.strip()
        return value

    # ---- URL ---------------------------------------------------------------------------------------------
    def to_param(self, value: Any) -> str | list[str] | None:
        """The URL value(s) of ``value``, or ``None`` when the filter is off."""
        if value is None or value == self.empty:
            return None
        if self.kind == "set":
            return sorted(str(v) for v in value)
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "flag":
            return "1"
        return str(value)

    def from_param(self, raw: str | Iterable[str] | None) -> Any:
        """Inverse of :meth:`to_param`; raises :class:`SpecError` naming the parameter."""
        values = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
        values = [v for v in values if v]
        if self.kind == "set":
            return frozenset(self._choice(v) for v in values)
        last = values[-1] if values else None
        if last is None:
            return self.empty
        if self.kind == "date":
            try:
                day = date.fromisoformat(last)
            except ValueError:
                raise SpecError(N_("{key} must be a date like 2025-10-01, got {value}"), key=self.key,
                                value=repr(last[:40])) from None
            lo, hi = DATE_RANGE
            if not lo <= day <= hi:
                raise SpecError(N_("{key} must be a day from {lo} to {hi}, got {value}"), key=self.key, lo=str(lo),
                                hi=str(hi), value=str(day))
            return day
        if self.kind == "count":
            try:
                return int(last)
            except ValueError:
                raise SpecError(N_("{key} must be a whole number, got {value}"), key=self.key,
                                value=repr(last[:40])) from None
        if self.kind == "flag":
            return last in _TRUE
        if self.kind == "choice" and last not in self.choices:
            raise SpecError(N_("{key} must be {choices}, got {value}"), key=self.key,
                            choices=partial(_either, tuple(str(c) for c in self.choices)), value=repr(last))
        return last

    def _choice(self, raw: str) -> Any:
        try:
            value = self.cast(raw)
        except ValueError:
            value = None
        if self.choices and value not in self.choices:
            raise SpecError(N_("unknown {label} {value}: {key} must be {choices}"), label=partial(_lowered, self.label),
                            value=repr(raw), key=self.key, choices=partial(_either, tuple(str(c) for c in self.choices)))
        return value


def _either(choices: tuple[str, ...], t) -> str:
    """``"a, b or c"`` in ``t``'s language (a field of a :class:`SpecError`)."""
    return t.words().either(list(choices))


def _lowered(label: str, t) -> str:
    return t.gettext(label).lower()


# ---- masks ---------------------------------------------------------------------------------------------------
def overlaps(incidents: pd.DataFrame, start: date | pd.Timestamp | None, end: date | pd.Timestamp | None
             ) -> np.ndarray:
    """Incidents whose date span [date_start, date_end] touches [start, end] (either side may be open)."""
    keep = np.ones(len(incidents), dtype=bool)
    if start is not None:
        keep &= (incidents["date_end"] >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep &= (incidents["date_start"] <= pd.Timestamp(end)).to_numpy()
    return keep


def _any_code(incidents: pd.DataFrame, codes: frozenset[str], index: FrameIndex) -> np.ndarray:
    def hit(cats: pd.Series) -> np.ndarray:
        # codes are ";"-separated and none is a substring of another, so a plain substring test is exact
        found = np.zeros(len(cats), dtype=bool)
        for code in codes:
            found |= cats.str.contains(code, regex=False).fillna(False).to_numpy(dtype=bool)
        return found

    return index.per_distinct("perpetrator_category", hit)


def _name_like(incidents: pd.DataFrame, names: frozenset[str], index: FrameIndex) -> np.ndarray:
    pattern = "|".join(re.escape(a) for a in names)
    return index.per_distinct("perpetrators", lambda s: s.str.contains(
        pattern, case=False, regex=True).fillna(False).to_numpy(bool))


def _actor_group(incidents: pd.DataFrame, actors: frozenset[str], index: FrameIndex) -> np.ndarray:
    return index.per_distinct("perpetrators", partial(ActorGroups.default().hits, wanted=actors))


def _isin(column: str) -> Mask:
    def mask(incidents: pd.DataFrame, wanted: frozenset, index: FrameIndex) -> np.ndarray:
        return index.per_distinct(column, lambda values: values.isin(list(wanted)).fillna(False).to_numpy(bool))
    return mask


def _any_dataset(incidents: pd.DataFrame, wanted: frozenset, index: FrameIndex) -> np.ndarray:
    """An incident is from a dataset when any of its reports is (``datasets``; a frame of reports: ``dataset``)."""
    if "datasets" not in incidents.columns:
        return _isin("dataset")(incidents, wanted, index)
    return index.per_distinct("datasets", lambda cells: np.array(
        [isinstance(c, str) and bool(wanted & set(c.split("; "))) for c in cells], dtype=bool))


def _at_least_sources(incidents: pd.DataFrame, n: int, _index) -> np.ndarray:
    if "independent_sources" in incidents.columns:
        counts = incidents["independent_sources"].to_numpy()
    else:  # a frame of reports
        from dashboard.data.reconcile.incidents import organisation_counts

        counts = organisation_counts(incidents["sources"])
    return counts >= n


def _graded(incidents: pd.DataFrame, wanted: frozenset, index: FrameIndex) -> np.ndarray:
    """The incidents whose civilian-harm grade is one of ``wanted`` (a frame without grades, e.g. of reports, is
    graded here as its rows stand: :func:`dashboard.data.grading.grade_frame`)."""
    if "grade" not in incidents.columns:
        from dashboard.data.grading import grade_frame

        return grade_frame(incidents)["grade"].isin(wanted).to_numpy(dtype=bool)
    return _isin("grade")(incidents, wanted, index)


def _at_least_killed(incidents: pd.DataFrame, n: int, _index) -> np.ndarray:
    return (incidents["fatalities_min"] >= n).fillna(False).to_numpy(dtype=bool)


def _among_killed(incidents: pd.DataFrame, groups: frozenset[str], _index) -> np.ndarray:
    """At least one of the killed is known to be in one of ``groups`` (its lower bound is 1 or more)."""
    keep = np.zeros(len(incidents), dtype=bool)
    for group in groups:
        keep |= (incidents[harms.killed_columns(group)[0]] >= 1).fillna(False).to_numpy(dtype=bool)
    return keep


def _harm_reported(incidents: pd.DataFrame, wanted: frozenset[str], _index) -> np.ndarray:
    keep = np.zeros(len(incidents), dtype=bool)
    for harm in wanted:
        keep |= harms.reported_harms(incidents, harm).to_numpy(dtype=bool)
    return keep


def _violation(incidents: pd.DataFrame, wanted: frozenset[str], index: FrameIndex) -> np.ndarray:
    """``violation`` / ``abuse`` match an incident that is ``both`` too (:func:`dashboard.data.harms.violation_kind`)."""
    kinds = set(wanted) | ({"both"} if wanted & {"violation", "abuse"} else set())
    return index.per_distinct("perpetrator_category", lambda cats: np.array(
        [harms.violation_kind(c) in kinds for c in cats], dtype=bool))


def _scope(incidents: pd.DataFrame, name: str, index: FrameIndex) -> np.ndarray:
    return index.scopes.mask(name)


def _status(incidents: pd.DataFrame, wanted: frozenset, index: FrameIndex) -> np.ndarray:
    """The review status (issue 14); a frame without the column (the public view) holds published incidents only."""
    if "status" not in incidents.columns:
        return np.full(len(incidents), "published" in wanted, dtype=bool)
    return _isin("status")(incidents, wanted, index)


def _text(incidents: pd.DataFrame, text: str, index: FrameIndex) -> np.ndarray:
    return index.text(text)


# ---- phrases -------------------------------------------------------------------------------------------------
def _period(_value, spec, w: Words) -> str:
    return describe_period(spec.start, spec.end, w.dates)  # the same phrase for both ends: said once


def _phrase(singular: str, plural: str, show: Callable[[Any, Words], str] | None = None,
            sort_key=None) -> Describer:
    """A phrase saying the selected values, e.g. ``"in {values}"`` → "in Macina or Niono"; ``plural`` is the
    template for several values (languages that need it say "dans les cercles de"; gettext's ``ngettext``)."""
    def describe(value, _spec, w: Words) -> str:
        shown = [show(v, w) if show else str(v) for v in sorted(value, key=sort_key)]
        return w.ngettext(singular, plural, len(shown)).format(values=w.either(shown))
    return describe


def _event_type(name: str, w: Words) -> str:
    return labels.said_event_type(name, w.pgettext)


def _count(singular: str, plural: str) -> Describer:
    return lambda value, _spec, w: w.ngettext(singular, plural, value).format(n=value)


FILTERS: tuple[Filter, ...] = (
    Filter("scope", "scope", "scope", "--scope", N_("Which incidents"), "choice",
           N_("The default counts incidents whose victims were civilians, inside the Ségou region; related incidents "
              "of the record (combatants or officials killed, indirect deaths, accidents, aggregate reports, places "
              "outside the region) are counted with 'all'"),
           _scope, lambda value, _spec, w: w.translate(scope.scope(value).phrase), rank=5,
           choices=scope.scope_choices(), choice_label=lambda name, t: t.gettext(scope.scope(name).label)),
    Filter("start", "start", "from", "--from", N_("From"), "date",
           N_("First day (YYYY-MM-DD); an incident counts if its date span overlaps the period"),
           lambda df, d, _index: overlaps(df, d, None), _period, rank=40),
    Filter("end", "end", "to", "--to", N_("To"), "date", N_("Last day (YYYY-MM-DD), inclusive"),
           lambda df, d, _index: overlaps(df, None, d), _period, rank=40),
    Filter("cat", "perpetrator_categories", "cat", "--perpetrator-category", N_("Perpetrator category"), "set",
           N_("Alleged perpetrators; an incident with several categories matches any of them"),
           _any_code, _phrase("attributed to {values}", "attributed to {values}", show=lambda c, w: w.pgettext(
               "attributed to", labels.CATEGORY_ATTRIBUTED.get(c, c))), rank=10,
           choices=tuple(PERPETRATOR_LABELS), choice_label=labels.category),
    Filter("group", "actor_groups", "group", "--actor-group", N_("Alleged perpetrator"), "set",
           N_("Canonical actors: each groups the names sources give it (dashboard/bundled/actors.csv says which "
              "names and on what basis); an incident matches when one of its alleged perpetrators is one of them"),
           _actor_group, _phrase("with {values} among the alleged perpetrators", "with {values} among the alleged perpetrators",
                                 show=lambda a, w: w.pgettext("actor group", a)), rank=15,
           choices=ActorGroups.default().actors, choice_label=labels.actor_group),
    Filter("actor", "actors", "actor", "--actor", N_("Perpetrator names as reported"), "set",
           N_("Names as the sources give them; a perpetrator matches when its name contains one (any case)"),
           _name_like, _phrase("with a perpetrator named like {values}", "with a perpetrator named like {values}", show=lambda a, w: w.quote(a)), rank=20,
           options="perpetrators", split=";", sidebar="more"),
    Filter("type", "event_types", "type", "--event-type", N_("Event type"), "set", N_("ACLED event type"),
           _isin("event_type"), _phrase("of type {values}", "of type {values}", show=_event_type),
           clause="head", options="event_type", sidebar="more", choice_label=labels.event_type),
    Filter("cercle", "admin2", "cercle", "--cercle", N_("Cercle"), "set",
           N_("Pre-2023 cercle the incident lies in (from its point, or the cercle it reports in any spelling: "
              "Segou, Niono cercle, cercle de Markala); outside the Ségou region, the cercle as reported"),
           _isin("cercle"), _phrase("in {values}", "in {values}"), rank=30, options="cercle"),
    Filter("commune", "communes", "commune", "--commune", N_("Commune"), "set",
           N_("Commune of the Ségou region the incident lies in, by name or P-code (Pogo, ML040507); incidents known "
              "only to a cercle or the region are in no commune"),
           _isin("commune_pcode"), _phrase("in the commune of {values}", "in the communes of {values}",
                                           show=lambda c, _w: communes.label(c)), rank=31,
           cast=communes.code, choice_label=lambda c, _t: communes.label(c), options="commune_pcode"),
    Filter("min_killed", "min_fatalities", "min_killed", "--min-killed", N_("Minimum killed (lower bound)"), "count",
           N_("At least this many killed (the toll's lower bound); incidents with an unknown toll are left out when "
              "this is above 0"),
           _at_least_killed, _count("at least {n} killed", "at least {n} killed"), clause="tail", rank=10,
           sidebar="more"),
    Filter("killed_group", "killed_groups", "killed", "--killed-group", N_("Among the killed"), "set",
           N_("Incidents whose sources say that women (or children) were among the killed: the breakdown's lower "
              "bound is at least 1; an incident whose sources give no breakdown is left out"),
           _among_killed, _phrase("with {values} among the killed", "with {values} among the killed",
                                  show=lambda g, w: w.pgettext("killed", g)),
           clause="tail", rank=11, choices=("women", "children"), choice_label=labels.killed_group, sidebar="more"),
    Filter("harm", "harm_types", "harm", "--harm", N_("Harm reported"), "set",
           N_("Harms beyond killing that the sources report (with or without a number); an incident matches any"),
           _harm_reported, _phrase("with harm reported: {values}", "with harms reported: {values}",
                                   show=lambda h, w: w.translate(labels.HARMS[h])),
           clause="tail", rank=13, choices=harms.HARM_TYPES, choice_label=labels.harm, sidebar="more"),
    Filter("viol", "violation_kinds", "viol", "--violation", N_("Violation or abuse"), "set",
           N_("Violation: the alleged perpetrators include state agents or forces acting with them; abuse: non-state "
              "armed actors only; unknown: unidentified perpetrators (derived from the perpetrator categories, "
              "docs/schema.md)"),
           _violation, _phrase("classed as {values}", "classed as {values}",
                               show=lambda k, w: w.translate(labels.VIOLATION_KINDS[k])),
           clause="tail", rank=15, choices=("violation", "abuse", "unknown"), choice_label=labels.violation_kind,
           sidebar="more"),
    Filter("verif", "verification", "verif", "--verification", N_("Verification"), "set",
           N_("Verification status (separate from attribution)"),
           _isin("verification"), _phrase("verification {values}", "verification {values}", show=lambda v, w: w.pgettext("verification", v)),
           clause="tail", rank=20, choices=VERIFICATION_STATUSES, choice_label=labels.verification, sidebar="more"),
    Filter("grade", "grades", "grade", "--grade", N_("Civilian-harm grade"), "set",
           N_("Airwars' scale, derived from the sources, the accused party's responses and the reports' "
              "disagreements, or set by a person with a reason (docs/grading.md); separate from verification"),
           _graded, _phrase("graded {values}", "graded {values}", show=lambda g, w: w.pgettext("grade", g),
                            sort_key=GRADES.index),
           clause="tail", rank=22, choices=GRADES, choice_label=grade_words.grade, sidebar="more"),
    Filter("prec", "geo_precisions", "prec", "--precision", N_("Location precision"), "set",
           N_("How precisely the place is known: 1 exact place, 2 near a named place (approximate), 3 region only"),
           _isin("geo_precision"), _phrase("location {values}", "location {values}", show=lambda p, w: w.translate(
               GEO_PRECISION_LABELS[p])), clause="tail", rank=30,
           choices=tuple(GEO_PRECISION_LABELS), cast=int, choice_label=lambda p, t: f"{p} · {labels.precision(p, t)}",
           sidebar="more"),
    Filter("dataset", "datasets", "dataset", "--dataset", N_("Dataset"), "set",
           N_("Where the reports came from: segou-curated, ucdp-ged-21.1, acled, ucdp, user; an incident matches when "
              "any of its reports does"),
           _any_dataset, _phrase("reported in {values}", "reported in {values}"), clause="tail", rank=40, options="datasets", split="; ",
           sidebar="more"),
    Filter("min_sources", "min_sources", "min_sources", "--min-sources", N_("Minimum independent sources"), "count",
           N_("At least this many distinct organisations among the sources of the incident's reports (an outlet "
              "counts once however it was relayed)"),
           _at_least_sources, _count("from at least {n} independent source", "from at least {n} independent sources"),
           clause="tail", rank=45, sidebar="more"),
    Filter("status", "statuses", "status", "--status", N_("Review status"), "set",
           N_("Where the incident stands in the review workflow: draft, in_review, published, withdrawn (the public "
              "view holds published incidents only)"),
           _status, _phrase("with review status {values}", "with review status {values}",
                            show=lambda v, w: w.translate(STATUS_LABELS[v])),
           clause="tail", rank=48, choices=STATUSES, choice_label=lambda v, t: t.gettext(STATUS_LABELS[v]),
           sidebar="more"),
    Filter("text", "text", "q", "--text", N_("Search summaries, places, sources"), "text",
           N_("Finds the words anywhere in summaries, places, actors and source links; case and accents are ignored "
              "(segou finds Ségou)"),
           _text, lambda value, _spec, w: w.translate(N_("mentioning {text}")).format(text=w.quote(value)),
           clause="tail", rank=50, sidebar="bottom"),
)


def by_key(key: str) -> Filter:
    """The filter with this URL parameter."""
    return next(f for f in FILTERS if f.key == key)
