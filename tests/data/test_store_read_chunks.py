"""A full load reads and validates the store's reports a chunk at a time (its peak memory, issue 20 item 3): the frames
are those of reading it whole, and a store with an invalid row is refused the same way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.data import store as st
from dashboard.data.engines import StoreError


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "incidents.gpkg"
    st.ensure_store(path)  # the bundled record: 36 reports, linked ones among them
    return path


def test_chunks_give_the_frames_of_reading_it_whole(store, monkeypatch):
    whole = st.load_store(store, use_cache=False)
    monkeypatch.setattr(st, "READ_CHUNK", 7)  # 36 reports: five full chunks and one of 1
    chunked = st.load_store(store, use_cache=False)
    pd.testing.assert_frame_equal(chunked.reports, whole.reports)
    pd.testing.assert_frame_equal(chunked.incidents, whole.incidents)
    assert chunked.version == whole.version and chunked.decisions == whole.decisions
    assert list(chunked.report_incident) == list(whole.report_incident)
    texts = [c for c in chunked.reports.columns if chunked.reports[c].dtype == "str"]
    assert texts and all(chunked.reports[c].array._pa_array.num_chunks == 1 for c in texts)  # as a whole read
    for read in (chunked, whole):  # the columns no report fills: one shared empty column (shared_columns.with_empty)
        blank = [c for c in read.reports if read.reports[c].dtype == "Int64" and read.reports[c].isna().all()]
        assert len(blank) >= 2
        assert all(np.shares_memory(read.reports[c].array._data, read.reports[blank[0]].array._data) for c in blank)


@pytest.mark.parametrize("chunk", [7, 100_000])
def test_an_invalid_stored_row_is_refused_whatever_the_chunk(store, monkeypatch, chunk):
    engine = st.open_store(store).engine
    with engine.begin() as conn:  # written behind the store's back (no change set validates it)
        conn.execute(sa.text("UPDATE incidents SET fatalities_min = 9, fatalities_max = 2 "
                             "WHERE fid IN (SELECT fid FROM incidents ORDER BY fid LIMIT 1 OFFSET 20)"))
    monkeypatch.setattr(st, "READ_CHUNK", chunk)
    with pytest.raises(StoreError, match="1 stored incident"):
        st.load_store(store, use_cache=False)
