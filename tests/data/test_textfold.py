"""One folding rule: the string and the Arrow implementations agree, and search and the gazetteer fold alike."""

from __future__ import annotations

import re
import sys
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.placekeys import key as place_key
from dashboard.data.search import SearchIndex, fold_query
from dashboard.data.textfold import CASEFOLD_CLASS, fold, fold_array
from tests.data.test_search import frame

KNOWN = [chr(c) for c in range(sys.maxunicode + 1)
         if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"]


def arrow(values: list[str]) -> list[str]:
    return fold_array(pa.array(values, pa.large_string())).to_pylist()


def test_the_two_implementations_agree_on_every_character_python_knows():
    # Arrow's Unicode tables may be newer than Python's: only characters both know are compared
    folded = arrow(KNOWN)
    differ = [(hex(ord(c)), a, fold(c)) for c, a in zip(KNOWN, folded, strict=True)
              if a != fold(c) and all(unicodedata.category(x) != "Cn" for x in a)]
    assert differ == []


def test_the_casefold_class_is_exactly_the_characters_folding_changes_after_lowering():
    lowered = set()
    for c in KNOWN:
        decomposed = unicodedata.normalize("NFKD", c)
        lowered.update("".join(x for x in decomposed if unicodedata.category(x) != "Mn").lower())
    changed = {x for x in lowered if x.casefold() != x}
    python_class = re.compile(re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: f"\\U{int(m[1], 16):08x}", CASEFOLD_CLASS))
    assert {x for x in lowered if python_class.fullmatch(x)} == changed


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cn")), max_size=12), max_size=8))
def test_the_two_implementations_agree_on_any_text(texts):
    assert arrow(texts) == [fold(t) for t in texts]


@pytest.mark.parametrize(("a", "b"), [("Straße", "STRASSE"), ("Ségou", "segou"), ("ﬁve", "FIVE"),
                                      ("ΟΔΟΣ", "οδος"), ("Ké-Macina", "KE-MACINA")])
def test_spellings_fold_alike_for_search_and_the_gazetteer(a, b):
    assert fold(a) == fold(b) == fold_query(a) == fold_query(b)
    assert place_key(a) == place_key(b)
    index = SearchIndex.build(frame(summary=[f"near {a} market", "elsewhere"]))
    assert index.mask(b).tolist() == [True, False]
