"""The forms' pure helpers and the team view's status badge (issue 14)."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.i18n import tr
from dashboard.team.forms import field_messages, record_from_form, with_source
from dashboard.viz.cards import incident_card_html
from tests.factories import SOURCE, incidents, row


def test_a_form_blank_is_unknown_and_nothing_is_guessed():
    assert record_from_form({"summary": "  Text. ", "fatalities_max": "", "victims": None}) == {
        "summary": "Text.", "fatalities_max": None, "victims": None}


def test_a_source_is_added_and_one_with_the_same_link_is_corrected():
    added = json.loads(with_source(SOURCE, "Radio Ségou", "Witness", "https://example.org/w", ""))
    assert [s["organisation"] for s in added] == ["Test Desk", "Radio Ségou"] and added[1]["published"] is None
    fixed = json.loads(with_source(json.dumps(added), "Radio Ségou", "Witness call", "https://example.org/w",
                                   "2025-10-04"))
    assert len(fixed) == 2 and fixed[1]["title"] == "Witness call" and fixed[1]["published"] == "2025-10-04"


def test_problems_become_one_plain_message_per_field_in_the_reader_language():
    problems = pd.DataFrame([(1, "fatalities_min", "must not exceed fatalities_max", 73)],
                            columns=["row", "column", "problem", "value"])
    assert field_messages(problems, tr("en")) == {
        "fatalities_min": ["Killed, at least: must not exceed fatalities_max"]}
    assert field_messages(problems, tr("fr"))["fatalities_min"][0].startswith("Tués, au moins :")


def test_the_card_badges_an_unpublished_incident_in_the_team_view_only():
    record = incidents(row()).iloc[0].to_dict()
    assert "status-badge" not in incident_card_html({**record, "status": "published"})
    assert ">draft</span>" in incident_card_html({**record, "status": "draft"})
    assert ">brouillon</span>" in incident_card_html({**record, "status": "draft"}, t=tr("fr"))
    assert "status-badge" not in incident_card_html({**record, "status": "draft"}, public=True)
