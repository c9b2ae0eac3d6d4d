"""The card and the table show the killed by sex and age, the other harms, the cause of death and violation/abuse,
in the reader's language, escaped; nothing is said where the sources say nothing."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest

from dashboard.data.store import load_bundled
from dashboard.i18n import tr
from dashboard.ui.pages.table_page import incident_table
from dashboard.viz.cards import incident_card_html


@pytest.fixture(scope="module")
def bundled():
    return load_bundled().set_index("incident_id", drop=False)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_balle_card_says_nine_men_one_woman_and_the_cattle(bundled):
    row = bundled.loc["SEG-2025-010"].to_dict()
    en = _text(incident_card_html(row))
    assert "Among the killed: 9 men, 1 woman" in en
    assert "Other harms: livestock taken: 100" in en
    assert "Violation or abuse: violation (state agents)" in en
    fr = _text(incident_card_html(row, t=tr("fr")))
    assert "Parmi les personnes tuées : 9 hommes, 1 femme" in fr
    assert "bétail emporté : 100" in fr and "violation (agents de l'État)" in fr


def test_a_harm_without_a_number_is_reported_as_such_and_a_minimum_as_at_least(bundled):
    text = _text(incident_card_html(bundled.loc["SEG-2024-003"].to_dict()))  # Kalala
    assert "at least 3 women; at least 2 children" in text
    assert "livestock taken: reported, number unknown" in text and "Cause of death: firearm" in text


def test_a_card_without_harm_data_says_nothing_about_them(bundled):
    text = _text(incident_card_html(bundled.loc["SEG-2025-016"].to_dict()))  # Markala: a toll only
    assert "Among the killed" not in text and "Other harms" not in text and "Cause of death" not in text
    assert "Violation or abuse: violation (state agents)" in text  # derived from the categories


def test_harm_text_is_escaped(bundled):
    row = {**bundled.loc["SEG-2025-010"].to_dict(), "cause_of_death": "<img src=x onerror=alert(1)>"}
    html = incident_card_html(row)
    assert "<img" not in html and "&lt;img" in html


def test_the_table_has_the_harm_columns(bundled):
    view = load_bundled().assign(toll_disputed=False, n_reports=1, independent_sources=1, datasets="segou-curated")
    table = incident_table(view).set_index("id")
    assert table.loc["SEG-2025-010", "among the killed"] == "9 men, 1 woman"
    assert table.loc["SEG-2025-010", "other harms"] == "livestock taken: 100"
    assert table.loc["SEG-2025-013", "violation or abuse"] == "abuse (non-state actors)"
    assert pd.isna(table.loc["SEG-2025-016", "among the killed"])  # unknown: empty, not ""
