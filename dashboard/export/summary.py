"""What a briefer reads aloud first: the key findings of a selection, computed from it in plain words, the coverage
statement, and the most serious incidents (in English and French).

Pure: incidents in, sentences out. Every number comes from the incidents given (the same totals as the key figures:
:func:`dashboard.query.aggregate.totals`), tolls are written by :func:`dashboard.wording.toll_text`, and perpetrators
stay alleged ("attributed to"). Nothing is said that the selection does not hold: a finding whose facts are missing
(no cercle recorded, no toll known) is left out rather than said with a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import grade_words, labels
from dashboard.data.harms import killed_at_least
from dashboard.data.missing import text_or_none
from dashboard.data.schema import GRADES, PERPETRATOR_CATEGORIES, split_codes
from dashboard.data.shared_columns import counted
from dashboard.i18n import Translator, tr
from dashboard.query.aggregate import totals
from dashboard.query.scope import RECORD_STATEMENT, LeftOut, left_out_words
from dashboard.viz.maps import plottable
from dashboard.wording import either, toll_text, toll_words, when_text

__all__ = ["MOST_SERIOUS", "coverage", "grade_counts", "key_findings", "most_serious", "of_whom"]

MOST_SERIOUS = 12  # rows of the one-page table (no summaries: one line or two each)


def _short(text: str, limit: int = 80) -> str:
    """A place as reported, cut at a word before ``limit`` characters (the annex gives it whole)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _who(codes: list[str], t: Translator) -> str:
    """"state forces and pro-government militia" / "aux forces étatiques et aux milices progouvernementales"."""
    return either([labels.category_attributed(c, t) for c in codes], t.pgettext("between the last two of a list",
                                                                               "and"))


def _killed(lo: int, hi: int, open_ended: bool, t: Translator) -> str:
    if hi == 0 and lo == 0 and not open_ended:
        return t.gettext("no death recorded")
    if lo == hi and not open_ended:
        return t.ngettext("{lo} person killed", "{lo} people killed", lo).format(lo=t.number(lo))
    if open_ended and lo == hi:
        return t.ngettext("at least {lo} person killed", "at least {lo} people killed", lo).format(lo=t.number(lo))
    return t.ngettext("at least {lo} and up to {hi} people killed", "at least {lo} and up to {hi} people killed",
                      hi).format(lo=t.number(lo), hi=t.number(hi) + ("+" if open_ended else ""))


def of_whom(incidents: pd.DataFrame, t: Translator) -> str:
    """", of whom at least 1 woman and at least 2 children": the women and children the sources count among the
    killed (the sum of each incident's lower bound; an incident whose sources give no breakdown adds nothing, so
    it is always "at least"); "" when the sources of the selection count none."""
    women = int(killed_at_least(incidents, "women").sum()) if len(incidents) else 0
    children = int(killed_at_least(incidents, "children").sum()) if len(incidents) else 0
    parts = []
    if women:
        parts.append(t.ngettext("at least {n} woman", "at least {n} women", women).format(n=t.number(women)))
    if children:
        parts.append(t.ngettext("at least {n} child", "at least {n} children", children).format(
            n=t.number(children)))
    if not parts:
        return ""
    return t.gettext(", of whom {groups}").format(groups=either(parts, t.pgettext("between the last two of a list",
                                                                                    "and")))


@dataclass(frozen=True, slots=True)
class _Group:
    codes: tuple[str, ...]
    incidents: int
    killed_min: int
    killed_max: int
    open_ended: int


def _groups(incidents: pd.DataFrame) -> list[_Group]:
    """Incidents by their set of alleged perpetrator categories (in canonical order), most killed first."""
    keys = incidents["perpetrator_category"].astype(object).map(  # (a category's map makes an index of the tuples)
        lambda cell: tuple(c for c in PERPETRATOR_CATEGORIES if c in split_codes(cell)))
    out = []
    for codes, part in incidents.groupby(keys, sort=False):
        t = totals(part)
        out.append(_Group(codes, t.incidents, t.killed_min, t.killed_max, t.open_ended))
    return sorted(out, key=lambda g: (-g.killed_min, -g.incidents, g.codes))


def key_findings(incidents: pd.DataFrame, *, period: str, lang: str = "en") -> list[str]:
    """Three to five findings, most important first: the scale, the perpetrators of most deaths, the deadliest
    incident, where most happened, and how certain it is. ``period`` is the selection's period in words."""
    t = tr(lang)
    n = len(incidents)
    if n == 0:
        return []
    tot = totals(incidents)
    unknown = (t.ngettext("; the toll is unknown for {u}", "; the toll is unknown for {u}", tot.unknown_toll).format(
        u=t.number(tot.unknown_toll)) if 0 < tot.unknown_toll < n else "")
    killed = (t.gettext("no toll is reported") if tot.unknown_toll == n
              else _killed(tot.killed_min, tot.killed_max, bool(tot.open_ended), t) + of_whom(incidents, t))
    findings = [t.ngettext("{n} incident, {period}: {killed}{unknown}.", "{n} incidents, {period}: {killed}{unknown}.",
                           n).format(n=t.number(n), period=period, killed=killed, unknown=unknown)]
    groups = [g for g in _groups(incidents) if g.codes and g.codes != ("unidentified",)]
    if groups:
        top = groups[0]
        who = _who(list(top.codes), t)
        if top.incidents == n:
            findings.append(t.ngettext("It is attributed to {who}.", "All of them are attributed to {who}.", n).format(
                who=who))
        else:
            findings.append(t.ngettext("{k} of them is attributed to {who}: {killed}.",
                                       "{k} of them are attributed to {who}: {killed}.", top.incidents).format(
                k=t.number(top.incidents), who=who,
                killed=_killed(top.killed_min, top.killed_max, bool(top.open_ended), t)))
    serious = most_serious(incidents, 1)
    if n > 1 and len(serious):
        r = serious.iloc[0]
        codes = split_codes(r["perpetrator_category"])
        findings.append(t.gettext("The deadliest: {place}, {when}, {toll} killed, attributed to {who} ({basis}).").format(
            place=_short(labels.place(str(r["location"]), t)), when=when_text(r, t.dates()),
            toll=toll_text(r["fatalities_min"], r["fatalities_max"], words=toll_words(t)),
            who=_who(codes, t) if codes else "?", basis=labels.basis(r["attribution_basis"], t)))
    cercles = counted(incidents["admin2"].map(text_or_none).dropna())
    if n > 2 and len(cercles) > 1 and cercles.iloc[0] > cercles.iloc[1]:
        findings.append(t.gettext("{k} of the {n} took place in {cercle} cercle, more than in any other.").format(
            k=int(cercles.iloc[0]), n=n, cercle=cercles.index[0]))
    strong = int(incidents["verification"].isin(["confirmed", "corroborated"]).sum())
    region = n - len(plottable(incidents))
    located = (t.ngettext("; {r} can be placed only at the level of the region",
                          "; {r} can be placed only at the level of the region", region).format(r=region)
               if region else "")
    weak = n - strong
    findings.append(t.gettext("{confirmed}; {single}{located}.").format(
        confirmed=t.ngettext("{strong} of the {n} is confirmed or corroborated",
                             "{strong} of the {n} are confirmed or corroborated", strong).format(strong=strong, n=n),
        single=t.ngettext("{weak} rests on a single source or is contested",
                          "{weak} rest on a single source or are contested", weak).format(weak=weak),
        located=located))
    return findings[:5]


def grade_counts(incidents: pd.DataFrame, lang: str = "en") -> str | None:
    """"Civilian-harm grades: of 81 incidents, 12 confirmed, 40 fair, …" (grades with no incident left out; None
    when the incidents carry no grades). The grades and their rules: docs/grading.md."""
    if "grade" not in incidents.columns or not len(incidents):
        return None
    t = tr(lang)
    counts = incidents["grade"].value_counts()
    parts = [t.gettext("{k} {grade}").format(k=t.number(int(counts[g])), grade=grade_words.grade(g, t))
             for g in GRADES if counts.get(g, 0)]
    n = len(incidents)
    return t.ngettext("Civilian-harm grades: of {n} incident, {counts}.",
                      "Civilian-harm grades: of {n} incidents, {counts}.", n).format(
        n=t.number(n), counts=", ".join(parts))


def coverage(*, counted: int, total: int, selection: str, left_out: LeftOut | None, lang: str = "en") -> list[str]:
    """The coverage statement: what the briefing counts of the record, what it leaves out, what the record is."""
    t = tr(lang)
    lines = [t.ngettext("This briefing counts {n} of the {total} incidents of the record: {selection}.",
                        "This briefing counts {n} of the {total} incidents of the record: {selection}.",
                        total).format(n=t.number(counted), total=t.number(total), selection=selection)]
    if left_out is not None and len(left_out):
        lines.append(left_out.sentence(left_out_words(t)) + ".")
    lines.append(t.gettext(RECORD_STATEMENT))
    return lines


def most_serious(incidents: pd.DataFrame, k: int = MOST_SERIOUS) -> pd.DataFrame:
    """The ``k`` incidents with the highest reported tolls: the lower bound first (what the sources agree on at
    least; a wide "13–70" does not outrank "40–60"), then the upper bound (the lower one where none is reported),
    then the earlier date. Incidents with no toll at all are not ranked."""
    known = incidents.loc[incidents["fatalities_min"].notna() | incidents["fatalities_max"].notna()]
    ranked = known.assign(_lo=known["fatalities_min"].fillna(0),
                          _hi=known["fatalities_max"].fillna(known["fatalities_min"]))
    ranked = ranked.sort_values(["_lo", "_hi", "date_start", "incident_id"], ascending=[False, False, True, True],
                                kind="stable")
    return ranked.head(k).drop(columns=["_hi", "_lo"])
