"""The command line in French: help, refusals, validation failures and the import report, with ``--lang fr`` or
the environment's locale (``LANG=fr_FR.UTF-8``), and English by default (the conftest sets ``LANG=C.UTF-8``).

The French sentences asserted here are the catalogue's (dashboard/locale/fr/LC_MESSAGES/messages.po)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard import i18n
from dashboard.cli import app
from dashboard.data import import_job

runner = CliRunner()
FR = {"LANG": "fr_FR.UTF-8", "LC_CTYPE": "C.UTF-8"}  # as Python leaves it where fr_FR is not generated
GZIP = b"\x1f\x8b\x08\x00" + b"\x00" * 64


def said(result) -> str:
    """The output as one line (rich wraps the help in boxes)."""
    return " ".join(result.output.replace("│", " ").split())


@pytest.fixture
def store(tmp_path):
    return str(tmp_path / "incidents.gpkg")


@pytest.fixture(autouse=True)
def _forked_import(monkeypatch):
    monkeypatch.setattr(import_job, "_spawned", import_job._forked)  # the child sees this process's environment


def test_the_apps_help_in_french_from_the_environment_and_in_english_by_default():
    fr = said(runner.invoke(app, ["--help"], env=FR))
    assert "Servir le tableau de bord, interroger et résumer la base, importer et exporter des incidents." in fr
    assert "Commandes" in fr and "Afficher ce message et quitter." in fr
    assert "Chiffres clés : incidents, tués en fourchette min–max" in fr  # a command's docstring, in the list
    assert "Key figures" not in fr and "Show this message and exit." not in fr
    en = said(runner.invoke(app, ["--help"]))
    assert "Serve the dashboard, query and summarise the store" in en and "Key figures: incidents" in en
    assert "Servir le tableau de bord" not in en and "Commandes" not in en


@pytest.mark.parametrize(("args", "french", "english"), [
    (["import", "--help"], ["Importer un fichier dans la base", "Ne rien importer si une ligne est rejetée",
                            "Format : auto, acled, ucdp ou native", "[par défaut : auto]"],
     ["Import a file into the store", "Import nothing if any row is rejected", "Layout: auto, acled, ucdp or native"]),
    (["stats", "--help"], ["Chiffres clés", "Langue de la sortie", "Filtres", "répétable"],
     ["Key figures", "Language of the output", "repeatable"]),
    (["export", "--help"], ["Écrire exactement les incidents filtrés", "note d'information", "Fichier à écrire"],
     ["Write exactly the filtered incidents", "briefing pack", "File to write"]),
    (["store", "--help"], ["Créer, mettre à niveau et copier des bases", "Créer une base vide"],
     ["Create, upgrade and copy stores", "Create an empty store"]),
    (["history", "--help"], ["Chaque modification d'un incident", "Identifiant de l'incident"],
     ["Every change to an incident", "Incident id, e.g."]),
])
def test_a_commands_help_in_french_and_in_english(args, french, english):
    fr = said(runner.invoke(app, args, env=FR))
    en = said(runner.invoke(app, args))
    for text in french:
        assert text in fr, text
        assert text not in en, text
    for text in english:
        assert text in en, text
        assert text not in fr, text


def test_lang_fr_on_the_command_line_chooses_the_help_language_over_the_environment():
    fr = said(runner.invoke(app, ["stats", "--lang", "fr", "--help"]))
    assert "Chiffres clés" in fr and "Key figures" not in fr
    en = said(runner.invoke(app, ["stats", "--lang=en", "--help"], env=FR))
    assert "Key figures" in en and "Chiffres clés" not in en


def test_an_import_refusal_in_french_keeps_the_files_name(tmp_path, store):
    bad = tmp_path / "relevé d'octobre.csv"
    bad.write_bytes(GZIP)
    fr = runner.invoke(app, ["import", str(bad), "--store", store], env=FR)
    assert fr.exit_code == 2
    assert ("erreur : relevé d'octobre.csv : ce n'est pas un fichier CSV, JSON, GeoJSON ou GeoPackage (c'est un "
            "fichier compressé gzip) ; rien n'en a été lu") in said(fr)
    en = runner.invoke(app, ["import", str(bad), "--store", store])
    assert en.exit_code == 2
    assert ("error: relevé d'octobre.csv: not a CSV, JSON, GeoJSON or GeoPackage file (it is gzip-compressed); "
            "nothing was read from it") in said(en)
    assert "ce n'est pas" not in said(en)


def test_a_limit_refusal_groups_digits_as_the_language_does(tmp_path, store):
    wide = tmp_path / "large.csv"
    wide.write_text(",".join(f"c{i}" for i in range(1200)) + "\n" + ",".join("1" for _ in range(1200)) + "\n")
    fr = runner.invoke(app, ["import", str(wide), "--store", store], env=FR).output
    assert "large.csv : 1\u202f200 colonnes, au-delà de la limite de 300" in fr  # CLDR's narrow no-break space
    en = said(runner.invoke(app, ["import", str(wide), "--store", store]))
    assert "large.csv: 1,200 columns, more than the limit of" in en


def test_the_import_report_in_french(tmp_path, store):
    rows = tmp_path / "rows.csv"
    rows.write_text("incident_id,date_start,date_precision,location,latitude,longitude,geo_precision,"
                    "perpetrator_category,fatalities_min,fatalities_max,sources,event_type,verification,dataset\n"
                    "X-1,2025-10-02,day,Kamona,13.9,-5.9,1,unknown,1,1,"
                    '"[{""organisation"": ""Test"", ""url"": ""https://example.org/a""}]",Violence against civilians,reported,test\n'
                    "X-2,pas une date,day,Kamona,95,-5.9,1,unknown,1,1,"
                    '"[{""organisation"": ""Test"", ""url"": ""https://example.org/b""}]",Violence against civilians,reported,test\n', encoding="utf-8")
    fr = runner.invoke(app, ["import", str(rows), "--store", store, "--dry-run", "--format", "native"], env=FR)
    out = fr.output
    assert "rows.csv (native) : 2 lignes lues ; essai à blanc : rien n'a été écrit" in out, out
    assert "  rejetées" in out and "  fichier de rejets" in out and "lieux introuvables" in out
    assert "date_start : illisible comme date (AAAA-MM-JJ) (pas une date)" in out  # the value quoted as it is
    assert "latitude : hors de -90..90 (95)" in out
    for english in ("rows read", "dry run: nothing written", "accepted", "cannot be read as a date", "outside -90"):
        assert english not in out, english
    en = runner.invoke(app, ["import", str(rows), "--store", store, "--dry-run", "--format", "native"]).output
    assert "rows.csv (native): 2 rows read; dry run: nothing written" in en
    assert "date_start: cannot be read as a date (YYYY-MM-DD) (pas une date)" in en and "rejetées" not in en


def test_a_validation_failure_in_french(store):
    assert runner.invoke(app, ["validate", "--store", store]).exit_code == 0  # the store, from the bundled data
    fr = runner.invoke(app, ["edit", "SEG-2025-008", "--set", "fatalities_min=abc", "--reason", "essai",
                             "--store", store], env=FR)
    assert fr.exit_code == 1
    assert ("erreur : SEG-2025-008 : la modification n'a pas été enregistrée ; la fiche ne serait pas valide : "
            "fatalities_min") in said(fr)
    assert "error:" not in said(fr) and "was not saved" not in said(fr)
    en = runner.invoke(app, ["edit", "SEG-2025-008", "--set", "fatalities_min=abc", "--reason", "essai",
                             "--store", store])
    assert "error: SEG-2025-008: the change was not saved; the record would not be valid: fatalities_min" in said(en)
    fr = runner.invoke(app, ["history", "SEG-2099-999", "--store", store], env=FR)
    assert ("erreur : SEG-2099-999 : aucun incident ni aucune décision de ce nom dans l'historique de la base"
            in said(fr))
    en = runner.invoke(app, ["history", "SEG-2099-999", "--store", store])
    assert "error: SEG-2099-999: no such incident or decision in the store's history" in said(en)


def test_a_bad_option_value_is_refused_in_the_commands_language(tmp_path, store):
    fr = runner.invoke(app, ["export", "--format", "docx", "-o", str(tmp_path / "x.docx"), "--lang", "fr",
                             "--store", store])
    assert fr.exit_code == 2 and "--format doit être l'un de" in said(fr)


def test_every_language_has_the_words_of_typers_help_page():
    # the panel titles and markers the help page draws come from the catalogue, like every other help text
    fr = i18n.tr("fr")
    assert [fr.gettext(w) for w in ("Commands", "[required]", "[default: {}]")] == [
        "Commandes", "[obligatoire]", "[par défaut : {}]"]


@pytest.mark.parametrize(("args", "french", "english"), [
    (["publish", "--help"], ["Publier un incident en relecture (relecteur ou plus", "Pourquoi (conservé dans "
                             "l'historique)", "Le compte local sous lequel vous agissez (mot de passe : demandé, ou "
                             "$INCIDENT_MAP_PASSWORD)", "Identifiant de l'incident (du rapport)"],
     ["Publish an incident in review", "Why (kept in the history)", "The local account you act as"]),
    (["grade", "--help"], ["Fixer à la main le degré de certitude des dommages civils d'un incident",
                           "L'un de : confirmed, fair, weak, contested, discounted",
                           "Supprimer le degré de certitude fixé à la main"],
     ["Set an incident's civilian-harm grade by hand", "One of confirmed", "Remove the grade set by hand"]),
    (["source", "attach", "--help"], ["Ajouter à la source d'un rapport une capture faite ailleurs",
                                      "La capture faite ailleurs : HTML, PDF, PNG, WACZ, média…",
                                      "Par défaut : d'après le nom du fichier",
                                      "Qui fait la capture (par défaut : $INCIDENT_MAP_AUTHOR"],
     ["The capture made elsewhere", "Default: from the file name", "Who captures"]),
    (["response", "--help"], ["Les réponses de la partie mise en cause à propos d'un incident (démenti, "
                              "reconnaissance, enquête annoncée)."], ["The accused party's responses"]),
    (["user", "--help"], ["Comptes de l'équipe : ajouter et lister"], ["Team accounts: add and list"]),
])
def test_the_capture_grading_and_team_commands_help_in_french(args, french, english):
    test_a_commands_help_in_french_and_in_english(args, french, english)


def test_the_capture_grading_and_team_refusals_in_french(store, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(Path(store).parent / "cache"))
    assert runner.invoke(app, ["validate", "--store", store]).exit_code == 0  # the store, from the bundled data
    # capture (cli_captures): a report that is not in the store; refused before any page is fetched
    fr = runner.invoke(app, ["capture", "SEG-2099-999#1", "--store", store], env=FR)
    assert fr.exit_code == 2 and "erreur : SEG-2099-999 : ce rapport n'existe pas dans la base" in said(fr)
    en = runner.invoke(app, ["capture", "SEG-2099-999#1", "--store", store])
    assert "error: SEG-2099-999: no such report in the store" in said(en) and "n'existe pas" not in said(en)
    # grade (cli_grading): neither a grade nor --clear; then an incident that is not in the store
    fr = runner.invoke(app, ["grade", "SEG-2025-008", "--store", store], env=FR)
    assert fr.exit_code == 2 and "erreur : indiquez un GRADE (le degré de certitude) ou --clear" in said(fr)
    assert "give a GRADE" not in said(fr)
    fr = runner.invoke(app, ["grade", "SEG-2099-999", "weak", "--reason", "essai", "--store", store], env=FR)
    assert "erreur : SEG-2099-999 : aucun incident de ce nom dans la base" in said(fr)
    assert "no such incident" not in said(fr)
    # publish (cli_team): an editor may not publish; the role and the action said in French, not as codes
    for name, role, by in (("chef", "admin", []), ("awa", "editor", ["--user", "chef"])):
        added = runner.invoke(app, ["user", "add", name, "--role", role, "--store", store, *by],
                              env={"INCIDENT_MAP_NEW_PASSWORD": f"{name} password 1",
                                   "INCIDENT_MAP_PASSWORD": "chef password 1"})
        assert added.exit_code == 0, added.output
    fr = runner.invoke(app, ["publish", "SEG-2025-008", "--user", "awa", "--store", store],
                       env={**FR, "INCIDENT_MAP_PASSWORD": "awa password 1"})
    assert fr.exit_code == 4
    assert ("erreur : awa a le rôle rédacteur : il faut le rôle relecteur ou plus pour publier ; rien n'a été "
            "modifié.") in said(fr)
    en = runner.invoke(app, ["publish", "SEG-2025-008", "--user", "awa", "--store", store],
                       env={"INCIDENT_MAP_PASSWORD": "awa password 1"})
    assert "error: awa has the role editor: only a reviewer or above may publish; nothing was changed." in said(en)
