"""The repeating texts (a vocabulary's codes, a place's names, what grading derives) held as categories
(:data:`dashboard.data.shared_columns.REPEATING`, issue 20's cold-load memory): the values are those of texts, the
categories exactly the values held, however the frame was made (read in chunks, grouped, joined, read back)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.data import search as search_module
from dashboard.data import store as st
from dashboard.data.reconcile.incidents import build_incidents
from dashboard.data.search import SearchIndex
from dashboard.data.shared_columns import REPEATING, STRING, compact, counted, filled, stacked, written
from tests.factories import incidents, row


def held_as_categories(frame: pd.DataFrame) -> list[str]:
    """The REPEATING columns of ``frame``, each checked: a category of exactly its values, sorted, as texts."""
    names = [c for c in REPEATING if c in frame.columns]
    for name in names:
        values = frame[name]
        assert isinstance(values.dtype, pd.CategoricalDtype), name
        assert values.cat.categories.dtype == STRING, name
        assert list(values.cat.categories) == sorted(set(values.dropna())), name
    return names


def as_texts(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: frame[c].astype(object).where(frame[c].notna(), None) for c in frame.columns})


def test_a_loaded_store_holds_its_repeating_texts_as_categories_built_or_read_back(tmp_path):
    path = tmp_path / "incidents.gpkg"
    st.ensure_store(path)  # the bundled record: linked reports among its 36
    built = st.load_store(path)
    assert not built.from_cache
    read_back = st.load_store(path)
    assert read_back.from_cache
    for data in (built, read_back):
        names = held_as_categories(data.incidents)
        assert {"perpetrator_category", "cercle", "dataset", "datasets", "grade", "status"} <= set(names)
        held_as_categories(data.reports)
    pd.testing.assert_frame_equal(pd.DataFrame(built.incidents), pd.DataFrame(read_back.incidents))


def test_a_merged_incident_keeps_the_values_its_reports_did_not_hold():
    rows = (row(incident_id="A", dataset="user", admin3="Sokolo"),
            row(incident_id="B", dataset="acled", admin3=None, location="Kamona village"))
    reports = compact(incidents(*rows))
    texts = build_incidents(incidents(*rows), np.zeros(2, dtype=np.int64)).frame  # the same reports as texts
    built = build_incidents(reports, np.zeros(2, dtype=np.int64)).frame
    assert built["datasets"].iloc[0] == texts["datasets"].iloc[0]
    assert ";" in built["datasets"].iloc[0]  # a value none of the reports held: written, not lost
    for name in ("datasets", "dataset", "admin3", "location"):
        assert built[name].astype(object).tolist() == texts[name].astype(object).tolist(), name
    assert built["datasets"].cat.categories.is_monotonic_increasing
    held_as_categories(compact(built))  # (as the store's load leaves it: the values no incident holds let go)


def test_compact_holds_exactly_the_values_held_sorted_whatever_it_is_given():
    frame = pd.DataFrame({
        "cercle": pd.Series(["Ségou", None, "Bla", "Ségou"], dtype=STRING),
        "commune": pd.Categorical(["b", "a", "a", "b"], categories=["z", "b", "a"]),  # one unused, unsorted
        "harms": pd.Categorical([None] * 4, categories=pd.Index([], dtype=object)),  # as Arrow gives back
        "summary": pd.Series(["x", "x", "x", "x"], dtype=STRING),  # a free text: left as text
    })
    same = compact(frame)
    assert same is frame
    held_as_categories(frame)
    assert frame["cercle"].astype(object).tolist()[::2] == ["Ségou", "Bla"] and frame["cercle"].isna().sum() == 1
    assert frame["commune"].tolist() == ["b", "a", "a", "b"]
    assert frame["summary"].dtype == STRING


def test_frames_stacked_join_their_categories_and_keep_only_the_values_held():
    a = compact(pd.DataFrame({"cercle": pd.Series(["Niono", "Macina"], dtype=STRING)}))
    b = compact(pd.DataFrame({"cercle": pd.Series(["Bla", None], dtype=STRING)}))
    joined = stacked([a.iloc[[0]], b])  # Macina no longer held
    assert joined["cercle"].astype(object).tolist()[:2] == ["Niono", "Bla"] and joined["cercle"].isna().iloc[2]
    assert list(joined["cercle"].cat.categories) == ["Bla", "Niono"]
    assert list(a["cercle"].cat.categories) == ["Macina", "Niono"]  # the frames given are left as they were


def test_a_category_written_filled_and_counted_as_texts_are():
    values = pd.Series(pd.Categorical(["b", None, "b"], categories=["a", "b"]))
    out = written(values.copy(), np.array([0]), pd.Series(["c"]))
    assert out.tolist()[::2] == ["c", "b"] and list(out.cat.categories) == ["a", "b", "c"]
    assert filled(values, "(not stated)").tolist() == ["b", "(not stated)", "b"]
    assert counted(values).to_dict() == {"b": 2}  # not "a": 0
    assert values.value_counts().to_dict() == {"b": 2, "a": 0}  # (what counted leaves out)


def test_the_word_index_hands_back_each_slices_pairs_as_it_renumbers_them(monkeypatch):
    """The (word, row) pairs of each slice, once renumbered into the keys, are handed back (``give_back``) before
    the next: else C's heap keeps them while the keys grow beside them (measured at a million: the word index
    build's peak over its start 1,133 MB, 968 MB so; docs/benchmarks.md)."""
    frame = incidents(*(row(incident_id=f"W-{i}", summary=f"killed in village {i} near Niono") for i in range(9)))
    monkeypatch.setattr(search_module, "_WORD_ROWS", 4)  # 9 rows: 3 slices per word column
    calls = []
    monkeypatch.setattr(search_module, "give_back", lambda: calls.append("give_back"))
    index = SearchIndex.build(frame)
    slices = 3 * len(search_module.WORD_COLUMNS)
    assert len(calls) >= slices
    assert index.mask("village 4").tolist() == [i == 4 for i in range(9)]
    monkeypatch.setattr(search_module, "give_back", lambda: None)
    assert search_module.SearchIndex.build(frame).mask("niono").all()


@pytest.mark.parametrize("column", ["perpetrator_category", "cercle", "verification"])
def test_the_frame_index_reads_a_categorys_own_codes(column, tmp_path):
    from dashboard.query.frame_index import FrameIndex

    path = tmp_path / "incidents.gpkg"
    st.ensure_store(path)
    frame = st.load_store(path).incidents
    codes, values = FrameIndex(frame).coded(column)
    assert np.array_equal(codes, frame[column].cat.codes.to_numpy())
    decoded = [None if c < 0 else values.iloc[c] for c in codes]
    assert decoded == as_texts(frame[[column]])[column].tolist()


def test_the_public_view_says_cercle_where_no_incident_was_located_to_a_cercle_before():
    from dashboard.data.public import public_view
    from dashboard.data.reference import cercle_seats

    frame = compact(incidents(row(incident_id="P1", geo_precision="1"), row(incident_id="P2", geo_precision="1")))
    assert list(frame["located_to"].cat.categories) == ["place"] and frame["cercle"].notna().all()
    public = public_view(frame, cercle_seats())
    assert public["located_to"].astype(object).tolist() == ["cercle", "cercle"]
    assert public["geocoded_from"].astype(object).str.startswith("public mode: seat of").all()
    held_as_categories(public)
