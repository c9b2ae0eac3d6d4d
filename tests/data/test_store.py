import subprocess
from functools import cache

import pytest

from dashboard.data.store import StoreError, dataset_version, read_store, sources_table, write_store
from tests.factories import incidents, row


@cache
def pair():
    """Two incidents, one placed and one region-level (built on first use)."""
    return incidents(row(), row(incident_id="T-2", latitude="", longitude="", geo_precision="3",
                                fatalities_min="", fatalities_max="", civilian_targeting="", location="Ballé"))


def test_a_missing_store_is_created_from_the_bundled_data(tmp_path):
    store = tmp_path / "new" / "incidents.gpkg"
    loaded = read_store(store)
    assert store.exists()
    curated = loaded["dataset"] == "segou-curated"
    assert curated.sum() >= 81 and loaded.loc[curated, "incident_id"].str.startswith("SEG-").all()
    assert (loaded.loc[~curated, "dataset"] == "ucdp-ged-21.1").sum() == 65  # the bundled UCDP layer


def test_round_trip_keeps_every_value_including_unknowns(tmp_path):
    store = tmp_path / "s.gpkg"
    write_store(store, pair())
    back = read_store(store)
    assert dataset_version(back) == dataset_version(pair())
    assert back.loc[1, "location"] == "Ballé"
    assert back.loc[1].geometry is None
    assert back["fatalities_min"].isna().tolist() == [False, True]
    assert back["civilian_targeting"].isna().tolist() == [False, True]


def test_the_version_changes_with_the_content(tmp_path):
    changed = pair().copy()
    changed.loc[0, "fatalities_max"] = 38
    assert dataset_version(changed) != dataset_version(pair())


def test_sources_are_a_table_joinable_on_incident_id():
    table = sources_table(pair())
    assert list(table.columns) == ["incident_id", "position", "organisation", "title", "url", "published", "type"]
    assert table["url"].tolist() == ["https://example.org/r/1"] * 2


def test_a_corrupt_store_is_a_clear_error(tmp_path):
    store = tmp_path / "broken.gpkg"
    store.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(StoreError, match="broken.gpkg"):
        read_store(store)


def test_ogrinfo_lists_the_layers_and_counts(tmp_path):
    store = tmp_path / "s.gpkg"
    write_store(store, pair())
    out = subprocess.run(["ogrinfo", "-so", "-al", str(store)], capture_output=True, text=True, check=True).stdout
    layers = {block.split("\n")[0]: block for block in out.split("Layer name: ")[1:]}
    assert {"incidents", "sources", "changesets", "history"} <= set(layers)
    assert "Feature Count: 2" in layers["incidents"] and "Feature Count: 2" in layers["sources"]
    assert "Feature Count: 1" in layers["changesets"] and "Feature Count: 2" in layers["history"]
