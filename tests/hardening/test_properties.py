"""Properties of the adapters and of validation with arbitrary text in every text field.

Whatever the text, reading, adapting and validating raise nothing but the documented errors (``LayoutError``
for a file without the required columns, ``UnreadableFile`` for a file that cannot be read), and every input row
ends up either accepted or rejected with a reason: accepted + rejected == rows, none lost, none counted twice.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data.geocoder import Geocoder
from dashboard.data.importer import import_file
from dashboard.data.readers import read_csv_text
from dashboard.data.sources.acled import acled_to_flat
from dashboard.data.sources.ucdp import ucdp_to_flat
from dashboard.data.store import write_store
from dashboard.data.validate import validate_flat
from tests.factories import incidents, row
from tests.hardening import corpus

TODAY = date(2026, 1, 15)
text = st.one_of(st.text(max_size=60), st.sampled_from(corpus.TEXT_PAYLOADS), st.just(""), st.none())
maybe_number = st.one_of(text, st.integers(-5, 500).map(str), st.floats(allow_nan=True).map(str))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])


def assert_every_row_accounted_for(flat: pd.DataFrame) -> None:
    result = validate_flat(flat, source_name="prop", today=TODAY)
    rejected = set(result.rejects["row"])
    assert rejected <= set(flat.index)
    assert len(result.valid) + len(rejected) == len(flat)
    assert result.rejects["problem"].map(lambda p: isinstance(p, str) and len(p) > 0).all()


@st.composite
def acled_frames(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 4))
    rows = []
    for i in range(n):
        r = dict(_ACLED)
        for col in ("sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "admin1", "admin2",
                    "admin3", "location", "source", "notes", "tags", "inter1", "inter2", "civilian_targeting"):
            r[col] = draw(text)
        for col in ("event_date", "time_precision", "geo_precision", "fatalities", "latitude", "longitude"):
            if draw(st.booleans()):
                r[col] = draw(maybe_number)
        r["event_id_cnty"] = draw(st.one_of(st.just(f"MLI{i}"), text))
        rows.append(r)
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(2, n + 2, name="row")
    return frame


@st.composite
def ucdp_frames(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 4))
    rows = []
    for i in range(n):
        r = dict(_UCDP)
        for col in ("side_a", "side_b", "source_office", "source_date", "source_headline", "where_coordinates",
                    "where_description", "adm_1", "adm_2", "type_of_violence"):
            r[col] = draw(text)
        for col in ("date_start", "date_end", "date_prec", "where_prec", "best", "low", "high", "latitude",
                    "longitude"):
            if draw(st.booleans()):
                r[col] = draw(maybe_number)
        r["id"] = draw(st.one_of(st.just(str(i)), text))
        rows.append(r)
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(2, n + 2, name="row")
    return frame


_TEMPLATE = corpus.hostile_rows()[0][0]
_ACLED = corpus.acled_rows()[0]
_UCDP = corpus.ucdp_rows()[0]


@st.composite
def native_rows(draw) -> list[dict]:
    n = draw(st.integers(1, 4))
    rows = []
    for i in range(n):
        r = dict(_TEMPLATE, incident_id=f"P-{i}", source_record_id=f"P-{i}")
        for col in corpus.INCIDENT_TEXT_FIELDS:
            r[col] = draw(text) or ""
        for col in ("date_start", "date_end", "fatalities_min", "fatalities_max", "latitude", "longitude",
                    "geo_precision", "incident_id", "sources", "perpetrator_category", "civilian_targeting"):
            if draw(st.booleans()):
                r[col] = draw(maybe_number) or ""
        rows.append(r)
    return rows


@SETTINGS
@given(acled_frames())
def test_acled_rows_are_accepted_or_rejected(raw):
    flat = acled_to_flat(raw)
    assert list(flat.index) == list(raw.index)
    assert_every_row_accounted_for(flat)


@SETTINGS
@given(ucdp_frames())
def test_ucdp_rows_are_accepted_or_rejected(raw):
    flat = ucdp_to_flat(raw)
    assert list(flat.index) == list(raw.index)
    assert_every_row_accounted_for(flat)


@SETTINGS
@given(native_rows())
def test_native_csv_rows_are_read_back_and_accepted_or_rejected(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    path = corpus.write_native_csv(folder / "p.csv", rows)
    raw = read_csv_text(path)
    assert len(raw) == len(rows)  # quoting keeps every row, whatever the text
    assert_every_row_accounted_for(raw)
    result = validate_flat(raw, today=TODAY)
    for ident, location in zip(result.valid["incident_id"], result.valid["location"], strict=True):
        original = next(r for r in rows if r["incident_id"].strip() == ident)
        assert location == original["location"].strip()  # text arrives unchanged


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("dry") / "incidents.gpkg"
    write_store(store, incidents(row()))
    return store


@settings(SETTINGS, max_examples=25)
@given(native_rows())
def test_a_dry_run_import_of_arbitrary_text_accounts_for_every_row(tmp_path_factory, small_store, rows):
    store = small_store
    before = store.read_bytes()
    path = corpus.write_native_csv(tmp_path_factory.mktemp("dry") / "p.csv", rows)
    report = import_file(path, store, dry_run=True, geocoder=Geocoder.default(), today=TODAY)
    assert report.rows == len(rows) == report.accepted + report.rejected + report.duplicates
    assert store.read_bytes() == before
