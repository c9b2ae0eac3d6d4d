"""The app started the other ways people start it draws the same offline map as ``incident-map serve``:

* ``streamlit run dashboard/ui/app.py`` from the repository root (what most contributors try first): Streamlit
  reads ``dashboard/ui/.streamlit/config.toml`` beside the script, which turns on the static serving of the
  vendored Leaflet assets and binds 127.0.0.1;
* ``incident-map serve`` from the wheel installed into a fresh venv (``tests/wheel.py``), run outside the
  repository with no ``--store``: the bundled data goes into the per-user data folder."""

from __future__ import annotations

import os
import sys

import pytest

from tests import serving
from tests.browser.conftest import recorded_page
from tests.browser.mapcheck import assert_bundled_map_draws
from tests.wheel import REPO

pytestmark = pytest.mark.browser


def test_streamlit_run_from_the_repository_root_draws_the_map_offline(browser, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENT_MAP_", "STREAMLIT_"))}
    env["INCIDENT_MAP_STORE"] = str(tmp_path / "incidents.gpkg")  # not the checkout's data/incidents.gpkg
    env["HOME"] = str(tmp_path / "home")  # no ~/.streamlit/config.toml of the machine's user

    def command(port: int) -> list[str]:  # the README's command, only the port added (another test may use 8501)
        return [sys.executable, "-m", "streamlit", "run", "dashboard/ui/app.py", "--server.port", str(port)]

    try:
        with serving.serve_command(command, tmp_path / "server", env=env, cwd=REPO) as served, \
                recorded_page(browser, served.base) as web:
            assert_bundled_map_draws(web, "streamlit_run_map.png")
    except serving.ServerError as exc:
        pytest.fail(str(exc))


def test_the_installed_wheel_serves_the_bundled_map_offline(installed_wheel, browser, tmp_path):
    def command(port: int) -> list[str]:
        return [str(installed_wheel.cli), "serve", "--port", str(port)]

    try:
        with serving.serve_command(command, tmp_path / "server", env=installed_wheel.env(),
                                   cwd=installed_wheel.workdir) as served, \
                recorded_page(browser, served.base) as web:
            assert_bundled_map_draws(web, "installed_wheel_map.png")
    except serving.ServerError as exc:
        pytest.fail(str(exc))
    assert (installed_wheel.user_data / "incidents.gpkg").is_file()
