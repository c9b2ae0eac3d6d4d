"""Words of the briefing pack in English and French: labels, a French filter describer, dates and tolls.

Dates, periods and tolls are written by the one function of each rule in :mod:`dashboard.wording`, given the
French words here (:data:`DATES`, :data:`TOLLS`), so the numbers cannot differ between the languages. The French
describer says the same facts as :meth:`FilterSpec.describe` (same fields, same order); it is to be replaced by
``FilterSpec.describe`` with French :class:`~dashboard.wording.Words` (a gettext catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from dashboard.data.schema import GEO_PRECISION_LABELS, PERPETRATOR_LABELS
from dashboard.query.spec import FilterSpec
from dashboard.viz.cards import BASIS_WORDS
from dashboard.wording import (
    DATES_EN,
    TOLL,
    DateWords,
    TollWords,
    describe_period,
    either,
    format_day,
    toll_text,
    when_text,
)

Lang = Literal["en", "fr"]
LANGS: tuple[Lang, ...] = ("en", "fr")

DATES: dict[str, DateWords] = {
    "en": DATES_EN,
    "fr": DateWords(
        months=("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
        first_day="1er", on="le {end}", same_month="du {d1} au {d2} {m2} {y}", same_year="du {d1} {m1} au {end}",
        between="du {start} au {end}", since="à partir du {start}", until="jusqu'au {end}",
        known_year="{y} (date connue à l'année)", known_month="{m} {y} (date connue au mois)",
        known_to={"week": " (date connue à la semaine)", "month": " (date connue au mois)"},
    ),
}
TOLLS: dict[str, TollWords] = {
    "en": TOLL,
    "fr": TollWords(at_least="au moins {lo}", up_to="jusqu'à {hi}", unknown="inconnu"),
}

CATEGORY_LABELS: dict[str, Mapping[str, str]] = {
    "en": PERPETRATOR_LABELS,
    "fr": {
        "state_forces": "Forces étatiques",
        "foreign_forces": "Forces étrangères",
        "progov_militia": "Milice progouvernementale",
        "jihadist_group": "Groupe armé djihadiste",
        "communal_militia": "Milice communautaire",
        "other_armed_group": "Autre groupe armé",
        "unidentified": "Non identifié",
    },
}
# "attribués à ..." with the article French needs
CATEGORY_DATIVE_FR = {
    "state_forces": "aux forces étatiques",
    "foreign_forces": "aux forces étrangères",
    "progov_militia": "aux milices progouvernementales",
    "jihadist_group": "aux groupes armés djihadistes",
    "communal_militia": "aux milices communautaires",
    "other_armed_group": "à d'autres groupes armés",
    "unidentified": "à des auteurs non identifiés",
}
PRECISION_LABELS: dict[str, Mapping[int, str]] = {
    "en": GEO_PRECISION_LABELS,
    "fr": {1: "lieu exact", 2: "près d'un lieu nommé (approximatif)", 3: "région seulement"},
}
VERIFICATION_LABELS: dict[str, Mapping[str, str]] = {
    "en": {"confirmed": "confirmed", "corroborated": "corroborated", "reported": "reported", "contested": "contested"},
    "fr": {"confirmed": "confirmé", "corroborated": "corroboré", "reported": "signalé", "contested": "contesté"},
}
BASIS_LABELS: dict[str, Mapping[str, str]] = {
    "en": BASIS_WORDS,
    "fr": {
        "witness": "selon des témoins",
        "survivor": "selon des survivants",
        "claimed": "revendiqué",
        "official": "selon des sources officielles",
        "source_attributed": "selon l'attribution de la source",
        "unknown": "fondement inconnu",
    },
}
EVENT_TYPE_LABELS_FR = {
    "Violence against civilians": "violence contre des civils",
    "Battles": "combats",
    "Explosions/Remote violence": "explosions/violence à distance",
    "Strategic developments": "développements stratégiques",
    "Riots": "émeutes",
    "Protests": "manifestations",
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "default_title": "Violence against civilians in the Ségou region, Mali",
        "kind_briefing": "Briefing pack",
        "kind_story": "Story",
        "period": "Period",
        "selection": "Selection",
        "no_filter": " — no filter: the whole dataset",
        "story_selection": "A story of {n} incident(s), in the order they are presented",
        "all_dates": "no date filter (the incidents are dated {first} – {last})",
        "story_dates": "the incidents are dated {first} – {last}",
        "map_ref_briefing": "Numbers refer to the incident table.",
        "map_ref_story": "Numbers are the steps of the story.",
        "no_incidents": "No incident matches this selection.",
        "key_figures": "Key figures",
        "incidents": "Incidents",
        "of_total": "of {total} in the dataset",
        "killed": "Killed",
        "killed_range": "at least {lo}, up to {hi}",
        "killed_exact": "{lo}",
        "toll_unknown": "Toll unknown",
        "no_upper": "no upper bound reported for {n}",
        "not_on_map": "Not on the map",
        "region_only": "place known only to the region, or not located",
        "by_category": "By alleged perpetrator category",
        "by_category_note": "an incident attributed to two categories counts in both",
        "by_cercle": "By cercle",
        "category": "Category",
        "cercle": "Cercle",
        "not_stated": "(not stated)",
        "killed_min_max": "Killed (min–max)",
        "map": "Map of the selected incidents",
        "map_note": "Filled circle: exact place. Hollow dashed circle with a "
                    "ring (≈{ring} km): approximate — a reference town, not the village. Size: number killed (upper "
                    "bound). Colour: first-named alleged perpetrator; an outer ring: the second one.",
        "legend_approx": "approximate (ring ≈{ring} km)",
        "legend_second": "outer ring: second alleged perpetrator",
        "map_credit": "Outlines: Natural Earth (public domain) · cercle seats: GeoNames (CC BY 4.0)",
        "not_drawn_title": "Not drawn on the map",
        "timeline": "Incidents over time",
        "timeline_note": "Stacked by the first-named alleged perpetrator's category: each incident counts once. "
                         "Lighter bars: incidents dated only to the week, month or year (counted in the period they "
                         "start). Weeks are ISO weeks (Monday to Sunday).",
        "table": "Incidents",
        "steps": "Steps",
        "step": "Step {n}",
        "col_no": "#",
        "col_date": "Date",
        "col_place": "Place (as reported) and summary",
        "col_perpetrators": "Alleged perpetrators",
        "col_killed": "Killed",
        "col_verification": "Verification",
        "col_sources": "Sources",
        "verification": "Verification",
        "location": "Location",
        "sources": "Sources",
        "methods": "Methods and caveats",
        "m_precision": "Location precision: {exact} exact place(s), {approx} approximate (a reference town such as a "
                       "commune or cercle seat, which can be tens of km from the village), {region} known only to the "
                       "region (listed, not drawn).",
        "m_reported": "Verification is separate from attribution: an incident with a single source is coded "
                      "“reported”. Here: {confirmed} confirmed, {corroborated} corroborated, {reported} reported "
                      "(single source), {contested} contested.",
        "m_alleged": "Perpetrators are alleged: they are who the sources name, with the basis given (witnesses, "
                     "survivors, a claim, officials, or the outlet's own attribution). This is not a finding of "
                     "responsibility.",
        "m_ranges": "Tolls are ranges: “21–37” means the sources report between 21 and 37 killed. Totals add the "
                    "lower and the upper bounds separately.",
        "m_unknown": "Unknown is not zero: {unknown} incident(s) here have no reported toll and are counted as "
                     "unknown; {open} have a lower bound only (“at least”).",
        "m_reports": "One incident, several reports: every incident is counted once, however many datasets report it "
                     "({merged} incident(s) here combine {reports} reports). An incident's toll runs from the lowest "
                     "minimum to the highest maximum among its reports (Airwars' convention); {disputed} have "
                     "reports whose figures do not overlap (disputed). Its date and place come from its most "
                     "precise report.",
        "m_dates": "{imprecise} incident(s) are dated only to the week, month or year.",
        "m_summaries": "Summaries are the project's paraphrases of the sources; the numbered sources are the "
                       "reference.",
        "m_public": "Public version: places are coarsened to the seat of the cercle or the centre of a 0.5° grid "
                    "cell, and internal notes are removed.",
        "footer": "Ségou incident map · dataset version {version} · generated {generated}",
        "page": "page",
        "public_badge": "Public version — places coarsened",
        "note": "Note",
        "listed_note": "This pack lists the {listed} most serious of the {n} incidents selected (highest known toll "
                       "first: the lower bound, then the upper one), and the map shows those; the key figures, the "
                       "timeline and the breakdowns count all {n}.",
    },
    "fr": {
        "default_title": "Violences contre les civils dans la région de Ségou, Mali",
        "kind_briefing": "Note d'information",
        "kind_story": "Récit",
        "period": "Période",
        "selection": "Sélection",
        "no_filter": " — aucun filtre : tout le jeu de données",
        "story_selection": "Un récit de {n} incident(s), dans l'ordre de présentation",
        "all_dates": "aucun filtre de date (les incidents sont datés du {first} au {last})",
        "story_dates": "les incidents sont datés du {first} au {last}",
        "map_ref_briefing": "Les numéros renvoient au tableau des incidents.",
        "map_ref_story": "Les numéros sont les étapes du récit.",
        "no_incidents": "Aucun incident ne correspond à cette sélection.",
        "key_figures": "Chiffres clés",
        "incidents": "Incidents",
        "of_total": "sur {total} dans le jeu de données",
        "killed": "Tués",
        "killed_range": "au moins {lo}, jusqu'à {hi}",
        "killed_exact": "{lo}",
        "toll_unknown": "Bilan inconnu",
        "no_upper": "sans borne supérieure pour {n}",
        "not_on_map": "Hors carte",
        "region_only": "lieu connu seulement à l'échelle de la région, ou non localisé",
        "by_category": "Par catégorie d'auteur présumé",
        "by_category_note": "un incident attribué à deux catégories compte dans les deux",
        "by_cercle": "Par cercle",
        "category": "Catégorie",
        "cercle": "Cercle",
        "not_stated": "(non précisé)",
        "killed_min_max": "Tués (min–max)",
        "map": "Carte des incidents sélectionnés",
        "map_note": "Cercle plein : lieu exact. Cercle creux en "
                    "pointillés avec un anneau (≈{ring} km) : approximatif — une localité de référence, pas le village. "
                    "Taille : nombre de tués (borne supérieure). Couleur : premier auteur présumé cité ; anneau "
                    "extérieur : le second.",
        "legend_approx": "approximatif (anneau ≈{ring} km)",
        "legend_second": "anneau extérieur : second auteur présumé",
        "map_credit": "Contours : Natural Earth (domaine public) · chefs-lieux de cercle : GeoNames (CC BY 4.0)",
        "not_drawn_title": "Non représentés sur la carte",
        "timeline": "Incidents dans le temps",
        "timeline_note": "Empilés par catégorie du premier auteur présumé nommé : chaque incident compte une fois. "
                         "Barres plus claires : incidents datés seulement à la semaine, au mois ou à l'année (comptés "
                         "dans la période où ils commencent). Semaines ISO (du lundi au dimanche).",
        "table": "Incidents",
        "steps": "Étapes",
        "step": "Étape {n}",
        "col_no": "n°",
        "col_date": "Date",
        "col_place": "Lieu (tel que rapporté) et résumé",
        "col_perpetrators": "Auteurs présumés",
        "col_killed": "Tués",
        "col_verification": "Vérification",
        "col_sources": "Sources",
        "verification": "Vérification",
        "location": "Localisation",
        "sources": "Sources",
        "methods": "Méthode et mises en garde",
        "m_precision": "Précision des lieux : {exact} lieu(x) exact(s), {approx} approximatif(s) (une localité de "
                       "référence, chef-lieu de commune ou de cercle, parfois à des dizaines de km du village), "
                       "{region} connu(s) seulement à l'échelle de la région (listés, non représentés).",
        "m_reported": "La vérification est distincte de l'attribution : un incident rapporté par une seule source est "
                      "codé « signalé ». Ici : {confirmed} confirmé(s), {corroborated} corroboré(s), {reported} "
                      "signalé(s) (source unique), {contested} contesté(s).",
        "m_alleged": "Les auteurs sont présumés : ce sont ceux que nomment les sources, avec le fondement indiqué "
                     "(témoins, survivants, revendication, sources officielles ou attribution du média). Ce n'est "
                     "pas un établissement des responsabilités.",
        "m_ranges": "Les bilans sont des fourchettes : « 21–37 » signifie que les sources font état de 21 à 37 tués. "
                    "Les totaux additionnent séparément les bornes inférieures et supérieures.",
        "m_unknown": "Inconnu n'est pas zéro : {unknown} incident(s) ici sans bilan rapporté sont comptés comme "
                     "inconnus ; {open} n'ont qu'une borne inférieure (« au moins »).",
        "m_reports": "Un incident, plusieurs rapports : chaque incident est compté une fois, quel que soit le nombre "
                     "de jeux de données qui le rapportent ({merged} incident(s) ici réunissent {reports} "
                     "rapports). Le bilan d'un incident va du plus petit minimum au plus grand maximum de ses "
                     "rapports (convention d'Airwars) ; {disputed} ont des rapports dont les chiffres ne se "
                     "recouvrent pas (contestés). Sa date et son lieu viennent de son rapport le plus précis.",
        "m_dates": "{imprecise} incident(s) ne sont datés qu'à la semaine, au mois ou à l'année près.",
        "m_summaries": "Les résumés sont des paraphrases des sources rédigées par le projet (en anglais) ; les sources "
                       "numérotées font foi.",
        "m_public": "Version publique : les lieux sont ramenés au chef-lieu du cercle ou au centre d'une maille de "
                    "0,5°, et les notes internes sont retirées.",
        "footer": "Carte des incidents de Ségou · version du jeu de données {version} · générée le {generated}",
        "page": "page",
        "public_badge": "Version publique — lieux généralisés",
        "note": "Note",
        "listed_note": "Cette note présente les {listed} incidents les plus graves des {n} sélectionnés (le bilan "
                       "connu le plus élevé d'abord : la borne basse, puis la haute), et la carte montre ceux-là ; les "
                       "chiffres clés, la chronologie et les répartitions portent sur les {n}.",
    },
}

TIMELINE_WORDS_FR = {
    "Alleged perpetrator (first named)": "Auteur présumé (premier nommé)",
    "Date known": "Date connue",
    "to the day": "au jour près",
    "only to the week/month/year": "à la semaine, au mois ou à l'année",
    "Killed (lower bound)": "Tués (borne inférieure)",
    "Killed, lower bound": "Tués, borne inférieure",
    "(by first-named alleged perpetrator)": "(par premier auteur présumé nommé)",
    "Incidents": "Incidents",
    **{PERPETRATOR_LABELS[c]: label for c, label in CATEGORY_LABELS["fr"].items()},
}


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def words(lang: str) -> dict[str, str]:
    return TEXT[check_lang(lang)]


# ---- dates and tolls ----------------------------------------------------------------------------------------
def format_date(d: date, lang: str) -> str:
    return format_day(d, DATES[check_lang(lang)])


def describe_period_fr(start: date | None, end: date | None) -> str:
    return describe_period(start, end, DATES["fr"])


def describe_period_in(start: date | None, end: date | None, lang: str) -> str:
    return describe_period(start, end, DATES[check_lang(lang)])


def when(row: Mapping[str, Any], lang: str) -> str:
    """When an incident happened, with its date precision."""
    return when_text(row, DATES[check_lang(lang)])


def toll(lo: Any, hi: Any, lang: str) -> str:
    """:func:`~dashboard.wording.toll_text` ("21–37", "at least 6", "unknown") in the language."""
    return toll_text(lo, hi, words=TOLLS[check_lang(lang)])


# ---- the filter sentence -------------------------------------------------------------------------------------
ACTOR_GROUPS_FR = {  # the canonical actors of dashboard/bundled/actors.csv, in French
    "Malian Armed Forces (FAMa)": "les Forces armées maliennes (FAMa)",
    "Wagner Group / Africa Corps": "le groupe Wagner / Africa Corps",
    "Dozo militias": "les milices dozos",
    "JNIM / Katiba Macina": "le JNIM / la katiba Macina",
    "Islamic State Sahel": "l'État islamique au Sahel",
    "Dan Na Ambassagou": "Dan Na Ambassagou",
}
SCOPE_FR = {  # the noun of the sentence, by scope (dashboard/query/scope.py)
    "region": "ayant fait des victimes civiles dans la région de Ségou",
    "civilian": "ayant fait des victimes civiles, dans la région ou en dehors",
    "all": "de tout le registre, incidents liés compris",
}


def _ou(items: list[str]) -> str:
    return either(items, "ou")


def describe_fr(spec: FilterSpec) -> str:
    """:meth:`FilterSpec.describe` in French: the same fields in the same order."""
    head = "Incidents"
    if spec.event_types:
        head += f" de type {_ou([EVENT_TYPE_LABELS_FR.get(t, t) for t in sorted(spec.event_types)])}"
    parts = [head, SCOPE_FR[spec.scope]]
    if spec.perpetrator_categories:
        labels = [CATEGORY_DATIVE_FR.get(c, c) for c in sorted(spec.perpetrator_categories)]
        parts.append(f"attribués {_ou(labels)}")
    if spec.actor_groups:
        groups = [ACTOR_GROUPS_FR.get(a, a) for a in sorted(spec.actor_groups)]
        parts.append(f"dont les auteurs présumés comprennent {_ou(groups)}")
    if spec.actors:
        parts.append(f"dont un auteur est nommé comme {_ou([_quote(a) for a in sorted(spec.actors)])}")
    if spec.admin2:
        cercles = sorted(spec.admin2)
        parts.append(("dans le cercle de " if len(cercles) == 1 else "dans les cercles de ") + _ou(cercles))
    if spec.communes:
        from dashboard.query.communes import label

        communes = [label(c) for c in sorted(spec.communes)]
        parts.append(("dans la commune de " if len(communes) == 1 else "dans les communes de ") + _ou(communes))
    period = describe_period_fr(spec.start, spec.end)
    if period:
        parts.append(period)
    tail = []
    if spec.min_fatalities:
        tail.append(f"au moins {spec.min_fatalities} tués")
    if spec.verification:
        tail.append("vérification " + _ou([VERIFICATION_LABELS["fr"].get(v, v) for v in sorted(spec.verification)]))
    if spec.geo_precisions:
        tail.append("localisation " + _ou([PRECISION_LABELS["fr"][p] for p in sorted(spec.geo_precisions)]))
    if spec.datasets:
        tail.append(f"rapportés dans {_ou(sorted(spec.datasets))}")
    if spec.min_sources:
        tail.append(f"d'au moins {spec.min_sources} sources indépendantes")
    if spec.text:
        tail.append(f"mentionnant {_quote(spec.text)}")
    sentence = parts[0] + " " + ", ".join(parts[1:])  # the scope's phrase always follows the head
    if tail:
        sentence += " ; " + " ; ".join(tail)
    return sentence


def _quote(text: str) -> str:
    return f"« {text} »"


def describe(spec: FilterSpec, lang: str) -> str:
    return describe_fr(spec) if check_lang(lang) == "fr" else spec.describe()
