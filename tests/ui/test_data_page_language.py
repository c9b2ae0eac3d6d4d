"""The Data page says an import's refusal and its report in the page's language (``lang=fr``), the file's name and
columns quoted as they are; in English without it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import import_job
from dashboard.data.store import STORE_ENV

GZIP = b"\x1f\x8b\x08\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def store(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.getbasetemp() / "apptest" / "incidents.gpkg"
    monkeypatch.setenv(STORE_ENV, str(path))
    monkeypatch.setattr(import_job, "_spawned", import_job._forked)
    return path


def page_script() -> None:  # run by AppTest.from_function in its own namespace
    from dashboard.ui.main import main

    main(default="data")


def unescaped(markdown: str) -> str:
    """The text of an element the page escaped as Markdown (the file's name and values are untrusted)."""
    return markdown.replace("\\", "")


def upload(name: str, data: bytes, **params) -> AppTest:
    at = AppTest.from_function(page_script, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.get("file_uploader")[0].upload(name, data, "text/csv").run()
    at.checkbox(key="import_dry").check().run()
    at.button(key="import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_import_refusal_in_french_on_the_french_page():
    at = upload("relevé.csv", GZIP, lang="fr")
    assert len(at.error) == 1
    said = unescaped(at.error[0].value)
    assert "relevé.csv : ce n'est pas un fichier CSV, JSON, GeoJSON ou GeoPackage (c'est un fichier compressé gzip)" \
           " ; rien n'en a été lu" in said
    assert "not a CSV" not in said and "gzip-compressed" not in said


def test_an_unrecognised_layout_in_french_quotes_the_columns_as_they_are():
    at = upload("colonnes.csv", b"nom,quand\nKamona,hier\n", lang="fr")
    said = unescaped(at.error[0].value)
    assert "colonnes.csv : format non reconnu (colonnes : nom, quand) ; attendu : un export ACLED" in said
    assert "unrecognised layout" not in said


def test_the_same_refusal_in_english_without_lang():
    at = upload("relevé.csv", GZIP)
    said = unescaped(at.error[0].value)
    assert "relevé.csv: not a CSV, JSON, GeoJSON or GeoPackage file (it is gzip-compressed)" in said
    assert "ce n'est pas" not in said


def test_the_import_report_in_french():
    rows = ("incident_id,date_start,date_precision,location,latitude,longitude,geo_precision,perpetrator_category,"
            "fatalities_min,fatalities_max,sources,event_type,verification,dataset\n"
            'X-1,pas une date,day,Kamona,13.9,-5.9,1,unknown,1,1,"[{""organisation"": ""Test"", '
            '""url"": ""https://example.org/a""}]",Violence against civilians,reported,test\n')
    at = upload("rapport.csv", rows.encode(), lang="fr")
    report = unescaped(at.warning[0].value)
    assert "essai à blanc : rien n'a été écrit" in report and "fichier de rejets" in report
    assert "illisible comme date (AAAA-MM-JJ)" in report and "pas une date" in report
    assert "dry run" not in report and "cannot be read" not in report
