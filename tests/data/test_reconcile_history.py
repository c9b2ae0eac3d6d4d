"""Decisions are records of the store (the ``decision`` record type, migration 0003): a link, keep-apart or unlink
is a change set with its author and reason in the history, and a store copy carries the decisions."""

from __future__ import annotations

import pytest

from dashboard.data import decide
from dashboard.data.engines import init_store
from dashboard.data.engines.migrate import current, head
from dashboard.data.engines.records import DECISION
from dashboard.data.engines.transfer import copy_store, fingerprint
from dashboard.data.reconcile.decisions import decision_id
from dashboard.data.store import dataset_version, load_store, open_store, resolve_store, store_state

PAIR = ("SEG-2020-002", "UCDP-364435")  # a pair the fresh store proposes for review (Farabougou, one day apart)


def _grouped(data) -> dict[str, str]:
    return dict(zip(data.reports["incident_id"], data.report_incident, strict=True))


def test_a_link_is_a_change_set_with_its_author_and_reason_and_moves_the_version(store_location):
    before = load_store(store_location, write_cache=False)
    # 0003 decisions, 0004 text language, 0005 licences, then later revisions (0009_harms...): the newest
    assert current(open_store(store_location).engine) == head() not in ("0001", "0002")
    pending = {(d.a, d.b): d for d in before.decisions if d.verdict == "pending"}
    assert PAIR in pending  # the rule alone does not link it: it waits, with its evidence
    _, revision = store_state(store_location)
    decide.link(store_location, *PAIR, reason="same attack: AFP and UCDP", author="Awa")
    after = load_store(store_location, write_cache=False)
    assert len(after.incidents) == len(before.incidents) - 1
    assert _grouped(after)[PAIR[1]] == _grouped(after)[PAIR[0]]
    assert after.version != before.version == dataset_version(before.reports, before.decisions, before.responses)
    assert after.version == dataset_version(after.reports, after.decisions, after.responses) == \
        store_state(store_location)[0]
    assert store_state(store_location)[1] == revision + 1  # one change set
    entries = open_store(store_location).history(decision_id(*PAIR), DECISION)
    last = entries[-1]
    assert (last.kind, last.author, last.reason) == ("link", "Awa", "same attack: AFP and UCDP")
    assert {(e.field, e.before, e.after) for e in entries if e.changeset_id == last.changeset_id} >= {
        ("verdict", "pending", "linked"), ("author", "auto", "Awa")}
    linked = next(d for d in after.decisions if (d.a, d.b) == PAIR)
    assert linked.evidence == pending[PAIR].evidence and linked.score == pending[PAIR].score  # kept with it


def test_unlink_and_keep_apart_are_recorded_and_nothing_is_lost(tmp_path):
    store = tmp_path / "s.gpkg"
    fresh = load_store(store, write_cache=False)
    decide.unlink(store, "UCDP-236615", reason="check the UCDP toll first", author="Awa")
    data = load_store(store, write_cache=False)
    assert len(data.incidents) == len(fresh.incidents) + 1 and len(data.reports) == len(fresh.reports)
    entries = open_store(store).history(decision_id("SEG-2017-002", "UCDP-236615"), DECISION)
    assert [(e.kind, e.author) for e in entries] == [("import", "incident-map"), *[("unlink", "Awa")] * (
        len(entries) - 1)]
    assert entries[0].after["verdict"] == "linked" and entries[0].after["author"] == "incident-map project"
    assert any(e.field == "verdict" and e.after == "apart" for e in entries[1:])
    with pytest.raises(Exception, match="every decision needs a reason"):
        decide.keep_apart(store, *PAIR, reason=" ")


def test_a_store_copy_carries_the_decisions_and_the_grouping(tmp_path):
    store = tmp_path / "s.gpkg"
    load_store(store, write_cache=False)
    decide.link(store, *PAIR, reason="same attack", author="Awa")
    copy = init_store(resolve_store(tmp_path / "copy.gpkg"))
    copy_store(open_store(store), copy)
    assert fingerprint(copy) == fingerprint(open_store(store))
    original, copied = load_store(store, write_cache=False), load_store(tmp_path / "copy.gpkg", write_cache=False)
    assert copied.version == original.version
    assert set(copied.decisions) == set(original.decisions)
    assert sorted(copied.incidents["incident_id"]) == sorted(original.incidents["incident_id"])
    assert [e.to_dict() for e in copy.history(decision_id(*PAIR), DECISION)] == [
        e.to_dict() for e in open_store(store).history(decision_id(*PAIR), DECISION)]
