"""The hexagons' tooltip speaks the page's language: its words come from the catalogue, and the page picks the
singular for a count of 1 alone, which must agree with the catalogue's own plural rule for every count a cell can
hold (at least 1)."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.i18n import languages, tr
from dashboard.viz import scale
from dashboard.viz.maps import build_incident_map
from tests.factories import bundled_incidents, children_of_type, render


@pytest.mark.parametrize("lang", languages())
def test_the_page_s_plural_choice_is_the_catalogue_s(lang):
    t = tr(lang)
    words = scale.hex_words(t)
    for n in [*range(1, 2_001), 10_000, 100_000, 1_000_000, 2_000_000]:
        page_picks = words["one"] if n == 1 else words["other"]
        assert page_picks == t.ngettext("{n} incident", "{n} incidents", n), (lang, n)


def test_the_french_hexagons_say_it_in_french():
    m = build_incident_map(bundled_incidents(), mode="hexbin", t=tr("fr"))
    (layer,) = children_of_type(m, "HexLayer")
    assert layer.words == {"lang": "fr", "one": "{n} incident", "other": "{n} incidents", "killed": "tués : {toll}",
                           "unknown": "bilan inconnu pour {n}"}
    sent = re.search(r"words = (\{.*?\});", render(m))
    assert sent and json.loads(sent.group(1)) == layer.words  # what the page's script holds
    english = build_incident_map(bundled_incidents(), mode="hexbin")
    assert children_of_type(english, "HexLayer")[0].words["killed"] == "killed {toll}"
