"""Offline gazetteer: forgiving about spelling, strict about ambiguity."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import gazetteer as gazetteer_module
from dashboard.data.gazetteer import Gazetteer, Place, geocode_missing, place_key
from dashboard.errors import UnreadableFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_csv(FIXTURES / "gazetteer.csv")


@pytest.mark.parametrize("name", ["Ké-Macina", "Ke-Macina", "ke macina", "KE MACINA", "Kè-Macina", "Macina",
                                  " Ké–Macina ", "Ké.Macina"])
def test_spellings_of_ke_macina(gaz, name):
    place = gaz.lookup(name)
    assert place is not None and place.name == "Ké-Macina"
    assert (place.latitude, place.longitude, place.admin2) == (13.9626, -5.3572, "Macina")
    assert place.source == "Fixture gazetteer"


@pytest.mark.parametrize("name", ["Ségou", "Segou", "SEGOU", "sègou"])
def test_spellings_of_segou(gaz, name):
    assert gaz.lookup(name).name == "Ségou"


def test_place_key():
    assert place_key("Ké-Macina") == "ke macina"
    assert place_key("  N'Golobougou ") == "n golobougou"
    assert place_key(None) == ""


def test_unknown_name_is_none(gaz):
    assert gaz.lookup("Nowhereville") is None
    assert gaz.lookup("") is None and gaz.lookup(None) is None


def test_ambiguous_name_is_none_never_a_guess(gaz):
    assert gaz.lookup("Sama") is None
    assert {p.admin2 for p in gaz.candidates("Sama")} == {"Ségou", "Macina"}


def test_the_incidents_own_cercle_can_settle_an_ambiguity(gaz):
    assert gaz.lookup("Sama", admin2="Macina cercle").latitude == 14.1
    assert gaz.lookup("Sama", admin2="Niono") is None  # neither candidate is in Niono: still ambiguous


def test_generic_suffix_dropped_only_as_a_fallback(gaz):
    assert gaz.lookup("Dioura village").name == "Dioura"


def test_same_point_listed_twice_is_not_ambiguous():
    a = Place("Tou", 13.1, -5.1, source="A")
    b = Place("Tou", 13.1, -5.1, source="B")
    assert Gazetteer([a, b]).lookup("tou") == a


def test_missing_columns_fail_clearly(tmp_path):
    bad = tmp_path / "gaz.csv"
    bad.write_text("name,lat,lon\nSégou,13.4,-6.2\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="gaz.csv: gazetteer is missing column"):
        Gazetteer.from_csv(bad)


def test_geocode_missing_places_only_rows_without_coordinates(gaz):
    flat = pd.DataFrame(
        {
            "location": ["Ke Macina", "Nowhereville", "Sama", "Niono", "Ségou"],
            "admin2": [None, None, None, None, None],
            "latitude": [None, "", None, "14.0", None],
            "longitude": [None, "", None, "-5.0", None],
            "geo_precision": ["1", None, "3", "1", "3"],
        },
        index=pd.RangeIndex(2, 7),
    )
    out, unresolved = geocode_missing(flat, gaz)
    assert unresolved == ["Nowhereville", "Sama"]
    assert (out.loc[2, "latitude"], out.loc[2, "longitude"]) == (13.9626, -5.3572)
    assert out.loc[2, "geo_precision"] == 2  # a gazetteer point is "near a named place", not exact
    assert out.loc[2, "geocoded_from"] == "Ké-Macina — Fixture gazetteer"
    assert out.loc[5, "latitude"] == "14.0" and pd.isna(out.loc[5, "geocoded_from"])  # had its own point
    assert out.loc[6, "geo_precision"] == "3"  # region-level stays region-level
    assert pd.isna(out.loc[3, "geocoded_from"]) and out.loc[3, "latitude"] == ""
    assert pd.isna(flat.loc[2, "latitude"])  # the input is not modified


def test_bundled_gazetteer_loads_and_knows_the_towns():
    gaz = Gazetteer.default()
    assert len(gaz) > 0
    for name in ("Ségou", "Segou", "Niono"):
        assert gaz.lookup(name) is not None, name


@pytest.mark.parametrize("content", [None, "name,latitude,longitude\n"])
def test_a_missing_or_empty_bundled_gazetteer_is_an_error_not_an_empty_gazetteer(tmp_path, monkeypatch, content):
    path = tmp_path / "gazetteer.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(gazetteer_module, "DEFAULT_PATH", path)
    with pytest.raises(UnreadableFile, match="reinstall"):
        Gazetteer.default()


@pytest.mark.parametrize(("given", "want"), [
    ("Segou", "Ségou"), ("SEGOU", "Ségou"), ("Ségou cercle", "Ségou"), ("Niono cercle", "Niono"),
    ("niono", "Niono"), ("Macina", "Macina"), ("Mopti", None), ("", None), (None, None),
])
def test_cercle_names_in_the_gazetteer_spelling(gaz, given, want):
    assert gaz.cercle(given) == want
