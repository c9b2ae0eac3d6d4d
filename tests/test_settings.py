"""One settings object, read from the environment in one place: defaults, overrides, errors, and the hand-over
from ``incident-map serve`` to the app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dashboard
from dashboard import settings as settings_module
from dashboard.settings import (
    DATA_DIR_ENV,
    MAX_MARKER_BYTES,
    MAX_MARKERS,
    MAX_MARKERS_ENV,
    PUBLIC_ENV,
    STORE_ENV,
    Settings,
    SettingsError,
    default_data_dir,
    is_checkout,
)

REPO = Path(__file__).resolve().parents[1]


def test_a_checkout_keeps_its_store_in_data():
    assert is_checkout(REPO)
    s = Settings.from_env({})
    assert s.data_dir == REPO / "data"
    assert s.store == REPO / "data" / "incidents.gpkg"
    assert (s.public, s.max_markers, s.max_marker_bytes) == (False, MAX_MARKERS, MAX_MARKER_BYTES)


def test_an_installed_package_keeps_its_store_in_the_per_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs' Linux rule
    site_packages = tmp_path / "site-packages"
    (site_packages / "dashboard").mkdir(parents=True)
    assert not is_checkout(site_packages)
    assert default_data_dir(site_packages) == tmp_path / "xdg" / "segou-incident-map"


def test_the_environment_overrides_each_default(tmp_path):
    s = Settings.from_env({DATA_DIR_ENV: str(tmp_path / "d"), PUBLIC_ENV: "yes", MAX_MARKERS_ENV: "40"})
    assert s.data_dir == tmp_path / "d"
    assert s.store == tmp_path / "d" / "incidents.gpkg"
    assert s.public and s.max_markers == 40
    assert Settings.from_env({STORE_ENV: str(tmp_path / "x.gpkg"), DATA_DIR_ENV: str(tmp_path / "d")}).store == \
        tmp_path / "x.gpkg"  # the store itself wins over the data folder


@pytest.mark.parametrize(("name", "value"), [
    (PUBLIC_ENV, "maybe"), (MAX_MARKERS_ENV, "0"), (MAX_MARKERS_ENV, "many"), (MAX_MARKERS_ENV, "-3"),
])
def test_an_unusable_value_is_an_error_naming_the_variable(name, value):
    with pytest.raises(SettingsError, match=rf"\${name}"):
        Settings.from_env({name: value})


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_public_mode_is_off_unless_asked_for(value):
    assert not Settings.from_env({PUBLIC_ENV: value}).public


def test_serve_hands_the_same_settings_to_the_app(tmp_path):
    s = Settings.from_env({STORE_ENV: str(tmp_path / "s.gpkg"), PUBLIC_ENV: "1", MAX_MARKERS_ENV: "12"})
    assert Settings.from_env(s.to_env()) == s
    assert Settings.from_env(Settings.from_env({}).to_env()) == Settings.from_env({})


def test_options_on_the_command_line_only_add_to_the_environment(tmp_path):
    public = Settings.from_env({PUBLIC_ENV: "1"})
    assert public.with_public(False).public  # --public absent cannot switch a public deployment off
    assert Settings.from_env({}).with_public(True).public
    assert public.with_store(None) == public
    assert public.with_store(tmp_path / "o.gpkg").store == tmp_path / "o.gpkg"


def test_only_the_settings_module_reads_the_environment():
    """The CLI and the app take a Settings; a new ``os.environ``/``os.getenv`` read elsewhere is a second source of
    configuration."""
    package = Path(dashboard.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        if path == Path(settings_module.__file__) or "static" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not offenders, offenders


def test_the_cli_reads_its_settings_from_the_environment(tmp_path):
    from typer.testing import CliRunner

    from dashboard.cli import app
    from dashboard.data.store import write_store
    from tests.factories import incidents, row

    store = tmp_path / "s.gpkg"
    write_store(store, incidents(row(geocoded_from="an internal note")))
    runner = CliRunner()
    out = tmp_path / "out.csv"

    result = runner.invoke(app, ["stats", "--json"], env={STORE_ENV: str(store)})
    assert result.exit_code == 0, result.output
    assert '"incidents": 1' in result.output  # the store named by the environment, not the default one

    result = runner.invoke(app, ["export", "--format", "csv", "-o", str(out), "--store", str(store)],
                           env={PUBLIC_ENV: "1"})
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    header = next(line for line in lines if not line.startswith("#")).split(",")  # after the metadata # lines
    assert "latitude" in header and "geocoded_from" not in header  # a public deployment exports coarsened data

    result = runner.invoke(app, ["stats", "--store", str(store)], env={MAX_MARKERS_ENV: "lots"})
    assert result.exit_code == 2
    assert f"${MAX_MARKERS_ENV}" in result.output


def test_the_app_says_which_variable_is_wrong_instead_of_failing(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.ui.common import md_escape

    monkeypatch.setenv(STORE_ENV, str(tmp_path / "s.gpkg"))
    monkeypatch.setenv(MAX_MARKERS_ENV, "lots")
    at = AppTest.from_file(str(REPO / "dashboard" / "ui" / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [md_escape(f"The dashboard is misconfigured: ${MAX_MARKERS_ENV} must be a "
                                                     "whole number above 0; got 'lots'")]
    assert not (tmp_path / "s.gpkg").exists()  # stopped before touching the store


def test_the_map_page_follows_the_marker_budget_from_the_environment(tmp_path, monkeypatch):
    import json

    from streamlit.testing.v1 import AppTest

    def map_script(budget: str | None) -> str:
        if budget is None:
            monkeypatch.delenv(MAX_MARKERS_ENV, raising=False)
        else:
            monkeypatch.setenv(MAX_MARKERS_ENV, budget)
        at = AppTest.from_file(str(REPO / "dashboard" / "ui" / "app.py"), default_timeout=90).run()
        assert not at.exception, [e.value for e in at.exception]
        components = [el for el in _walk(at.main) if getattr(el, "type", None) == "component_instance"]
        return json.loads(components[0].proto.json_args)["script"]

    monkeypatch.setenv(STORE_ENV, str(tmp_path / "s.gpkg"))  # the bundled incidents: well under the default
    default = map_script(None)
    assert "incident-marker precision-" in default and "incident-hex" not in default
    small = map_script("2")
    assert "incident-hex" in small and "incident-marker precision-" not in small


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)
