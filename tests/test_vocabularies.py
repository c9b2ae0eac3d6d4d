"""One vocabulary per concept: the export formats and the import formats every surface names come from their
registry, and errors a user can act on are told apart from bugs."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from dashboard import cli
from dashboard.cli import app
from dashboard.data import import_job
from dashboard.data.import_job import ImportCrashed
from dashboard.data.sources import registry
from dashboard.data.sources.registry import ADAPTERS, SourceAdapter, expected_layouts, formats
from dashboard.errors import LayoutError, UnreadableFile, UserError
from dashboard.export.exporters import EXPORTERS
from tests.test_streamlit_config import streamlit_options
from tests.ui.test_app import open_page, store  # noqa: F401  (store: autouse fixture)
from tests.ui.test_export_pages import download_buttons, recording_media  # noqa: F401  (autouse fixture)

runner = CliRunner()
OCT = {"from": "2025-10-01", "to": "2025-10-31"}


def cli_export_formats() -> set[str]:
    result = runner.invoke(app, ["export", "--format", "nothing", "-o", "x"])
    assert result.exit_code == 2
    listed = re.search(r"--format must be one of (.*?); got", " ".join(result.output.replace("│", " ").split()))
    return set(listed[1].split(", "))


def page_export_formats(at) -> set[str]:
    """The formats of the page's buttons (the evidence pack, a ZIP of the registered formats, is not one)."""
    return {re.sub(r"^dl_|_(en|fr)$", "", key) for key in download_buttons(at) if key != "dl_pack"}


def test_the_cli_formats_are_the_export_page_buttons():
    at = open_page("export", **OCT)
    assert cli_export_formats() == page_export_formats(at) == {e.name for e in EXPORTERS}
    public = {e.name for e in EXPORTERS if e.public}
    assert public and public < {e.name for e in EXPORTERS}


def test_the_public_page_offers_only_the_public_formats(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    assert page_export_formats(open_page("export", **OCT)) == {e.name for e in EXPORTERS if e.public}


DEMO = SourceAdapter("demo", "demo", lambda cols: "demo_id" in cols, lambda raw: raw, "Demo files (DEMO)",
                     "a demo file (demo_id, ...)")


def unrecognised(tmp_path) -> str:
    path = tmp_path / "other.csv"
    path.write_text("name,value\na,1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "--store", str(tmp_path / "s.gpkg")])
    assert result.exit_code == 2
    return " ".join(result.output.split())


@pytest.mark.parametrize("extra", [(), (DEMO,)], ids=["registry", "registry-plus-one"])
def test_import_formats_listed_everywhere_come_from_the_adapter_registry(monkeypatch, tmp_path, extra):
    monkeypatch.setattr(registry, "ADAPTERS", (*ADAPTERS, *extra))
    # the CLI imports in a child: forked when the CLI has one thread, else a fresh interpreter, which would not see
    # the registry patched here (a thread left by an earlier test in the same process makes it spawn)
    monkeypatch.setattr(import_job, "_spawned", import_job._forked)
    names = ["auto", *(a.name for a in registry.ADAPTERS)]
    assert list(formats()) == names
    # the CLI: its --format check, and the error for a file no adapter recognises
    bad = runner.invoke(app, ["import", str(tmp_path / "x.csv"), "--format", "excel"])
    assert bad.exit_code == 2
    listed = re.search(r"--format must be (.*?); got", " ".join(bad.output.replace("│", " ").split()))[1]
    assert re.split(r", | or ", listed) == names
    message = unrecognised(tmp_path)
    assert expected_layouts() in message and all(a.layout in message for a in registry.ADAPTERS)
    # the Data page: its choice of layout and what it says can be imported
    at = open_page("data")
    assert list(at.selectbox(key="import_format").options) == names
    text = " ".join(m.value for m in at.markdown)
    assert all(a.description in text for a in registry.ADAPTERS)


def test_the_cli_help_lists_every_adapter_and_exporter():
    help_text = " ".join(runner.invoke(app, ["import", "--help"]).output.replace("│", " ").split())
    for a in ADAPTERS:
        assert a.description in help_text and f"--format {a.name}" in help_text
    help_text = " ".join(runner.invoke(app, ["export", "--help"]).output.replace("│", " ").split())
    assert all(f"{e.name} ({e.summary})" in help_text for e in EXPORTERS)


def test_every_error_class_is_a_user_error():
    from dashboard import errors

    classes = [getattr(errors, name) for name in errors.__all__]
    assert all(issubclass(c, UserError) for c in classes)


def test_the_cli_reports_a_user_error_and_lets_a_bug_surface(monkeypatch, tmp_path):
    def unreadable(*_a, **_k):
        raise UnreadableFile("it.csv: the file is empty; expected a CSV with a header row")

    monkeypatch.setattr(cli, "run_import", unreadable)
    told = runner.invoke(app, ["import", str(tmp_path / "it.csv")])
    assert told.exit_code == 2 and told.output == "error: it.csv: the file is empty; expected a CSV with a header row\n"

    def bug(*_a, **_k):
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "run_import", bug)
    crashed = runner.invoke(app, ["import", str(tmp_path / "it.csv")])
    assert crashed.exit_code == 1 and isinstance(crashed.exception, KeyError) and "error:" not in crashed.output


def test_the_data_page_reports_a_user_error_and_lets_a_bug_surface(monkeypatch):
    from dashboard.ui.pages import data_page

    def layout_problem(*_a, **_k):
        raise LayoutError("x.csv: missing required column(s) sources")

    def crashed(*_a, **_k):  # the import's child process failed: its traceback is in the server's log
        raise ImportCrashed("x.csv: the import failed (KeyError); nothing was written; the details are in the log")

    def bug(*_a, **_k):
        raise KeyError("a bug")

    for fake, expected in ((layout_problem, "missing required column"), (crashed, data_page.IMPORT_FAILED),
                           (bug, None)):
        monkeypatch.setattr(data_page, "run_import", fake)
        at = open_page("data")
        at.get("file_uploader")[0].upload("x.csv", b"a,b\n1,2\n", "text/csv").run()
        at.button(key="import_go").click().run()
        if expected:
            assert not at.exception and expected in at.error[0].value
            assert "KeyError" not in at.error[0].value
        else:  # in-process tests let a bug raise (tests/conftest.py); served, it is one sentence (main.BUG_MESSAGE)
            assert at.exception and "KeyError" in at.exception[0].value + str(at.exception[0].proto)


def test_a_bug_in_the_served_app_shows_no_details(monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(cli, "run_replacing_this_process", lambda cmd, env: commands.append(cmd))
    runner.invoke(app, ["serve", "--port", "8999"])
    cmd = commands[0]
    # set in dashboard/ui/.streamlit/config.toml beside the script serve runs (tests/test_streamlit_config.py)
    assert cmd[cmd.index("run") + 1] == str(cli.APP_SCRIPT)
    assert not [a for a in cmd if a.startswith("--client.showErrorDetails")]
    assert streamlit_options(cli.APP_SCRIPT, ["client.showErrorDetails"], cwd=tmp_path) == \
        {"client.showErrorDetails": "none"}
