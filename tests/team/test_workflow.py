"""The review workflow and the permission checks on both engines (issue 14): statuses, transitions recorded with
the account and reason, the second-person rule, edits back to draft, what the public view holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.engines import ConflictError
from dashboard.data.engines.base import ValidationFailed
from dashboard.data.store import apply_import, dataset_version, load_store, open_store, published, store_state
from dashboard.data.workflow_view import status_column
from dashboard.query.frame_index import FrameIndex
from dashboard.query.registry import by_key
from dashboard.team import accounts
from dashboard.team.errors import PermissionDenied, WorkflowError
from dashboard.team.permissions import ANONYMOUS, Account, may, require
from dashboard.team.workflow import status_of, transition
from dashboard.team.writes import create_incident, edit_incident
from tests.factories import SOURCE, incidents, row

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
EDITOR, REVIEWER, OTHER = Account("edi", "editor"), Account("rev", "reviewer"), Account("rev2", "reviewer")
FORM = {k: v for k, v in row(incident_id="").items() if k not in ("incident_id", "dataset", "source_record_id")}


def _new(store, account=EDITOR, **values):
    applied = create_incident(store, account, {**FORM, **values}, reason="witness call", now=NOW)
    return applied.inserted[0]


def test_roles_allow_what_they_say_and_anonymous_only_reads():
    assert may(None, "read") and not may(None, "create") and not may(ANONYMOUS, "edit")
    assert may(EDITOR, "edit") and not may(EDITOR, "publish")
    assert may(REVIEWER, "publish") and not may(REVIEWER, "manage_accounts")
    assert may(Account("a", "admin"), "manage_accounts")
    assert not may(Account("x", "superuser"), "edit")  # an unknown role is a viewer
    with pytest.raises(PermissionDenied, match="Sign in first"):
        require(None, "edit")


def test_a_draft_is_submitted_published_by_another_and_recorded(store_location):
    store = open_store(store_location)
    rid = _new(store)
    assert status_of(store, rid)[0] == "draft"
    with pytest.raises(PermissionDenied):
        transition(store, EDITOR, rid, "publish", reason="looks fine")
    with pytest.raises(WorkflowError, match="is draft: publish is only for a report that is in review"):
        transition(store, REVIEWER, rid, "publish", reason="too early")
    transition(store, EDITOR, rid, "submit", reason="ready for review")
    transition(store, REVIEWER, rid, "publish", reason="two sources agree")
    assert status_of(store, rid)[0] == "published"
    kinds = [(e.kind, e.author, e.reason) for e in store.history(rid, rtype=_workflow())]
    assert kinds[0] == ("create", "edi", "witness call")
    assert ("submit", "edi", "ready for review") in kinds and ("publish", "rev", "two sources agree") in kinds
    assert [(e.kind, e.author) for e in store.history(rid)] == [("create", "edi")]  # the content's own history


def test_a_reviewer_cannot_publish_or_send_back_their_own_last_change(store_location):
    store = open_store(store_location)
    rid = _new(store, account=REVIEWER)  # a reviewer may write too
    transition(store, REVIEWER, rid, "submit", reason="done")
    for action in ("publish", "send_back"):
        with pytest.raises(WorkflowError, match="you made its last change"):
            transition(store, REVIEWER, rid, action, reason="mine")
    transition(store, OTHER, rid, "send_back", reason="the toll needs a second source")
    status, _, note = status_of(store, rid)
    assert (status, note) == ("draft", "the toll needs a second source")


def test_editing_a_published_report_sends_it_back_and_a_stale_edit_is_refused(store_location):
    store = open_store(store_location)
    rid = _new(store)
    transition(store, EDITOR, rid, "submit", reason="ready")
    transition(store, REVIEWER, rid, "publish", reason="checked")
    version = store.current([rid])[rid][0]
    edit_incident(store, EDITOR, rid, {"fatalities_min": 22}, reason="a second source", expected_version=version)
    assert status_of(store, rid)[0] == "draft"  # reviewed again before the public sees the new toll
    with pytest.raises(ConflictError, match="edi"):
        edit_incident(store, OTHER, rid, {"fatalities_max": 40}, reason="stale", expected_version=version)
    with pytest.raises(PermissionDenied):
        edit_incident(store, ANONYMOUS, rid, {"fatalities_max": 40}, reason="x", expected_version=None)
    with pytest.raises(ValidationFailed) as caught:
        edit_incident(store, EDITOR, rid, {"fatalities_min": 50}, reason="typo", expected_version=None)
    assert "fatalities" in set(caught.value.problems["column"]).pop()  # min above max: named by field


def test_withdraw_needs_a_reason_and_reopen_brings_a_draft_back(store_location):
    store = open_store(store_location)
    rid = _new(store)
    with pytest.raises(WorkflowError, match="reason"):
        transition(store, REVIEWER, rid, "withdraw", reason="  ")
    transition(store, REVIEWER, rid, "withdraw", reason="the witness retracted")
    assert status_of(store, rid)[:3:2] == ("withdrawn", "the witness retracted")
    transition(store, REVIEWER, rid, "reopen", reason="a new witness")
    assert status_of(store, rid)[0] == "draft"


def test_the_public_view_holds_published_reports_only_and_the_version_follows(store_location, monkeypatch):
    store = open_store(store_location)
    before = store_state(store_location)[0]
    rid = _new(store, summary="Unreviewed allegation.")
    data = load_store(store_location)
    assert data.version == dataset_version(data.reports, data.decisions, data.responses, data.statuses)
    assert data.incidents.set_index("incident_id").loc[rid, "status"] == "draft"
    shown, level, left = published(data)
    assert left and rid not in set(shown["incident_id"]) and rid not in set(level.reports["incident_id"])
    assert len(shown) == len(data.incidents) - 1
    mask = by_key("status").mask(data.incidents, frozenset({"draft"}), FrameIndex(data.incidents))
    assert list(data.incidents.loc[mask, "incident_id"]) == [rid]
    transition(store, EDITOR, rid, "submit", reason="ready")
    transition(store, REVIEWER, rid, "publish", reason="ok")
    after = load_store(store_location)
    assert rid in set(published(after)[0]["incident_id"]) and not published(after)[2]
    # published counts nothing in the version: the store's version is that of its content alone
    assert after.version == dataset_version(after.reports, after.decisions, after.responses) != before


def test_an_incident_shows_the_status_of_its_report_furthest_from_publication():
    data = incidents(row(incident_id="A"), row(incident_id="B"))
    incidents_status, reports_status = status_column(data.iloc[:1], data, ["A", "A"], {"B": "in_review"})
    assert list(incidents_status) == ["in_review"] and list(reports_status) == ["published", "in_review"]
    assert list(status_column(data, data, ["A", "B"], {"B": "withdrawn"})[0]) == ["published", "withdrawn"]


def test_the_status_columns_are_categories_of_the_values_held_with_or_without_statuses(store_location):
    data = incidents(row(incident_id="A"), row(incident_id="B"))
    for given_statuses, held in (({}, ["published"]), ({"B": "in_review"}, ["in_review", "published"])):
        of_incident, of_report = status_column(data.iloc[:1], data, ["A", "A"], given_statuses)
        assert (len(of_incident), len(of_report)) == (1, 2)
        for column in (of_incident, of_report):  # as the frames hold their repeating texts (shared_columns)
            assert isinstance(column.dtype, pd.CategoricalDtype)
            assert column.categories.dtype == data["incident_id"].dtype
        assert list(of_report.categories) == held
    assert list(status_column(data, data, ["A", "B"], {})[0]) == ["published", "published"]
    loaded = load_store(store_location)
    assert list(loaded.incidents["status"].cat.categories) == ["published"]
    assert set(loaded.incidents["status"]) == set(loaded.reports["status"]) == {"published"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("ABCDEF"), min_size=1, max_size=12),
       st.dictionaries(st.sampled_from("abcdefghijkl"), st.sampled_from(["draft", "in_review", "published",
                                                                        "withdrawn", "lost"])))
def test_the_statuses_are_each_reports_and_each_incidents_lowest(owners, given_statuses):
    reports = pd.DataFrame({"incident_id": list("abcdefghijkl"[:len(owners)])})
    frame = pd.DataFrame({"incident_id": list("ABCDEFG")})  # G: an incident without reports
    of_incident, of_report = status_column(frame, reports, owners, given_statuses)
    expected = [given_statuses.get(r, "published") for r in reports["incident_id"]]
    assert list(of_report) == expected
    rank = {"withdrawn": 0, "draft": 1, "in_review": 2, "published": 3}
    lowest = {}
    for owner, status in zip(owners, expected, strict=True):
        lowest[owner] = min(lowest.get(owner, 3), rank.get(status, 1))
    by_rank = dict(zip(rank.values(), rank, strict=True))
    assert list(of_incident) == [by_rank[lowest.get(i, 3)] for i in frame["incident_id"]]


def test_imports_are_drafts_once_the_store_has_accounts(store_location):
    store = open_store(store_location)
    apply_import(store_location, incidents(row(incident_id="I-1", sources=SOURCE)), reason="first")
    assert status_of(store, "I-1")[0] == "published"  # one person's store: no review
    accounts.add_account(store, "boss", "admin", password="long enough pass", now=NOW)
    apply_import(store_location, incidents(row(incident_id="I-2")), reason="second")
    assert status_of(store, "I-2")[0] == "draft"
    apply_import(store_location, incidents(row(incident_id="I-3")), reason="third", status="published")
    assert status_of(store, "I-3")[0] == "published"


def _workflow():
    from dashboard.data.engines.records import WORKFLOW

    return WORKFLOW


def test_a_store_from_before_the_workflow_is_upgraded_with_every_record_published(tmp_path, monkeypatch):
    from tests.old_stores import gpkg_store_at

    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    path = gpkg_store_at(tmp_path / "old.gpkg")
    data = load_store(path)
    assert data.statuses == {} and set(data.incidents["status"]) == {"published"}
    assert not published(data)[2] and not accounts.has_accounts(open_store(path))


def test_a_report_added_to_an_incident_joins_it_and_stays_out_of_the_public_view(store_location):
    from dashboard.team.writes import add_report

    new = add_report(store_location, EDITOR, "SEG-2025-008", {**FORM, "summary": "A second witness."},
                     reason="a second witness", now=NOW)
    data = load_store(store_location)
    owner = dict(zip(data.reports["incident_id"], data.report_incident, strict=True))
    assert owner[new] == owner["SEG-2025-008"]  # one incident, two reports
    assert data.incidents.set_index("incident_id").loc[owner[new], "status"] == "draft"
    shown, level, _ = published(data)
    assert owner[new] in set(shown["incident_id"])  # the incident stays public, from its published report
    assert new not in set(level.reports["incident_id"]) and "SEG-2025-008" in set(level.reports["incident_id"])
    with pytest.raises(PermissionDenied):
        add_report(store_location, ANONYMOUS, "SEG-2025-008", FORM, reason="x", now=NOW)
