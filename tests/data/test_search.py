"""Free-text search: what matches (case and accents ignored, per column, missing never), and the word index gives
exactly what a scan of the folded text gives, for any text and query (hypothesis)."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data import search
from dashboard.data.search import SEARCH_COLUMNS, SearchIndex, fold, fold_query, text_mask
from tests.factories import incidents, row


def frame(**columns) -> pd.DataFrame:
    """Only the searched columns, as text columns of the canonical dtype ("str"); others default to None."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame({c: pd.Series(columns.get(c, [None] * n), dtype="str") for c in SEARCH_COLUMNS})


def reference(data: pd.DataFrame, text: str) -> np.ndarray:
    """The definition, value by value: fold(query) is a substring of fold(value) in one column."""
    needle = fold_query(text)
    hit = np.zeros(len(data), dtype=bool)
    for col in SEARCH_COLUMNS:
        folded = fold(pa.array(data[col].to_numpy(dtype=object), pa.large_string(), from_pandas=True)).to_pylist()
        hit |= np.array([v is not None and needle in v for v in folded], dtype=bool)
    return hit


def test_case_and_accents_are_ignored_both_ways():
    data = frame(summary=["Attaque près de Ségou", "SEGOU town", "Dozo hunters", "Niono"],
                 location=["Kamona", None, "Balle", "Diabaly"])
    index = SearchIndex.build(data)
    for query in ("segou", "SÉGOU", "Ségou", "ségou"):
        assert index.mask(query).tolist() == [True, True, False, False], query
    assert index.mask("près de").tolist() == [True, False, False, False]
    assert index.mask("pres de s").tolist() == [True, False, False, False]
    assert index.mask("DOZO").tolist() == [False, False, True, False]
    assert index.mask("kamona").tolist() == [True, False, False, False]
    assert fold_query("ﬁve Æ ŒUVRE") == "five æ œuvre"  # compatibility forms (NFKD); æ/œ are letters, kept


def test_a_query_never_matches_across_two_columns_or_a_missing_value():
    data = frame(summary=["killed in Nio", None], location=["no", None], sources=[None, "https://a.org"])
    index = SearchIndex.build(data)
    assert not index.mask("niono").any()
    assert not index.mask("nio no").any()
    assert index.mask("https://").tolist() == [False, True]
    assert index.mask("nio").tolist() == [True, False]


def test_numbers_and_words_with_digits_are_found_inside_words():
    data = frame(summary=["12 killed on 2024-03-01", "convoy B52 hit", "km², ٣ dead", None],
                 sources=[None, "https://x.org/r/2024", None, "https://y.org/a1b"])
    index = SearchIndex.build(data)
    assert index.mask("2").tolist() == [True, True, True, False]  # "²" is "2" once folded
    assert index.mask("2024").tolist() == [True, True, False, False]
    assert index.mask("b5").tolist() == [False, True, False, False]
    assert index.mask("1b").tolist() == [False, False, False, True]
    assert index.mask("٣").tolist() == [False, False, True, False]
    assert index.mask("12 k").tolist() == [True, False, False, False]


def test_an_index_only_answers_for_the_frame_it_was_built_on():
    data = frame(summary=["a", "b", "c"])
    index = SearchIndex.build(data)
    assert text_mask(data, "b", index).tolist() == [False, True, False]
    with pytest.raises(ValueError, match="covers 3 rows"):
        text_mask(data.iloc[:2], "b", index)


# Text drawn from pieces that stress the word rule: accents (precomposed and combining), other scripts,
# ligatures, punctuation, spaces, separators between words, and bytes that look alike in UTF-8.
PIECES = ["a", "b", "e", "é", "e\u0301", "E", "É", "ø", "ß", "ﬁ", "İ", "世", "’", "-", " ", ".", "/", "\n",
          "\x00", "https://", "Ségou", "seg", "ou", "Niono", "12", "3", "٣", "²", "_", "ǅ", "\u200b", "K"]
texts = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
cells = st.one_of(st.none(), texts)


@st.composite
def frames_and_queries(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    data = frame(**{c: draw(st.lists(cells, min_size=n, max_size=n)) for c in SEARCH_COLUMNS})
    values = [v for c in SEARCH_COLUMNS for v in data[c].dropna()]
    if values and draw(st.booleans()):  # a piece of a value: usually a hit
        value = draw(st.sampled_from(values))
        i = draw(st.integers(0, len(value)))
        j = draw(st.integers(i, len(value)))
        query = value[i:j]
    else:
        query = draw(texts)
    return data, query


@settings(max_examples=400, deadline=None)
@given(case=frames_and_queries())
def test_the_word_index_and_the_scan_give_exactly_the_definition(case, tmp_path_factory):
    data, query = case
    query = query.strip() or "a"  # the filter strips the query; an empty one is no filter at all
    want = reference(data, query)
    assert SearchIndex.build(data, words=False).mask(query).tolist() == want.tolist()
    for dense_share in (1.0, 0.0, 0.3):  # no word kept as a bitmap of rows, every word, or the frequent ones
        with patch.object(search, "DENSE_SHARE", dense_share):
            index = SearchIndex.build(data)
        for scan_share in (0.0, 1.0):  # phrases checked on the candidates' text, or on all of it
            with patch.object(search, "SCAN_SHARE", scan_share):
                assert index.mask(query).tolist() == want.tolist()
    path = tmp_path_factory.mktemp("index") / "i.arrow"
    index.save(path, {"k": 1})  # the last one: lists and bitmaps
    assert SearchIndex.open(path, {"k": 1}).mask(query).tolist() == want.tolist()
    whole = index.words.arrays()
    for cut in (1, 2, 5):  # the text cut into words, and the words renumbered, a few bytes or words at a time
        with patch.object(search, "DENSE_SHARE", 0.3), patch.object(search, "_CUT_BYTES", cut), \
                patch.object(search, "_RENUMBER_PAIRS", cut), patch.object(search, "_WORD_ROWS", cut):
            sliced = SearchIndex.build(data)
        assert sliced.mask(query).tolist() == want.tolist()
        assert {k: v.to_pylist() for k, v in sliced.words.arrays().items()} == {k: v.to_pylist() for k, v in whole.items()}
        assert {k: v.to_pylist() for k, v in sliced.texts.items()} == {k: v.to_pylist() for k, v in index.texts.items()}


def test_a_saved_index_is_used_only_for_its_key_and_code_and_never_when_damaged(tmp_path):
    data = frame(summary=["Kamona, 2 Oct", "Balle, 13 Oct"], sources=["https://hrw.org/a", "https://rfi.fr/b"])
    path = tmp_path / "i.arrow"
    SearchIndex.build(data).save(path, {"store": 1})
    assert SearchIndex.open(path, {"store": 1}).mask("hrw").tolist() == [True, False]
    assert SearchIndex.open(path, {"store": 2}) is None
    raw = path.read_bytes()
    at = raw.index(b"Balle".lower())  # inside the folded summaries
    path.write_bytes(raw[:at] + b"x" + raw[at + 1:])
    with pytest.raises(ValueError, match="damaged"):
        SearchIndex.open(path, {"store": 1})
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(pa.ArrowInvalid):  # truncated: Arrow refuses it (the store then rebuilds the index)
        SearchIndex.open(path, {"store": 1})


def test_an_opened_index_holds_its_words_and_texts_in_memory_not_on_the_files_pages(tmp_path):
    """A phrase reads the candidates' texts at random, and pages of a mapped file that the kernel dropped are read
    back from disk one by one: SearchIndex.open reads the file whole. Overwriting the file in place shows what the
    index reads: a mapping would see it."""
    data = frame(summary=["Kamona, 2 Oct", "Balle, 13 Oct"], sources=["https://hrw.org/a", "https://rfi.fr/b"])
    path = tmp_path / "i.arrow"
    SearchIndex.build(data).save(path, {"store": 1})
    index = SearchIndex.open(path, {"store": 1})
    raw = path.read_bytes()
    assert raw.count(b"balle") >= 2  # in the folded summaries and in the vocabulary
    with open(path, "r+b") as f:  # the same file, its bytes changed wherever "balle" is
        for at in (i for i in range(len(raw)) if raw.startswith(b"balle", i)):
            f.seek(at)
            f.write(b"xxxxx")
    assert b"balle" not in path.read_bytes()
    assert index.texts["summary"].to_pylist() == ["kamona, 2 oct", "balle, 13 oct"]
    assert "balle" in index.words.words.to_pylist()
    assert index.mask("balle, 13").tolist() == [False, True]
    assert index.mask("balle").tolist() == [False, True]


def test_the_canonical_frame_is_searched_through_its_own_dtypes():
    data = incidents(row(incident_id="a", summary="Témoins à Kamona", perpetrators="FAMa; Dozo"),
                     row(incident_id="b", summary="Other", location="Balle", admin2=None))
    index = SearchIndex.build(data)
    assert index.mask("temoins").tolist() == [True, False]
    assert index.mask("fama; d").tolist() == [True, False]
    assert index.mask("DOZO").tolist() == [True, True]
    assert index.mask("balle").tolist() == [False, True]


def test_a_french_phrase_from_a_french_summary_finds_the_incident():
    data = frame(summary=["Soldiers shot sixteen unarmed preachers at a checkpoint", "Dozo hunters attacked"],
                 summary_fr=["des soldats ont abattu seize prédicateurs non armés à un point de contrôle", None])
    index = SearchIndex.build(data)
    for query in ("point de contrôle", "predicateurs non armes", "seize"):
        assert index.mask(query).tolist() == [True, False], query
        assert text_mask(data, query).tolist() == [True, False], query  # the scan says the same


def test_the_bundled_french_summaries_are_searched():
    from dashboard.data.store import load_bundled
    from dashboard.query.filters import filter_incidents
    from dashboard.query.spec import FilterSpec

    bundled = load_bundled()
    found = filter_incidents(bundled, FilterSpec(text="bavure de l'armée"))
    assert found["incident_id"].tolist() == ["SEG-2012-001"]
    assert "bavure" not in bundled.loc[found.index[0], "summary"]  # found through its French summary only


def test_a_phrase_is_checked_only_in_the_columns_that_hold_all_its_words(monkeypatch):
    """Its words in two different columns of a row cannot make it match there: that row's text is not read."""
    data = frame(summary=["attack in the niono area", "niono town", "seen in niono", None],
                 sources=["https://a.org/area", "https://b.org/area-report", None, "https://niono.org/area"])
    index = SearchIndex.build(data)
    scanned: list[str] = []
    real_scan = search._scan

    def scan(texts, needle):
        scanned.extend(texts.to_pylist())
        return real_scan(texts, needle)

    monkeypatch.setattr(search, "_scan", scan)
    assert index.mask("niono area").tolist() == [True, False, False, False]
    # read: the one summary holding both words, and the one source (the second row's "niono" is in its summary,
    # its "area" in its source: neither is read)
    assert scanned == ["attack in the niono area", "https://niono.org/area"]
    scanned.clear()
    assert index.mask("niono.org/area").tolist() == [False, False, False, True]
    assert scanned == ["https://niono.org/area"]  # the only value holding "niono", "org" and "area"


def test_a_letter_in_every_row_is_answered_from_the_frequent_words_alone(monkeypatch):
    """When the frequent words' bitmaps already hold every row, the vocabulary is not read; when they do not, it is,
    and the rare words' rows are added (the answer is the definition's either way)."""
    common = [f"the attack near village{i} by men" for i in range(64)]
    data = frame(summary=common, sources=[f"https://x.org/r{i}" for i in range(64)])
    with patch.object(search, "DENSE_SHARE", 0.5):  # "the", "attack"... in every row: bitmaps; the rest: lists
        index = SearchIndex.build(data)
    assert len(index.words.dense_words) and len(index.words.postings.flatten())
    real = search.WordIndex.containing
    read: list[str] = []

    def containing(self, run):
        read.append(run)
        return real(self, run)

    monkeypatch.setattr(search.WordIndex, "containing", containing)
    for letter in ("e", "a", "t"):  # in "the" or "attack": every row, from the bitmaps
        assert index.mask(letter).tolist() == reference(data, letter).tolist() == [True] * 64
    assert read == []
    for rare in ("village1", "r6", "9"):  # only in rare words: the vocabulary is read, the lists give the rows
        want = reference(data, rare)
        assert 0 < want.sum() < 64
        assert index.mask(rare).tolist() == want.tolist()
    assert read == ["village1", "r6", "9"]
