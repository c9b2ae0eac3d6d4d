"""Place names read from a location text: the place itself, its aliases, never the places it is measured from."""

import pytest

from dashboard.data.reconcile.names import name_keys, place_names


@pytest.mark.parametrize(("location", "names"), [
    ("Kamona", ("Kamona",)),
    ("Kamona (Kamona-Pont)", ("Kamona", "Kamona-Pont")),
    ("Tièlan (also: Tielan)", ("Tièlan", "Tielan")),
    # a distance from somewhere names a reference point, not the place
    ("Balle (Ballé), about 55 km from Kamona", ("Balle", "Ballé")),
    ("Soumouni, about 40 km from Macina", ("Soumouni",)),
    # the unit around the place, and its alias, are not the place
    ("Cocody Bozo Daga, commune of Mariko (Marico)", ("Cocody Bozo Daga",)),
    ("Massabougou (Ségou region)", ("Massabougou",)),
    ("Tiouga, commune of Lanfiala, cercle de Tominian", ("Tiouga",)),
    # where people were going is not where it happened
    ("Farabougou (traders en route to Dogofry weekly fair)", ("Farabougou",)),
    # describing words and codes are dropped; the place near which it happened is kept
    ("fields near Farabougou", ("Farabougou",)),
    ("Near Dogofri (also: Dogofry)", ("Dogofri", "Dogofry")),
    ("Bamako Coura (K13), commune of Dogofry", ("Bamako Coura",)),
    ("Bla, security checkpoint on RN6", ("Bla",)),
    ("Kolongo (Office du Niger zone)", ("Kolongo",)),
    # lists name each place
    ("Kingolola and N'Golokouna (two neighbouring villages)", ("Kingolola", "N'Golokouna")),
    ("", ()),
])
def test_place_names(location, names):
    assert place_names(location) == names


def test_keys_fold_accents_case_and_spelling_variants():
    assert name_keys("Tièlan") == name_keys("TIELAN")
    assert name_keys("Kalala") == name_keys("Kallala")
    assert name_keys("Dogofry") == name_keys("Dogofri")
    assert name_keys("Kamona") != name_keys("Balle")


def test_missing_or_nameless_locations_have_no_keys():
    assert name_keys(None) == frozenset()
    assert name_keys("en route to the weekly fair of Dougabougou") == frozenset()
