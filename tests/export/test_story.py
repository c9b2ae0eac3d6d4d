"""Stories: a JSON round trip that keeps order and notes, clear errors for every kind of bad file, and the pieces
the story page draws (the ordered frame, the step's point, the highlight ring)."""

from __future__ import annotations

import json
import re

import folium
import pytest

from dashboard.data.store import load_bundled
from dashboard.export.story import (
    DEFAULT_STEPS,
    MAX_NOTE,
    Story,
    StoryError,
    StoryStep,
    default_story_ids,
    highlight_layer,
    most_serious_first,
    step_point,
    story_frame,
)

IDS = ("SEG-2025-010", "SEG-2025-008", "SEG-2025-009")  # deliberately not chronological


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


def test_a_story_round_trips_through_json_with_its_order_and_notes(bundled):
    story = Story.of("Octobre 2025 : opérations <FAMa>", IDS, ["Balle first", "", "then the fair"])
    text = story.to_json()
    doc = json.loads(text)
    assert doc["format"] == "segou-incident-map/story" and doc["version"] == 1
    assert [s["incident_id"] for s in doc["steps"]] == list(IDS)
    assert "note" not in doc["steps"][1]  # empty notes are left out
    back = Story.from_json(text, known_ids=bundled["incident_id"])
    assert back == story
    assert back.incident_ids == IDS and back.notes == ("Balle first", "", "then the fair")
    assert Story.from_json(text.encode("utf-8-sig")) == story  # a BOM from a text editor is fine


def test_steps_may_be_plain_ids():
    story = Story.from_json('{"title": "t", "steps": ["SEG-2025-008", {"incident_id": "SEG-2025-009"}]}')
    assert story.incident_ids == ("SEG-2025-008", "SEG-2025-009")


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not valid JSON (line 1"),
    ("[1, 2]", "a story file is a JSON object"),
    ('{"title": "t"}', "the story has no steps"),
    ('{"title": "t", "steps": []}', "the story has no steps"),
    ('{"title": "t", "steps": [{"note": "x"}]}', "step 1 has no incident_id"),
    ('{"title": "t", "steps": [{"incident_id": "A", "colour": "red"}]}', "step 1 has unknown field(s): colour"),
    ('{"title": "t", "steps": [{"incident_id": "A", "note": 5}]}', "the note of step 1 must be text"),
    ('{"title": "t", "steps": ["A", "B", "A"]}', "'A' appears twice (step 3)"),
    ('{"title": 3, "steps": ["A"]}', "the story title must be text"),
    ('{"title": "t", "steps": ["A"], "extra": 1}', "unknown field(s) in the story file: extra"),
    ('{"format": "geojson", "steps": ["A"]}', "not a story file"),
    ('{"version": 2, "steps": ["A"]}', "version 2 is not supported"),
    ('{"steps": [7]}', "step 1 must be an object"),
])
def test_bad_story_files_fail_with_a_sentence_that_says_what_is_wrong(text, message):
    with pytest.raises(StoryError, match=re.escape(message)):
        Story.from_json(text)


def test_unknown_incident_ids_are_named(bundled):
    text = Story.of("t", ["SEG-2025-008", "NOPE-1", "NOPE-2"]).to_json()
    with pytest.raises(StoryError) as err:
        Story.from_json(text, known_ids=bundled["incident_id"])
    assert str(err.value) == "2 incident id(s) of the story are not in this dataset: NOPE-1, NOPE-2"


def test_limits_and_bytes():
    with pytest.raises(StoryError, match="longer than"):
        StoryStep("A", "x" * (MAX_NOTE + 1))
    with pytest.raises(StoryError, match="not UTF-8"):
        Story.from_json(b'{"steps": ["\xff"]}')
    assert Story("  spaced  ", (StoryStep(" A ", " n "),)) == Story("spaced", (StoryStep("A", "n"),))


def test_story_frame_keeps_the_story_order(bundled):
    frame = story_frame(bundled, Story.of("t", IDS))
    assert tuple(frame["incident_id"]) == IDS
    with pytest.raises(StoryError, match="NOPE"):
        story_frame(bundled, Story.of("t", ["NOPE"]))


def test_step_point_and_highlight_layer(bundled):
    kamona = bundled.loc[bundled["incident_id"] == "SEG-2025-008"].geometry.iloc[0]
    assert step_point(bundled, "SEG-2025-008") == (kamona.y, kamona.x)
    assert step_point(bundled, "SEG-2025-015") is None  # the Ségou-Bamako road: region-level, not drawn
    layer = highlight_layer(bundled, "SEG-2025-008")
    rings = [c for c in layer._children.values() if isinstance(c, folium.CircleMarker)]
    assert [r.location for r in rings] == [[kamona.y, kamona.x]] * 2
    assert "story-current" in rings[0].options["className"]
    assert not highlight_layer(bundled, "SEG-2025-015")._children


def _ranked_by_a_full_sort(incidents, k):
    """The briefing's ranking (highest known toll: lower bound, then upper bound, unknown last; then oldest, then
    id), by a plain sort of every row: what :func:`most_serious_first` must agree with."""
    order = incidents.assign(_lo=incidents["fatalities_min"], _hi=incidents["fatalities_max"]).sort_values(
        ["_lo", "_hi", "date_start", "incident_id"], ascending=[False, False, True, True], na_position="last")
    return list(order["incident_id"][:k])


@pytest.mark.parametrize("k", [1, 5, 17, 40, 500])
def test_the_most_serious_are_ranked_as_the_briefing_ranks_them_ties_and_unknown_tolls_included(k):
    import numpy as np
    import pandas as pd

    rnd = np.random.default_rng(k)
    n = 300
    lo = rnd.choice([np.nan, 0, 1, 2, 5, 5, 12], n)  # many ties, and unknown tolls
    hi = np.where(rnd.random(n) < 0.3, np.nan, np.nan_to_num(lo) + rnd.choice([0, 0, 3], n))
    frame = pd.DataFrame({
        "incident_id": [f"T-{i:04d}" for i in rnd.permutation(n)],
        "date_start": pd.to_datetime("2020-01-01") + pd.to_timedelta(rnd.integers(0, 20, n), unit="D"),
        "fatalities_min": pd.array(lo, dtype="Float64"), "fatalities_max": pd.array(hi, dtype="Float64"),
    })
    assert list(most_serious_first(frame, k)["incident_id"]) == _ranked_by_a_full_sort(frame, k)
    ids, left = default_story_ids(frame, k)
    assert sorted(ids) == sorted(_ranked_by_a_full_sort(frame, k)) and left == max(0, n - k)
    shown = frame.set_index("incident_id").loc[ids]
    assert list(shown["date_start"]) == sorted(shown["date_start"])  # presented oldest first


def test_the_default_story_is_every_incident_of_a_small_selection_oldest_first(bundled):
    ids, left = default_story_ids(bundled, DEFAULT_STEPS)
    if len(bundled) <= DEFAULT_STEPS:
        assert left == 0 and len(ids) == len(bundled)
    else:
        assert left == len(bundled) - DEFAULT_STEPS and len(ids) == DEFAULT_STEPS
    october = bundled.loc[bundled["date_start"].between("2025-10-01", "2025-10-31")]
    ids, left = default_story_ids(october, DEFAULT_STEPS)
    assert left == 0
    assert ids == list(october.sort_values(["date_start", "incident_id"])["incident_id"])
