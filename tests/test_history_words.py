"""The history in the reader's language: labels, kinds and the tool's own default reasons are said in French with
``lang=fr``; a reason a person wrote is shown as written; what is stored does not depend on the language."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.store import open_store
from dashboard.history_words import BUNDLED, DEFAULT_REASONS, IMPORT_OF, READY_FOR_REVIEW, shown_kind, shown_reason
from dashboard.i18n import tr
from dashboard.team.workflow import review_history
from dashboard.viz.history import history_html

runner = CliRunner()
FR, EN = tr("fr"), tr("en")


def said(result) -> str:
    return " ".join(result.output.split())


def test_a_default_reason_is_said_in_the_readers_language_and_a_written_one_as_written():
    assert shown_reason(READY_FOR_REVIEW, FR) == "prêt pour la relecture"
    assert shown_reason(READY_FOR_REVIEW, EN) == "ready for review"
    assert shown_reason(IMPORT_OF.format(name="oct.csv", format="acled"), FR) == "import de oct.csv (acled)"
    assert shown_reason("vérifié avec le témoin", FR) == "vérifié avec le témoin"
    assert shown_reason("ready for review, and the toll checked", FR) == "ready for review, and the toll checked"
    assert shown_reason("", FR) == "" and shown_reason(None, FR) == ""
    for reason in DEFAULT_REASONS:  # every default has its French, whatever its fields
        filled = reason.format(name="x", format="y")
        assert shown_reason(filled, FR) != filled, reason
    assert shown_kind("edit", FR) == "modification" and shown_kind("edit", EN) == "edit"
    assert shown_kind("a_new_kind", FR) == "a_new_kind"


def _doc():
    change = {"at": "2026-11-30T10:00:00Z", "kind": "edit", "author": "awa <b>", "changeset_id": "CS-1",
              "version": 3, "reason": "vérifié sur place", "record_type": "incident", "action": "updated",
              "fields": [{"field": "fatalities_min", "before": None, "after": 4}]}
    created = {**change, "kind": "import", "author": "incident-map", "changeset_id": "CS-0", "version": 1,
               "reason": BUNDLED, "action": "created", "fields": []}
    return {"changes": [created, change]}


def test_the_history_panel_in_french_and_in_english():
    fr = history_html(_doc(), FR)
    assert "modification par awa &lt;b&gt;" in fr and "<i>Motif :</i> vérifié sur place" in fr
    assert "le jeu de données de Ségou fourni avec l&#39;outil" in fr and "Création de l&#39;incident" in fr
    assert "(version 3)" in fr and "(inconnu)" in fr
    for english in ("Why:", " by ", "Created the incident", "the bundled Ségou dataset", "(unknown)"):
        assert english not in fr, english
    en = history_html(_doc())
    assert en == history_html(_doc(), EN)
    assert "edit by awa &lt;b&gt;" in en and "<i>Why:</i> vérifié sur place" in en
    assert "the bundled Ségou dataset" in en and "Created the incident" in en and "(unknown)" in en
    assert "Motif" not in en


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "incidents.gpkg")
    assert runner.invoke(app, ["validate", "--store", path]).exit_code == 0  # created from the bundled data
    return path


def test_the_stored_reason_does_not_depend_on_the_language_and_history_says_it_in_french(store):
    env = {"INCIDENT_MAP_NEW_PASSWORD": "chef password 1", "INCIDENT_MAP_PASSWORD": "chef password 1"}
    assert runner.invoke(app, ["user", "add", "chef", "--role", "admin", "--store", store, "--lang", "fr"],
                         env=env).exit_code == 0
    edited = runner.invoke(app, ["edit", "SEG-2025-008", "--set", "fatalities_max=40", "--reason",
                                 "chiffre du rapport HRW", "--user", "chef", "--store", store, "--lang", "fr"], env=env)
    assert edited.exit_code == 0, edited.output
    submitted = runner.invoke(app, ["submit", "SEG-2025-008", "--user", "chef", "--store", store, "--lang", "fr"],
                              env=env)
    assert submitted.exit_code == 0, submitted.output
    st = open_store(store)
    reasons = [e.reason for e in st.history("SEG-2025-008")] + [r["reason"] for r in review_history(st, "SEG-2025-008")]
    assert READY_FOR_REVIEW in reasons and "chiffre du rapport HRW" in reasons  # stored as written, not translated
    assert "prêt pour la relecture" not in reasons
    fr = said(runner.invoke(app, ["history", "SEG-2025-008", "--store", store, "--lang", "fr"]))
    assert "pourquoi : prêt pour la relecture" in fr and "soumission par chef" in fr
    assert "pourquoi : chiffre du rapport HRW" in fr and "modification par chef" in fr
    assert "pourquoi : le jeu de données de Ségou fourni avec l'outil" in fr
    assert "ready for review" not in fr and "the bundled Ségou dataset" not in fr
    en = said(runner.invoke(app, ["history", "SEG-2025-008", "--store", store]))
    assert "why: ready for review" in en and "submit by chef" in en and "why: the bundled Ségou dataset" in en
    assert "prêt pour" not in en
