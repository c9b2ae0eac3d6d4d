import json

import pytest

from dashboard.viz.cards import incident_card_html, incident_id_from_tooltip, toll_text, tooltip_text
from tests.factories import incidents, row


@pytest.mark.parametrize(
    ("lo", "hi", "text"),
    [(21, 37, "21–37"), (10, 10, "10"), (6, None, "at least 6"), (None, None, "unknown"), (0, 0, "0")],
)
def test_tolls_keep_their_range_and_unknown_is_not_zero(lo, hi, text):
    assert toll_text(lo, hi) == text


def test_card_links_only_http_sources_and_escapes_everything():
    sources = json.dumps([
        {"organisation": "HRW <b>", "title": "<script>x()</script>", "url": "https://hrw.org/a?b=1&c=2"},
        {"organisation": "Radio", "title": "broadcast"},
    ])
    r = incidents(row(sources=sources, summary="5 > 3 & <i>x</i>")).iloc[0].to_dict()
    html = incident_card_html(r)
    assert '<a href="https://hrw.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">HRW &lt;b&gt;</a>' in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "5 &gt; 3 &amp; &lt;i&gt;x&lt;/i&gt;" in html
    assert html.count("<a ") == 1
    assert "Killed:</b> 21–37" in html
    assert "per witnesses" in html


def test_public_cards_hide_how_a_point_was_geocoded():
    r = incidents(row(geocoded_from="Niono — GeoNames 2452655")).iloc[0].to_dict()
    assert "GeoNames 2452655" in incident_card_html(r)
    assert "GeoNames 2452655" not in incident_card_html(r, public=True)


def test_tooltip_maps_back_to_the_incident():
    r = incidents(row(incident_id="SEG-2025-008", location="Kamona")).iloc[0].to_dict()
    tip = tooltip_text(r)
    assert tip.startswith("SEG-2025-008 · 2 Oct 2025 · Kamona · killed: 21–37")
    assert incident_id_from_tooltip(tip) == "SEG-2025-008"
    assert incident_id_from_tooltip(None) is None
