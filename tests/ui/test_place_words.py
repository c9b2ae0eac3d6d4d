"""The place the UCDP adapter writes where its file names none (every event of the bundled UCDP extract) is said in
the reader's language wherever a place is shown: cards, tooltips, the Table page, briefings. The data and its
exports keep it as written."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import labels
from dashboard.data.missing import is_missing
from dashboard.data.sources.ucdp import NOT_NAMED as PLACE_NOT_NAMED_UCDP
from dashboard.data.store import load_bundled
from dashboard.export.summary import key_findings
from dashboard.i18n import tr
from dashboard.viz.cards import card_context, report_columns, tooltip_text
from tests.ui.test_language import open_page

FRENCH = tr("fr").gettext(PLACE_NOT_NAMED_UCDP)


@pytest.fixture(scope="module")
def unnamed() -> dict:
    reports = load_bundled()
    return reports[reports["location"] == PLACE_NOT_NAMED_UCDP].iloc[0].to_dict()


def test_the_wording_is_translated_and_every_other_place_is_shown_as_written():
    assert FRENCH == "lieu non nommé dans le fichier UCDP"
    assert labels.place(PLACE_NOT_NAMED_UCDP, "fr") == FRENCH
    assert labels.place(PLACE_NOT_NAMED_UCDP, "en") == PLACE_NOT_NAMED_UCDP
    assert labels.place("Kamona", "fr") == "Kamona"
    column = pd.Series(["Balle", PLACE_NOT_NAMED_UCDP, None], dtype="str")
    shown = labels.places(column, "fr")
    assert list(shown[:2]) == ["Balle", FRENCH] and is_missing(shown[2])
    assert column.iloc[1] == PLACE_NOT_NAMED_UCDP  # the data itself is not changed


def test_a_card_its_reports_table_and_its_tooltip_say_it_in_french(unnamed):
    t = tr("fr")
    assert card_context(unnamed, t=t)["location"] == FRENCH
    assert report_columns([unnamed], t)[0]["place"].startswith(FRENCH + " (")
    tooltip = tooltip_text(unnamed, t)
    assert FRENCH in tooltip and PLACE_NOT_NAMED_UCDP not in tooltip
    assert PLACE_NOT_NAMED_UCDP in tooltip_text(unnamed, tr("en"))


def test_a_briefings_deadliest_incident_says_it_in_french():
    reports = load_bundled()
    named = reports["location"] != PLACE_NOT_NAMED_UCDP
    alone = pd.concat([reports[~named].head(1).assign(fatalities_min=5, fatalities_max=5),
                       reports[named].head(1).assign(fatalities_min=0, fatalities_max=0)])
    said = " ".join(key_findings(alone, period="2012", lang="fr"))
    assert FRENCH in said and PLACE_NOT_NAMED_UCDP not in said


def test_the_french_table_page_says_it_in_french_and_the_english_one_as_written():
    column = tr("fr").gettext("place (as reported)")
    french = set(open_page("table", lang="fr").dataframe[-1].value[column])
    assert FRENCH in french and PLACE_NOT_NAMED_UCDP not in french
    assert PLACE_NOT_NAMED_UCDP in set(open_page("table").dataframe[-1].value["place (as reported)"])
