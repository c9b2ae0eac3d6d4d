"""The Table page's incident table, written once per distinct value, is the table written row by row; the helpers
that make it so (:func:`first_link` here, :mod:`dashboard.data.distinct` in tests/data/test_distinct.py) are their
plain definitions."""

from __future__ import annotations

import json

import pytest

from benchmarks.synthetic import synthetic_incidents
from dashboard import grade_words, labels
from dashboard.data.grading import grade_frame
from dashboard.data.missing import is_missing
from dashboard.data.schema import first_link, is_http_url, parse_sources, split_codes
from dashboard.data.store import load_bundled
from dashboard.harm_words import cause_text, harms_text, killed_breakdown, violation_text
from dashboard.i18n import tr
from dashboard.ui.pages.table_page import incident_table
from dashboard.wording import toll_text, toll_words

DERIVED = {  # the table's written columns (English headers), each as the row-by-row definition writes it
    "date precision": lambda r, t: t.pgettext("date precision", r["date_precision"]),
    "location precision": lambda r, t: labels.precision(r["geo_precision"], t),
    "category": lambda r, t: ", ".join(labels.category(c, t) for c in split_codes(r["perpetrator_category"])),
    "killed": lambda r, t: toll_text(r["fatalities_min"], r["fatalities_max"], words=toll_words(t)),
    "among the killed": lambda r, t: "; ".join(killed_breakdown(r, t)) or None,
    "other harms": lambda r, t: harms_text(r, t),
    "cause of death": lambda r, t: cause_text(r, t),
    "violation or abuse": lambda r, t: violation_text(r, t),
    "verification": lambda r, t: labels.verification(r["verification"], t),
    "civilian-harm grade": lambda r, t: grade_words.grade(r["grade"], t),
    "sources": lambda r, t: len(parse_sources(r["sources"])),
    "first source": lambda r, t: next((s.url for s in parse_sources(r["sources"]) if is_http_url(s.url)), None),
}
PLACES = ("cercle", "commune")  # shown as they are, but a missing place says "(not stated)"


def _views():  # graded, with the columns the store's loader adds, as the page gets them
    yield "bundled", grade_frame(load_bundled().assign(toll_disputed=False, n_reports=1, independent_sources=1,
                                                       datasets="segou-curated"))
    yield "synthetic", grade_frame(synthetic_incidents(3_000, seed=11, validate="none").assign(
        toll_disputed=False, n_reports=1, independent_sources=1, datasets="acled"))


VIEWS = dict(_views())


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", list(VIEWS))
def test_the_table_is_the_table_written_row_by_row(name, lang):
    view, t = VIEWS[name], tr(lang)
    table = incident_table(view, t)
    english = incident_table(view, tr("en")).columns  # the headers in English, the columns in the same order
    table.columns = english
    rows = view.to_dict("records")
    for column, write in DERIVED.items():
        expected = [write(r, t) for r in rows]
        got = table[column].tolist()
        assert [None if is_missing(v) else v for v in got] == [None if is_missing(v) else v for v in expected], column
    for column in PLACES:
        assert table[column].tolist() == [t.gettext("(not stated)") if is_missing(r[column]) else r[column]
                                          for r in rows], column
    assert table["id"].tolist() == view["incident_id"].tolist()


def test_the_synthetic_view_has_what_the_comparison_needs():
    """The comparison above is worth something only if its views vary: several distinct values in each written
    column, missing places and an incident without an http source in the bundled record."""
    synthetic = incident_table(VIEWS["synthetic"])
    for column in ("category", "killed", "violation or abuse", "verification", "date precision",
                   "civilian-harm grade", "location precision"):
        assert synthetic[column].nunique() > 1, column
    bundled = incident_table(VIEWS["bundled"])
    assert bundled["among the killed"].notna().any() and bundled["among the killed"].isna().any()
    assert bundled["first source"].isna().any() and (bundled["cercle"] == "(not stated)").any()


def test_first_link_is_what_the_parsed_sources_say():
    cells = [json.dumps(s) for s in (
        [{"organisation": "HRW", "url": "https://hrw.org/a"}],
        [{"organisation": "Witness"}, {"organisation": "AFP", "title": "Dépêche"}, {"organisation": "RFI",
                                                                                  "url": "http://rfi.fr/b"}],
        [{"organisation": "Local radio", "url": "  "}],
        [{"organisation": "MINUSMA", "title": "Note", "url": " https://un.org/c "}],
    )] + list(VIEWS["bundled"]["sources"])
    for cell in cells:
        parsed = parse_sources(cell)
        assert first_link(cell) == (next((s.url for s in parsed if is_http_url(s.url)), None), len(parsed)), cell
