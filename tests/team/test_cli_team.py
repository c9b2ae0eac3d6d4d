"""CLI parity (issue 14): accounts added and listed, every record change made as a named local account whose role
is checked, the history naming the accounts and reasons; a store without accounts works as before."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.store import open_store
from dashboard.team.workflow import status_of
from tests.factories import flat, row

PASSWORDS = {"boss": "admin password 1", "awa": "editor password 1", "ibrahim": "reviewer password"}


@pytest.fixture
def team_store(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    store = str(tmp_path / "team.gpkg")
    runner = CliRunner()
    for name, role in (("boss", "admin"), ("awa", "editor"), ("ibrahim", "reviewer")):
        env = {"INCIDENT_MAP_NEW_PASSWORD": PASSWORDS[name], "INCIDENT_MAP_PASSWORD": PASSWORDS["boss"]}
        args = ["user", "add", name, "--role", role, "--store", store] + ([] if name == "boss" else ["--user", "boss"])
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
    return store


def _as(name: str, *args: str, password: str | None = None):
    return CliRunner().invoke(app, [*args, "--user", name],
                              env={"INCIDENT_MAP_PASSWORD": password or PASSWORDS[name]})


def test_the_first_account_is_an_admin_and_only_an_admin_adds_others(tmp_path, team_store):
    runner = CliRunner()
    first = runner.invoke(app, ["user", "add", "x1", "--role", "editor", "--store", str(tmp_path / "new.gpkg")],
                          env={"INCIDENT_MAP_NEW_PASSWORD": "long enough pass"})
    assert first.exit_code == 4 and "must be an admin" in first.output
    by_editor = _as("awa", "user", "add", "x2", "--role", "admin", "--store", team_store)
    assert by_editor.exit_code == 4 and "admin" in by_editor.output
    listed = runner.invoke(app, ["user", "list", "--store", team_store])
    assert [line.split("\t")[:2] for line in listed.output.splitlines()] == [
        ["awa", "editor"], ["boss", "admin"], ["ibrahim", "reviewer"]]


def test_an_import_edit_and_review_run_as_named_accounts(tmp_path, team_store):
    csv = tmp_path / "new.csv"
    flat(row(incident_id="N-1")).to_csv(csv, index=False)
    anonymous = CliRunner().invoke(app, ["import", str(csv), "--store", team_store])
    assert anonymous.exit_code == 4 and "--user" in anonymous.output
    assert _as("awa", "import", str(csv), "--store", team_store, "--publish").exit_code == 4  # an editor cannot
    assert _as("awa", "import", str(csv), "--store", team_store).exit_code == 0
    store = open_store(team_store)
    assert status_of(store, "N-1")[0] == "draft"

    assert CliRunner().invoke(app, ["edit", "N-1", "--set", "fatalities_max=38", "--reason", "x",
                                    "--store", team_store]).exit_code == 4  # no account named
    wrong = _as("awa", "edit", "N-1", "--set", "fatalities_max=38", "--reason", "x", "--store", team_store,
                password="not the password")
    assert wrong.exit_code == 4 and "Wrong name or password" in wrong.output
    assert _as("awa", "edit", "N-1", "--set", "fatalities_max=38", "--reason", "second source",
               "--store", team_store).exit_code == 0
    assert _as("awa", "submit", "N-1", "--store", team_store).exit_code == 0
    assert _as("awa", "publish", "N-1", "--store", team_store).exit_code == 4  # an editor does not publish
    sent = _as("ibrahim", "send-back", "N-1", "--comment", "which outlet?", "--store", team_store)
    assert sent.exit_code == 0, sent.output
    assert status_of(store, "N-1")[:3:2] == ("draft", "which outlet?")
    assert _as("awa", "submit", "N-1", "--store", team_store).exit_code == 0
    published = _as("ibrahim", "publish", "N-1", "--reason", "two outlets agree", "--store", team_store)
    assert published.exit_code == 0, published.output
    assert _as("ibrahim", "withdraw", "N-1", "--store", team_store).exit_code == 2  # --reason is required

    doc = json.loads(CliRunner().invoke(app, ["history", "N-1", "--store", team_store, "--json"]).output)
    assert [(c["kind"], c["author"], c["reason"]) for c in doc["changes"]][1] == ("edit", "awa", "second source")
    review = [(r["kind"], r["author"], r["reason"], r["status"]) for r in doc["review"]]
    assert review[0] == ("import", "awa", "import of new.csv (native)", "draft")
    assert ("send_back", "ibrahim", "which outlet?", "draft") in review
    assert review[-1] == ("publish", "ibrahim", "two outlets agree", "published")
    text = CliRunner().invoke(app, ["history", "N-1", "--store", team_store]).output
    assert "review: publish by ibrahim → published" in text
