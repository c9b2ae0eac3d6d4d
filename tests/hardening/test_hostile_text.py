"""Hostile text imported from every file layout is shown as text everywhere it is rendered.

The corpus (``corpus.py``) goes into every free-text field of incidents and of their sources, is written as a
native CSV, a GeoJSON, an ACLED CSV and a UCDP GED CSV, and is imported through ``import_file``. Then the map
(popups, tooltips, legend: the whole rendered document *and* the JavaScript template literals folium puts the
popups and tooltips in), the cards and the table are parsed: no element or attribute from the corpus exists, only
http(s) links exist, and the text is shown unchanged.
"""

from __future__ import annotations

import re

import pytest

from dashboard.data.schema import is_http_url, parse_sources
from dashboard.ui.pages.table_page import incident_table
from dashboard.viz.cards import incident_card_html, incident_id_from_tooltip, tooltip_text
from dashboard.viz.maps import build_incident_map, plottable
from tests.hardening import corpus
from tests.hardening.htmlcheck import (
    CARD_ATTRS,
    CARD_TAGS,
    LEGEND_ATTRS,
    LEGEND_TAGS,
    PAGE_ATTRS,
    PAGE_TAGS,
    POPUP_ATTRS,
    assert_no_live_markup,
    card_links_are_http,
    legend_markup,
    popup_literals,
    tooltip_literals,
)

N_TEXT = len(corpus.TEXT_PAYLOADS)


def _expected(name: str) -> tuple[int, int]:
    """(rows in the file, rows rejected)."""
    if name.startswith("native"):
        accepted, rejected = corpus.hostile_rows()
        return len(accepted) + len(rejected), len(rejected)
    return N_TEXT, 0


def test_every_row_is_accepted_or_rejected_with_a_reason(imported):
    rows, rejected = _expected(imported.name)
    report = imported.report
    assert report.rows == rows
    assert (report.rejected, report.duplicates) == (rejected, 0)
    assert report.accepted == report.added == rows - rejected
    assert len(imported.incidents) == 1 + report.added
    if rejected:
        problems = report.problems.groupby("row")["column"].agg(set)
        assert len(problems) == rejected
        # rejected rows come after the accepted ones in the file (header = line 1 for CSV, features from 1)
        first = rows - rejected + (2 if imported.name.endswith(".csv") else 1)
        columns = [problems[first + i] for i in range(rejected)]
        n_url, n_pub, n_id = len(corpus.URL_PAYLOADS), len(corpus.PUBLISHED_PAYLOADS), len(corpus.HOSTILE_IDS)
        assert all(c == {"sources"} for c in columns[: n_url + n_pub])
        assert all(c == {"incident_id"} for c in columns[n_url + n_pub: n_url + n_pub + n_id])
        assert [c for c in columns[n_url + n_pub + n_id:]] == [{f} for f, _ in corpus.REJECTED_TEXT]
        url_reasons = report.problems.loc[report.problems["column"] == "sources", "problem"]
        assert url_reasons.str.contains("source URL must start with http:// or https://|source date must be").all()


def test_stored_text_is_the_imported_text(imported):
    """Nothing is stripped, decoded or cut on the way into the store (values are stripped of outer blanks)."""
    stored = set(imported.incidents["summary"].dropna())
    if imported.name.startswith("native"):
        wanted = {p.strip() for p in corpus.TEXT_PAYLOADS}
    else:
        wanted = {p.strip() for p in corpus.TEXT_PAYLOADS}  # ACLED notes / UCDP where_description
    assert wanted <= stored


@pytest.mark.parametrize("mode", ["points", "clusters"])
def test_map_document_popups_tooltips_and_legend_hold_no_markup(imported, mode):
    view = imported.incidents
    html = build_incident_map(view, mode=mode).get_root().render()
    assert_no_live_markup(html, tags=PAGE_TAGS, attrs=PAGE_ATTRS, where="map document", ids=r"map_[0-9a-f]{32}")
    drawn = plottable(view)
    popups = popup_literals(html)
    tooltips = tooltip_literals(html)
    assert len(popups) == len(tooltips) == len(drawn) > N_TEXT // 2
    texts = []
    for i, popup in enumerate(popups):
        parsed = assert_no_live_markup(popup, tags=CARD_TAGS, attrs=POPUP_ATTRS, where=f"popup {i}")
        card_links_are_http(parsed, f"popup {i}")
        texts.append(parsed.all_text)
    for i, tip in enumerate(tooltips):
        assert_no_live_markup(tip, tags={"div"}, attrs=set(), where=f"tooltip {i}")
    for legend in legend_markup(html):
        assert_no_live_markup(legend, tags=LEGEND_TAGS, attrs=LEGEND_ATTRS, where="legend")
    # shown as text, unchanged (folium turns line breaks into spaces); jinja syntax was not evaluated
    shown = "\n".join(texts)
    for summary in drawn["summary"].dropna():
        assert summary.replace("\n", " ") in shown
    assert "49 pwned" not in html


def test_cards_hold_no_markup_and_link_only_http(imported):
    for r in imported.incidents.to_dict("records"):
        for public in (False, True):
            html = incident_card_html(r, public=public)
            parsed = assert_no_live_markup(html, tags=CARD_TAGS, attrs=CARD_ATTRS, where=r["incident_id"][:40])
            card_links_are_http(parsed, r["incident_id"][:40])
            if isinstance(r["summary"], str):
                assert r["summary"] in parsed.all_text
            assert r["location"] in parsed.all_text
            for s in parse_sources(r["sources"]):
                assert s.organisation in parsed.all_text
            ids = [v for k, v in parsed.attrs if k == "data-incident-id"]
            assert ids == [r["incident_id"]]


def test_tooltips_map_back_to_their_incident(imported):
    for r in imported.incidents.to_dict("records"):
        tip = tooltip_text(r)
        assert incident_id_from_tooltip(tip) == r["incident_id"]
        assert not re.search(r"[`\\{}]", tip)


def test_table_is_plain_text_with_http_links_only(imported):
    view = imported.incidents
    table = incident_table(view)
    assert list(table["place (as reported)"]) == list(view["location"])
    assert list(table["id"]) == list(view["incident_id"])
    links = table["first source"].dropna()
    if imported.name.startswith("native"):
        assert len(links) == len(view)  # every native corpus row has one valid https source
    assert all(is_http_url(u) and u.startswith(("http://", "https://")) for u in links)


def test_accepted_hostile_ids_are_escaped_in_the_card_attribute(hostile_store):
    stored = set(hostile_store.incidents["incident_id"])
    assert set(corpus.ACCEPTED_IDS) <= stored
    assert not set(corpus.HOSTILE_IDS) & stored
    for ident in corpus.ACCEPTED_IDS:
        r = hostile_store.incidents.loc[hostile_store.incidents["incident_id"] == ident].iloc[0].to_dict()
        html = incident_card_html(r)
        if "<" in ident:
            assert ident not in html  # only in escaped form
        assert_no_live_markup(html, tags=CARD_TAGS, attrs=CARD_ATTRS, where=ident)
