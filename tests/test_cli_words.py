"""typer's and Click's own words (the usage line, panel titles, usage errors) in the CLI's language, on every command,
with ``--lang fr`` or ``LANG=fr_FR.UTF-8``, with rich formatting on and off; English unchanged by default
(dashboard/cli_words.py). Every command accepts ``--lang``."""

from __future__ import annotations

import gettext

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from dashboard.cli import app

runner = CliRunner()
FR = {"LANG": "fr_FR.UTF-8", "LC_CTYPE": "C.UTF-8"}
ENGLISH = ("Usage:", "Show this message", "Missing argument", "No such option", "Invalid value", "for help",
           "Commands", "[required]", "Error")


def run(args, **kwargs):
    return runner.invoke(app, args, prog_name="incident-map", **kwargs)


def said(result) -> str:
    return " ".join(result.output.replace("│", " ").replace("╭", " ").replace("─", " ").split())


def paths(group=None, prefix=()):
    """Every command and group of the CLI, as the words that name it."""
    group = group or get_command(app)
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from paths(command, (*prefix, name))


COMMANDS = [p for p, c in paths() if not hasattr(c, "commands")]
GROUPS = [(), *(p for p, c in paths() if hasattr(c, "commands"))]


@pytest.fixture(params=[True, False], ids=["rich", "plain"])
def rich(request, monkeypatch):
    monkeypatch.setattr(typer.core, "HAS_RICH", request.param)
    return request.param


def test_the_list_of_commands_is_the_clis():
    assert {"stats", "capture", "grade", "publish", "send-back"} <= {p[-1] for p in COMMANDS}
    assert ("user", "add") in COMMANDS and ("victims", "list") in COMMANDS and ("source", "attach") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_commands_help_is_french_with_lang_fr_and_english_without(command, rich):
    fr = said(run([*command, "--lang", "fr", "--help"]))
    assert "Utilisation : incident-map " + " ".join(command) in fr, fr
    assert "Afficher ce message et quitter." in fr and "--lang" in fr
    for english in ENGLISH:
        assert english not in fr, english
    en = said(run([*command, "--help"]))
    assert "Usage: incident-map " + " ".join(command) in en and "Show this message and exit." in en
    assert "Utilisation" not in en and "Afficher ce message" not in en


@pytest.mark.parametrize("path", COMMANDS + GROUPS, ids=lambda p: " ".join(p) or "incident-map")
def test_every_help_page_is_french_in_a_french_environment(path, rich):
    fr = said(run([*path, "--help"], env=FR))
    assert "Utilisation : incident-map" in fr and "Afficher ce message et quitter." in fr, fr
    for english in ENGLISH:
        assert english not in fr, english
    if path in GROUPS:
        assert "Commandes" in fr


@pytest.mark.parametrize(("args", "french", "english"), [
    (["grade"], "Il manque l'argument 'record_id'.", "Missing argument 'record_id'."),
    (["stats", "--nope"], "Option inconnue : --nope (options possibles :", "No such option: --nope (Possible options:"),
    (["reopne"], "Commande inconnue : 'reopne'. Vouliez-vous dire 'reopen'",
     "No such command 'reopne'. Did you mean 'reopen'"),
    (["grade", "SEG-1", "weak", "extra"], "Argument(s) en trop : extra", "Got unexpected extra argument(s) (extra)"),
    (["stats", "--store"], "L'option '--store' attend une valeur.", "Option '--store' requires an argument."),
    (["user", "list", "--lang", "de"], "Valeur non valable : --lang doit valoir en ou fr ; reçu : 'de'",
     "Invalid value: --lang must be en or fr; got 'de'"),
])
def test_usage_errors_in_french_and_in_english(args, french, english, rich):
    fr = run(args, env=FR)
    assert fr.exit_code == 2
    out = said(fr)
    assert french in out, out
    assert "Erreur" in out
    for word in ("Usage:", "for help", "Error", english):
        assert word not in out, word
    en = run(args)
    assert en.exit_code == 2
    assert english in said(en) and french not in said(en) and "Utilisation" not in said(en)
    # the usage line and the hint, when the error has them (an option's missing value is raised without them)
    assert ("Usage: incident-map" in said(en)) == ("Utilisation : incident-map" in out)
    assert ("for help" in said(en)) == ("Pour de l'aide : « incident-map" in out)


def test_lang_fr_on_the_command_line_says_the_usage_error_in_french(rich):
    out = said(run(["grade", "--lang", "fr"]))
    assert "Il manque l'argument 'record_id'." in out and "Missing" not in out
    out = said(run(["grade", "--lang", "en"], env=FR))
    assert "Missing argument 'record_id'." in out and "Il manque" not in out


def test_the_run_puts_pythons_gettext_and_typers_words_back():
    before = gettext.dgettext, typer.rich_utils.OPTIONS_PANEL_TITLE, typer.rich_utils.ERRORS_PANEL_TITLE
    assert "Utilisation" in said(run(["stats", "--lang", "fr", "--help"]))
    assert (gettext.dgettext, typer.rich_utils.OPTIONS_PANEL_TITLE, typer.rich_utils.ERRORS_PANEL_TITLE) == before
    assert gettext.gettext("Missing command.") == "Missing command."


@pytest.mark.parametrize("command", [["user", "list"], ["victims", "list", "SEG-2025-008"], ["validate"],
                                     ["history", "SEG-2099-999"]], ids=" ".join)
def test_a_command_given_lang_speaks_it_over_the_environment(command, tmp_path):
    store = str(tmp_path / "incidents.gpkg")
    fr = run([*command, "--store", store, "--lang", "fr"])
    en = run([*command, "--store", store, "--lang", "en"], env=FR)
    assert said(fr) != said(en)
    assert run([*command, "--store", store, "--lang", "xx"]).exit_code == 2
