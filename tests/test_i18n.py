"""Languages: the reader's language picked from a browser or the environment, the summary shown in it (or labelled
with its own language), and the CLI's ``--lang``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from dashboard import labels
from dashboard.cli import app
from dashboard.export.briefing import briefing_html
from dashboard.export.request import ExportRequest
from dashboard.i18n import from_accept_language, from_environment, tr
from dashboard.query.spec import FilterSpec
from dashboard.viz.cards import incident_card_html, summary_note, summary_text
from tests.factories import bundled_incidents, incidents, row

runner = CliRunner()
EN, FR = tr("en"), tr("fr")


@pytest.mark.parametrize(("header", "lang"), [
    ("fr-FR,fr;q=0.9,en;q=0.8", "fr"), ("en-GB,en;q=0.9,fr;q=0.8", "en"), ("de-DE,fr;q=0.5", "fr"),
    ("de-DE,es;q=0.5", "en"), ("", "en"), (None, "en"), ("fr-ML", "fr"), ("*", "en"), ("en;q=0.2,fr;q=0.7", "fr"),
    ("fr-CA", "fr"), ("garbage;;q=x", "en"),
])
def test_the_browser_language_picks_a_catalogue(header, lang):
    assert from_accept_language(header) == lang


@pytest.mark.parametrize(("env", "lang"), [({"LANG": "fr_FR.UTF-8"}, "fr"), ({"LANG": "C.UTF-8"}, "en"),
                                           ({"LC_ALL": "fr_ML.UTF-8", "LANG": "en_GB.UTF-8"}, "fr"),
                                           ({"LANG": "de_DE.UTF-8"}, "en"),
                                           # Python sets LC_CTYPE=C.UTF-8 when fr_FR is not generated; macOS: UTF-8
                                           ({"LANG": "fr_FR.UTF-8", "LC_CTYPE": "C.UTF-8"}, "fr"),
                                           ({"LANG": "fr_FR.UTF-8", "LC_CTYPE": "UTF-8"}, "fr"),
                                           ({"LANGUAGE": "de:fr", "LANG": "en_GB.UTF-8"}, "fr"),
                                           ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en")])
def test_the_environment_language(monkeypatch, env, lang):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert from_environment() == lang


def test_labels_in_both_languages_keep_acleds_names():
    assert labels.category("progov_militia", FR) == "Milice progouvernementale"
    assert labels.category("progov_militia", EN) == "Pro-government militia"
    assert labels.precision(2, FR) == "près d'un lieu nommé (approximatif)"
    assert labels.verification("reported", FR) == "signalé" and labels.verification("reported", EN) == "reported"
    assert labels.event_type("Violence against civilians", FR) == (
        "Violence contre des civils (Violence against civilians)")
    assert labels.event_type("Violence against civilians", EN) == "Violence against civilians"
    assert labels.actor_group("Dozo militias", FR) == "milices dozo"


# ---- the data's own text --------------------------------------------------------------------------------------
@pytest.fixture
def three():
    """Kamona with a French summary; Balle with an English one (summary_lang "en"); Dioura, language unknown."""
    frame = incidents(row(incident_id="T-1", summary="Soldiers killed villagers at the weekly fair."),
                      row(incident_id="T-2", summary="Troops and Dozo fighters killed herders."),
                      row(incident_id="T-3", summary="Des hommes armés ont tué des bergers."))
    return frame.assign(summary_fr=["Des soldats ont tué des villageois à la foire hebdomadaire.", "", None],
                        summary_lang=["en", "en", ""])


def test_a_french_reader_gets_the_french_summary_or_the_source_text_labelled(three):
    kamona, balle, dioura = (r for r in three.to_dict("records"))
    assert summary_text(kamona, FR) == "Des soldats ont tué des villageois à la foire hebdomadaire."
    assert summary_note(kamona, FR) is None
    assert summary_text(balle, FR) == "Troops and Dozo fighters killed herders."
    assert summary_note(balle, FR) == "(texte source en anglais)"
    assert summary_text(dioura, FR) == "Des hommes armés ont tué des bergers."
    assert summary_note(dioura, FR) == "(texte source, langue non renseignée)"
    for r in (kamona, balle, dioura):  # English readers read the summary as recorded
        assert summary_text(r, EN) == r["summary"] and summary_note(r, EN) is None
    french_source = {**balle, "summary": "Des soldats ont tué des bergers.", "summary_lang": "fr", "summary_fr": ""}
    assert summary_note(french_source, EN) == "(source text in French)" and summary_note(french_source, FR) is None


def test_without_the_columns_the_summary_is_shown_as_recorded():
    """A frame without the text-language columns (a store or a file from before them) shows its summary as is."""
    frame = incidents(row(summary="Soldiers killed villagers.")).drop(columns=["summary_fr", "summary_lang"],
                                                                      errors="ignore")
    r = frame.iloc[0].to_dict()
    assert summary_text(r, FR) == "Soldiers killed villagers." == summary_text(r, EN)
    assert summary_note(r, EN) is None
    assert summary_note(r, FR) == "(texte source, langue non renseignée)"


def test_the_card_and_the_briefing_show_the_readers_summary(three):
    kamona, balle = (r for r in three.head(2).to_dict("records"))
    card = incident_card_html(kamona, t=FR)
    assert "à la foire hebdomadaire" in card and "weekly fair" not in card and "Tués :" in card
    card = incident_card_html(balle, t=FR)
    assert "killed herders" in card and "(texte source en anglais)" in card
    assert "weekly fair" in incident_card_html(kamona) and "foire" not in incident_card_html(kamona)
    at = datetime(2026, 11, 30, 12, tzinfo=UTC)
    html = briefing_html(ExportRequest(view=three, selection=FilterSpec(), total=3, version="v", generated_at=at,
                                       lang="fr"))
    assert "à la foire hebdomadaire" in html and "(texte source en anglais)" in html
    assert "weekly fair" not in html
    html = briefing_html(ExportRequest(view=three, selection=FilterSpec(), total=3, version="v", generated_at=at))
    assert "weekly fair" in html and "foire" not in html and "texte source" not in html


# ---- the CLI --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("cli-lang") / "incidents.gpkg")


def run(*args, env=None):
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_stats_in_french(store):
    args = ("stats", "--store", store, "--from", "2025-10-01", "--to", "2025-10-31", "--perpetrator-category",
            "state_forces")
    french, english = run(*args, "--lang", "fr"), run(*args, "--lang", "en")
    lines, en_lines = french.splitlines(), english.splitlines()
    assert lines[0] == ("Incidents ayant fait des victimes civiles dans la région de Ségou, attribués aux forces "
                        "étatiques, 1er–31 oct. 2025")
    assert en_lines[0] == "Incidents with civilian victims in the Ségou region, attributed to state forces, 1–31 Oct 2025"
    assert re.fullmatch(r"\d+ incidents affichés sur \d+ · au moins \d+ \(jusqu'à \d+\) tués.*", lines[1])
    assert re.findall(r"\d+", lines[1]) == re.findall(r"\d+", en_lines[1])  # the same figures
    assert "Par catégorie d'auteur présumé" in french and "Forces étatiques" in french and "Par cercle :" in french
    assert "version du jeu de données" in french and "By cercle:" not in french
    assert re.findall(r"\d+", french) == re.findall(r"\d+", english)


def test_the_cli_language_defaults_to_the_environment(store):
    args = ("stats", "--store", store, "--from", "2025-10-01", "--to", "2025-10-31")
    assert run(*args, env={"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": ""}).startswith(
        "Incidents ayant fait des victimes civiles")
    assert run(*args, env={"LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": ""}).startswith(
        "Incidents with civilian victims")


def test_query_in_french_and_an_unknown_language(store):
    out = run("query", "--store", store, "--from", "2025-10-01", "--to", "2025-10-31", "--lang", "fr")
    assert out.startswith("Incidents ayant fait des victimes civiles dans la région de Ségou, 1er–31 oct. 2025")
    assert "SEG-2025-008" in out and "tués : 21–37" in out
    result = runner.invoke(app, ["stats", "--store", store, "--lang", "xx"])
    assert result.exit_code == 2 and "--lang must be en or fr" in result.output


def test_every_column_of_the_incident_table_is_in_french():
    """The table page's headers are each marked where they are written (an alias of gettext would hide them from
    the extraction, and the French table would keep English headers): in French, none is left as its English msgid
    unless the catalogue gives the same word."""
    from dashboard.ui.pages.table_page import incident_table

    view = bundled_incidents().head(3)
    english, french = incident_table(view, EN).columns, incident_table(view, FR).columns
    assert len(english) == len(french)
    same = [e for e, f in zip(english, french, strict=True) if e == f]
    assert set(same) <= {"id", "date", "cercle", "commune", "sources"}, same  # the same word in both languages
    assert "lieu (tel que rapporté)" in french and "précision de la date" in french
