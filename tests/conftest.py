"""Session fixtures shared by every folder, and the test tiers.

Tiers (pytest markers, applied here by folder, fixture and name so that test files need not carry them):

* unmarked -- the fast tier: ``make check`` (ruff + ``pytest -m "not browser and not slow"``);
* ``browser`` -- drives Debian's chromium against a served app;
* ``slow`` -- kill -9, load, scale, PDF rasterising, fuzzing, building the wheel, running the benchmark, and every
  test on the PostGIS engine (``postgis``: a throwaway PostgreSQL cluster, see ``pg_cluster``).

``make test`` (and CI) runs every tier. A rule below that names a test file or test which is collected but matches
nothing is an error, so renaming a slow test cannot silently move it into the fast tier.
"""

from __future__ import annotations

import pytest

# a test that uses one of these fixtures is in that tier
BROWSER_FIXTURES = {"browser", "web", "app_url"}
SLOW_FIXTURES = {"installed_wheel", "pg_cluster"}  # pg_cluster: a throwaway PostgreSQL server (postgis marker)

# node id prefixes (folder, file or test) of the tiers, with the reason
BROWSER_TESTS = {
    "tests/browser/": "Debian chromium against a served app",
    "tests/hardening/test_hostile_browser.py": "the hostile corpus clicked through in chromium",
    "tests/hardening/test_load.py": "concurrent headless chromium sessions",
}
SLOW_TESTS = {
    "tests/scale/": "synthetic stores of 10 k to 200 k incidents",
    "tests/packaging/": "builds the wheel and installs it into a fresh venv",
    "tests/test_benchmarks.py": "runs the benchmark end to end",
    "tests/test_serve.py": "starts and signals a real server",
    "tests/hardening/test_atomic_writes.py": "kill -9 in the middle of imports, concurrent imports",
    "tests/hardening/test_load.py": "20 s of load",
    "tests/hardening/test_latency.py": "serves the app and times 1 then 30 sessions' page loads, then some during an import",
    "tests/hardening/test_store_safety.py::test_an_export_killed_mid_write_leaves_the_previous_file_whole":
        "kill -9 in the middle of an export",
    "tests/hardening/test_properties.py": "hypothesis fuzzing of every adapter with arbitrary text",
    "tests/export/test_briefing.py::test_pages_are_saved_as_png_to_look_at": "PDF rasterising",
    "tests/data/test_search.py::test_the_word_index_and_the_scan_give_exactly_the_definition":
        "hypothesis: index = scan = definition on many random texts and queries",
    "tests/hardening/test_hostile_exports.py::test_public_export_writes_no_precise_point_and_no_internal_field[pdf]":
        "renders and scans a public PDF briefing",
}


def _matches(nodeid: str, prefix: str) -> bool:
    """A folder rule ends with "/"; a file or test rule matches itself, its tests and its parameter cases."""
    if prefix.endswith("/"):
        return nodeid.startswith(prefix)
    return nodeid == prefix or nodeid.startswith((prefix + "::", prefix + "["))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    used: set[str] = set()
    files = {item.nodeid.split("::", 1)[0] for item in items}
    for item in items:
        for marker, rules, fixtures in (("browser", BROWSER_TESTS, BROWSER_FIXTURES),
                                        ("slow", SLOW_TESTS, SLOW_FIXTURES)):
            hit = [prefix for prefix in rules if _matches(item.nodeid, prefix)]
            used.update(hit)
            if hit or fixtures & set(getattr(item, "fixturenames", ())):
                item.add_marker(marker)
    stale = [p for p in (*BROWSER_TESTS, *SLOW_TESTS)
             if p not in used and not p.endswith("/") and p.split("::", 1)[0] in files]
    if stale:
        raise pytest.UsageError("tests/conftest.py: tier rule(s) match no collected test (renamed?): "
                                + ", ".join(stale))


@pytest.fixture(autouse=True)
def _bugs_fail_in_process_app_tests(monkeypatch):
    """The app shows a bug as one sentence (``dashboard.ui.main.CATCH_BUGS``); run in-process by AppTest, a bug
    raises instead, so that ``at.exception`` catches it. A served app keeps the sentence (tested in a browser)."""
    from dashboard.ui import main

    monkeypatch.setattr(main, "CATCH_BUGS", False)


@pytest.fixture(autouse=True)
def _import_day(monkeypatch):
    """The in-process import takes the session's first day for today (:mod:`tests.clock`)."""
    from dashboard.data import importer
    from dashboard.data.engines import records
    from tests.clock import SessionDate

    monkeypatch.setattr(importer, "date", SessionDate)
    monkeypatch.setattr(records, "date", SessionDate)


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch):
    """The CLI speaks the environment's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): tests read English unless
    they ask for another, whatever the machine running them is set to."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def basemap():
    """The bundled vector basemap: Ségou outline, Mali's regions, cercle seats."""
    from dashboard.data.reference import cercle_seats, mali_regions, region_outline
    from dashboard.viz.maps import Basemap

    return Basemap(region=region_outline(), other_regions=mali_regions(), seats=cercle_seats())


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory):
    """The package built as a wheel and installed (not editable) into a throw-away venv (see tests/wheel.py)."""
    from tests import wheel

    try:
        return wheel.build_and_install(tmp_path_factory.mktemp("wheel"))
    except wheel.InstallError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL + PostGIS cluster on a Unix socket for the whole session (see tests/pgcluster.py)."""
    import signal
    import sys

    from tests.pgcluster import cluster

    # a run stopped with SIGTERM (a timeout) still stops the server: the signal becomes SystemExit, so the
    # cluster's cleanup runs instead of leaving a postgres behind
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with cluster() as pg:
            yield pg
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(params=["geopackage", pytest.param("postgis", marks=[pytest.mark.postgis, pytest.mark.slow])])
def store_location(request, tmp_path, monkeypatch):
    """A location for a new store, on each engine: a GeoPackage path, or a fresh PostGIS database's URL (its
    local cache folder under tmp_path)."""
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    if request.param == "geopackage":
        yield tmp_path / "store" / "incidents.gpkg"
        return
    url = request.getfixturevalue("pg_cluster").create_database()
    yield url
    from dashboard.data.engines import forget

    forget(url)  # its connections back to the cluster: a serial run opens hundreds of databases
