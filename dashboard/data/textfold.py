"""Accent- and case-insensitive keys for names (places, actors) written in many spellings."""

from __future__ import annotations

import re
import unicodedata


def fold(name: object, drop: re.Pattern[str]) -> str:
    """NFKD without combining accents, case-folded, runs matching ``drop`` turned into single spaces."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(drop.sub(" ", text).split())
