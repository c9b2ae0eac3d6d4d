"""The village geocoder: exact when the report's commune/cercle settles it, never a guess between homonyms."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import bundled
from dashboard.data.geocoder import VERDICTS, Geocoder


@pytest.fixture(scope="module")
def geo() -> Geocoder:
    return Geocoder.default()


@pytest.fixture(scope="module")
def villages() -> pd.DataFrame:
    return pd.read_csv(bundled.path("segou_villages.csv"), dtype=str, keep_default_na=False)


def test_kamona_with_its_cercle_is_the_one_in_pogo(geo):
    r = geo.geocode("Kamona", cercle="Niono")
    assert (r.verdict, r.geo_precision) == ("exact", 1)
    assert len(r.candidates) == 1
    kamona = r.candidates[0]
    assert (kamona.commune, kamona.commune_pcode, kamona.cercle) == ("Pogo", "ML040507", "Niono")
    assert round(kamona.latitude, 2) == 13.98 and round(kamona.longitude, 2) == -5.92
    assert r.point == kamona and r.geocoded_from.startswith(kamona.source_id + " Kamona (Pogo, Niono)")
    assert [c.commune for c in r.elsewhere] == ["Bla"]  # the other Kamona, set aside and said so
    assert "Bla" in r.reason


def test_kamona_alone_is_ambiguous_with_its_candidates(geo):
    r = geo.geocode("Kamona")
    assert r.verdict == "ambiguous" and r.geo_precision is None and r.point is None
    assert sorted(c.cercle for c in r.candidates) == ["Bla", "Niono"]
    assert r.geocoded_from == ""


@pytest.mark.parametrize(("query", "kwargs", "name", "commune"), [
    ("Diarrakala", {"commune": "Boky Wéré"}, "Diarakala", "Boky Wéré"),
    ("Diarakala", {"commune": "Monimpebougou"}, "Diarakala", "Monimpébougou"),
    ("Dogofry", {"cercle": "Niono"}, "Dogofri", "Dogofry"),
    ("DOGOFRI", {}, "Dogofri", "Dogofry"),
    ("Ké-Macina", {"cercle": "Macina"}, "Macina", "Macina"),
    ("ke macina", {}, "Macina", "Macina"),
    ("Macina", {"commune": "Macina"}, "Macina", "Macina"),
    ("Kalala", {"cercle": "cercle de Ké-Macina"}, "Kallala-Bambara", "Sana"),
    ("Kalala-peul", {"cercle": "Macina"}, "Kallala Peulh", "Sana"),
    ("Farabougou", {"commune": "Dogofry"}, "Farabougou", "Dogofry"),
])
def test_accents_case_and_spelling_variants(geo, query, kwargs, name, commune):
    r = geo.geocode(query, **kwargs)
    assert r.verdict == "exact", r.reason
    assert (r.point.name, r.point.commune) == (name, commune)


def test_a_spelling_variant_is_said_to_be_one(geo):
    assert geo.geocode("Diarrakala", commune="Boky Wéré").match == "spelling variant"
    assert geo.geocode("Kalala", cercle="Macina").match == "alternate name"
    assert geo.geocode("Kamona", cercle="Niono").match == "name"


def test_homonyms_in_the_cercle_given_stay_ambiguous(geo):
    r = geo.geocode("Diarrakala", cercle="Macina")  # one in Boky Wéré, one in Monimpébougou
    assert r.verdict == "ambiguous" and {c.commune for c in r.candidates} == {"Boky Wéré", "Monimpébougou"}
    assert (r.cercle, r.commune) == ("Macina", None)  # what is known is kept
    assert geo.geocode("Macina").verdict == "ambiguous"  # the town and a village of Boky Wéré
    assert geo.geocode("Farabougou").verdict == "ambiguous"


def test_unknown_village_in_a_known_commune_is_located_to_the_commune(geo):
    r = geo.geocode("Kabanbougou", commune="Boky Wéré", cercle="Macina")
    assert (r.verdict, r.geo_precision, r.commune, r.commune_pcode) == ("commune", 2, "Boky Wéré", "ML040701")
    assert r.point.source_id == "cod-pp:ML040701000"  # the commune's seat
    assert "not in the gazetteer" in r.reason and r.geocoded_from.startswith("cod-pp:ML040701000 seat of the commune")


def test_a_village_found_only_in_another_commune_is_not_used(geo):
    r = geo.geocode("Heremakono", commune="Mariko", cercle="Niono")
    assert (r.verdict, r.commune) == ("commune", "Mariko")
    assert r.candidates == () and r.elsewhere and "only outside commune Mariko" in r.reason


def test_only_a_cercle_known(geo):
    r = geo.geocode("Boura", cercle="cercle de Ké-Macina")  # the gazetteer's Bouras are in San and Tominian
    assert (r.verdict, r.geo_precision, r.cercle, r.commune) == ("cercle", 2, "Macina", None)
    assert {c.cercle for c in r.elsewhere} == {"San", "Tominian"}


def test_name_known_only_as_a_commune_or_a_cercle(geo):
    assert geo.geocode("Nampalari").verdict == "commune"
    assert geo.geocode("Monimpébougou commune").commune == "Monimpébougou"
    r = geo.geocode("Niono cercle")
    assert (r.verdict, r.cercle) == ("cercle", "Niono")


def test_reform_cercle_given(geo):
    r = geo.geocode("Markala", cercle="cercle de Markala")
    assert (r.verdict, r.point.commune) == ("exact", "Markala")
    assert any("2023 reform" in n for n in r.notes)


def test_a_point_far_outside_its_own_commune_is_not_trusted(geo):
    r = geo.geocode("Kouna", commune="Boky-Wéré")  # COD puts this Kouna at 9.6 W, 400 km west of its commune
    assert (r.verdict, r.commune) == ("commune", "Boky Wéré")
    assert "km outside its commune" in r.reason


def test_not_found(geo):
    r = geo.geocode("Xyzzyville")
    assert (r.verdict, r.geo_precision, r.point, r.candidates) == ("not_found", None, None, ())
    assert geo.geocode("").verdict == "not_found" and geo.geocode(None).verdict == "not_found"


def test_every_result_is_one_of_the_verdicts_and_serialises(geo):
    for q in ("Kamona", "Balle", "Segou", "Ségou"):
        d = geo.geocode(q).to_dict()
        assert d["verdict"] in VERDICTS and d["reason"].endswith(".")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_gazetteer_name_with_its_own_commune_is_found_there_or_called_ambiguous(geo, villages, data):
    row = villages.iloc[data.draw(st.integers(0, len(villages) - 1))]
    r = geo.geocode(row["name"], commune=row["commune"], cercle=row["cercle"])
    assert r.verdict in ("exact", "ambiguous", "commune")
    if r.verdict == "exact":
        assert row["commune_pcode"] in (r.point.commune_pcode, row["point_commune_pcode"]) or r.point.commune_pcode in (
            row["commune_pcode"], row["point_commune_pcode"])
    if r.verdict == "commune":  # only when the record's point is too far outside its commune to be trusted
        assert "outside its commune" in r.reason or "may be any of the communes" in " ".join(r.notes)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_case_and_accents_never_change_the_answer(geo, villages, data):
    name = villages["name"].iat[data.draw(st.integers(0, len(villages) - 1))]
    a, b = geo.geocode(name), geo.geocode(name.upper())
    assert (a.verdict, a.point) == (b.verdict, b.point)
