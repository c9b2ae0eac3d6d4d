"""The data layer's refusals and the import's row problems in the user's language (issue 15): a hostile or broken
GeoPackage refused in French, the dated, duplicate, control-character and length problems of an import said in
French in the report and in the rejects file, each converted error said in French with its data kept verbatim, and a
guard that keeps the data layer from raising an English-only message again.

The French sentences asserted here are the catalogue's (dashboard/locale/fr/LC_MESSAGES/messages.po)."""

from __future__ import annotations

import ast
import csv
import importlib
import json
import pickle
import pkgutil
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import dashboard
from dashboard.cli import app
from dashboard.data import import_job
from dashboard.errors import UserError
from dashboard.i18n import tr
from tests.clock import SESSION_DAY
from tests.hardening.hostile_files import build_view_gpkg, build_virtual_table_gpkg, csv_of, good

runner = CliRunner()
FR = {"LANG": "fr_FR.UTF-8", "LC_CTYPE": "C.UTF-8"}  # as Python leaves it where fr_FR is not generated
TODAY = SESSION_DAY  # what the import takes for today (tests/clock.py)


def said(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture
def store(tmp_path):
    return str(tmp_path / "incidents.gpkg")


@pytest.fixture(autouse=True)
def _forked_import(monkeypatch):
    monkeypatch.setattr(import_job, "_spawned", import_job._forked)  # the child sees this process's environment


def _gpkg(path: Path, build) -> Path:
    build(path)
    return path


def _damaged(path: Path) -> Path:
    """A GeoPackage cut short: an SQLite header, then half of its pages."""
    whole = path.with_suffix(".whole.gpkg")
    build_view_gpkg(whole)
    with sqlite3.connect(whole) as db:  # a table-only GeoPackage, then cut
        db.execute("DROP VIEW IF EXISTS incidents")
    data = whole.read_bytes()
    path.write_bytes(data[: max(4096, len(data) // 3)])
    return path


@pytest.mark.parametrize(("name", "make", "french", "english"), [
    ("vue.gpkg", lambda p: _gpkg(p, build_view_gpkg),
     "erreur : vue.gpkg : le GeoPackage contient une vue ('incidents') ; seules les tables sont importées : "
     "enregistrez la couche sous forme de table",
     "error: vue.gpkg: the GeoPackage holds a view ('incidents'); only tables are imported"),
    ("virtuelle.gpkg", lambda p: _gpkg(p, build_virtual_table_gpkg),
     "erreur : virtuelle.gpkg : le GeoPackage contient une table virtuelle ('leak') ; seules les tables sont "
     "importées", "error: virtuelle.gpkg: the GeoPackage holds a virtual table ('leak')"),
])
def test_a_hostile_geopackage_is_refused_in_french(tmp_path, store, name, make, french, english):
    path = make(tmp_path / name)
    fr = runner.invoke(app, ["import", str(path), "--store", store], env=FR)
    assert fr.exit_code == 2, fr.output
    assert french in said(fr)
    assert "only tables" not in said(fr) and "error:" not in said(fr)
    en = runner.invoke(app, ["import", str(path), "--store", store])
    assert en.exit_code == 2 and english in said(en) and "seules les tables" not in said(en)


def test_a_damaged_geopackage_is_refused_in_french(tmp_path, store):
    path = _damaged(tmp_path / "abîmé.gpkg")
    fr = runner.invoke(app, ["import", str(path), "--store", store], env=FR)
    assert fr.exit_code == 2, fr.output
    assert "erreur : abîmé.gpkg : GeoPackage illisible (" in said(fr), said(fr)
    assert "not a readable GeoPackage" not in said(fr)


def _rows_with_dated_problems() -> bytes:
    future = TODAY + timedelta(days=30)
    return csv_of(
        good(incident_id="D-1", source_record_id="D-1", date_start="1959-12-31"),
        good(incident_id="D-2", source_record_id="D-2", date_start=f"{future:%Y-%m-%d}"),
        good(incident_id="D-3", source_record_id="D-3", date_start="2025-10-02T10:00:00Z"),
        good(incident_id="D-4", source_record_id="D-4", location="Ké\x01rou"),
        good(incident_id="D-4", source_record_id="D-5"),
        good(incident_id="D-6", source_record_id="D-6", summary="x" * 10_001),
        good(incident_id="D-7", source_record_id="D-7", perpetrator_category="bandits"),
        good(incident_id="D-8", source_record_id="D-8",
             sources='[{"organisation": "Témoin", "url": "ftp://example.org/a"}]'),
        good(incident_id="D-9", source_record_id="D-9"),
    )


def test_the_dated_and_other_row_problems_in_french_in_the_report_and_the_rejects_file(tmp_path, store):
    rows = tmp_path / "relevé.csv"
    rows.write_bytes(_rows_with_dated_problems())
    future = TODAY + timedelta(days=30)
    fr = runner.invoke(app, ["import", str(rows), "--store", store], env=FR)
    assert fr.exit_code == 0, fr.output
    out = fr.output
    expected = [
        "ligne 2 : date_start : 1959-12-31 est antérieur au 1960-01-01, la date la plus ancienne acceptée ; "
        "vérifiez l'année",
        f"ligne 3 : date_start : {future:%Y-%m-%d} est dans le futur (après le jour de l'import, {TODAY:%Y-%m-%d}, "
        "plus un jour)",
        "ligne 4 : date_start : porte un fuseau horaire",
        "ligne 5 : location : contient le caractère de contrôle U+0001 à la position 2 ; supprimez-le",
        "ligne 6 : incident_id : incident_id en double (première occurrence à la ligne 5)",
        "ligne 7 : summary : texte de 10\u202f001 caractères, au-delà de la limite de 10\u202f000",
        "ligne 8 : perpetrator_category : codes de catégorie d'auteur connus, séparés par des ; (state_forces,",
        "ligne 9 : sources : liste JSON de sources, avec organisation et URL http(s) : l'URL d'une source doit "
        "commencer par http:// ou https:// ; reçu : 'ftp://example.org/a'",
    ]
    for line in expected:
        assert line in out, (line, out)
    for english in ("is before", "is in the future", "has a time zone", "control character", "duplicate",
                    "longer than", "known perpetrator", "must start with"):
        assert english not in out, english
    with open(Path(store).with_name("incidents.rejects.csv"), encoding="utf-8-sig", newline="") as f:
        rejects = {r["_row"]: r["_problem"] for r in csv.DictReader(f)}  # the CLI's language reaches the file
    assert rejects["6"] == "incident_id : incident_id en double (première occurrence à la ligne 5)"
    # the JSON report stays English: a record for scripts, whoever ran the import
    en = runner.invoke(app, ["import", str(rows), "--store", str(tmp_path / "other.gpkg"), "--json"])
    problems = {p["row"]: p["problem"] for p in json.loads(en.stdout)["problems"]}
    assert problems[6] == "duplicate incident_id (first at row 5)"
    assert problems[2] == "1959-12-31 is before 1960-01-01, the earliest date accepted; check the year"
    assert "said" not in json.loads(en.stdout)["problems"][0]


def test_the_english_rejects_file_is_as_before(tmp_path, store):
    rows = tmp_path / "rows.csv"
    rows.write_bytes(_rows_with_dated_problems())
    assert runner.invoke(app, ["import", str(rows), "--store", store]).exit_code == 0
    with open(Path(store).with_name("incidents.rejects.csv"), encoding="utf-8-sig", newline="") as f:
        rejects = {r["_row"]: r for r in csv.DictReader(f)}
    assert rejects["6"]["_problem"] == "incident_id: duplicate incident_id (first at row 5)"
    assert rejects["5"]["_problem"] == "location: contains the control character U+0001 at position 2; remove it"


def test_run_import_writes_the_rejects_file_in_the_requests_language(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_bytes(_rows_with_dated_problems())
    target = tmp_path / "store.gpkg"
    report = import_job.run_import(import_job.ImportRequest(path=rows, store=target, lang="fr", warm_cache=False))
    with open(report.rejects_file, encoding="utf-8-sig", newline="") as f:
        rejects = {r["_row"]: r for r in csv.DictReader(f)}  # the problems in French, the column names unchanged
    assert set(rejects) == {"2", "3", "4", "5", "6", "7", "8", "9"}
    assert rejects["6"]["_problem"] == "incident_id : incident_id en double (première occurrence à la ligne 5)"
    assert rejects["2"]["_problem"].startswith("date_start : 1959-12-31 est antérieur au 1960-01-01")
    assert "duplicate" not in report.rejects_file.read_text(encoding="utf-8-sig")
    assert pickle.loads(pickle.dumps(report)).summary(t=tr("fr")).count("ligne ") >= 8  # the problems travel whole


# ---- each converted error, said in French ------------------------------------------------------------------------
def _raised(call) -> UserError:
    with pytest.raises(UserError) as caught:
        call()
    return caught.value


def _source(**item):
    from dashboard.data.schema import parse_sources

    return lambda: parse_sources(json.dumps([item]))


def _cases():
    from dashboard.data.engines.changes import ConflictError
    from dashboard.data.reconcile import people
    from dashboard.data.schema import parse_sources
    from dashboard.data.sources.common import column_reader
    from dashboard.data.sources.registry import adapter
    from dashboard.query import communes
    from dashboard.query.registry import by_key

    scope = by_key("scope")
    return {
        "source without organisation": (_source(organisation=" "), "organisation"),
        "source URL": (_source(organisation="A", url="javascript:alert(1)"), "javascript:alert(1)"),
        "source date": (_source(organisation="A", published="hier"), "hier"),
        "source type": (_source(organisation="A", type="rumeur"), "rumeur"),
        "source field": (_source(organisation="A", colour="bleu"), "colour"),
        "sources JSON": (lambda: parse_sources("[{"), "sources"),
        "layout": (lambda: column_reader(pd.DataFrame({"x": [1]}), ["event_id_cnty"], "ACLED"), "event_id_cnty"),
        "format": (lambda: adapter("tableur"), "'tableur'"),
        "commune": (lambda: communes.code("Atlantide"), "'Atlantide'"),
        "filter choice": (lambda: scope.from_param(["partout"]), "'partout'"),
        "reason": (lambda: people.link([], "A", "B", reason=" ", author="awa", known={"A", "B"}, at="t"), "--reason"),
        "unknown report": (lambda: people.link([], "A", "Z-9", reason="r", author="awa", known={"A"}, at="t"),
                           "'Z-9'"),
        "conflict": (lambda: (_ for _ in ()).throw(ConflictError("SEG-1", 2, 3, {
            "changeset_id": "cs-7", "author": "awa", "at": "2025-10-02", "kind": "edit", "reason": "corrigé"})),
            "cs-7"),
        "deleted": (lambda: (_ for _ in ()).throw(ConflictError("SEG-1", 2, None, None)), "SEG-1"),
    }


CASES = _cases()


@pytest.mark.parametrize("case", list(CASES))
def test_a_converted_error_is_said_in_french_with_its_data_verbatim(case):
    call, data = CASES[case]
    exc = _raised(call)
    fr, en = exc.text(tr("fr")), exc.text(tr("en"))
    assert fr != en, en
    assert en == exc.message  # the English sentence is the exception's own text
    assert data in fr and data in en  # the data quoted as it is
    assert not re.search(r"\{\w*\}", fr) and not re.search(r"\{\w*\}", en)
    assert pickle.loads(pickle.dumps(exc)).text(tr("fr")) == fr  # an import's child process sends it whole


def test_a_conflict_says_who_changed_the_record_in_french():
    from dashboard.data.engines.changes import ConflictError

    exc = ConflictError("SEG-1", 2, 3, {"changeset_id": "cs-7", "author": "awa", "at": "2025-10-02", "kind": "edit",
                                        "reason": "corrigé"})
    assert exc.text(tr("fr")) == (
        "SEG-1 : votre modification partait de la version 2, mais la fiche en est maintenant à la version 3 : lot "
        "de modifications cs-7 par awa le 2025-10-02 (edit : corrigé). Rien n'a été modifié ; consultez de nouveau "
        "la fiche (incident-map history SEG-1) et refaites votre modification sur la version actuelle.")
    assert str(exc).startswith("SEG-1: your edit was based on version 2, but the record is now at version 3: change")


# ---- the guard -----------------------------------------------------------------------------------------------
def _user_error_classes() -> set[str]:
    for module in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if not module.name.startswith(("dashboard.ui", "dashboard.data.engines.migrations")):
            importlib.import_module(module.name)
    found, todo = set(), [UserError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


GUARDED = ("dashboard/data", "dashboard/query", "dashboard/team", "dashboard/viz", "dashboard/errors.py")


def test_the_data_layer_raises_no_message_that_cannot_be_translated():
    """A user error made from an f-string or a plain string literal is English only: its text must be a message
    marked for translation (``N_("... {name}")`` with the data as fields), or a name bound to one."""
    classes = _user_error_classes()
    root = Path(dashboard.__file__).parent.parent
    found = []
    for place in GUARDED:
        paths = [root / place] if place.endswith(".py") else sorted((root / place).rglob("*.py"))
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes
                        and node.args and (isinstance(node.args[0], ast.JoinedStr | ast.BinOp)
                                           or (isinstance(node.args[0], ast.Constant)
                                           and isinstance(node.args[0].value, str)))):
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.func.id}")
    assert not found, found
    assert {"UnreadableFile", "StoreError", "ConflictError", "Problem", "WorkflowError"} <= classes


def test_a_commune_filter_refusal_says_why_in_french():
    from dashboard.query import communes

    exc = _raised(lambda: communes.code("Atlantide"))
    assert exc.text(tr("fr")) == ("commune 'Atlantide' : « Atlantide » n'est ni une commune de la région de Ségou "
                                  "d'avant 2023, ni le chef-lieu de l'une d'elles, ni une graphie de la table.")
    assert "is not a pre-2023 commune" in str(exc)  # the geocoder's English reason stays the record's


def test_an_id_taken_from_another_dataset_is_said_in_french():
    from dashboard.data import provenance
    from dashboard.data.validate import problem_text

    (found,) = provenance.id_problems(["SEG-2025-900"], [2], "user")
    assert found["problem"].startswith("ids starting with SEG- belong to the segou-curated dataset")
    assert problem_text(found["problem"], found["said"], tr("fr")).startswith(
        "les identifiants commençant par SEG- appartiennent au jeu de données segou-curated")
