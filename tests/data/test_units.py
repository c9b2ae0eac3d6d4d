"""Administrative units of every incident: computed from the point or the reported names, with the reported names
kept; ACLED and UCDP spellings and 2023-reform names land under the right cercle and commune filter values; the
``geocode`` and ``validate`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.disagreements import disagreements
from dashboard.data.importer import import_file
from dashboard.data.store import read_store, write_store
from dashboard.data.units import assign_units
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from tests.factories import flat, incidents, row

runner = CliRunner()

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp")
# id, admin1, admin2, admin3, location, latitude, longitude, geo_precision (fictional events, real places)
ACLED_ROWS = [
    ("MLI1", "Segou", "Segou", "Markala", "Markala", "13.6843", "-6.0735", "1"),  # ACLED's spelling, a point
    ("MLI2", "Segou", "Niono cercle", "", "Niono", "14.2443", "-5.9933", "3"),  # region-level: by the name
    ("MLI3", "San", "Tominian", "", "Tominian", "13.2836", "-4.5931", "3"),  # 2023 region, old cercle
    ("MLI4", "région de San", "", "", "San", "13.2993", "-4.8970", "3"),  # covers San and Tominian: no cercle
    ("MLI5", "Segou", "cercle de Markala", "", "Markala", "13.6843", "-6.0735", "3"),  # 2023 cercle → Ségou
    ("MLI6", "Mopti", "Djenne", "Djenne", "Djenne", "13.9", "-4.55", "1"),  # outside the region: as reported
    ("MLI7", "Segou", "Niono", "Pogo", "Kamona", "13.97683", "-5.920579", "2"),  # near a village: its commune
]
UCDP_HEADER = ("id,year,type_of_violence,conflict_name,side_a,side_b,latitude,longitude,country,country_id,"
               "date_start,best,high,low,where_prec,where_coordinates,adm_1,adm_2,date_prec,date_end")
UCDP_ROWS = [
    "91,2020,3,X,JNIM,Civilians,13.97683,-5.920579,Mali,432,2020-02-01,4,4,4,1,Kamona,Ségou region,Niono cercle,1,"
    "2020-02-01",
    "92,2020,3,X,JNIM,Civilians,13.68,-6.07,Mali,432,2020-02-02,4,4,4,3,Markala,Ségou region,cercle de Markala,1,"
    "2020-02-02",
]


def acled_csv(path: Path) -> Path:
    lines = [ACLED_HEADER]
    for ident, a1, a2, a3, place, lat, lon, prec in ACLED_ROWS:
        lines.append(f"{ident},2024-03-15,2024,1,Political violence,Violence against civilians,Attack,Unidentified "
                     f"Armed Group (Mali),,Unidentified Armed Group,Civilians (Mali),,Civilians,x,Civilian targeting,"
                     f"466,Western Africa,Mali,{a1},{a2},{a3},{place},{lat},{lon},{prec},Src,National,Test.,2,,1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("units")
    store = folder / "incidents.gpkg"
    write_store(store, incidents(row(dataset="user")))
    assert import_file(acled_csv(folder / "acled.csv"), store).added == len(ACLED_ROWS)
    ucdp = folder / "ucdp.csv"
    ucdp.write_text("\n".join([UCDP_HEADER, *UCDP_ROWS]) + "\n", encoding="utf-8")
    report = import_file(ucdp, store)
    assert report.added == 2 and report.renamed_cercles == {"Niono cercle": "Niono", "cercle de Markala": "Ségou"}
    return read_store(store)


@pytest.mark.parametrize(("ident", "cercle", "cercle_pcode", "commune", "commune_pcode"), [
    ("ACLED-MLI1", "Ségou", "ML0402", "Markala", "ML040216"),
    ("ACLED-MLI2", "Niono", "ML0405", None, None),
    ("ACLED-MLI3", "Tominian", "ML0406", None, None),
    ("ACLED-MLI4", None, None, None, None),
    ("ACLED-MLI5", "Ségou", "ML0402", None, None),
    ("ACLED-MLI6", "Djenne", None, "Djenne", None),
    ("ACLED-MLI7", "Niono", "ML0405", "Pogo", "ML040507"),
    ("UCDP-91", "Niono", "ML0405", "Pogo", "ML040507"),
    ("UCDP-92", "Ségou", "ML0402", None, None),  # where_prec 3: region-level, its cercle by name
])
def test_units_of_imported_rows(imported, ident, cercle, cercle_pcode, commune, commune_pcode):
    r = imported.set_index("incident_id").loc[ident]
    got = tuple(None if pd.isna(r[c]) else r[c] for c in ("cercle", "cercle_pcode", "commune", "commune_pcode"))
    assert got == (cercle, cercle_pcode, commune, commune_pcode)


def test_reported_names_are_kept(imported):
    acled = imported.set_index("incident_id")
    assert acled.loc["ACLED-MLI1", "admin2"] == "Segou" and acled.loc["ACLED-MLI5", "admin2"] == "cercle de Markala"
    assert acled.loc["UCDP-91", "admin2"] == "Niono cercle"


@pytest.mark.parametrize(("spec", "expected"), [
    (FilterSpec(admin2=frozenset({"Ségou"})), ["ACLED-MLI1", "ACLED-MLI5", "UCDP-92"]),
    (FilterSpec(admin2=frozenset({"Niono"})), ["ACLED-MLI2", "ACLED-MLI7", "T-1", "UCDP-91"]),
    (FilterSpec(admin2=frozenset({"Tominian"})), ["ACLED-MLI3"]),
    (FilterSpec(communes=frozenset({"ML040507"})), ["ACLED-MLI7", "UCDP-91"]),
    (FilterSpec(communes=frozenset({"ML040216"})), ["ACLED-MLI1"]),
    (FilterSpec.from_query_params({"commune": "Pogo"}), ["ACLED-MLI7", "UCDP-91"]),
])
def test_spellings_land_under_the_right_filter_values(imported, spec, expected):
    assert sorted(filter_incidents(imported, spec)["incident_id"]) == expected


def test_a_cercle_level_incident_is_in_its_cercle_but_no_commune():
    out = assign_units(flat(row(incident_id="C", latitude="14.24425", longitude="-5.993266", located_to="cercle",
                                geo_precision="2")))
    assert out.loc[2, ["cercle", "cercle_pcode"]].tolist() == ["Niono", "ML0405"]
    assert out.loc[2, ["commune", "commune_pcode"]].isna().all()  # the seat's commune is not where it happened


def test_located_to_follows_the_precision_when_not_given():
    out = assign_units(flat(row(incident_id="A", geo_precision="1"), row(incident_id="B", geo_precision="3")))
    assert out["located_to"].tolist() == ["place", "region"]


def test_located_to_must_agree_with_the_precision():
    from dashboard.data.validate import validate_flat

    result = validate_flat(flat(row(located_to="commune", geo_precision="1")))
    assert result.rejects[["column", "problem"]].values.tolist() == [
        ["located_to", "located_to agrees with geo_precision (place: 1 or 2; commune or cercle: 2; region: 3)"]]


def test_commune_filter_reads_names_and_refuses_ambiguous_ones():
    from dashboard.errors import SpecError

    assert FilterSpec.from_query_params({"commune": ["Pogo (Niono)", "commune de Markala"]}).communes == frozenset(
        {"ML040507", "ML040216"})
    assert FilterSpec.from_query_params({"commune": "Somo (San)"}).communes == frozenset({"ML040419"})
    with pytest.raises(SpecError, match="Somo.*any of the communes"):
        FilterSpec.from_query_params({"commune": "Somo"})
    assert FilterSpec(communes=frozenset({"ML040507"})).describe() == "Incidents in the commune of Pogo (Niono)"


def test_disagreement_between_reported_and_computed_units():
    frame = incidents(row(incident_id="D", admin2="Ségou", admin3="Pogo", latitude="13.97683", longitude="-5.920579",
                          geo_precision="1"))
    found = disagreements(frame)
    assert found[["incident_id", "level", "reported", "computed"]].values.tolist() == [
        ["D", "cercle", "Ségou", "Niono (ML0405)"]]  # the commune Pogo does agree with the point


def test_validate_lists_the_disagreements(tmp_path):
    store = tmp_path / "s.gpkg"
    write_store(store, incidents(row(incident_id="D", admin2="Bla", latitude="13.97683", longitude="-5.920579")))
    result = runner.invoke(app, ["validate", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "1 incident(s) whose reported cercle disagrees with the computed one:" in result.stdout
    assert "D              reported 'Bla' (Bla); computed Niono (ML0405)" in result.stdout


def test_geocode_command_one_place_with_its_cercle():
    result = runner.invoke(app, ["geocode", "Kamona", "--cercle", "Niono", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["verdict"] == "exact" and out["geo_precision"] == 1
    (place,) = out["candidates"]
    assert (place["commune"], place["cercle"], place["source_id"]) == ("Pogo", "Niono", "cod-pp:ML040507010")
    assert (round(place["latitude"], 2), round(place["longitude"], 2)) == (13.98, -5.92)
    assert "The only Kamona in cercle Niono" in out["reason"]


def test_geocode_command_ambiguous_without_a_unit():
    out = json.loads(runner.invoke(app, ["geocode", "Kamona", "--json"]).stdout)
    assert out["verdict"] == "ambiguous" and out["point"] is None
    assert sorted((c["commune"], c["cercle"]) for c in out["candidates"]) == [("Bla", "Bla"), ("Pogo", "Niono")]
    text = runner.invoke(app, ["geocode", "Kamona"]).stdout
    assert text.startswith("ambiguous: 2 places are called Kamona")
    assert "commune Pogo" in text and "cod-pp:ML040302019" in text
