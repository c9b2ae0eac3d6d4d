"""Point-in-polygon assignment on the real commune polygons, and the unit-name normaliser."""

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data import admin
from dashboard.data.admin import AdminNames


@pytest.fixture(scope="module")
def communes():
    return admin.communes()


@pytest.fixture(scope="module")
def names() -> AdminNames:
    return AdminNames.default()


def test_known_places_fall_in_their_communes(communes):
    got = admin.assign([13.97683, 13.44032, 14.7328, 12.65, math.nan],
                       [-5.920579, -6.25947, -6.1219, -8.0, -6.0], communes)
    assert list(got.columns) == list(admin.ASSIGNED_COLUMNS)
    assert got.iloc[0].tolist() == ["Niono", "ML0405", "Pogo", "ML040507"]  # Kamona
    assert got.iloc[1].tolist() == ["Ségou", "ML0402", "Ségou", "ML040224"]  # Ségou town
    assert got.iloc[2].tolist() == ["Niono", "ML0405", "Sokolo", "ML040510"]  # Sokolo
    assert got.iloc[3].isna().all() and got.iloc[4].isna().all()  # Bamako is outside; no point, no unit


def test_every_commune_contains_its_own_representative_point(communes):
    inner = communes.geometry.representative_point()
    got = admin.assign(inner.y, inner.x, communes)
    assert got["commune_pcode"].tolist() == communes["commune_pcode"].tolist()
    assert got["cercle"].tolist() == communes["cercle"].tolist()


def test_a_point_on_a_shared_border_goes_to_the_lower_pcode_whatever_the_file_order(communes):
    a, b = communes.iloc[0], communes.iloc[1]  # Barouéli and Boidié share a border
    shared = shapely.intersection(a.geometry.boundary, b.geometry.boundary)
    assert not shared.is_empty
    point = shapely.points(shapely.get_coordinates(shared)[0])
    forward = admin.assign([point.y], [point.x], communes)
    backward = admin.assign([point.y], [point.x], communes.iloc[::-1])
    assert forward.iloc[0].tolist() == backward.iloc[0].tolist()
    assert forward.at[0, "commune_pcode"] == min(a.commune_pcode, b.commune_pcode)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(12.0, 16.0), st.floats(-7.5, -3.5)), min_size=1, max_size=60))
def test_assignment_agrees_with_a_plain_polygon_test(points):
    units = admin.communes()
    lat, lon = np.array(points).T
    got = admin.assign(lat, lon, units)
    for (y, x), pcode in zip(points, got["commune_pcode"], strict=True):
        containing = sorted(units.loc[units.geometry.intersects(shapely.Point(x, y)), "commune_pcode"])
        assert (pcode if isinstance(pcode, str) else None) == (containing[0] if containing else None)


@pytest.mark.parametrize(("given", "cercle"), [
    ("Segou", "Ségou"), ("SÉGOU", "Ségou"), ("Niono cercle", "Niono"), ("cercle de Niono", "Niono"),
    ("Ké-Macina", "Macina"), ("cercle de Ké-Macina", "Macina"), ("Macina", "Macina"), ("Baroueli", "Barouéli"),
    ("Baraouéli", "Barouéli"),
])
def test_source_spellings_of_cercles(names, given, cercle):
    m = names.cercle(given)
    assert (m.cercle, m.found) == (cercle, True)
    assert m.reason


@pytest.mark.parametrize("given", ["cercle de Markala", "Markala", "Dioro", "Farako"])
def test_reform_cercles_carved_from_segou_map_to_it_and_say_what_is_unknown(names, given):
    m = names.cercle(given)
    assert (m.cercle, m.cercle_pcode) == ("Ségou", "ML0402")
    assert "not known" in m.reason and m.basis


def test_nampala_cercle_maps_to_niono_through_its_seat_commune(names):
    m = names.cercle("cercle de Nampala")
    assert m.cercle == "Niono" and "Nampalari" in m.reason


def test_region_of_san_is_two_pre_2023_cercles(names):
    m = names.region("région de San")
    assert (m.cercles, m.cercle_pcodes, m.cercle) == (("San", "Tominian"), ("ML0404", "ML0406"), None)
    assert len(names.region("Ségou").cercles) == 7
    assert not names.region("Mopti").found


def test_unknown_cercle_is_not_guessed(names):
    m = names.cercle("Sokolo")
    assert not m.found and m.cercle is None and "neither" in m.reason


def test_communes_by_name_by_seat_and_by_spelling(names):
    assert names.commune("Pogo").commune_pcode == "ML040507"
    assert names.commune("Toridagako").commune == "Toridaga-Ko"  # separators do not matter
    kolongo = names.commune("Kolongotomo")
    assert (kolongo.commune, kolongo.cercle) == ("Kolongo", "Macina") and "seat" in kolongo.reason
    assert names.commune("commune de Nampala").commune == "Nampalari"
    assert names.commune("Ké-Macina").commune_pcode == "ML040705"


def test_a_commune_name_two_cercles_share_needs_the_cercle(names):
    assert names.commune("Somo").commune is None and "Somo" in names.commune("Somo").reason
    assert names.commune("Somo", cercle="San").commune_pcode == "ML040419"
    assert names.commune("Somo", cercle="Baroueli").commune_pcode == "ML040111"
