"""The place names a report's ``location`` text gives for the place itself, as lookup keys.

A location is written by people: "Kamona (Kamona-Pont)", "Balle (Ballé), about 55 km from Kamona",
"Farabougou (traders en route to Dogofry weekly fair)", "Tièlan (also: Tielan)". Two reports *name the same place*
when one of their keys agrees. The keys are :func:`dashboard.data.placekeys.loose_key` (accents, case,
punctuation and the usual transliteration variants folded: Kalala = Kallala, Dogofry = Dogofri) of each run of
capitalised words, except:

* a run right after a word that points elsewhere ("km from Kamona", "north of Ké-Macina", "commune of Mariko",
  "en route to Dogofry", "toward M'Bera"), or followed by "region": it names another place, a reference point or
  the unit around it (and so does an alias or a list right after it: "commune of Mariko (Marico)");
* words that describe rather than name ("Near", "Road", "Hamlets", "Peuhl", "Checkpoint", acronyms such as "RN6"
  or "RFI", anything with a digit), dropped from the start and end of a run.

Hand-written because no library parses these phrases; the rules are few and each is a test in
``tests/data/test_reconcile_names.py``. A wrong key costs little: agreement of names is one piece of evidence, a
link also needs the dates and the perpetrators to agree (:mod:`dashboard.data.reconcile.evidence`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from dashboard.data.placekeys import loose_key

__all__ = ["name_keys", "place_names"]

# a word starting with a capital (N'Débougou, Ké-Macina, Kalala-peul), or a lower-case particle inside a name
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_PARTICLES = {"du", "de", "el", "la", "da", "ag", "ould"}
# a run right after one of these words names somewhere else (or the unit around the place)
_ELSEWHERE = {"from", "of", "to", "toward", "towards", "de", "du", "des", "d", "vers", "via"}
_DESCRIBING = {
    "near", "around", "about", "road", "route", "axis", "between", "checkpoint", "camp", "camps", "hamlet", "hamlets",
    "fields", "field", "bridge", "town", "village", "villages", "commune", "cercle", "region", "area", "market",
    "fair", "weekly", "the", "plains", "plain", "peuhl", "peul", "peulh", "fulani", "also", "office", "zone",
    "water", "point", "post", "army", "military", "base", "school", "mosque", "north", "south", "east", "west",
    "central", "centre", "center", "northern", "southern", "eastern", "western", "mauritanian", "malian", "border",
    "junction", "in", "at", "on", "and", "et", "pont", "quarter", "district", "forest", "river", "lake",
    "niger", "mali", "mauritania", "burkina",  # Office du Niger (the irrigated zone), countries
}
_UNITS = {"region", "regions", "région"}  # "Ségou region" is the unit around a place, never the place itself


def place_names(location: object) -> tuple[str, ...]:
    """The names of the place itself in a location text, in order (see the module docstring)."""
    return _names(location) if isinstance(location, str) else ()


def name_keys(location: object) -> frozenset[str]:
    """:func:`place_names` as loose lookup keys (empty keys dropped)."""
    return _keys(location) if isinstance(location, str) else frozenset()


@lru_cache(maxsize=1 << 16)
def _keys(location: str) -> frozenset[str]:
    return frozenset(k for k in (loose_key(n) for n in _names(location)) if len(k) >= 3)


@lru_cache(maxsize=1 << 16)
def _names(location: str) -> tuple[str, ...]:
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(location)]
    names: list[str] = []
    i = 0
    last_end, last_skipped = -10, False
    while i < len(tokens):
        word, start, _ = tokens[i]
        if not word[0].isupper() or _is_code(word):
            i += 1
            continue
        j = i + 1  # extend the run over capitalised words and particles, separated by spaces only
        while j < len(tokens) and not location[tokens[j - 1][2]:tokens[j][1]].strip():
            nxt = tokens[j][0]
            capitalised = nxt[0].isupper() and not _is_code(nxt)
            particle = nxt.lower() in _PARTICLES and j + 1 < len(tokens) and tokens[j + 1][0][0].isupper()
            if not (capitalised or particle):
                break
            j += 1
        before = tokens[i - 1] if i else None
        skip = bool(before) and not location[before[2]:start].strip() and before[0].lower().strip("'’") in _ELSEWHERE
        if last_skipped and location[last_end:start].strip() in ("(", ",", "and", "et"):
            skip = True  # "commune of Mariko (Marico)", "junction of Ségou, Mopti and Tombouctou": the same again
        words = [t[0] for t in tokens[i:j]]
        if j < len(tokens) and tokens[j][0].lower() in _UNITS and not location[tokens[j - 1][2]:tokens[j][1]].strip():
            skip = True  # "Massabougou (Ségou region)": the unit around the place
        while words and words[0].lower() in _DESCRIBING | _PARTICLES:
            words.pop(0)
        while words and words[-1].lower() in _DESCRIBING | _PARTICLES:
            words.pop()
        if words and not skip:
            names.append(" ".join(words))
        last_end, last_skipped = tokens[j - 1][2], skip
        i = j
    return tuple(dict.fromkeys(names))


def _is_code(word: str) -> bool:
    """Acronyms and codes ("RN6", "RFI", "K13", "KO"): not place names."""
    letters = word.replace("-", "").replace("'", "")
    return any(ch.isdigit() for ch in word) or (1 < len(letters) <= 5 and letters.isupper())
