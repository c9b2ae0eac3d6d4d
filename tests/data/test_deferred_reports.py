"""The app loads a version's reports only when a page first asks for them (``load_store(defer_reports=True)``):
what it then reads is exactly what a full load reads, statuses included, and always the version of the incidents
it holds, even once an import has written a newer version's cache over the file."""

from __future__ import annotations

import pytest
from geopandas.testing import assert_geodataframe_equal

from dashboard.data.store import apply_import, load_store
from tests.factories import incidents, row


@pytest.fixture
def location(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    location = tmp_path / "store" / "incidents.gpkg"
    load_store(location)  # created from the bundled record, its cache built
    return location


def _same_load(deferred, full):
    assert deferred.version == full.version
    assert_geodataframe_equal(deferred.incidents, full.incidents)
    level = deferred.report_level
    assert_geodataframe_equal(level.reports, full.reports)
    assert list(level.report_incident) == list(full.report_incident)


def test_deferred_reports_are_read_when_asked_and_are_what_a_full_load_reads(location):
    deferred = load_store(location, defer_reports=True)
    assert deferred.from_cache and deferred.reports is None and deferred.deferred is not None
    _same_load(deferred, load_store(location))
    assert deferred.report_level.reports is deferred.report_level.reports  # read once, then kept
    assert list(deferred.deferred.ids()) == list(deferred.report_level.reports["incident_id"])  # after it, too
    ask = deferred.report_level_when_asked()
    assert ask().reports is deferred.report_level.reports


def test_with_reports_in_review_the_statuses_are_a_full_loads(location):
    apply_import(location, incidents(row(incident_id="DRAFT-1"), row(incident_id="DRAFT-2", location="Pogo")),
                 reason="two drafts", status="draft")
    load_store(location)  # the new version's cache built
    full = load_store(location)  # read from it, as the deferred load is (a built frame orders its columns otherwise)
    assert full.from_cache and set(full.reports["status"]) == {"draft", "published"}
    deferred = load_store(location, defer_reports=True)
    assert deferred.reports is None
    assert list(deferred.incidents["status"]) == list(full.incidents["status"])  # from the reports' ids only
    _same_load(deferred, full)


def test_a_newer_versions_cache_written_meanwhile_does_not_change_the_reports_read(location):
    deferred = load_store(location, defer_reports=True)
    before = load_store(location)  # the same version, read whole
    apply_import(location, incidents(row(incident_id="LATER-1")), reason="a later report", status="published")
    after = load_store(location)  # the newer version: its cache renamed over the files the deferred load opened
    assert after.version != deferred.version and "LATER-1" in set(after.reports["incident_id"])
    _same_load(deferred, before)
    assert "LATER-1" not in set(deferred.report_level.reports["incident_id"])


def test_a_load_that_builds_the_cache_defers_the_reports_to_it_one_that_writes_none_reads_them(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    built = load_store(tmp_path / "new.gpkg", defer_reports=True)  # nothing cached yet: read, validated, built, written
    assert not built.from_cache and built.reports is None and built.deferred is not None
    _same_load(built, load_store(tmp_path / "new.gpkg"))
    plain = load_store(tmp_path / "other.gpkg", defer_reports=True, write_cache=False)  # no file to defer them to
    assert not plain.from_cache and plain.reports is not None and plain.deferred is None
    assert plain.report_level.reports is plain.reports
