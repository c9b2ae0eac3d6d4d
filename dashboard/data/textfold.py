"""The one folding rule for names and text written in many spellings: Unicode NFKD, nonspacing marks (accents)
removed, then full case folding — so "Ségou" = "SEGOU" = "segou", "ﬁve" = "five" and "Straße" = "STRASSE" =
"strasse". Search, the gazetteer and the actor table all fold with it.

Two implementations of the same rule, because they serve different sizes: :func:`fold` for one string (the
gazetteer's and the actor table's keys; Python's Unicode tables, microseconds) and :func:`fold_array` for columns
(the search index: Arrow kernels, a million values in about a second). Arrow has no case folding, so
:func:`fold_array` lower-cases and then case-folds, in Python, only the few values that hold one of the characters
whose folding differs from their lower case (:data:`CASEFOLD_CLASS`: ß, final sigma, Cherokee and old Cyrillic
small letters). ``tests/data/test_textfold.py`` checks that the two agree on every character Python knows.
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["CASEFOLD_CLASS", "fold", "fold_array", "fold_key"]

# Lower-case characters (after NFKD and the removal of marks) that case folding still changes, as an RE2 class.
CASEFOLD_CLASS = r"[\x{df}\x{3c2}\x{13f8}-\x{13fd}\x{1c80}-\x{1c88}\x{ab70}-\x{abbf}]"


def fold(text: str) -> str:
    """The rule, for one string."""
    if text.isascii():
        return text.lower()  # NFKD leaves ASCII alone and case folding is lower case there
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").casefold()


def fold_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The rule, for an Arrow string array (nulls stay null). ASCII values (most of them) only need lowering, so the
    Unicode work is done on the others alone."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if values.type != pa.large_string():
        values = values.cast(pa.large_string())
    lowered = pc.ascii_lower(values)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    if not pc.any(other).as_py():
        return lowered
    subset = pc.filter(values, other)
    folded = pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(subset, "NFKD"), r"\p{Mn}", ""))
    special = pc.fill_null(pc.match_substring_regex(folded, CASEFOLD_CLASS), False)
    if pc.any(special).as_py():
        fixed = pa.array([None if v is None else v.casefold() for v in pc.filter(folded, special).to_pylist()],
                         pa.large_string())
        folded = pc.replace_with_mask(folded, special, fixed)
    return pc.replace_with_mask(lowered, other, folded)


def fold_key(name: object, drop: re.Pattern[str]) -> str:
    """A lookup key: the folded name with runs matching ``drop`` turned into single spaces ("" for non-text)."""
    if not isinstance(name, str):
        return ""
    return " ".join(drop.sub(" ", fold(name)).split())
