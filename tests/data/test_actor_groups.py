"""Canonical actors over the names sources give (issue 19, item 11): the table, its bases, and the filter."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import bundled
from dashboard.data.actor_groups import ACTORS_FILE, ActorGroups
from dashboard.data.schema import PERPETRATOR_CATEGORIES
from dashboard.data.sources.actors import normalise_name
from dashboard.data.store import load_bundled
from dashboard.query.aggregate import distinct_values
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec

FAMA = "Malian Armed Forces (FAMa)"
WAGNER = "Wagner Group / Africa Corps"
DOZO = "Dozo militias"
JNIM = "JNIM / Katiba Macina"


@pytest.fixture(scope="module")
def groups() -> ActorGroups:
    return ActorGroups.default()


def every(**filters) -> FilterSpec:
    return FilterSpec(**{"scope": "all", **filters})


def test_the_table_gives_a_basis_and_a_category_for_every_grouping(groups):
    table = pd.read_csv(bundled.path(ACTORS_FILE), dtype=str, keep_default_na=False)
    assert set(table["match"]) <= {"name", "pattern"}
    assert (table["basis"].str.len() > 20).all()
    grouped = table[table["actor"] != ""]
    assert set(grouped["category"]) <= set(PERPETRATOR_CATEGORIES)
    assert {FAMA, WAGNER, DOZO, JNIM} <= set(groups.actors)
    assert all(grouped.groupby("actor")["category"].nunique() == 1)  # one category per actor


def test_every_reported_name_the_table_lists_is_in_the_record(groups):
    """A stale alias (the record's name was corrected) would silently group nothing."""
    reported = {normalise_name(n) for n in distinct_values(load_bundled(), "perpetrators", split=";")}
    named = groups.table[groups.table["match"] == "name"]["alias"]
    assert sorted(a for a in named if normalise_name(a) not in reported) == []


def test_a_grouping_agrees_with_the_records_categories(groups):
    bundled_ = load_bundled()
    for actor in groups.actors:
        chosen = filter_incidents(bundled_, every(actor_groups=frozenset({actor})))
        wrong = chosen.loc[~chosen["perpetrator_category"].str.contains(groups.category(actor))]
        assert wrong.empty, (actor, list(wrong["incident_id"]))


def test_the_army_is_not_a_trap(groups):
    """Typing "Malian" in the old filter of raw names selected 12 incidents, one attributed to Wagner alone in the
    way the sources put it; the canonical actor is exactly the incidents one of whose reported names the table
    says is the army."""
    bundled_ = load_bundled()
    fama = filter_incidents(bundled_, every(actor_groups=frozenset({FAMA})))
    by_name = bundled_[bundled_["perpetrators"].map(lambda cell: FAMA in groups.of_cell(cell))]
    assert sorted(fama["incident_id"]) == sorted(by_name["incident_id"])
    assert "SEG-2024-005" not in set(fama["incident_id"])  # "Wagner Group (witnesses mention only Wagner)"
    assert fama["perpetrator_category"].str.contains("state_forces").all()
    # French and English names of the army are one actor
    assert {"SEG-2012-001", "SEG-2013-002", "SEG-2018-001", "SEG-2025-008"} <= set(fama["incident_id"])
    # the raw names stay searchable
    raw = filter_incidents(bundled_, every(actors=frozenset({"armée malienne"})))
    assert 0 < len(raw) < len(fama)


@pytest.mark.parametrize(("name", "actors"), [
    ("Military Forces of Mali (2021-)", {FAMA}),
    ("Government of Mali", {FAMA}),
    ("Wagner Group", {WAGNER}),
    ("Dozo Communal Militia (Mali)", {DOZO}),
    ("JNIM: Group for Support of Islam and Muslims", {JNIM}),
    ("Islamic State (Sahel)", {"Islamic State Sahel"}),
    ("Unidentified Armed Group (Mali)", set()),
    ("Fulani Ethnic Militia (Mali)", set()),
    ("individus en tenue de chasseurs (dozos)", set()),  # listed on purpose as not grouped
    ("L'ARMEE MALIENNE", {FAMA}),  # case and accents do not matter
])
def test_names_from_other_datasets(groups, name, actors):
    assert groups.of_name(name) == frozenset(actors)


def test_one_name_may_denote_two_actors(groups):
    name = ("Wagner Group fighters in a Malian army convoy (RFI), described by OHCHR as Malian forces with allied "
            "foreign military personnel")
    assert groups.of_name(name) == {FAMA, WAGNER}
    assert groups.of_cell("Malian army; Dozo hunters") == {FAMA, DOZO}
    assert groups.of_cell(None) == frozenset()
