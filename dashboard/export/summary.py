"""What a briefer reads aloud first: the key findings of a selection, computed from it in plain words, the coverage
statement, and the most serious incidents (in English and French).

Pure: incidents in, sentences out. Every number comes from the incidents given (the same totals as the key figures:
:func:`dashboard.query.aggregate.totals`), tolls are written by :func:`dashboard.wording.toll_text`, and perpetrators
stay alleged ("attributed to"). Nothing is said that the selection does not hold: a finding whose facts are missing
(no cercle recorded, no toll known) is left out rather than said with a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.data.missing import text_or_none
from dashboard.data.schema import PERPETRATOR_CATEGORIES, split_codes
from dashboard.export import i18n
from dashboard.query.aggregate import totals
from dashboard.query.scope import RECORD_STATEMENT, LeftOut, LeftOutWords
from dashboard.viz.maps import plottable
from dashboard.wording import either

__all__ = ["LEFT_OUT", "MOST_SERIOUS", "WORDS", "coverage", "key_findings", "most_serious"]

MOST_SERIOUS = 12  # rows of the one-page table (no summaries: one line or two each)


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Executive summary",
        "coverage": "Coverage",
        "scale": "{n} {noun}, {period}: {killed}{unknown}.",
        "incident": "incident", "incidents": "incidents",
        "killed_range": "at least {lo} and up to {hi} people killed", "killed_exact": "{lo} people killed",
        "killed_lower": "at least {lo} people killed", "killed_none": "no death recorded",
        "unknown": "; the toll is unknown for {u}",
        "no_toll": "no toll is reported",
        "group": "{k} of them {verb} attributed to {who}: {killed}.",
        "group_all": "All of them are attributed to {who}.",
        "is": "is", "are": "are", "and": "and",
        "deadliest": "The deadliest: {place}, {when}, {toll} killed, attributed to {who} ({basis}).",
        "where": "{k} of the {n} took place in {cercle} cercle, more than in any other.",
        "certainty": "{strong} of the {n} {are} confirmed or corroborated; {weak} {rest} on a single source or "
                     "{are2} contested{located}.",
        "rest": "rest", "rests": "rests",
        "located": "; {r} can be placed only at the level of the region",
        "covers": "This briefing counts {n} of the {total} incidents of the record: {selection}.",
        "record": RECORD_STATEMENT,
        "prepared_by": "Prepared by", "organisation": "Organisation", "analysis_date": "Date of analysis",
        "marking": "Handling",
        "most_serious": "The most serious incidents",
        "most_serious_note": "The {k} incidents with the highest reported tolls (lower bound, then upper bound); "
                             "numbers refer to the annex, which lists all {n}.",
        "most_serious_note_bounded": "The {k} incidents with the highest reported tolls (lower bound, then upper "
                                     "bound); numbers refer to the annex.",
        "annex": "Annex: all {n} incidents",
        "annex_bounded": "Annex: the {k} most serious of the {n} incidents",
        "col_place": "Place (as reported)",
    },
    "fr": {
        "summary": "Synthèse",
        "coverage": "Couverture",
        "scale": "{n} {noun}, {period} : {killed}{unknown}.",
        "incident": "incident", "incidents": "incidents",
        "killed_range": "au moins {lo} et jusqu'à {hi} personnes tuées", "killed_exact": "{lo} personnes tuées",
        "killed_lower": "au moins {lo} personnes tuées", "killed_none": "aucun mort enregistré",
        "unknown": " ; le bilan est inconnu pour {u}",
        "no_toll": "aucun bilan n'est rapporté",
        "group": "{k} d'entre eux {verb} attribués {who} : {killed}.",
        "group_all": "Tous sont attribués {who}.",
        "is": "est", "are": "sont", "and": "et",
        "deadliest": "Le plus meurtrier : {place}, {when}, {toll} tués, attribué {who} ({basis}).",
        "where": "{k} des {n} ont eu lieu dans le cercle de {cercle}, plus que dans tout autre.",
        "certainty": "{strong} des {n} {are} confirmés ou corroborés ; {weak} {rest} sur une seule source ou "
                     "{are2} contestés{located}.",
        "rest": "reposent", "rests": "repose",
        "located": " ; {r} ne peuvent être situés qu'à l'échelle de la région",
        "covers": "Cette note compte {n} des {total} incidents du registre : {selection}.",
        "record": "Un registre établi à partir d'incidents documentés publiquement, et non un décompte complet : les "
                  "incidents qu'aucune source publique n'a rapportés en sont absents, et les bilans sont ceux des "
                  "sources.",
        "prepared_by": "Rédigé par", "organisation": "Organisation", "analysis_date": "Date de l'analyse",
        "marking": "Diffusion",
        "most_serious": "Les incidents les plus graves",
        "most_serious_note": "Les {k} incidents aux bilans rapportés les plus lourds (borne inférieure, puis "
                             "supérieure) ; les numéros renvoient à l'annexe, qui les liste tous ({n}).",
        "most_serious_note_bounded": "Les {k} incidents aux bilans rapportés les plus lourds (borne inférieure, "
                                     "puis supérieure) ; les numéros renvoient à l'annexe.",
        "annex": "Annexe : les {n} incidents",
        "annex_bounded": "Annexe : les {k} plus graves des {n} incidents",
        "col_place": "Lieu (tel que rapporté)",
    },
}
LEFT_OUT: dict[str, LeftOutWords] = {
    "en": LeftOutWords(),
    "fr": LeftOutWords(
        sentence="+ {n} {noun} non comptés : {reasons}",
        nouns=("incident lié", "incidents liés"),
        not_civilian="dont les victimes n'étaient pas des civils visés en tant que tels (combattants, agents de "
                     "l'État, morts indirectes, accidents, rapports d'ensemble)",
        civilian_unknown="dont le ciblage de civils n'est pas renseigné",
        outside="hors de la région de Ségou",
        region_unknown="dont la région n'est pas renseignée",
        thousands="\u202f",
    ),
}


def _short(text: str, limit: int = 80) -> str:
    """A place as reported, cut at a word before ``limit`` characters (the annex gives it whole)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _who(codes: list[str], lang: str) -> str:
    """"state forces and pro-government militia" / "aux forces étatiques et aux milices progouvernementales"."""
    if lang == "fr":
        return either([i18n.CATEGORY_DATIVE_FR.get(c, c) for c in codes], "et")
    return either([i18n.CATEGORY_LABELS["en"].get(c, c).lower() for c in codes], "and")


def _killed(lo: int, hi: int, open_ended: bool, w: Mapping[str, str]) -> str:
    if hi == 0 and lo == 0 and not open_ended:
        return w["killed_none"]
    if lo == hi and not open_ended:
        return w["killed_exact"].format(lo=f"{lo:,}")
    if open_ended and lo == hi:
        return w["killed_lower"].format(lo=f"{lo:,}")
    return w["killed_range"].format(lo=f"{lo:,}", hi=f"{hi:,}" + ("+" if open_ended else ""))


@dataclass(frozen=True, slots=True)
class _Group:
    codes: tuple[str, ...]
    incidents: int
    killed_min: int
    killed_max: int
    open_ended: int


def _groups(incidents: pd.DataFrame) -> list[_Group]:
    """Incidents by their set of alleged perpetrator categories (in canonical order), most killed first."""
    keys = incidents["perpetrator_category"].map(
        lambda cell: tuple(c for c in PERPETRATOR_CATEGORIES if c in split_codes(cell)))
    out = []
    for codes, part in incidents.groupby(keys, sort=False):
        t = totals(part)
        out.append(_Group(codes, t.incidents, t.killed_min, t.killed_max, t.open_ended))
    return sorted(out, key=lambda g: (-g.killed_min, -g.incidents, g.codes))


def key_findings(incidents: pd.DataFrame, *, period: str, lang: str = "en") -> list[str]:
    """Three to five findings, most important first: the scale, the perpetrators of most deaths, the deadliest
    incident, where most happened, and how certain it is. ``period`` is the selection's period in words."""
    w = WORDS[i18n.check_lang(lang)]
    n = len(incidents)
    if n == 0:
        return []
    t = totals(incidents)
    unknown = w["unknown"].format(u=t.unknown_toll) if 0 < t.unknown_toll < n else ""
    killed = w["no_toll"] if t.unknown_toll == n else _killed(t.killed_min, t.killed_max, bool(t.open_ended), w)
    findings = [w["scale"].format(n=f"{n:,}", noun=w["incident" if n == 1 else "incidents"], period=period,
                                  killed=killed, unknown=unknown)]
    groups = [g for g in _groups(incidents) if g.codes and g.codes != ("unidentified",)]
    if groups:
        top = groups[0]
        who = _who(list(top.codes), lang)
        if top.incidents == n:
            findings.append(w["group_all"].format(who=who))
        else:
            findings.append(w["group"].format(k=top.incidents, verb=w["is" if top.incidents == 1 else "are"],
                                              who=who, killed=_killed(top.killed_min, top.killed_max,
                                                                      bool(top.open_ended), w)))
    serious = most_serious(incidents, 1)
    if n > 1 and len(serious):
        r = serious.iloc[0]
        codes = split_codes(r["perpetrator_category"])
        findings.append(w["deadliest"].format(
            place=_short(str(r["location"])), when=i18n.when(r, lang), toll=i18n.toll(r["fatalities_min"], r["fatalities_max"], lang),
            who=_who(codes, lang) if codes else "?",
            basis=i18n.BASIS_LABELS[lang].get(r["attribution_basis"], i18n.BASIS_LABELS[lang]["unknown"])))
    cercles = incidents["admin2"].map(text_or_none).dropna().value_counts()
    if n > 2 and len(cercles) > 1 and cercles.iloc[0] > cercles.iloc[1]:
        findings.append(w["where"].format(k=int(cercles.iloc[0]), n=n, cercle=cercles.index[0]))
    strong = int(incidents["verification"].isin(["confirmed", "corroborated"]).sum())
    region = n - len(plottable(incidents))
    located = w["located"].format(r=region) if region else ""
    weak = n - strong
    findings.append(w["certainty"].format(strong=strong, n=n, weak=weak, located=located,
                                          are=w["is" if strong == 1 else "are"], rest=w["rests" if weak == 1 else "rest"],
                                          are2=w["is" if weak == 1 else "are"]))
    return findings[:5]


def coverage(*, counted: int, total: int, selection: str, left_out: LeftOut | None, lang: str = "en") -> list[str]:
    """The coverage statement: what the briefing counts of the record, what it leaves out, what the record is."""
    w = WORDS[i18n.check_lang(lang)]
    lines = [w["covers"].format(n=f"{counted:,}", total=f"{total:,}", selection=selection)]
    if left_out is not None and len(left_out):
        lines.append(left_out.sentence(LEFT_OUT[lang]) + ".")
    lines.append(w["record"])
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
