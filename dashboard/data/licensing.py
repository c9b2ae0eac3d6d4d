"""Which incidents may be handed on raw, given the licences of their reports (``docs/licences.md``).

An incident joins reports from several datasets (a curated report and a UCDP event, an ACLED event...). The rule:

* an incident is handed on raw when **at least one** of its reports' licences allows redistribution, and then its
  fields are **rebuilt from those reports only** (:func:`~dashboard.data.reconcile.incidents.build_incidents` on
  them, grouped as before): no summary, toll, place, actor, source or report id of a restricted report reaches the
  file. Its restricted reports are counted in the note ("2 ACLED reports of exported incidents left out");
* an incident whose reports are all restricted is **left out**, and only counted by cercle and month of its start
  (:meth:`Withheld.counts`).

A report's licence is the one declared for it at import when there is one (``declared``: report id → licence,
from the store's ``licences`` table), else its dataset's (:func:`~dashboard.data.sources.registry.licence_of`).

``include=True`` (``--include-restricted``, private use only) keeps everything as it is and says so (the warning
of :meth:`Withheld.warning`). Pure: frames in, frames out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.reconcile.incidents import build_incidents
from dashboard.data.reconcile.view import INCIDENT_OF_REPORT
from dashboard.data.shared_columns import written
from dashboard.data.sources.licences import DECLARED_LINE, Licence
from dashboard.data.sources.registry import licence_of
from dashboard.i18n import N_, Translator, tr

__all__ = ["Licensed", "Withheld", "attribution_lines", "licences_of", "redistributable"]

NO_CERCLE = N_("(no cercle)")


def _terms(lic: Licence, t: Translator) -> str:
    """Why a licence's rows are left out, translated (an empty text stays empty: gettext("") is the header)."""
    return t.gettext(lic.terms) if lic.terms else ""


@dataclass(frozen=True)
class Withheld:
    """What the licences kept out of (or, with ``included``, let into) a file: the incidents left out (whole
    rows, for the counts) by the licence of their lead report, and the restricted reports dropped from incidents
    that were kept, by licence."""

    incidents: pd.DataFrame = field(default_factory=pd.DataFrame)  # left out: only ever counted
    incident_licences: dict[Licence, int] = field(default_factory=dict)  # left-out incidents by lead's licence
    reports_dropped: dict[Licence, int] = field(default_factory=dict)  # restricted reports of kept incidents
    included: dict[Licence, int] = field(default_factory=dict)  # --include-restricted: restricted reports kept

    def __bool__(self) -> bool:
        return bool(len(self.incidents) or self.reports_dropped or self.included)

    @property
    def licences(self) -> set[Licence]:
        return {*self.incident_licences, *self.reports_dropped, *self.included}

    def note(self, t: Translator | None = None) -> str:
        """"12 ACLED incidents left out: ACLED's terms forbid redistributing its rows; counts by cercle and month
        below." ('' when nothing was left out), in the language of ``t`` (English by default)."""
        t = t or tr()
        parts = []
        for lic, n in sorted(self.incident_licences.items(), key=lambda kv: kv[0].label):
            parts.append(t.ngettext("{n} {dataset} incident left out: {terms}; counts by cercle and month below.",
                                    "{n} {dataset} incidents left out: {terms}; counts by cercle and month below.",
                                    n).format(n=n, dataset=lic.label, terms=_terms(lic, t)))
        for lic, n in sorted(self.reports_dropped.items(), key=lambda kv: kv[0].label):
            parts.append(t.ngettext(
                "{n} {dataset} report of exported incidents left out ({terms}): those incidents are given from their "
                "other reports only.",
                "{n} {dataset} reports of exported incidents left out ({terms}): those incidents are given from their "
                "other reports only.", n).format(n=n, dataset=lic.label, terms=_terms(lic, t)))
        return " ".join(parts)

    def warning(self, t: Translator | None = None) -> str:
        """The warning written into a file made with ``--include-restricted`` ('' when it holds no such row), in
        ``t``'s language (English by default)."""
        if not self.included:
            return ""
        t = t or tr()
        held = t.pgettext("between the items of a list", ", ").join(
            t.ngettext("{n} report of {dataset} ({licence})", "{n} reports of {dataset} ({licence})", n).format(
                n=t.number(n), dataset=lic.label, licence=t.gettext(lic.name))
            for lic, n in sorted(self.included.items(), key=lambda kv: kv[0].label))
        return t.gettext("WARNING: made with --include-restricted, this file holds {held}, whose licence forbids "
                         "redistributing them: for private use only, do not share it.").format(held=held)

    def counts(self) -> pd.DataFrame:
        """The left-out incidents counted by cercle and month of their start (``cercle``, ``month``,
        ``incidents``), the only form in which they are shown."""
        if not len(self.incidents):
            return pd.DataFrame({"cercle": [], "month": [], "incidents": []})
        frame = pd.DataFrame({
            "cercle": self.incidents["cercle"].astype(object).where(self.incidents["cercle"].notna(), NO_CERCLE),
            "month": self.incidents["date_start"].dt.strftime("%Y-%m"),
        })
        out = frame.groupby(["cercle", "month"]).size().rename("incidents").reset_index()
        return out.sort_values(["month", "cercle"], kind="stable").reset_index(drop=True)

    def count_lines(self, t: Translator | None = None) -> list[str]:
        """``["Niono, 2025-10: 3 incidents", ...]`` (``t``: the language, English by default)."""
        t = t or tr()
        return [t.ngettext("{cercle}, {month}: {n} incident", "{cercle}, {month}: {n} incidents", int(r.incidents))
                .format(cercle=r.cercle if r.cercle != NO_CERCLE else t.gettext(NO_CERCLE), month=r.month,
                        n=t.number(int(r.incidents)))
                for r in self.counts().itertuples(index=False)]


@dataclass(frozen=True)
class Licensed:
    incidents: gpd.GeoDataFrame  # what may be handed on (rebuilt where restricted reports were dropped)
    reports: gpd.GeoDataFrame | None  # their reports (restricted ones dropped), as ``reports_of`` gives them
    withheld: Withheld
    licences: tuple[Licence, ...]  # of the reports the file holds, and of those it counts (for attribution lines)


def licences_of(ids, datasets, declared: Mapping[str, Licence] | None = None) -> list[Licence]:
    """Each report's licence: declared at import, else its dataset's."""
    declared = declared or {}
    return [declared.get(i) or licence_of(d) for i, d in zip(ids, datasets, strict=True)]


def attribution_lines(licences: Iterable[Licence], t: Translator | None = None) -> list[str]:
    """The attribution lines of these licences, once each, in a fixed order (the curated record first), in ``t``'s
    language (English by default): the built-in lines through the catalogue, a line an importer declared as given."""
    t = t or tr()
    lines: list[str] = []
    for lic in sorted(set(licences), key=lambda lic: (lic.label != "curated record", lic.label, lic.name)):
        for line in lic.attribution:
            said = (t.gettext(DECLARED_LINE).format(name=lic.name) if line == DECLARED_LINE.format(name=lic.name)
                    else t.gettext(line))
            if said not in lines:
                lines.append(said)
    return lines


def _datasets_of_incidents(incidents: pd.DataFrame) -> pd.Series:
    """Each incident's datasets (its ``datasets`` column, ``"; "``-joined; a frame of reports: ``dataset``), as
    lists."""
    column = "datasets" if "datasets" in incidents.columns else "dataset"
    return incidents[column].astype(object).map(lambda v: [d.strip() for d in str(v).split(";") if d.strip()])


def _ordered(licences: Iterable[Licence]) -> tuple[Licence, ...]:
    return tuple(sorted(set(licences), key=lambda lic: (lic.label, lic.name)))


def _without_reports(incidents: gpd.GeoDataFrame, include: bool) -> Licensed:
    """No reports at hand: an incident with any restricted dataset is left out whole (nothing to rebuild it
    from); a declared licence cannot be seen (it is per report), so user rows count as their dataset's."""
    lists = _datasets_of_incidents(incidents)
    bad = lists.map(lambda ds: not all(licence_of(d).redistribute for d in ds)).to_numpy(dtype=bool)
    every = Counter(licence_of(d) for ds in lists for d in ds)
    if include or not bad.any():
        held = {lic: n for lic, n in every.items() if not lic.redistribute} if include else {}
        return Licensed(incidents, None, Withheld(included=held), _ordered(every))
    counted = Counter(next(licence_of(d) for d in ds if not licence_of(d).redistribute) for ds in lists[bad])
    kept = {licence_of(d) for ds in lists[~bad] for d in ds}
    return Licensed(incidents.loc[~bad], None, Withheld(incidents=incidents.loc[bad], incident_licences=dict(counted)),
                    _ordered({*kept, *counted}))


def redistributable(incidents: gpd.GeoDataFrame, reports: gpd.GeoDataFrame | None, *, include: bool = False,
                    declared: Mapping[str, Licence] | None = None) -> Licensed:
    """Split ``incidents`` (a selection of the incident frame, in order) by the licences of their ``reports``
    (:func:`~dashboard.data.reconcile.view.reports_of` of them, with :data:`INCIDENT_OF_REPORT`); ``declared``:
    the licences declared at import (report id → licence). Without the reports, an incident with any restricted
    dataset is left out whole (nothing to rebuild it from)."""
    if reports is None:
        return _without_reports(incidents, include)
    lic = licences_of(reports["incident_id"].astype(object), reports["dataset"].astype(object), declared)
    allowed = np.array([x.redistribute for x in lic], dtype=bool)
    if include or allowed.all():
        restricted = Counter(x for x, ok in zip(lic, allowed, strict=True) if not ok)
        return Licensed(incidents, reports, Withheld(included=dict(restricted) if include else {}), _ordered(lic))

    owner = reports[INCIDENT_OF_REPORT].astype(object).to_numpy()
    ids = incidents["incident_id"].astype(object).to_numpy()
    has_allowed = set(owner[allowed])
    has_restricted = set(owner[~allowed])
    keep = np.array([i in has_allowed for i in ids], dtype=bool)
    mixed = [i for i in ids if i in has_allowed and i in has_restricted]

    left = incidents.loc[~keep]
    lead: dict = {}  # each incident's first listed report is its lead (reports_of)
    for o, x in zip(owner, lic, strict=True):
        lead.setdefault(o, x)
    withheld = Counter(lead[i] for i in left["incident_id"].astype(object) if i in lead)
    dropped = Counter(x for o, x, ok in zip(owner, lic, allowed, strict=True) if not ok and o in has_allowed)

    kept_reports = reports.loc[allowed]
    out = incidents.loc[keep]
    if mixed:
        out, kept_reports = _rebuild(out, kept_reports, set(mixed))
    kept_licences = [x for x, ok in zip(lic, allowed, strict=True) if ok]
    return Licensed(out, kept_reports, Withheld(incidents=left, incident_licences=dict(withheld),
                                                reports_dropped=dict(dropped)),
                    _ordered([*kept_licences, *withheld, *dropped]))


def _rebuild(incidents: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, mixed: set[str]
             ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The ``mixed`` incidents rebuilt from their (allowed) ``reports`` alone, in place; the reports' incident ids
    follow a rebuilt incident's new id (its lead may have changed)."""
    owner = reports[INCIDENT_OF_REPORT].astype(object)
    part = reports.loc[owner.isin(mixed).to_numpy()]
    codes, labels = pd.factorize(part[INCIDENT_OF_REPORT].astype(object))
    built = build_incidents(part.drop(columns=[INCIDENT_OF_REPORT]), codes).frame
    # build_incidents puts each incident where its first report sits: row k is group k (factorize's order)
    group_of = {old: k for k, old in enumerate(labels)}
    new_of = {old: built["incident_id"].iat[k] for old, k in group_of.items()}
    out = incidents.copy()
    ids = out["incident_id"].astype(object).to_numpy()
    at = np.flatnonzero([i in group_of for i in ids])
    order = np.array([group_of[i] for i in ids[at]], dtype=np.int64)
    for c in (c for c in out.columns if c in built.columns):
        out[c] = written(out[c].copy(), at, built[c].iloc[order])
    kept = reports.copy()
    kept[INCIDENT_OF_REPORT] = pd.array([new_of.get(o, o) for o in owner], dtype=reports[INCIDENT_OF_REPORT].dtype)
    return out, kept
