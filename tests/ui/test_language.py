"""The app's language in-process: ``lang=fr`` in the link, the sidebar switch, the citation line."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.store import STORE_ENV
from tests.ui.opened import open_cite, popovers

PAGES = ("map", "timeline", "table", "story", "export", "data", "review", "record", "about")
CITED = {"map", "timeline", "table", "export", "review"}  # the pages with "Cite this view"


@pytest.fixture(autouse=True)
def store(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.getbasetemp() / "apptest" / "incidents.gpkg"
    monkeypatch.setenv(STORE_ENV, str(path))
    return path


def page_script(page: str) -> None:  # run by AppTest.from_function in its own namespace
    from dashboard.ui.main import main

    main(default=page)


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_function(page_script, args=(page,), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def switch(at: AppTest):
    return next(r for r in at.sidebar.radio if r.key == "lang")


def test_the_link_chooses_french_and_the_switch_goes_back_to_english():
    at = open_page("map", lang="fr", **{"from": "2025-10-01", "to": "2025-10-31"})
    assert at.title[0].value == "Incidents dans la région de Ségou"
    assert switch(at).value == "fr" and switch(at).label == "Langue"
    assert at.sidebar.header[0].value == "Filtres"
    assert any(m.value == "**Incidents ayant fait des victimes civiles dans la région de Ségou, 1er–31 oct. 2025**"
               for m in at.markdown)
    cite = open_cite(at)
    assert "lang=fr" in cite and "version du jeu de données" in cite and "consulté le" in cite
    assert at.query_params["lang"] in ("fr", ["fr"])
    switch(at).set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Incidents in the Ségou region"
    cite = open_cite(at)
    assert "lang" not in at.query_params and "lang=" not in cite
    assert "dataset version" in cite


def test_an_unknown_language_in_the_link_is_english():
    at = open_page("table", lang="xx")
    assert at.title[0].value == "Table and key figures" and switch(at).value == "en"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_french(page):
    at = open_page(page, lang="fr")
    english_titles = {"Incidents in the Ségou region", "Timeline", "Table and key figures", "Story mode",
                      "Briefing and exports", "Data and import", "Review: the same event?", "About this dashboard"}
    assert at.title[0].value not in english_titles
    assert "Cite this view" not in [c.value for c in at.caption]
    labels = [p.proto.popover.label for p in popovers(at)]
    assert "Cite this view" not in labels
    assert ("Citer cette vue" in labels) == (page in CITED)


def test_the_history_panel_reads_in_french_and_keeps_a_written_reason_as_written(tmp_path, monkeypatch):
    from dashboard.data.engines.editing import edit
    from dashboard.data.store import open_store

    store = tmp_path / "history.gpkg"  # its own store: the edit below must not change the other tests' figures
    monkeypatch.setenv(STORE_ENV, str(store))
    open_page("map", sel="SEG-2025-008")  # the store, from the bundled data
    edit(open_store(store), "SEG-2025-008", {"fatalities_max": "38"}, reason="le HCDH <i>donne</i> 38", author="desk")
    at = open_page("map", sel="SEG-2025-008", lang="fr")
    history = [e for e in at.expander if e.label.startswith("Historique")]
    assert len(history) == 1, [e.label for e in at.expander]
    html = history[0].get("html")[0].proto.body
    assert "<i>Motif :</i> le HCDH &lt;i&gt;donne&lt;/i&gt; 38" in html and "modification par desk" in html
    assert "le jeu de données de Ségou fourni avec l&#39;outil" in html and "import par incident-map" in html
    for english in ("Why:", " by ", "the bundled Ségou dataset", "Created the incident"):
        assert english not in html, english
    en = open_page("map", sel="SEG-2025-008", lang="en")
    html = next(e for e in en.expander if e.label.startswith("History")).get("html")[0].proto.body
    assert "<i>Why:</i> le HCDH &lt;i&gt;donne&lt;/i&gt; 38" in html and "the bundled Ségou dataset" in html
