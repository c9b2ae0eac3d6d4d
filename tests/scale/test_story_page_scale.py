"""The Story page (AppTest) on a synthetic store of 20,000 incidents: its default story is bounded (the
``DEFAULT_STEPS`` most serious of the selection, oldest first, and the page says how many it leaves out), the editor
offers a bounded list, and a narrow filter still gives every incident of the selection. Before, the default story
was every filtered incident, each with its note field, and the page never finished loading at this size."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import write_synthetic_store
from dashboard.data.store import STORE_ENV, load_store
from dashboard.export.story import DEFAULT_STEPS, PICK_OPTIONS
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec

APP = Path(__file__).resolve().parents[2] / "dashboard" / "ui" / "app.py"
N = 20_000
SMALL = {"cercle": "Niono", "from": "2024-06-01", "to": "2024-06-30"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = write_synthetic_store(tmp_path_factory.mktemp("scale-story") / "synthetic.gpkg", N, seed=5)
    return path, load_store(path).incidents  # the fast cache built once, as the app's first visitor would


@pytest.fixture
def story(store, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(store[0]))
    monkeypatch.delenv("INCIDENT_MAP_PUBLIC", raising=False)

    def open_story(**params) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=180)
        for k, v in {"page": "story", **params}.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_story


def _by_a_full_sort(incidents, k: int) -> set[str]:
    order = incidents.assign(_lo=incidents["fatalities_min"], _hi=incidents["fatalities_max"]).sort_values(
        ["_lo", "_hi", "date_start", "incident_id"], ascending=[False, False, True, True], na_position="last")
    return set(order["incident_id"][:k])


def test_the_default_story_of_a_large_selection_is_its_most_serious_incidents_and_says_what_it_leaves_out(
        store, story):
    incidents = store[1]
    view = filter_incidents(incidents, FilterSpec())  # the page's default selection
    assert len(view) > PICK_OPTIONS > DEFAULT_STEPS
    at = story()
    picker = at.multiselect(key="story_ids")
    assert len(picker.value) == DEFAULT_STEPS
    assert set(picker.value) == _by_a_full_sort(view, DEFAULT_STEPS)
    dates = incidents.set_index("incident_id").loc[picker.value, "date_start"]
    assert list(dates) == sorted(dates)  # presented oldest first
    said = [i.value for i in at.info if "most serious" in i.value]
    assert said == [f"This story presents the {DEFAULT_STEPS} most serious of the {len(view):,} incidents of the "
                    f"selection (highest known toll first), oldest first; {len(view) - DEFAULT_STEPS:,} incidents "
                    "are left out. Narrow the filters or pick the incidents to present others."]
    offered = {label.rsplit("(", 1)[-1].rstrip(")") for label in picker.options}  # "date · place · toll (id)"
    assert offered == _by_a_full_sort(view, PICK_OPTIONS)  # the editor offers a bounded list, and says so
    assert any(f"offers the {PICK_OPTIONS:,} most serious of the {len(view):,}" in c.value for c in at.caption)
    notes = [t for t in at.text_input if t.key.startswith("story_note_")]
    assert len(notes) == DEFAULT_STEPS  # one note field per step, not per incident of the record
    assert at.button(key="story_next").click().run() and not at.exception  # steps as before
    assert at.query_params["step"] in ("2", ["2"])


def test_a_narrow_selection_is_presented_whole_and_any_incident_can_still_be_picked(store, story):
    incidents = store[1]
    view = filter_incidents(incidents, FilterSpec.from_query_params(SMALL))
    assert 0 < len(view) <= DEFAULT_STEPS
    at = story(**SMALL)
    picker = at.multiselect(key="story_ids")
    assert picker.value == list(view.sort_values(["date_start", "incident_id"])["incident_id"])
    assert not [i.value for i in at.info if "most serious" in i.value]
    offered = {label.rsplit("(", 1)[-1].rstrip(")") for label in picker.options}  # "date · place · toll (id)"
    assert offered == set(view["incident_id"])  # the list is of the selection (and the story's own)...
    chosen = [picker.value[-1], picker.value[0]]
    at.multiselect(key="story_ids").set_value(chosen).run()
    assert not at.exception
    assert at.multiselect(key="story_ids").value == chosen  # ...and a picked story is kept


def test_the_shared_list_is_labelled_in_each_session_s_language(story):
    english = story().multiselect(key="story_ids").options
    french = story(lang="fr").multiselect(key="story_ids").options
    assert all("killed" in label for label in english) and not any("killed" in label for label in french)
    assert all("tués" in label for label in french)
    assert [e.rsplit("(", 1)[-1] for e in english] == [f.rsplit("(", 1)[-1] for f in french]  # the same incidents
