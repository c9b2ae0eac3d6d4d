"""Shared fixtures: stores holding the hostile corpus, imported through ``import_file`` from each file layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest

from dashboard.data.importer import ImportReport, import_file
from dashboard.data.store import load_store, write_store
from tests.factories import incidents, row
from tests.hardening import corpus

FORMATS = ("native.csv", "native.geojson", "acled.csv", "ucdp.csv")


@dataclass(frozen=True)
class Imported:
    name: str
    file: Path
    store: Path
    report: ImportReport
    incidents: gpd.GeoDataFrame  # the incidents the store holds afterwards (the incident frame every view shows)


def write_hostile(name: str, folder: Path) -> Path:
    accepted, rejected = corpus.hostile_rows()
    path = folder / name
    if name == "native.csv":
        return corpus.write_native_csv(path, accepted + rejected)
    if name == "native.geojson":
        return corpus.write_geojson(path, accepted + rejected)
    if name == "acled.csv":
        return corpus.write_acled_csv(path)
    return corpus.write_ucdp_csv(path)


def import_hostile(name: str, folder: Path) -> Imported:
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "incidents.gpkg"
    write_store(store, incidents(row()))  # one ordinary incident, so the store is not the bundled data
    path = write_hostile(name, folder)
    report = import_file(path, store)
    return Imported(name=name, file=path, store=store, report=report,
                    incidents=load_store(store, write_cache=False).incidents)


@pytest.fixture(scope="session", params=FORMATS)
def imported(request, tmp_path_factory) -> Imported:
    return import_hostile(request.param, tmp_path_factory.mktemp(request.param.replace(".", "-")))


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory) -> Imported:
    """The native CSV corpus imported: every payload in every incident and source text field."""
    return import_hostile("native.csv", tmp_path_factory.mktemp("hostile-native"))


@pytest.fixture
def store(tmp_path) -> Path:
    """A store of one ordinary incident, for tests that must find it byte-identical after a refused file."""
    path = tmp_path / "store" / "incidents.gpkg"
    write_store(path, incidents(row()))
    return path
