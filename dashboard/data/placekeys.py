"""Lookup keys for Malian place and unit names, which the sources spell in many ways.

* :func:`key` — accents, case and punctuation ignored: ``"Ké-Macina"`` = ``"ke macina"`` = ``"KE MACINA"``.
* :func:`loose_key` — also the transliteration variants common in Malian names: separators dropped
  (``"N'Débougou"`` = ``"Ndébougou"``, ``"Toridaga-Ko"`` = ``"Toridagako"``), doubled letters single
  (``"Diarrakala"`` = ``"Diarakala"``, ``"Kallala"`` = ``"Kalala"``), ``y`` = ``i`` (``"Dogofry"`` = ``"Dogofri"``),
  ``w`` = ``ou`` (``"Wéré"`` = ``"Ouéré"``), a word-final ``h`` dropped (``"Peulh"`` = ``"Peul"``).
  A loose match is weaker evidence than an exact one; the geocoder says which one it used.
* :func:`unit_name` — ``"cercle de Niono"``, ``"Niono cercle"``, ``"Commune de Pogo"`` → the unit's own name.

These rules are a few regular expressions written for this project: the variants are specific to French
transcriptions of Bambara/Fulfulde names, which no general library (phonetic or fuzzy matching) handles better
without also matching distinct villages.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dashboard.data import textfold

_PUNCTUATION = re.compile(r"[\W_]+")
_UNIT_PREFIX = re.compile(r"^(?:(?:le|la|du|de la)\s+)?(cercle|commune|region|prefecture)(?:\s+(?:rurale|urbaine))?"
                          r"(?:\s+(?:de|du|d|des))?\s+")
_UNIT_SUFFIX = re.compile(r"\s+(cercle|commune|region)$")
_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_H = re.compile(r"(?<=[a-z])h\b")


def key(name: object) -> str:
    """NFKD without accents, case-folded, every run of punctuation or spaces as one space."""
    return _key(name) if isinstance(name, str) else ""


def loose_key(name: object) -> str:
    """:func:`key` with the transliteration variants of the module docstring folded together, no spaces."""
    return _loose(name) if isinstance(name, str) else ""


@lru_cache(maxsize=1 << 16)  # names repeat a lot in imports and reports
def _key(name: str) -> str:
    return textfold.fold_key(name, _PUNCTUATION)


@lru_cache(maxsize=1 << 16)
def _loose(name: str) -> str:
    text = _FINAL_H.sub("", _key(name))
    text = text.replace("w", "ou").replace("y", "i").replace(" ", "")
    return _DOUBLE.sub(r"\1", text)


def unit_name(name: object) -> tuple[str, str | None]:
    """The :func:`key` of a unit name without its unit word, and that word if there was one.

    ``"cercle de Ké-Macina"`` → ``("ke macina", "cercle")``; ``"Niono cercle"`` → ``("niono", "cercle")``;
    ``"Pogo"`` → ``("pogo", None)``.
    """
    text = key(name)
    prefix = _UNIT_PREFIX.match(text)
    if prefix:
        return text[prefix.end():].strip(), prefix.group(1)
    suffix = _UNIT_SUFFIX.search(text)
    if suffix:
        return text[:suffix.start()].strip(), suffix.group(1)
    return text, None
