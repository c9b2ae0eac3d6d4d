"""``pip install .`` (not editable) gives a working tool: the wheel carries the whole package with its bundled data,
and the installed ``incident-map``, run outside the repository, reads the bundled incidents, keeps its store in
the per-user data folder and geocodes an import with the bundled gazetteer. (The browser half -- ``serve`` draws
the bundled map -- is ``tests/browser/test_installed_browser.py``.)"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from dashboard.data.geocoder import Geocoder
from tests.factories import bundled_incidents, flat, row
from tests.wheel import REPO, Installed


def test_the_wheel_holds_every_file_of_the_package(installed_wheel: Installed):
    package = REPO / "dashboard"
    wanted = {p.relative_to(REPO).as_posix() for p in package.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    with zipfile.ZipFile(installed_wheel.wheel) as whl:
        shipped = {n for n in whl.namelist() if n.startswith("dashboard/")}
    assert wanted - shipped == set(), "files of dashboard/ missing from the wheel (pyproject package-data)"
    assert {"dashboard/bundled/incidents.csv", "dashboard/bundled/segou_villages.csv",
            "dashboard/ui/.streamlit/config.toml"} <= shipped


def test_the_installed_copy_is_imported_not_the_checkout(installed_wheel: Installed):
    out = installed_wheel.run(installed_wheel.python, "-c", "import dashboard; print(dashboard.__file__)").stdout
    location = Path(out.strip())
    assert location.is_relative_to(installed_wheel.venv), location
    assert not location.is_relative_to(REPO)


def test_stats_reads_the_bundled_incidents_into_a_store_in_the_user_data_folder(installed_wheel: Installed):
    out = installed_wheel.run(installed_wheel.cli, "stats", "--json", "--scope", "all").stdout
    assert json.loads(out)["incidents"] == len(bundled_incidents())  # the bundled reports grouped into incidents
    store = installed_wheel.user_data / "incidents.gpkg"
    assert store.is_file(), "the default store of an installed package is in the per-user data folder"
    assert not (installed_wheel.workdir / "data").exists()


def test_an_import_without_coordinates_is_geocoded_by_the_bundled_gazetteer(installed_wheel: Installed, tmp_path):
    place = "Niono"
    expected = Geocoder.default().geocode(place, cercle="Niono").point
    assert expected is not None
    path = tmp_path / "one.csv"
    flat(row(incident_id="WHEEL-1", source_record_id="WHEEL-1", location=place, admin2="Niono", latitude="",
             longitude="", geo_precision="2")).to_csv(path, index=False)
    store = tmp_path / "wheel.gpkg"

    report = json.loads(installed_wheel.run(installed_wheel.cli, "import", path, "--store", store, "--json").stdout)
    assert (report["added"], report["rejected"], report["places_not_found"]) == (1, 0, [])

    records = json.loads(installed_wheel.run(installed_wheel.cli, "query", "--store", store, "--json",
                                             "--dataset", "user").stdout)
    (incident,) = [r for r in records if r["incident_id"] == "WHEEL-1"]
    assert (incident["latitude"], incident["longitude"]) == (expected.latitude, expected.longitude)
    assert incident["geo_precision"] == 2
