"""Actor name → perpetrator category, shared by the ACLED and UCDP adapters.

The rules are one ordered table: the first pattern that matches a (normalised) actor name wins. The
order matters and encodes the judgement calls, which the README documents:

1. **State forces of Mali** ("Military Forces of Mali (2021-)", "Police Forces of Mali", UCDP's
   "Government of Mali") → ``state_forces``.
2. **Foreign forces**: Wagner Group / Africa Corps, any *other* country's military, police or government
   ("Military Forces of Russia", "Military Forces of France", "Government of France"), and international
   missions (MINUSMA, Barkhane, Takuba, G5 Sahel) → ``foreign_forces``.
3. **Pro-government militias**: Dozo hunters' militias and Dan Na Ambassagou (the Dogon militia) fight
   alongside, and are tolerated or supplied by, the Malian state in central Mali (Mopti and Ségou), as
   documented by UN, HRW and ACLED reporting; ACLED files them as "communal"/identity militias, but
   for questions of responsibility they belong with the state side. Burkina Faso's Koglweogo and
   Volunteers for the Defence of the Homeland (VDP) are state-sponsored auxiliaries and go here too.
   This rule runs *before* the communal rule, so "Dozo Communal Militia (Mali)" is pro-government.
4. **Jihadist groups**: JNIM and its components (Katiba Macina / FLM, Ansar Dine, AQIM, al-Mourabitoun),
   Islamic State Sahel / ISGS, Ansaroul Islam, MUJAO → ``jihadist_group``.
5. **Communal militias**: any other ethnic/communal militia ("Fulani Ethnic Militia (Mali)",
   "Unidentified Communal Militia (Mali)") → ``communal_militia``.
   A *community* ("Fulani Ethnic Group (Mali)", "Civilians (Mali)") is not an armed actor and gets no
   category from its name: ethnicity alone never makes anyone a perpetrator category.
6. **Unidentified** ("Unidentified Armed Group (Mali)") → ``unidentified``.

A name no rule recognises falls through to the caller's fallback (ACLED: the ``inter`` code, see
:func:`category_from_inter`; UCDP: ``other_armed_group``).
"""

from __future__ import annotations

import re

from dashboard.data.missing import is_missing
from dashboard.data.textfold import fold_key

HOME_COUNTRY = "mali"
_COMMUNITY = "community"

# (category, pattern on the normalised name: lower case, no accents, single spaces)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern))
    for category, pattern in (
        ("state_forces", rf"\b(forces|government|gendarmerie|guard|guards) of {HOME_COUNTRY}\b"),
        ("state_forces", rf"^government of {HOME_COUNTRY}\b|\bmalian (army|armed forces|military|police)\b|\bfama\b"),
        ("foreign_forces", r"\bwagner\b|\bafrica corps\b|\bminusma\b|\bunited nations\b|\bbarkhane\b|\btakuba\b"
                           r"|\bserval\b|\bg5 sahel\b|\beutm\b"),
        ("foreign_forces", r"\b(military|police|armed) forces of (?!mali\b)\w|^government of (?!mali\b)\w"),
        ("progov_militia", r"\bdozos?\b|\bdonso\b|\bdan na ambassagou\b|\bkoglweogo\b"
                           r"|\bvolunteers for the defen[cs]e of the homeland\b|\bvdp\b"),
        ("jihadist_group", r"\bjnim\b|\bsupport of islam and muslims\b|\bkatiba\b|\bmacina liberation front\b"
                           r"|\bflm\b|\bansar (dine|eddine)\b|\bansaroul islam\b|\baqim\b|\bal[- ]qaeda\b"
                           r"|\bmourabitoun\b|\bmujao\b|\bislamic state\b|^is\b|\bisgs\b|\bissp\b|\bis sahel\b"),
        # A community ("Fulani Ethnic Group (Mali)", "Civilians (Mali)") is not an armed actor: no category.
        (_COMMUNITY, r"\b(ethnic|communal|religious) group\b|^civilians\b"),
        ("communal_militia", r"\b(ethnic|communal|identity) militia\b|\bfulani\b|\bpeul\b|\bfulbe\b"),
        ("unidentified", r"^(unidentified|unknown)\b"),
    )
)

# ACLED ``inter1``/``inter2``: numeric codes (before 2024) or their text labels (since 2024).
_INTER_CATEGORY = {
    "1": "state_forces",        # State forces (foreign ones are caught by name first)
    "2": "other_armed_group",   # Rebel groups
    "3": "other_armed_group",   # Political militias
    "4": "communal_militia",    # Identity militias
    "8": "foreign_forces",      # External/other forces
}  # 5 rioters, 6 protesters, 7 civilians: no armed-actor category, so the caller's fallback applies
_INTER_LABELS = {
    "state force": "1",
    "rebel group": "2",
    "political militia": "3",
    "identity militia": "4",
    "rioter": "5",
    "protester": "6",
    "civilian": "7",
    "external/other force": "8",
}


_ACTOR_PUNCTUATION = re.compile(r"[^\w/\- ]+")


def normalise_name(name: object) -> str:
    """Lower case, accents removed, punctuation other than ``/`` and ``-`` turned into spaces."""
    return fold_key(name, _ACTOR_PUNCTUATION)


def category_from_name(name: object) -> str | None:
    """The category the first matching rule gives, or ``None`` when no rule recognises the name."""
    key = normalise_name(name)
    if not key:
        return None
    for category, pattern in _RULES:
        if pattern.search(key):
            return None if category == _COMMUNITY else category
    return None


def inter_code(value: object) -> str | None:
    """ACLED ``inter`` value (``3``, ``"3"``, ``"3.0"``, ``"Political militia"``) → code ``"1"``..``"8"``."""
    if is_missing(value):
        return None
    text = str(value).strip().casefold()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return text.split(".")[0]
    text = re.sub(r"\s+", " ", text)
    for label, code in _INTER_LABELS.items():
        if text.startswith(label):
            return code
    return None


def category_from_inter(value: object) -> str | None:
    code = inter_code(value)
    return _INTER_CATEGORY.get(code) if code else None


def categorise(name: object, *, inter: object = None, fallback: str = "unidentified") -> str:
    """Category of one actor: its name first, then its ACLED ``inter`` code, then ``fallback``."""
    return category_from_name(name) or category_from_inter(inter) or fallback


def split_names(*cells: object) -> list[str]:
    """Actor names from ``"; "``-separated cells, de-duplicated, in order."""
    names: list[str] = []
    for cell in cells:
        if isinstance(cell, str):
            names.extend(n.strip() for n in cell.split(";") if n.strip())
    return list(dict.fromkeys(names))
