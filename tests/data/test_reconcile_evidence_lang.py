"""The evidence sentence of a pair in the reader's language: the stored record keeps English, the Review page says
it in the page's language from the same facts (:func:`dashboard.data.reconcile.evidence.explain`)."""

from __future__ import annotations

from dashboard.data.reconcile.clusters import reconcile
from dashboard.data.reconcile.evidence import explain
from dashboard.i18n import tr
from tests.data.test_reconcile import acled, curated
from tests.factories import incidents


def test_the_stored_sentence_is_english_and_explain_says_it_again_in_english():
    reports = incidents(curated(), acled())
    stored = reconcile(reports).links["evidence"].iloc[0]
    assert explain(reports, "ACLED-1", "SEG-1", tr("en")) == stored
    assert explain(reports, "SEG-1", "ACLED-1", tr("en")) == stored  # said in the pair's stored order


def test_explain_in_french_says_every_part_in_french():
    reports = incidents(curated(), acled())
    assert explain(reports, "ACLED-1", "SEG-1", tr("fr")) == (
        "même jour · même nom de lieu (Kamona) · à 30 km l'un de l'autre · forces étatiques dans les deux rapports · "
        "tués : 21 contre 21–37")


def test_french_reasons_against_an_automatic_link_plural_days_and_categories():
    near = {"location": "a hamlet", "geo_precision": "2"}
    reports = incidents(curated(), acled(**near, latitude="14.10", longitude="-5.93", date_start="2025-10-05",
                                         date_end="2025-10-05", perpetrator_category="jihadist_group",
                                         fatalities_min="", fatalities_max=""))
    english = explain(reports, "ACLED-1", "SEG-1", tr("en"))
    french = explain(reports, "ACLED-1", "SEG-1", tr("fr"))
    assert "days apart" in english and "jihadist armed group vs state forces" in english
    assert "unknown vs" in english and "perpetrators disagree" in english
    assert "jours d'écart" in french and "groupe armé djihadiste contre forces étatiques et milice progouvernementale" in french
    assert "tués : inconnu contre 21–37" in french
    assert "(les auteurs ne concordent pas)" in french and "aucun nom de lieu en commun" in french
    for word in ("apart", " vs ", "killed", "unknown", "disagree", "same"):
        assert word not in french


def test_explain_without_both_reports_says_nothing():
    reports = incidents(curated())
    assert explain(reports, "SEG-1", "ACLED-9", tr("fr")) is None
