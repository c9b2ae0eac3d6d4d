"""The export layer's refusals (a story file, a manifest, a briefing) said in the user's language: in French with
``--lang fr`` or a French environment, English unchanged by default; the data they quote (ids, file names) verbatim."""

from __future__ import annotations

import pickle

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.errors import StoryError
from dashboard.export.manifest import FORMAT, ManifestError, verify
from dashboard.export.story import MAX_BYTES, Story
from dashboard.i18n import tr

runner = CliRunner()
FR = {"LANG": "fr_FR.UTF-8", "LC_CTYPE": "C.UTF-8"}


def said(result) -> str:
    return " ".join(result.output.replace("│", " ").split())


def refusal(text: bytes | str, known=None) -> StoryError:
    with pytest.raises(StoryError) as err:
        Story.from_json(text, known_ids=known)
    return err.value


@pytest.mark.parametrize(("text", "known", "french", "english"), [
    ('{"steps": ["A", "B"]}', ["A"], "1 identifiant(s) d'incident du récit ne figure(nt) pas dans ce jeu de données : B",
     "1 incident id(s) of the story are not in this dataset: B"),
    ('{"steps": ["A", "A"]}', None, "l'incident 'A' figure deux fois (étape 2) ; chaque incident forme une seule étape",
     "incident 'A' appears twice (step 2); each incident is one step"),
    ('{"format": "autre", "steps": ["A"]}', None, "ce n'est pas un fichier de récit (format 'autre', attendu : "
     "'segou-incident-map/story')", "not a story file (format 'autre', expected 'segou-incident-map/story')"),
    ('{"steps": [{"incident_id": "A", "couleur": 1}]}', None, "l'étape 1 a un ou des champs inconnus : couleur",
     "step 1 has unknown field(s): couleur"),
    ("[1]", None, 'un fichier de récit est un objet JSON {"title": ..., "steps": [...]}',
     'a story file is a JSON object {"title": ..., "steps": [...]}'),
    ("{", None, "le fichier de récit n'est pas du JSON valide (ligne 1 :", "the story file is not valid JSON (line 1:"),
])
def test_a_story_refusal_in_french_and_in_english(text, known, french, english):
    exc = refusal(text, known)
    assert french in exc.text(tr("fr"))
    assert english in exc.text(tr("en")) and english in str(exc)


def test_a_size_is_written_as_the_language_writes_decimals_and_the_error_still_pickles():
    exc = refusal(b" " * (MAX_BYTES + 2**19))
    assert "le fichier de récit pèse 2,5 Mo, plus qu'il n'en faut pour un récit de 500 étapes (2 Mo au plus)" in \
        exc.text(tr("fr"))
    assert "the story file is 2.5 MB, more than a story of 500 steps needs (2 MB at most)" in str(exc)
    again = pickle.loads(pickle.dumps(exc))
    assert again.text(tr("fr")) == exc.text(tr("fr"))


def test_a_manifest_refusal_and_its_comparison_in_french(tmp_path):
    bad = tmp_path / "export.manifest.json"
    bad.write_text("pas du json")
    with pytest.raises(ManifestError) as err:
        verify(bad)
    assert err.value.text(tr("fr")) == "export.manifest.json n'est pas un fichier JSON"
    (tmp_path / "a.csv").write_text("x")
    bad.write_text(f'{{"manifest": "{FORMAT}", "files": [{{"name": "a.csv", "bytes": 2000, "sha256": "00"}}]}}')
    assert verify(bad, tr("fr")).changed == [("a.csv", "1 octet, le manifeste indique 2000")]
    assert verify(bad).changed == [("a.csv", "1 byte, the manifest says 2000")]


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "incidents.gpkg")
    assert runner.invoke(app, ["validate", "--store", path]).exit_code == 0  # created from the bundled data
    return path


def test_an_export_error_in_french_on_the_command_line(store, tmp_path):
    story = tmp_path / "récit d'octobre.json"
    story.write_text('{"title": "Octobre", "steps": ["SEG-2025-008", "SEG-2099-999"]}', encoding="utf-8")
    args = ["export", "--store", store, "--format", "csv", "--story", str(story), "-o", str(tmp_path / "x.csv")]
    french = ("erreur : récit d'octobre.json : 1 identifiant(s) d'incident du récit ne figure(nt) pas dans ce jeu de "
              "données : SEG-2099-999")
    for result in (runner.invoke(app, [*args, "--lang", "fr"]), runner.invoke(app, args, env=FR)):
        assert result.exit_code == 2
        assert french in said(result), said(result)
        assert "are not in this dataset" not in said(result)
    en = runner.invoke(app, args)
    assert en.exit_code == 2
    assert ("error: récit d'octobre.json: 1 incident id(s) of the story are not in this dataset: SEG-2099-999"
            in said(en))


def test_verify_speaks_french_with_lang_fr(tmp_path):
    bad = tmp_path / "export.manifest.json"
    bad.write_text("[]")
    fr = runner.invoke(app, ["verify", str(bad), "--lang", "fr"])
    assert fr.exit_code == 2
    assert (f'erreur : ce n\'est pas un manifeste de cet outil (attendu : "manifest": "{FORMAT}" et une liste de '
            "fichiers)") in said(fr)
    en = runner.invoke(app, ["verify", str(bad)], env=FR | {"LANG": "C.UTF-8"})
    assert "error: not a manifest of this tool" in said(en)


def test_the_print_timelines_axes_and_legends_are_labelled_for_screen_readers_in_the_packs_language(tmp_path):
    import re

    from dashboard.data.store import load_store
    from dashboard.export.charts import timeline_svg

    incidents = load_store(str(tmp_path / "s.gpkg"), write_cache=False).incidents
    labels = {lang: [m for m in re.findall(r'aria-label="([^"]*)"', timeline_svg(incidents, lang)) if "·" not in m]
              for lang in ("fr", "en")}
    fr, en = " | ".join(labels["fr"]), " | ".join(labels["en"])
    assert re.search(r"Axe horizontal : Année, de \d{4} à \d{4}", fr) and "Axe vertical : Incidents" in fr
    assert "Légende : Auteur présumé (premier nommé) : Forces étatiques" in fr
    for english in ("X-axis", "Y-axis", "titled", "for a time scale", "values from", "legend titled"):
        assert english not in fr, english
    assert re.search(r"Horizontal axis: Year, from \d{4} to \d{4}", en) and "Legend: Alleged perpetrator" in en
