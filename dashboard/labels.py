"""How the vocabularies' codes are shown in a language: perpetrator categories, location precisions, verification
levels, attribution bases, ACLED event types and the canonical actors.

The English labels are declared here once, marked for extraction; :mod:`dashboard.i18n` translates them where they
are shown. An ACLED event type keeps ACLED's English name beside its translation ("Violence contre des civils
(Violence against civilians)"), as ACLED's French-speaking users know it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.data.schema import GEO_PRECISION_LABELS, PERPETRATOR_LABELS
from dashboard.data.sources.ucdp import NOT_NAMED as UCDP_NOT_NAMED
from dashboard.i18n import DEFAULT, N_, NP_, Translator, tr

__all__ = ["ACTOR_GROUPS", "BASIS", "CATEGORY_ATTRIBUTED", "EVENT_TYPES", "VERIFICATION", "actor_group", "basis",
           "category", "category_attributed", "event_type", "place", "places", "precision", "said_event_type",
           "verification"]

# The schema's labels, marked here (the schema stays free of the translation layer)
_CATEGORIES = {"state_forces": N_("State forces"), "foreign_forces": N_("Foreign forces"),
               "progov_militia": N_("Pro-government militia"), "jihadist_group": N_("Jihadist armed group"),
               "communal_militia": N_("Communal militia"), "other_armed_group": N_("Other armed group"),
               "unidentified": N_("Unidentified")}
# how a category is said after "attributed to" (French needs the article: "aux forces étatiques")
CATEGORY_ATTRIBUTED = {
    "state_forces": NP_("attributed to", "state forces"),
    "foreign_forces": NP_("attributed to", "foreign forces"),
    "progov_militia": NP_("attributed to", "pro-government militia"),
    "jihadist_group": NP_("attributed to", "jihadist armed group"),
    "communal_militia": NP_("attributed to", "communal militia"),
    "other_armed_group": NP_("attributed to", "other armed group"),
    "unidentified": NP_("attributed to", "unidentified"),
}
_PRECISIONS = {1: N_("exact place"), 2: N_("near a named place (approximate)"), 3: N_("region only")}
VERIFICATION = {"confirmed": NP_("verification", "confirmed"), "corroborated": NP_("verification", "corroborated"),
                "reported": NP_("verification", "reported"), "contested": NP_("verification", "contested")}
BASIS = {"witness": N_("per witnesses"), "survivor": N_("per survivors"), "claimed": NP_("basis", "claimed"),
         "official": N_("per officials"), "source_attributed": N_("as attributed by the source"),
         "unknown": N_("basis unknown")}
EVENT_TYPES = (NP_("ACLED event type", "Violence against civilians"), NP_("ACLED event type", "Battles"),
               NP_("ACLED event type", "Explosions/Remote violence"),
               NP_("ACLED event type", "Strategic developments"), NP_("ACLED event type", "Riots"),
               NP_("ACLED event type", "Protests"))
DATE_PRECISIONS = (NP_("date precision", "day"), NP_("date precision", "week"), NP_("date precision", "month"),
                   NP_("date precision", "year"))
ACTOR_GROUPS = (  # the canonical actors of dashboard/bundled/actors.csv
    NP_("actor group", "Malian Armed Forces (FAMa)"), NP_("actor group", "Wagner Group / Africa Corps"),
    NP_("actor group", "Dozo militias"), NP_("actor group", "JNIM / Katiba Macina"),
    NP_("actor group", "Islamic State Sahel"), NP_("actor group", "Dan Na Ambassagou"),
)
assert set(_CATEGORIES.values()) == set(PERPETRATOR_LABELS.values()), "labels.py and schema.py disagree"
assert set(_PRECISIONS.values()) == set(GEO_PRECISION_LABELS.values()), "labels.py and schema.py disagree"
_UNNAMED = (UCDP_NOT_NAMED,)  # what an adapter writes as the place where its file names none (marked there)


def _t(t: Translator | str | None) -> Translator:
    return t if isinstance(t, Translator) else tr(t or DEFAULT)


def category(code: str, t: Translator | str | None = None) -> str:
    """"State forces" / "Forces étatiques" (an unknown code as it is)."""
    label = _CATEGORIES.get(code)
    return _t(t).gettext(label) if label else code


def category_attributed(code: str, t: Translator | str | None = None) -> str:
    """What follows "attributed to": "state forces" / "aux forces étatiques"."""
    label = CATEGORY_ATTRIBUTED.get(code)
    return _t(t).pgettext("attributed to", label) if label else code


def precision(p: int, t: Translator | str | None = None) -> str:
    label = _PRECISIONS.get(int(p))
    return _t(t).gettext(label) if label else "?"


def verification(status: str, t: Translator | str | None = None) -> str:
    return _t(t).pgettext("verification", status) if status in VERIFICATION else str(status)


def basis(code: str | None, t: Translator | str | None = None) -> str:
    label = BASIS.get(code or "unknown", BASIS["unknown"])
    return _t(t).pgettext("basis", label) if label == BASIS["claimed"] else _t(t).gettext(label)


def event_type(name: str, t: Translator | str | None = None) -> str:
    """ACLED's name, and its translation before it when the language has one."""
    return said_event_type(name, _t(t).pgettext)


def said_event_type(name: str, pgettext) -> str:
    said = pgettext("ACLED event type", name)
    return name if said == name else f"{said} ({name})"


def actor_group(name: str, t: Translator | str | None = None) -> str:
    return _t(t).pgettext("actor group", name)


# ---- victims and harms (dashboard.data.harms) -------------------------------------------------------------------
HARMS = {"injured": N_("injured"), "abducted": N_("abducted or disappeared"), "detained": N_("arbitrarily detained"),
         "sexual_violence": N_("sexual violence"), "buildings_burned": N_("homes or buildings burned"),
         "livestock_taken": N_("livestock taken"), "displaced": N_("displaced")}
KILLED_GROUPS = {"men": NP_("killed", "men"), "women": NP_("killed", "women"), "sex_unknown": NP_("killed", "sex unknown"),
                 "adults": NP_("killed", "adults"), "children": NP_("killed", "children"),
                 "age_unknown": NP_("killed", "age unknown")}
CAUSES = {"firearm": N_("firearm"), "explosive": N_("explosive weapon"), "sharp_object": N_("bladed or sharp object"),
          "burning": N_("burning"), "other": NP_("cause of death", "other means"),
          "indirect": N_("indirect (e.g. siege, denial of care)"), "unknown": NP_("cause of death", "unknown")}
VIOLATION_KINDS = {"violation": N_("violation (state agents)"), "abuse": N_("abuse (non-state actors)"),
                   "both": N_("violation and abuse"), "unknown": N_("neither (perpetrator unidentified)")}


def place(location: str, t: Translator | str | None = None) -> str:
    """A place as reported, shown as the source wrote it; the wording an adapter writes where its file names no place
    (:data:`dashboard.data.sources.ucdp.NOT_NAMED`) is said in the reader's language."""
    return _t(t).gettext(location) if location in _UNNAMED else location


def places(locations: pd.Series, t: Translator | str | None = None) -> np.ndarray:
    """:func:`place` of a column (an object array): one comparison per row, one translation."""
    values = locations.to_numpy(dtype=object, copy=True)
    for unnamed in _UNNAMED:
        values[(locations == unnamed).fillna(False).to_numpy(dtype=bool)] = _t(t).gettext(unnamed)
    return values


def harm(code: str, t: Translator | str | None = None) -> str:
    label = HARMS.get(code)
    return _t(t).gettext(label) if label else code


def killed_group(group: str, t: Translator | str | None = None) -> str:
    return _t(t).pgettext("killed", group.replace("_", " ")) if group in KILLED_GROUPS else group


def cause(code: str, t: Translator | str | None = None) -> str:
    label = CAUSES.get(code)
    if label is None:
        return code
    return _t(t).pgettext("cause of death", label) if code in ("other", "unknown") else _t(t).gettext(label)


def violation_kind(kind: str, t: Translator | str | None = None) -> str:
    label = VIOLATION_KINDS.get(kind)
    return _t(t).gettext(label) if label else kind
